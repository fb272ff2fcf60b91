// The small Cinder resources: limits, quota sets and quota classes, availability zones,
// extensions, services, hosts and the scheduler's pools.
import { Type } from '@sinclair/typebox';
import { BadRequest } from '../../../core/errors/errors.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import { isTrue } from '../domain/listing.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import { now } from '../domain/times.js';
import { AnyQuery, caller, IdParams, ProjectParams, requireVersion, VOLUME_PATH } from './common.js';
import { QuotaSetBody } from './schemas.js';
import { messageView } from './views.js';
import { hostNotFound, serviceHostNotFound, unknownServiceAction } from '../domain/errors.js';

const TargetParams = Type.Object({ project_id: Type.Optional(Type.String()), target: Type.String() });

/** The extensions this Cinder has (cinder/api/contrib), as GET /extensions lists them. */
const EXTENSIONS: [alias: string, name: string, description: string][] = [
  ['os-admin-actions', 'AdminActions', 'Enable admin actions.'],
  ['backups', 'Backups', 'Backups support.'],
  ['groups', 'Groups', 'Generic volume groups support.'],
  ['os-backup-project-attr', 'BackupProjectAttribute', 'Expose project_id as an attribute of a backup.'],
  ['os-availability-zone', 'AvailabilityZones', 'Describe Availability Zones.'],
  ['os-extended-snapshot-attributes', 'ExtendedSnapshotAttributes', 'Extended SnapshotAttributes support.'],
  ['os-hosts', 'Hosts', 'Admin-only host administration.'],
  ['os-quota-class-sets', 'QuotaClasses', 'Quota classes management support.'],
  ['qos-specs', 'Qos_specs_manage', 'QoS specs support.'],
  ['os-volume-transfer', 'VolumeTransfer', 'Volume transfer management support.'],
  ['os-quota-sets', 'Quotas', 'Quota management support.'],
  ['scheduler-stats', 'Scheduler_stats', 'Scheduler stats support.'],
  ['os-services', 'Services', 'Services support.'],
  ['os-snapshot-actions', 'SnapshotActions', 'Enable snapshot manager actions.'],
  ['os-types-extra-specs', 'TypesExtraSpecs', 'Type extra specs support.'],
  ['os-types-manage', 'TypesManage', 'Types manage support.'],
  ['os-used-limits', 'UsedLimits', 'Provide data on limited resources that are being used.'],
  ['os-volume-actions', 'VolumeActions', 'Enable volume actions.'],
  ['os-vol-host-attr', 'VolumeHostAttribute', 'Expose host as an attribute of a volume.'],
  ['os-vol-image-meta', 'VolumeImageMetadata', 'Show image metadata associated with the volume.'],
  ['os-vol-mig-status-attr', 'VolumeMigStatusAttribute', 'Expose migration_status as an attribute of a volume.'],
  ['os-vol-tenant-attr', 'VolumeTenantAttribute', 'Expose the internal project_id as an attribute of a volume.'],
  ['os-volume-type-access', 'VolumeTypeAccess', 'Volume type access support.'],
  ['encryption', 'VolumeTypeEncryption', 'Encryption support for volume types.'],
];

const ServiceBody = Type.Object({
  host: Type.Optional(Type.String()), binary: Type.Optional(Type.String()), disabled_reason: Type.Optional(Type.String()),
}, { additionalProperties: true });

const gate = requireVersion;

