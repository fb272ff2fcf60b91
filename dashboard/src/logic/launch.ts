// The launch wizard's request and CLI line from its values, its checks, and the security group
// changes of "Edit security groups" (free of React, for the unit tests).
import type { Messages } from '../i18n/en.js';
import { parseMetadata, sizeError } from './servers.js';
import { list, q, str, type Values } from './values.js';

type Row = Record<string, any>;
type Key = keyof Messages;

export const bySource = (...sources: string[]) => (v: Values) => sources.includes(str(v.source) || 'image');
export const onVolume = (v: Values) => { const src = str(v.source) || 'image'; return src !== 'image' || v.new_volume === true; };

/** The block device the server boots from, when it boots from a volume. */
function bootDevice(v: Values): Row | undefined {
  const src = str(v.source) || 'image';
  const dot = v.delete_on_termination === true;
  if (src === 'volume') return { boot_index: 0, uuid: str(v.boot_volume), source_type: 'volume', destination_type: 'volume', delete_on_termination: dot };
  if (src === 'snapshot') return { boot_index: 0, uuid: str(v.boot_snapshot), source_type: 'snapshot', destination_type: 'volume', volume_size: Number(v.volume_size), delete_on_termination: dot };
  if (v.new_volume === true) return { boot_index: 0, uuid: str(v.image), source_type: 'image', destination_type: 'volume', volume_size: Number(v.volume_size), delete_on_termination: dot };
  return undefined;
}

export function serverBody(v: Values): Row {
  const bdm = bootDevice(v);
  const nets = [...list(v.ports).map((port) => ({ port })), ...(v.network ? [{ uuid: str(v.network) }] : [])];
  const meta = parseMetadata(str(v.metadata));
  const count = Number(str(v.count) || '1');
  const groups = list(v.secgroups);
  return {
    server: {
      name: str(v.name), flavorRef: str(v.flavor),
      ...(bdm ? { block_device_mapping_v2: [bdm] } : { imageRef: str(v.image) }),
      networks: nets.length ? nets : 'auto',
      ...(groups.length ? { security_groups: groups.map((name) => ({ name })) } : {}),
      ...(v.key ? { key_name: str(v.key) } : {}),
      ...(v.user_data ? { user_data: btoa(unescape(encodeURIComponent(str(v.user_data)))) } : {}),
      ...(meta.ok && Object.keys(meta.metadata).length ? { metadata: meta.metadata } : {}),
      ...(count > 1 ? { min_count: count, max_count: count } : {}),
    },
    ...(v.group ? { 'os:scheduler_hints': { group: str(v.group) } } : {}),
  };
}

export function launchCli(v: Values): string {
  const bdm = bootDevice(v);
  const meta = parseMetadata(str(v.metadata));
  const count = Number(str(v.count) || '1');
  const parts = ['openstack server create', `--flavor ${str(v.flavor)}`];
  if (bdm) parts.push(`--block-device ${Object.entries(bdm).map(([k, x]) => `${k}=${x}`).join(',')}`);
  else parts.push(`--image ${str(v.image)}`);
  for (const p of list(v.ports)) parts.push(`--port ${p}`);
  if (v.network) parts.push(`--network ${str(v.network)}`);
  for (const g of list(v.secgroups)) parts.push(`--security-group ${q(g)}`);
  if (v.key) parts.push(`--key-name ${q(str(v.key))}`);
  if (v.user_data) parts.push('--user-data user-data.txt');
  if (meta.ok) for (const [k, x] of Object.entries(meta.metadata)) parts.push(`--property ${q(`${k}=${x}`)}`);
  if (v.group) parts.push(`--hint group=${str(v.group)}`);
  if (count > 1) parts.push(`--min ${count} --max ${count}`);
  parts.push(q(str(v.name)));
  return parts.join(' ');
}

export function validateLaunch(v: Values): Partial<Record<string, Key>> {
  const out: Partial<Record<string, Key>> = {};
  const meta = parseMetadata(str(v.metadata));
  if (!meta.ok) out.metadata = meta.error;
  const count = str(v.count);
  if (count !== '' && !/^[1-9]\d*$/.test(count)) out.count = 'size.whole';
  if (onVolume(v) && !bySource('volume')(v)) { const e = sizeError(str(v.volume_size)); if (e) out.volume_size = e; }
  return out;
}

/** The security groups to add and remove for the chosen set (from the groups the server has). */
export function groupChanges(server: Row | undefined, chosen: string[]): { add: string[]; remove: string[] } {
  const has = [...new Set(((server?.security_groups ?? []) as Row[]).map((g) => g.name as string))];
  return { add: chosen.filter((g) => !has.includes(g)), remove: has.filter((g) => !chosen.includes(g)) };
}

