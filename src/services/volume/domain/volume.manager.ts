// The volume manager (cinder-volume): does what the API recorded, through the block-storage
// driver, after the commit. Each task's last transaction writes the final state and ends the task;
// a failure moves the resource to its error state with the driver's reason. On start, what a
// crash left is finished (deletes) or decided from what the backend holds (creates).
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../../../core/db/database.js';
import type { TaskManager, TaskRecord } from '../../../core/work/task-manager.js';
import type { BlockStorageDriver, VolumeSource } from '../../../drivers/block-storage/block-storage-driver.js';
import type { ImageFacade } from '../../image/facade.js';
import type { ComputeFacade } from '../../compute/facade.js';
import type { VolumeStatus, VolumeTables } from '../store/tables.js';
import { now } from './times.js';
import type { CreatePayload } from './volumes.service.js';
import type { BackendService } from './backend.service.js';
import { EVENT, type MessagesService } from './messages.service.js';
import type { BackupStore } from './backup-drivers.js';
import type { QuotasService } from './quotas.service.js';
import type { ManagePayload } from './manage.service.js';

export interface ManagerEnv {
  tables: VolumeTables;
  tasks: TaskManager;
  driver: BlockStorageDriver;
  /** Where backups keep their bytes (Cinder's backup_driver). */
  backupStore: BackupStore;
  images: () => ImageFacade | undefined;
  host: string;
  log: Logger;
  /** A scratch directory for image conversions (upload to image). */
  scratchDir: string;
  backend: BackendService;
  messages: MessagesService;
  /** Compute, when it runs (it opens after block storage): told of attached volumes that grew. */
  compute: () => ComputeFacade | undefined;
  /** Managed objects count against their project's quotas once their size is known. */
  quotas: QuotasService;
}

/** The name of the temporary volume a snapshot's backup reads (the clone of the snapshot), before the backup's id. */
export const BACKUP_CLONE = 'backup-source-';

/** The volume ends in `error`: no backend takes it (Cinder's NoValidBackend). */
class NoValidBackend extends Error {}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function registerVolumeTasks(env: ManagerEnv): void {
  const { tables: t, tasks, driver } = env;
  const finishVolume = async (task: TaskRecord, patch: Record<string, unknown>) => {
    await t.db.transaction().execute(async (tx) => {
      await t.volumes.update(task.resourceId, { ...patch, updated_at: now() }, tx as Db);
      await tasks.complete(task.id, tx as Db);
    });
  };

  tasks.register<CreatePayload>('create', {
    async run(task) {
      const v = await t.volumes.get(task.resourceId);
      if (!v) return tasks.complete(task.id);
      let source: VolumeSource | undefined;
      const s = task.payload.source;
      if (s?.kind === 'image') {
        const path = await env.images()?.imageFilePath(s.id);
        if (!path) throw new Error(`Image ${s.id} has no data to copy.`);
        source = { kind: 'image', path, format: s.format };
      } else if (s) source = s;
      const type = await t.types.get(v.volume_type_id);
      const why = await env.backend.unschedulable(type?.extra_specs ?? {}, v.size);
      if (why) throw new NoValidBackend(`No valid backend was found. ${why}`);
      await t.volumes.update(v.id, { status: s?.kind === 'image' ? 'downloading' : 'creating', host: env.host });
      await driver.createVolume(v.id, v.size, source);
      await finishVolume(task, { status: 'available', launched_at: now() });
    },
    async resume(task) {
      // NOTE: the backend either holds the whole volume (it renamed it into place) or none of it.
      if ((await driver.list()).volumes.includes(task.resourceId)) return finishVolume(task, { status: 'available', launched_at: now() });
      return this.run(task);
    },
    async failed(task, err) {
      await t.volumes.update(task.resourceId, { status: 'error', error: reason(err), updated_at: now() });
      const v = await t.volumes.get(task.resourceId);
      if (v) await env.messages.record(v.project_id, v.id, err instanceof NoValidBackend ? EVENT.noValidBackend : EVENT.createFailed, task.payload.requestId ?? null);
    },
  });

