// Nova's timestamp formats, one function per format its API uses. Every compute view formats its
// times here; the stores keep ISO 8601 UTC strings ("...Z", whole seconds or milliseconds).
//
//   novaTime  a datetime serialised by oslo's jsonutils (PERFECT_TIME_FORMAT '%Y-%m-%dT%H:%M:%S.%f',
//             no zone): OS-SRV-USG:*, keypairs, aggregates, services, availability zones, instance
//             actions and events, simple tenant usage, migrations (nova/api/openstack/wsgi.py
//             JSONDictSerializer → jsonutils.dumps; doc/api_samples: "2018-04-25T01:26:29.000000")
//   isoTime   nova.utils.isotime ('%Y-%m-%dT%H:%M:%S' + 'Z'): servers' created/updated, a fault's
//             created, images' created/updated (views/servers.py, views/images.py)
//   strTime   str(datetime) ('%Y-%m-%d %H:%M:%S'): the instance usage audit log's period
//             (api/openstack/compute/instance_usage_audit_log.py)

const ISO = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]00:?00)?$/;

/** A database time as Nova's views print it: no zone, microseconds (2018-04-25T01:26:29.000000). */
export function novaTime(t: string | null): string | null {
  if (t === null) return null;
  const m = ISO.exec(t);
  return m ? `${m[1]}T${m[2]}${(m[3] ?? '.').padEnd(7, '0').slice(0, 7)}` : t;
}

/**
 * novaTime of a Date (periods the API computes rather than reads); `given`, the client's own text
 * of it when in UTC, keeps the microseconds a Date cannot hold.
 */
export const novaTimeOf = (d: Date, given?: string): string =>
  novaTime(given !== undefined && ISO.test(given) ? given : d.toISOString())!;

/** nova.utils.isotime: whole seconds and 'Z' (2012-08-20T21:11:09Z). */
export function isoTime(t: string): string;
export function isoTime(t: string | null): string | null;
export function isoTime(t: string | null): string | null {
  if (t === null) return null;
  const m = ISO.exec(t);
  return m ? `${m[1]}T${m[2]}Z` : t;
}

/** str(datetime) of a whole-second time: a space, no zone (2012-06-01 00:00:00). */
export const strTime = (d: Date): string => d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
