// Keystone's timestamp formats, one function per format its API uses.
//
//   isoTime     keystone.common.utils.isotime(subsecond=True): microseconds and 'Z'
//               (2015-08-27T09:49:58.000000Z): tokens' expires_at and issued_at, trusts' expires_at
//               (api/trusts.py _normalize_trust_expires_at), OAuth1 tokens' expires_at
//               (oauth1/backends/sql.py), revocation events' issued_before/revoked_at
//   naiveUtc    a DateTime column serialised as is: microseconds, no zone
//               (2018-02-27T18:30:59.000000): application credentials' expires_at, users'
//               password_expires_at (api-ref samples application-credential-*.json, user-*.json)

/** keystone.common.utils.isotime(at, subsecond=True) of epoch milliseconds. */
export const isoTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** A stored naive UTC time (naiveUtc's) with Keystone's isotime zone: trusts' expires_at. */
export const zoned = (naive: string | null): string | null => (naive === null ? null : `${naive}Z`);

/**
 * A client's expiry as Keystone keeps it: naive UTC with microseconds ("2026-11-22T17:35:01.374488"),
 * or undefined when it is not an ISO 8601 time.
 */
export function naiveUtc(text: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:?\d\d)?$/.exec(text);
  if (!m) return undefined;
  const [, base, frac = '', zone] = m;
  if (zone && zone !== 'Z') {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return undefined;
    return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
  }
  if (Number.isNaN(Date.parse(`${base}Z`))) return undefined;
  return `${base}.${frac.padEnd(6, '0')}`;
}