  tasks.register<{ snapshots: string[] }>('delete', {
    async run(task) {
      for (const id of task.payload.snapshots) {
        await driver.deleteSnapshot(id);
        await t.snapshots.delete(id);
      }
      await driver.deleteVolume(task.resourceId);
      await t.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('cinder_volumes').where('id', '=', task.resourceId).execute();
        await tasks.complete(task.id, tx as Db);
      });
    },
    async failed(task, err) {
      await t.volumes.update(task.resourceId, { status: 'error_deleting', error: reason(err), updated_at: now() });
    },
  });

  tasks.register<{ newSize: number; previous: VolumeStatus }>('extend', {
    async run(task) {
      await driver.extendVolume(task.resourceId, task.payload.newSize);
      await finishVolume(task, { status: task.payload.previous, size: task.payload.newSize });
      // NOTE: as Cinder: Nova hears of an attached volume that grew (its volume-extended event).
      for (const a of await t.attachmentsOf(task.resourceId)) {
        if (a.attach_status === 'attached' && a.instance_uuid) await env.compute()?.volumeExtended(a.instance_uuid, task.resourceId).catch(() => {});
      }
    },
    async resume(task) {
      const v = await t.volumes.get(task.resourceId);
      if (!v) return tasks.complete(task.id);
      try { await driver.extendVolume(task.resourceId, task.payload.newSize); } catch { /* NOTE: it may have grown before the crash. */ }
      await finishVolume(task, { status: task.payload.previous, size: task.payload.newSize });
    },
    async failed(task, err) {
      await t.volumes.update(task.resourceId, { status: 'error_extending', error: reason(err), updated_at: now() });
    },
  });

  tasks.register<{ imageId: string; format: 'qcow2' | 'raw'; previous: VolumeStatus }>('upload', {
    async run(task) {
      const images = env.images();
      if (!images) throw new Error('The image service is not running.');
      const dir = await mkdtemp(join(env.scratchDir, 'upload-'));
      try {
        const file = join(dir, 'image');
        await driver.exportVolume(task.resourceId, file, task.payload.format);
        await images.uploadImage(task.payload.imageId, createReadStream(file));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      await finishVolume(task, { status: task.payload.previous });
    },
    async failed(task, err) {
      await env.images()?.deleteImage(task.payload.imageId).catch(() => {});
      await t.volumes.update(task.resourceId, { status: task.payload.previous, error: reason(err), updated_at: now() });
    },
  });

  tasks.register<{ volumeId: string }>('snapshot-create', {
    async run(task) {
      await driver.createSnapshot(task.resourceId, task.payload.volumeId);
      await t.db.transaction().execute(async (tx) => {
        await t.snapshots.update(task.resourceId, { status: 'available', progress: '100%', updated_at: now() }, tx as Db);
        await tasks.complete(task.id, tx as Db);
      });
    },
    async resume(task) {
      if ((await driver.list()).snapshots.includes(task.resourceId)) {
        await t.snapshots.update(task.resourceId, { status: 'available', progress: '100%', updated_at: now() });
        return tasks.complete(task.id);
      }
      return this.run(task);
    },
    async failed(task, err) {
      await t.snapshots.update(task.resourceId, { status: 'error', error: reason(err), updated_at: now() });
    },
  });

  tasks.register<Record<string, never>>('snapshot-delete', {
    async run(task) {
      await driver.deleteSnapshot(task.resourceId);
      await t.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('cinder_snapshots').where('id', '=', task.resourceId).execute();
        await tasks.complete(task.id, tx as Db);
      });
    },
    async failed(task, err) {
      await t.snapshots.update(task.resourceId, { status: 'error_deleting', error: reason(err), updated_at: now() });
    },
  });
}

