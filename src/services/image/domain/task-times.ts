// Task times as Glance's DB rows keep them (microseconds, no zone); the API's views reword them.

/** Glance's [task] task_time_to_live: 48 hours after a task ends. */
const TASK_TTL_MS = 48 * 3600 * 1000;

export const taskTime = (ms = Date.now()): string => new Date(ms).toISOString().replace(/\.(\d+)Z$/, (_m, f: string) => `.${f.padEnd(6, '0')}`);

/** When an ended task expires. */
export const taskExpiry = (): string => taskTime(Date.now() + TASK_TTL_MS);
