// Cinder's timestamp format, the one its API uses: a DateTime column serialised by oslo's jsonutils
// (PERFECT_TIME_FORMAT '%Y-%m-%dT%H:%M:%S.%f', no zone; api-ref samples "2018-11-29T06:50:07.770785"):
// volumes', snapshots', backups' (and data_timestamp), attachments' attached_at/detached_at,
// transfers', groups', group snapshots', messages' created_at/guaranteed_until, services' and
// os-hosts' updated_at/last-update. The stores keep it as is, so views print the stored value.

/** Now (or `ms`) as Cinder prints a DateTime: microseconds, no zone. */
export const cinderTime = (ms = Date.now()): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');

export const now = (): string => cinderTime();
