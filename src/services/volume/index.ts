// The block-storage service: Cinder v3 (Zed, microversions 3.0-3.70) at /volume, its bytes kept
// by the block-storage driver cloud.ts chose (files under DATA_DIR/volumes, or the fake).
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../core/db/database.js';
import { NotFound } from '../../core/errors/errors.js';
import type { ServiceMount } from '../../core/http/service-plugin.js';
import { format } from '../../core/microversion/microversion.js';
import { loadPolicyOverrides } from '../../core/policy/overrides.js';
import { compileRules, type RuleSet } from '../../core/policy/policy-engine.js';
import { TaskManager } from '../../core/work/task-manager.js';
import type { ServiceContext, ServiceModule } from '../service-module.js';
import { VOLUME_PATH, withoutProjectIds, type WithVersion } from './api/common.js';
import { attachmentRoutes } from './api/attachments.routes.js';
import { miscRoutes } from './api/misc.routes.js';
import { manageRoutes } from './api/manage.routes.js';
import { transferRoutes } from './api/transfers.routes.js';
import { qosRoutes } from './api/qos.routes.js';
import { backupRoutes } from './api/backups.routes.js';
import { groupRoutes } from './api/groups.routes.js';
import { snapshotRoutes } from './api/snapshots.routes.js';
import { typeRoutes } from './api/types.routes.js';
import { versionRoutes } from './api/versions.routes.js';
import { volumeRoutes } from './api/volumes.routes.js';
import { VolumeDomain } from './domain/volume-domain.js';
import type { Caller as FacadeCaller, FacadeSnapshot, FacadeVolumeDetail, VolumeFacade } from './facade.js';
import type { SnapshotRecord, VolumeRecord } from './store/tables.js';
import { volumeFaults } from './faults.js';
import { requestedVersion } from './microversions.js';
import { volumePolicies } from './policies.js';
import { volumeMigrations } from './store/migrations.js';
import { cinderTime } from './domain/times.js';

export type * from './facade.js';
export { VOLUME_PATH };

export class VolumeModule implements ServiceModule<VolumeFacade> {
  readonly domain: VolumeDomain;
  readonly rules: RuleSet;
  readonly facade: VolumeFacade;
  private readonly started = cinderTime();

  private constructor(private readonly ctx: ServiceContext) {
    const scratchDir = join(ctx.config.dataDir, 'volume-scratch');
    mkdirSync(scratchDir, { recursive: true });
    this.domain = new VolumeDomain({
      db: ctx.db, driver: ctx.drivers.blockStorage, images: () => ctx.facades.image, compute: () => ctx.facades.compute, log: ctx.logger,
      objectStore: () => ctx.facades['object-store'], backupDriver: ctx.config.backupDriver,
      hostname: hostname(), availabilityZone: 'nova', scratchDir,
    });
    this.rules = compileRules({ ...volumePolicies, ...loadPolicyOverrides(ctx.config.dataDir) });
    this.facade = makeFacade(this.domain);
  }

  static async open(ctx: ServiceContext): Promise<VolumeModule> {
    await migrate(ctx.db, 'volume', volumeMigrations);
    await TaskManager.migrate(ctx.db);
    const m = new VolumeModule(ctx);
    await m.domain.types.seed();
    return m;
  }

  start(): Promise<void> { return this.domain.start(); }
  close(): Promise<void> { return this.domain.close(); }

  mount(): ServiceMount {
    const d = this.domain;
    const origin = () => this.ctx.baseUrl();
    return {
      prefix: VOLUME_PATH,
      rules: () => this.rules,
      faults: volumeFaults(() => `${this.ctx.baseUrl()}/identity`),
      tokens: this.ctx.tokens,
      unknownMethod: 404,
      routes: withoutProjectIds([
        ...versionRoutes(() => `${origin()}${VOLUME_PATH}`), ...volumeRoutes(d, origin), ...snapshotRoutes(d, origin),
        ...typeRoutes(d), ...attachmentRoutes(d), ...transferRoutes(d, origin), ...qosRoutes(d, origin), ...backupRoutes(d, origin), ...groupRoutes(d), ...manageRoutes(d, origin), ...miscRoutes(d, this.started, origin),
      ]),
      setup: (app: FastifyInstance) => {
        const versioned = (url: string) => /^\/volume\/v3\//.test(url);
        app.addHook('onRequest', async (request) => {
          const path = request.url.split('?')[0]!;
          // NOTE: Cinder's routes take no trailing slash (GET /volumes/ is no list) but the version roots'.
          if (path.endsWith('/') && !/^\/volume\/(v3\/)?$/.test(path)) throw new NotFound('The resource could not be found.');
          if (versioned(request.url)) (request as WithVersion).volumeVersion = requestedVersion(request.headers);
        });
        app.addHook('onSend', async (request, reply, payload) => {
          reply.header('x-openstack-request-id', request.id);
          if (!versioned(request.url)) return payload;
          const v = (request as WithVersion).volumeVersion;
          if (v) reply.header('OpenStack-API-Version', `volume ${format(v)}`);
          reply.header('Vary', 'OpenStack-API-Version');
          return payload;
        });
      },
    };
  }
}

/** The caller compute's own calls run as (Nova calls Cinder with its service token). */
const SYSTEM = { projectId: undefined, userId: undefined, isAdmin: true, requestId: '' };

