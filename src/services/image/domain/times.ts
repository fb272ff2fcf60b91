// Glance's timestamp formats, one function per format its API uses.
//
//   isotime   glance.common.timeutils.isotime: whole seconds and 'Z' (2016-06-29T16:13:07Z):
//             images', members' and metadefs' created_at/updated_at (their DB rows keep this
//             form), the tasks API's created_at/updated_at/expires_at (api/v2/tasks.py _format_task)
//   taskTime  a task's DB row as is, microseconds and no zone (2020-12-18T05:20:38.000000):
//             GET /v2/images/{id}/tasks (api/v2/images.py get_task_info serialises the rows);
//             the tasks API rewords it with isotime

/** Glance's [task] task_time_to_live: 48 hours after a task ends. */
const TASK_TTL_MS = 48 * 3600 * 1000;

/** Now (or `ms`) as Glance's isotime. */
export const glanceNow = (ms = Date.now()): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** A stored time (isotime's or taskTime's) as glance's isotime. */
export const isotime = (t: string): string => `${t.slice(0, 19)}Z`;

export const taskTime = (ms = Date.now()): string => new Date(ms).toISOString().replace(/\.(\d+)Z$/, (_m, f: string) => `.${f.padEnd(6, '0')}`);

/** When an ended task expires. */
export const taskExpiry = (): string => taskTime(Date.now() + TASK_TTL_MS);