/** Backups: made from the volume (or a clone of its snapshot), restored, deleted. */
export function registerBackupTasks(env: ManagerEnv): void {
  const { tables: t, tasks, driver, backupStore: store } = env;
  const endBackup = async (task: TaskRecord, backup: Record<string, unknown>, volume?: { id: string; patch: Record<string, unknown> }) => {
    await t.db.transaction().execute(async (tx) => {
      await t.backups.update(task.resourceId, { ...backup, updated_at: now() }, tx as Db);
      if (volume) await t.volumes.update(volume.id, { ...volume.patch, updated_at: now() }, tx as Db);
      await tasks.complete(task.id, tx as Db);
    });
  };
  const restoreVolume = async (volumeId: string, previous: VolumeStatus) => {
    const v = await t.volumes.get(volumeId);
    return v && v.status === 'backing-up' ? { id: volumeId, patch: { status: previous } } : undefined;
  };

  tasks.register<{ previous: VolumeStatus }>('backup-create', {
    async run(task) {
      const b = await t.backups.get(task.resourceId);
      if (!b) return tasks.complete(task.id);
      const parent = b.parent_id ? await t.backups.get(b.parent_id) : undefined;
      let objectCount: number;
      if (b.snapshot_id) {
        // NOTE: a snapshot's backup reads a clone of the snapshot, removed after.
        const clone = `${BACKUP_CLONE}${b.id}`;
        await driver.deleteVolume(clone);
        await driver.createVolume(clone, b.size, { kind: 'snapshot', id: b.snapshot_id });
        let made;
        try { made = await store.backup(b, clone, parent); } finally { await driver.deleteVolume(clone); }
        objectCount = made.objectCount;
      } else {
        objectCount = (await store.backup(b, b.volume_id, parent)).objectCount;
      }
      await endBackup(task, { status: 'available', object_count: objectCount }, await restoreVolume(b.volume_id, task.payload.previous));
    },
    async resume(task) {
      const b = await t.backups.get(task.resourceId);
      if (b && (await store.exists(b))) {
        return endBackup(task, { status: 'available', object_count: b.object_count || 1 }, await restoreVolume(b.volume_id, task.payload.previous));
      }
      return this.run(task);
    },
    async failed(task, err) {
      const b = await t.backups.get(task.resourceId);
      await t.backups.update(task.resourceId, { status: 'error', fail_reason: reason(err), updated_at: now() });
      const v = b ? await restoreVolume(b.volume_id, task.payload.previous) : undefined;
      if (v) await t.volumes.update(v.id, { ...v.patch, updated_at: now() });
    },
  });

  tasks.register<{ volumeId: string; created: boolean }>('backup-restore', {
    async run(task) {
      const b = (await t.backups.get(task.resourceId))!;
      const v = await t.volumes.get(task.payload.volumeId);
      if (!v) return endBackup(task, { status: 'available' });
      if (!(await driver.list()).volumes.includes(v.id)) await driver.createVolume(v.id, v.size);
      // NOTE: the chain from the full backup up: an incremental Swift backup holds only what changed.
      const chain = [b];
      for (let p = b.parent_id; p;) {
        const parent = await t.backups.get(p);
        if (!parent) throw new Error(`Backup ${b.id}: its parent backup ${p} is gone.`);
        chain.unshift(parent);
        p = parent.parent_id;
      }
      await store.restore(chain, v.id);
      // NOTE: as Cinder's restore: the backed-up volume's metadata and boot flags come back with the bytes.
      const state = b.volume_state ? { metadata: { ...v.metadata, ...b.volume_state.metadata }, bootable: b.volume_state.bootable, image_metadata: b.volume_state.image_metadata } : {};
      await endBackup(task, { status: 'available' }, { id: v.id, patch: { ...state, status: 'available', host: env.host, launched_at: v.launched_at ?? now() } });
    },
    async failed(task, err) {
      await t.backups.update(task.resourceId, { status: 'available', updated_at: now() });
      await t.volumes.update(task.payload.volumeId, { status: 'error_restoring', error: reason(err), updated_at: now() });
    },
  });

  tasks.register<Record<string, never>>('backup-delete', {
    async run(task) {
      const b = await t.backups.get(task.resourceId);
      if (b && (await t.backups.list({ backend_key: b.backend_key })).length <= 1) await store.delete(b);
      await t.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('cinder_backups').where('id', '=', task.resourceId).execute();
        await tasks.complete(task.id, tx as Db);
      });
    },
    async failed(task, err) {
      await t.backups.update(task.resourceId, { status: 'error_deleting', fail_reason: reason(err), updated_at: now() });
    },
  });
}

/**
 * Manage and unmanage (cinder/volume/flows/manager/manage_existing.py, manage_existing_snapshot.py
 * and delete_volume/delete_snapshot with unmanage_only): the driver sizes the object the reference
 * names, the project's quota takes its gigabytes, the driver renames it to the new id; a failure
 * leaves the volume `error_managing` (a snapshot `error`). Unmanaging tells the driver, which
 * keeps the bytes, and removes the record.
 */
