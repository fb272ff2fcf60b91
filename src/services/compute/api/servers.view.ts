// Records → Nova's server bodies, per microversion (nova/api/openstack/compute/views/servers.py).
import { createHash } from 'node:crypto';
import type { FaultRecord, InstanceRecord } from '../store/servers.store.js';
import { statusOf } from '../domain/servers.states.js';
import type { MvCheck } from './common.js';
import { isoTime, novaTime } from './times.js';

export interface ViewContext {
  /** The public base URL of compute, e.g. http://host:port/compute */
  computeUrl: string;
  mv: MvCheck;
  /** os_compute_api:os-extended-server-attributes allowed (admin). */
  extendedAttrs: boolean;
  /** The fault details shown only to admin for code 500. */
  isAdmin: boolean;
  /** show:flavor-extra-specs allowed. */
  extraSpecs: boolean;
}

const hostIds = new Map<string, string>();

/** Nova's hostId: sha224 of the project and host (kept: a page's servers share few of them). */
export const hostId = (s: InstanceRecord): string => {
  if (!s.host) return '';
  const key = `${s.project_id}${s.host}`;
  let id = hostIds.get(key);
  if (id === undefined) {
    if (hostIds.size >= 10_000) hostIds.clear();
    hostIds.set(key, (id = createHash('sha224').update(key).digest('hex')));
  }
  return id;
};

export function links(v: ViewContext, collection: string, id: string) {
  const root = v.computeUrl;
  return [
    { rel: 'self', href: `${root}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${root}/${collection}/${id}` },
  ];
}


export function serverBasic(v: ViewContext, s: InstanceRecord) {
  return { id: s.id, name: s.name, links: links(v, 'servers', s.id) };
}

export interface ServerExtras {
  fault?: FaultRecord; tags?: string[]; hostStatus?: string; serverGroups?: string[]; showUserData?: boolean;
  /** PUT and rebuild before 2.75 answer only the common attributes. */
  minimal?: boolean;
  addresses?: Record<string, unknown[]>;
}

