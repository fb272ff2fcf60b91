// Nova's timestamp formats, one function per format its API uses.

/** A database time as Nova's views print it: no zone, microseconds (2018-04-25T01:26:29.000000). */
export function novaTime(t: string | null): string | null {
  if (t === null) return null;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]00:00)?$/.exec(t);
  return m ? `${m[1]}${(m[2] ?? '.').padEnd(7, '0').slice(0, 7)}` : t;
}
