// A form's values and the small helpers that read them (free of React and of the browser, for the unit tests).

export type Values = Record<string, string | string[] | boolean | File | undefined>;

export const str = (v: Values[string]) => (typeof v === 'string' ? v : '');
export const list = (v: Values[string]) => (Array.isArray(v) ? v : []);
/** A word as a shell takes it (quoted where it needs to be), for the CLI lines. */
export const q = (s: string) => (/^[\w.:/@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