function makeFacade(d: VolumeDomain): VolumeFacade {
  const as = (c: FacadeCaller) => ({ ...c, requestId: '' });
  const detail = async (v: VolumeRecord): Promise<FacadeVolumeDetail> => {
    const attachments = ((await d.attachments.byVolumes([v.id])).get(v.id) ?? []).filter((a) => a.attach_status === 'attached');
    return {
      id: v.id, status: v.status, size: v.size, availabilityZone: v.availability_zone, createdAt: v.created_at, name: v.name, description: v.description,
      volumeType: (await d.types.byId(v.volume_type_id))?.name ?? null, snapshotId: v.snapshot_id, metadata: v.metadata,
      attachments: attachments.map((a) => ({ serverId: a.instance_uuid, device: a.mountpoint })),
    };
  };
  const snap = (s: SnapshotRecord): FacadeSnapshot => ({ id: s.id, volumeId: s.volume_id, status: s.status, size: s.size, createdAt: s.created_at, name: s.name, description: s.description });
  const everything = { filters: {}, sort: [], offset: 0, allProjects: false, withCount: false };
  return {
    proxy: {
      async listVolumes(c) { return Promise.all((await d.volumes.list(as(c), everything)).volumes.map(detail)); },
      async getVolume(c, id) { return detail(await d.volumes.get(as(c), id)); },
      async createVolume(c, a) {
        const v = await d.volumes.create(as(c), { size: a.size, name: a.name, description: a.description, volume_type: a.volumeType, metadata: a.metadata, availability_zone: a.availabilityZone, snapshot_id: a.snapshotId });
        return detail(v);
      },
      async deleteVolume(c, id) { await d.volumes.delete(as(c), id); },
      async listSnapshots(c) { return (await d.snapshots.list(as(c), everything)).snapshots.map(snap); },
      async getSnapshot(c, id) { return snap(await d.snapshots.get(as(c), id)); },
      async createSnapshot(c, a) { return snap(await d.snapshots.create(as(c), { volume_id: a.volumeId, force: a.force, name: a.name, description: a.description }, false)); },
      async deleteSnapshot(c, id) { await d.snapshots.delete(as(c), id); },
    },
    async findVolume(id, viewer) {
      const v = await d.tables.volumes.get(id);
      if (!v || (!viewer.isAdmin && v.project_id !== viewer.projectId)) return undefined;
      return { id: v.id, name: v.name, status: v.status, size: v.size, projectId: v.project_id, bootable: v.bootable, multiattach: v.multiattach };
    },
    async connection(id) {
      const c = await d.driver.connection(id);
      return { path: c.path, format: c.format };
    },
    async reserve(volumeId, serverId, viewer, attachmentId) {
      if (attachmentId && (await d.tables.attachments.get(attachmentId))) return { attachmentId };
      const caller = { projectId: viewer.projectId, userId: undefined, isAdmin: viewer.isAdmin, requestId: '' };
      const v = await d.volumes.get(caller, volumeId);
      const mode = v.admin_metadata.readonly === 'True' ? 'ro' : 'rw';
      return { attachmentId: (await d.attachments.reserve(v, serverId, mode, false, attachmentId)).id };
    },
    async connect(attachmentId, host) {
      const a = await d.attachments.get(SYSTEM, attachmentId);
      const info = await d.attachments.connect(a, { host });
      return { path: String(info.data.device_path), format: info.data.format as 'qcow2' | 'raw', qosSpecs: (info.data.qos_specs as Record<string, string> | null) ?? null };
    },
    async complete(attachmentId, device) {
      const a = await d.attachments.get(SYSTEM, attachmentId);
      await d.attachments.complete(a, { mountpoint: device });
    },
    async beginDetaching(attachmentId) {
      const a = await d.tables.attachments.get(attachmentId);
      if (a) await d.attachments.setVolumeStatus(a.volume_id, 'detaching');
    },
    async rollDetaching(attachmentId) {
      const a = await d.tables.attachments.get(attachmentId);
      const v = a && (await d.tables.volumes.get(a.volume_id));
      if (v?.status === 'detaching') await d.attachments.setVolumeStatus(v.id, 'in-use');
    },
    async attachmentsOf(volumeId) {
      return (await d.tables.attachmentsOf(volumeId)).map((a) => ({ id: a.id, serverId: a.instance_uuid, mode: a.attach_mode, attached: a.attach_status === 'attached' }));
    },
    async detach(attachmentId) {
      const a = await d.tables.attachments.get(attachmentId);
      if (a) await d.attachments.remove(a);
    },
    async rollback(attachmentId) {
      const a = await d.tables.attachments.get(attachmentId);
      if (a) await d.attachments.remove(a);
    },
    async createVolume(args) {
      const caller = { projectId: args.projectId, userId: args.userId, isAdmin: true, requestId: '' };
      const v = await d.volumes.create(caller, { size: args.sizeGb, name: args.name, imageRef: args.imageId, snapshot_id: args.snapshotId });
      return { id: v.id };
    },
    async deleteVolume(volumeId) {
      if (await d.tables.volumes.get(volumeId)) await d.volumes.delete(SYSTEM, volumeId, { cascade: true });
    },
  };
}