export function miscRoutes(d: VolumeDomain, started: string, origin: () => string): RouteSpec[] {

  const quotaSet = async (projectId: string, usage: boolean) => {
    const limits = await d.quotas.limits(projectId);
    if (!usage) return { id: projectId, ...limits };
    const use = await d.quotas.usage(projectId);
    const out: Record<string, unknown> = { id: projectId };
    for (const [k, l] of Object.entries(limits)) out[k] = { limit: l, in_use: use[k]?.in_use ?? 0, reserved: 0, allocated: 0 };
    return out;
  };

  return [
    route({
      method: 'GET', url: '/v3/:project_id/limits', schema: { params: ProjectParams },
      handler: async (req) => {
        const c = caller(req);
        const pid = c.projectId!;
        const lim = await d.quotas.limits(pid);
        const use = req.ctx.can('limits_extension:used_limits', { project_id: pid }) ? await d.quotas.usage(pid) : {};
        return {
          limits: {
            rate: [],
            absolute: {
              maxTotalVolumes: lim.volumes, maxTotalSnapshots: lim.snapshots, maxTotalVolumeGigabytes: lim.gigabytes,
              maxTotalBackups: lim.backups, maxTotalBackupGigabytes: lim.backup_gigabytes,
              totalVolumesUsed: use.volumes?.in_use ?? 0, totalGigabytesUsed: use.gigabytes?.in_use ?? 0,
              totalSnapshotsUsed: use.snapshots?.in_use ?? 0, totalBackupsUsed: use.backups?.in_use ?? 0, totalBackupGigabytesUsed: use.backup_gigabytes?.in_use ?? 0,
            },
          },
        };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/os-quota-sets/:target', schema: { params: TargetParams, querystring: AnyQuery },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:quotas:show', { project_id: req.params.target });
        return { quota_set: await quotaSet(req.params.target, isTrue(req.query.usage as string | undefined)) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/os-quota-sets/:target/defaults', schema: { params: TargetParams },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:quotas:show', { project_id: req.params.target });
        return { quota_set: { id: req.params.target, ...(await d.quotas.classDefaults()) } };
      },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/os-quota-sets/:target', schema: { params: TargetParams, body: QuotaSetBody },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:quotas:update', { project_id: req.params.target });
        const values: Record<string, number> = {};
        for (const [k, v] of Object.entries(req.body.quota_set)) {
          if (k === 'tenant_id' || k === 'id') continue;
          const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
          if (!Number.isInteger(n)) throw new BadRequest(`Invalid input for field/attribute ${k}. Value: ${String(v)}. '${String(v)}' is not of type 'integer', 'string'`);
          values[k] = n;
        }
        await d.quotas.update(req.params.target, values);
        const { id: _id, ...set } = await quotaSet(req.params.target, false);
        return { quota_set: set };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/os-quota-sets/:target', schema: { params: TargetParams },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:quotas:delete', { project_id: req.params.target });
        await d.quotas.reset(req.params.target);
        return undefined;
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/os-quota-class-sets/:target', schema: { params: TargetParams },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:quota_classes', {});
        return { quota_class_set: { id: req.params.target, ...(await d.quotas.classDefaults(req.params.target)) } };
      },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/os-quota-class-sets/:target', schema: { params: TargetParams, body: Type.Object({ quota_class_set: Type.Record(Type.String(), Type.Unknown()) }) },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:quota_classes', {});
        const values: Record<string, number> = {};
        for (const [k, v] of Object.entries(req.body.quota_class_set)) {
          const n = typeof v === 'number' ? v : Number(v);
          if (!Number.isInteger(n) || n < -1) throw new BadRequest(`Invalid input received: Quota limit ${String(v)} for ${k} must be -1 or greater.`);
          values[k] = n;
        }
        await d.quotas.updateClass(req.params.target, values);
        return { quota_class_set: await d.quotas.classDefaults(req.params.target) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/os-availability-zone', schema: { params: ProjectParams },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:availability_zone_list', {});
        return { availabilityZoneInfo: [{ zoneName: d.availabilityZone, zoneState: { available: true } }] };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/extensions', schema: { params: ProjectParams },
      handler: (req) => {
        caller(req);
        return { extensions: EXTENSIONS.map(([alias, name, description]) => ({ alias, name, description, links: [], updated: '2012-01-01T00:00:00+00:00', namespace: `https://docs.openstack.org/volume/api/v1/${alias}` })) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/os-services', schema: { params: ProjectParams, querystring: AnyQuery },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:services:index', {});
        const list = await d.backend.services({ host: req.query.host as string | undefined, binary: req.query.binary as string | undefined });
        return { services: list.map(({ frozen, ...s }) => (s.binary === 'cinder-volume' ? { ...s, frozen, replication_status: 'disabled', active_backend_id: null } : s)) };
      },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/os-services/:action', schema: { params: Type.Object({ project_id: Type.String(), action: Type.String() }), body: ServiceBody },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:services:update', {});
        const { host, binary, disabled_reason: reason } = req.body;
        const action = req.params.action;
        if (action === 'freeze' || action === 'thaw') {
          if (!host) throw new BadRequest('Missing required element \'host\' in request body.');
          await d.backend.setFrozen(host, action === 'freeze');
          return undefined;
        }
        if (!['enable', 'disable', 'disable-log-reason'].includes(action)) throw unknownServiceAction();
        if (!host) throw new BadRequest('Missing required element \'host\' in request body.');
        if (action === 'disable-log-reason' && !reason?.trim()) throw new BadRequest('Missing disabled reason field');
        const svc = await d.backend.setEnabled(host, binary ?? 'cinder-volume', action === 'enable', reason ?? null);
        return { host: svc.host, binary: svc.binary, status: svc.status, disabled: svc.status === 'disabled', ...(svc.disabled_reason ? { disabled_reason: svc.disabled_reason } : {}) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/os-hosts', schema: { params: ProjectParams },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:hosts', {});
        return {
          hosts: (await d.backend.services()).map((s) => ({
            service: s.binary, host_name: s.host, zone: s.zone, 'service-status': 'available', 'service-state': s.status, 'last-update': started,
          })),
        };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/os-hosts/:host', schema: { params: Type.Object({ project_id: Type.String(), host: Type.String() }) },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:hosts', {});
        const usage = await d.hostUsage(req.params.host);
        if (!usage) throw hostNotFound(req.params.host);
        return { host: usage.map((u) => ({ resource: { host: req.params.host, project: u.project, volume_count: String(u.volumes), total_volume_gb: String(u.volumeGb), snapshot_count: String(u.snapshots), total_snapshot_gb: String(u.snapshotGb) } })) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/messages', schema: { params: ProjectParams, querystring: AnyQuery },
      handler: async (req) => {
        const c = caller(req);
        gate(req, '3.3');
        req.ctx.authorize('message:get_all', { project_id: c.projectId });
        return { messages: (await d.messages.list(c)).map((m) => messageView(m, `${origin()}${VOLUME_PATH}`, req.params.project_id)) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/messages/:id', schema: { params: IdParams },
      handler: async (req) => {
        const c = caller(req);
        gate(req, '3.3');
        const m = await d.messages.get(c, req.params.id);
        req.ctx.authorize('message:get', { project_id: m.project_id });
        return { message: messageView(m, `${origin()}${VOLUME_PATH}`, req.params.project_id) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/messages/:id', status: 204, schema: { params: IdParams },
      handler: async (req) => {
        const c = caller(req);
        gate(req, '3.3');
        const m = await d.messages.get(c, req.params.id);
        req.ctx.authorize('message:delete', { project_id: m.project_id });
        await d.messages.delete(c, m.id);
        return undefined;
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/capabilities/:host', schema: { params: Type.Object({ project_id: Type.String(), host: Type.String() }) },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('volume_extension:capabilities', {});
        // NOTE: clients send a pool's name unencoded: its `#pool` is a fragment and never arrives.
        if (req.params.host !== d.host && req.params.host !== d.host.split('#')[0]) throw serviceHostNotFound(req.params.host);
        const s = await d.driver.stats();
        return {
          namespace: `OS::Storage::Capabilities::${d.host.split('#')[0]}`, vendor_name: s.vendorName, volume_backend_name: s.backendName,
          pool_name: null, driver_version: s.driverVersion, storage_protocol: s.storageProtocol, display_name: null, description: null,
          visibility: null, replication_targets: [],
          properties: {
            thin_provisioning: { title: 'Thin Provisioning', description: 'Sets thin provisioning.', type: 'boolean' },
          },
        };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/scheduler-stats/get_pools', schema: { params: ProjectParams, querystring: AnyQuery },
      handler: async (req) => {
        caller(req);
        req.ctx.authorize('scheduler_extension:scheduler_stats:get_pools', {});
        const s = await d.driver.stats();
        const pool: Record<string, unknown> = { name: d.host };
        if (isTrue(req.query.detail as string | undefined)) {
          pool.capabilities = {
            pool_name: d.driver.name, volume_backend_name: s.backendName, driver_version: s.driverVersion, storage_protocol: s.storageProtocol,
            vendor_name: s.vendorName, total_capacity_gb: s.totalGb, free_capacity_gb: s.freeGb, provisioned_capacity_gb: s.provisionedGb,
            allocated_capacity_gb: s.provisionedGb, thin_provisioning_support: s.thinProvisioning, thick_provisioning_support: !s.thinProvisioning,
            max_over_subscription_ratio: '20.0', reserved_percentage: 0, multiattach: false, timestamp: now(),
          };
        }
        return { pools: [pool] };
      },
    }),
  ];
}