export function serverDetail(v: ViewContext, s: InstanceRecord, x: ServerExtras = {}): Record<string, unknown> {
  const status = statusOf(s.vm_state, s.task_state, s.deleted);
  const out: Record<string, unknown> = {
    id: s.id, name: s.name, status, tenant_id: s.project_id, user_id: s.user_id, metadata: s.metadata, hostId: hostId(s),
    image: s.image_ref ? { id: s.image_ref, links: [{ rel: 'bookmark', href: `${v.computeUrl}/images/${s.image_ref}` }], ...(v.mv('2.98') ? { properties: {} } : {}) } : '',
    flavor: v.mv('2.47')
      ? { vcpus: s.flavor.vcpus, ram: s.flavor.ram, disk: s.flavor.disk, ephemeral: s.flavor.ephemeral, swap: s.flavor.swap, original_name: s.flavor.name, ...(v.extraSpecs ? { extra_specs: s.flavor.extraSpecs } : {}) }
      : { id: s.flavor.id, links: [{ rel: 'bookmark', href: `${v.computeUrl}/flavors/${s.flavor.id}` }] },
    created: isoTime(s.created_at), updated: isoTime(s.updated_at),
    addresses: x.addresses ?? {}, accessIPv4: s.access_ip_v4 ?? '', accessIPv6: s.access_ip_v6 ?? '',
    links: links(v, 'servers', s.id),
    'OS-DCF:diskConfig': s.auto_disk_config ? 'AUTO' : 'MANUAL',
  };
  if ((status === 'ERROR' || status === 'DELETED') && x.fault) {
    const f: Record<string, unknown> = { code: x.fault.code, created: isoTime(x.fault.created_at), message: x.fault.message };
    if (x.fault.details && (v.isAdmin || x.fault.code !== 500)) f.details = x.fault.details;
    out.fault = f;
  }
  if (['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING'].includes(status)) out.progress = s.progress;
  if (x.minimal) {
    if (v.mv('2.9')) out.locked = s.locked;
    if (v.mv('2.19')) out.description = s.description;
    if (v.mv('2.26')) out.tags = x.tags ?? [];
    if (v.mv('2.63')) out.trusted_image_certificates = s.trusted_certs;
    if (x.serverGroups !== undefined) out.server_groups = x.serverGroups;
    if (v.mv('2.73')) out.locked_reason = s.locked_reason;
    if (v.mv('2.90')) out['OS-EXT-SRV-ATTR:hostname'] = s.hostname;
    if (v.mv('2.96')) out.pinned_availability_zone = s.requested_az;
    return out;
  }
  out['OS-EXT-AZ:availability_zone'] = s.availability_zone ?? '';
  out.config_drive = s.config_drive;
  out.key_name = s.key_name;
  out['OS-SRV-USG:launched_at'] = novaTime(s.launched_at);
  out['OS-SRV-USG:terminated_at'] = novaTime(s.terminated_at);
  // NOTE: Nova leaves the key out when the server has no security group left.
  if (s.security_groups.length) out.security_groups = s.security_groups.map((g) => ({ name: g.name }));
  if (v.extendedAttrs) {
    out['OS-EXT-SRV-ATTR:host'] = s.host;
    out['OS-EXT-SRV-ATTR:instance_name'] = instanceName(s);
    out['OS-EXT-SRV-ATTR:hypervisor_hostname'] = s.node;
    if (v.mv('2.3')) {
      out['OS-EXT-SRV-ATTR:hostname'] = s.hostname;
      out['OS-EXT-SRV-ATTR:kernel_id'] = '';
      out['OS-EXT-SRV-ATTR:launch_index'] = s.launch_index;
      out['OS-EXT-SRV-ATTR:ramdisk_id'] = '';
      out['OS-EXT-SRV-ATTR:reservation_id'] = s.reservation_id;
      out['OS-EXT-SRV-ATTR:root_device_name'] = s.host ? '/dev/vda' : null;
      if (x.showUserData !== false) out['OS-EXT-SRV-ATTR:user_data'] = s.user_data;
    }
  }
  out['OS-EXT-STS:task_state'] = s.task_state;
  out['OS-EXT-STS:vm_state'] = s.vm_state;
  out['OS-EXT-STS:power_state'] = s.power_state;
  out['os-extended-volumes:volumes_attached'] = s.block_devices.filter((b) => b.volume_id)
    .map((b) => (v.mv('2.3') ? { id: b.volume_id, delete_on_termination: b.delete_on_termination } : { id: b.volume_id }));
  if (v.mv('2.9')) out.locked = s.locked;
  if (v.mv('2.16') && x.hostStatus !== undefined) out.host_status = x.hostStatus;
  if (v.mv('2.19')) out.description = s.description;
  if (v.mv('2.26')) out.tags = x.tags ?? [];
  if (v.mv('2.63')) out.trusted_image_certificates = s.trusted_certs;
  if (x.serverGroups !== undefined) out.server_groups = x.serverGroups;
  if (v.mv('2.73')) out.locked_reason = s.locked_reason;
  if (v.mv('2.90') && !v.extendedAttrs) out['OS-EXT-SRV-ATTR:hostname'] = s.hostname;
  if (v.mv('2.96')) out.pinned_availability_zone = s.requested_az;
  if (v.mv('2.100')) out.scheduler_hints = Object.fromEntries(Object.entries(s.scheduler_hints).filter(([k]) => k !== 'force_host'));
  return out;
}

/** libvirt-style instance name, as Nova's instance_name_template 'instance-%08x' over a sequence. */
export function instanceName(s: InstanceRecord): string {
  return `instance-${parseInt(s.id.replace(/-/g, '').slice(0, 8), 16).toString(16).padStart(8, '0')}`;
}