export function registerManageTasks(env: ManagerEnv): void {
  const { tables: t, tasks, driver } = env;

  tasks.register<ManagePayload>('manage', {
    async run(task) {
      const v = await t.volumes.get(task.resourceId);
      if (!v) return tasks.complete(task.id);
      const type = await t.types.get(v.volume_type_id);
      // NOTE: Cinder's scheduler checks the asked host (and pool) and zone with the type's capabilities.
      if (v.host !== env.host) throw new NoValidBackend(`No valid backend was found. Pool ${v.host} is not ${env.host}.`);
      if (v.availability_zone !== env.backend.zone) throw new NoValidBackend(`No valid backend was found. Availability zone '${v.availability_zone}' is not the backend's.`);
      const why = await env.backend.unschedulable(type?.extra_specs ?? {}, 0);
      if (why) throw new NoValidBackend(`No valid backend was found. ${why}`);
      const size = await driver.manageableSize('volume', task.payload.ref);
      await env.quotas.checkVolume(v.project_id, type?.name ?? '', size, 0);
      await driver.manageExisting('volume', v.id, task.payload.ref);
      await finish(task, size);
    },
    async resume(task) {
      // NOTE: renamed before the crash: the backend holds it under the volume's id.
      if ((await driver.list()).volumes.includes(task.resourceId)) return finish(task, await driver.manageableSize('volume', { 'source-id': task.resourceId }));
      return this.run(task);
    },
    async failed(task, err) {
      await t.volumes.update(task.resourceId, { status: 'error_managing', error: reason(err), updated_at: now() });
    },
  });
  const finish = async (task: TaskRecord, size: number) => {
    await t.db.transaction().execute(async (tx) => {
      await t.volumes.update(task.resourceId, { status: 'available', size, launched_at: now(), updated_at: now() }, tx as Db);
      await tasks.complete(task.id, tx as Db);
    });
  };

  tasks.register<Record<string, never>>('unmanage', {
    async run(task) {
      await driver.unmanage('volume', task.resourceId);
      await t.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('cinder_volumes').where('id', '=', task.resourceId).execute();
        await tasks.complete(task.id, tx as Db);
      });
    },
    async failed(task, err) {
      await t.volumes.update(task.resourceId, { status: 'error_unmanaging', error: reason(err), updated_at: now() });
    },
  });

  const finishSnapshot = async (task: TaskRecord, size: number) => {
    await t.db.transaction().execute(async (tx) => {
      await t.snapshots.update(task.resourceId, { status: 'available', progress: '100%', size, updated_at: now() }, tx as Db);
      await tasks.complete(task.id, tx as Db);
    });
  };
  tasks.register<ManagePayload>('snapshot-manage', {
    async run(task) {
      const s = await t.snapshots.get(task.resourceId);
      if (!s) return tasks.complete(task.id);
      const size = await driver.manageableSize('snapshot', task.payload.ref);
      // NOTE: the API reserved the volume's size; a larger snapshot takes the difference.
      if (size > s.size) await env.quotas.checkVolume(s.project_id, (s.volume_type_id && (await t.types.get(s.volume_type_id))?.name) || '', size - s.size, 0);
      await driver.manageExisting('snapshot', s.id, task.payload.ref);
      await finishSnapshot(task, size);
    },
    async resume(task) {
      if ((await driver.list()).snapshots.includes(task.resourceId)) return finishSnapshot(task, await driver.manageableSize('snapshot', { 'source-id': task.resourceId }));
      return this.run(task);
    },
    async failed(task, err) {
      await t.snapshots.update(task.resourceId, { status: 'error', error: reason(err), updated_at: now() });
    },
  });

  tasks.register<Record<string, never>>('snapshot-unmanage', {
    async run(task) {
      await driver.unmanage('snapshot', task.resourceId);
      await t.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('cinder_snapshots').where('id', '=', task.resourceId).execute();
        await tasks.complete(task.id, tx as Db);
      });
    },
    async failed(task, err) {
      await t.snapshots.update(task.resourceId, { status: 'error_deleting', error: reason(err), updated_at: now() });
    },
  });
}

/**
 * Nova's init_host for volumes: a resource the database names in a passing state with no task to
 * finish it is decided from the backend; the temporary clones a crash left are removed, and
 * backups no record names. Volumes and snapshots no record names stay: they are unmanaged (or an
 * operator's), offered by the manageable listings, as Cinder leaves what it does not manage.
 */
export async function reconcileVolumes(env: ManagerEnv): Promise<void> {
  const { tables: t, driver, tasks } = env;
  const held = await driver.list();
  for (const v of await t.volumes.list()) {
    if (!['creating', 'downloading'].includes(v.status) || (await tasks.pendingFor(v.id)).length) continue;
    await t.volumes.update(v.id, held.volumes.includes(v.id) ? { status: 'available', updated_at: now() } : { status: 'error', error: 'The volume was being created when the service stopped.', updated_at: now() });
  }
  for (const id of held.volumes) if (id.startsWith(BACKUP_CLONE)) await driver.deleteVolume(id);
  const backupKeys = new Set((await t.backups.list()).map((b) => b.backend_key));
  for (const id of held.backups) if (!backupKeys.has(id)) await driver.deleteBackup(id);
}
