// Backups (cinder/backup/api.py): a copy of a volume (or of a snapshot) kept by the backup store
// beside the volumes, full or incremental on the volume's latest backup; restored into a new
// volume or over an available one; exported and imported as a record; within the backups and
// backup_gigabytes quotas.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../core/auth/caller.js';
import type { Db } from '../../../core/db/database.js';
import type { TaskManager } from '../../../core/work/task-manager.js';
import type { BackupRecord, BackupStatus, VolumeRecord, VolumeTables } from '../store/tables.js';
import { backupNotFound, invalidBackup, invalidInput, invalidVolume, snapshotNotFound, volumeNotFound } from './errors.js';
import { orderAndPage, type ListQuery } from './listing.js';
import type { QuotasService } from './quotas.service.js';
import type { TypesService } from './types.service.js';
import { now } from './times.js';
import type { BackupStore } from './backup-drivers.js';

export const BACKUP_FILTERS = ['name', 'status', 'volume_id'];
const SORT_KEYS = ['id', 'name', 'status', 'size', 'volume_id', 'created_at', 'updated_at', 'project_id', 'user_id'];
const RESETTABLE: BackupStatus[] = ['available', 'error'];

export interface BackupInput {
  volume_id: string; name?: string | null; description?: string | null; incremental?: boolean; force?: boolean;
  snapshot_id?: string | null; container?: string | null; metadata?: Record<string, string>;
}

export class BackupsService {
  constructor(
    private readonly t: VolumeTables,
    private readonly tasks: TaskManager,
    private readonly quotas: QuotasService,
    private readonly types: TypesService,
    private readonly zone: string,
    private readonly store: BackupStore,
  ) {}

  async get(caller: Caller, id: string): Promise<BackupRecord> {
    const b = await this.t.backups.get(id);
    if (!b || (!caller.isAdmin && b.project_id !== caller.projectId)) throw backupNotFound(id);
    return b;
  }

  async list(caller: Caller, q: ListQuery): Promise<{ backups: BackupRecord[]; count: number }> {
    const all = caller.isAdmin && q.allProjects
      ? await this.t.backups.list(q.projectId ? { project_id: q.projectId } : {})
      : await this.t.backups.list({ project_id: caller.projectId ?? '' });
    const matching = all.filter((b) => Object.entries(q.filters).every(([k, want]) => String((b as unknown as Record<string, unknown>)[k.replace(/~$/, '')]) === want));
    return { backups: orderAndPage(matching, q, (b, k) => (b as unknown as Record<string, unknown>)[k], SORT_KEYS), count: matching.length };
  }

  /** Whether other backups are built on this one (it cannot go before them). */
  async hasDependents(id: string): Promise<boolean> { return (await this.t.backups.list({ parent_id: id })).length > 0; }

  async create(caller: Caller, input: BackupInput): Promise<BackupRecord> {
    const v = await this.t.volumes.get(input.volume_id);
    if (!v || (!caller.isAdmin && v.project_id !== caller.projectId)) throw volumeNotFound(input.volume_id);
    if (input.snapshot_id) {
      const s = await this.t.snapshots.get(input.snapshot_id);
      if (!s || s.volume_id !== v.id) throw snapshotNotFound(input.snapshot_id);
      if (s.status !== 'available') throw invalidInput(`Invalid snapshot: Snapshot to be backed up must be available, but the current status is "${s.status}".`);
    } else if (v.status === 'in-use' && !input.force) {
      throw invalidVolume('Backing up an in-use volume must use the force flag.');
    } else if (!['available', 'in-use'].includes(v.status)) {
      throw invalidVolume(`Volume to be backed up must be available or in-use, but the current status is "${v.status}".`);
    }
    let parent: BackupRecord | undefined;
    if (input.incremental) {
      parent = (await this.t.backups.list({ volume_id: v.id })).filter((b) => b.status === 'available')
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
      if (!parent) throw invalidBackup('No backups available to do an incremental backup.');
    }
    await this.quotas.checkBackup(v.project_id, v.size);
    const id = randomUUID();
    const backendKey = this.store.key({ id, volume_id: v.id, availability_zone: this.zone });
    const backup: BackupRecord = {
      id, volume_id: v.id, project_id: caller.projectId ?? v.project_id, user_id: caller.userId ?? '', name: input.name ?? null,
      description: input.description ?? null, status: 'creating', size: v.size, object_count: 0, availability_zone: this.zone,
      container: input.container ?? this.store.defaultContainer, fail_reason: null, parent_id: parent?.id ?? null, snapshot_id: input.snapshot_id ?? null,
      data_timestamp: now(), metadata: input.metadata ?? {}, backend_key: backendKey, created_at: now(), updated_at: null,
      volume_state: { metadata: v.metadata, bootable: v.bootable, image_metadata: v.image_metadata },
    };
    const task = await this.t.db.transaction().execute(async (tx) => {
      await this.t.backups.insert(backup, tx as Db);
      // NOTE: as Cinder: an available volume shows `backing-up`; an in-use one stays in use.
      if (v.status === 'available' && !input.snapshot_id) await this.t.volumes.update(v.id, { status: 'backing-up', updated_at: now() }, tx as Db);
      return this.tasks.record(tx as Db, 'backup-create', id, { previous: v.status });
    });
    this.tasks.start(task);
    return backup;
  }

  async update(caller: Caller, id: string, input: { name?: string | null; description?: string | null; metadata?: Record<string, string> }): Promise<BackupRecord> {
    await this.get(caller, id);
    await this.t.backups.update(id, { name: input.name, description: input.description, metadata: input.metadata, updated_at: now() });
    return (await this.t.backups.get(id))!;
  }

  async delete(caller: Caller, id: string, force = false): Promise<void> {
    const b = await this.get(caller, id);
    if (!force && !['available', 'error'].includes(b.status)) throw invalidBackup('Backup status must be available or error');
    if (await this.hasDependents(id)) throw invalidBackup('Incremental backups exist for this backup.');
    const task = await this.t.db.transaction().execute(async (tx) => {
      await this.t.backups.update(id, { status: 'deleting', updated_at: now() }, tx as Db);
      return this.tasks.record(tx as Db, 'backup-delete', id, {});
    });
    this.tasks.start(task);
  }

  /** Restores into `volumeId` (available, at least the backup's size) or a new volume. */
  async restore(caller: Caller, id: string, volumeId: string | undefined, name: string | undefined): Promise<{ backup: BackupRecord; volume: VolumeRecord }> {
    const b = await this.get(caller, id);
    if (b.status !== 'available') throw invalidBackup('Backup status must be available');
    let volume: VolumeRecord;
    let created = false;
    if (volumeId) {
      const v = await this.t.volumes.get(volumeId);
      if (!v || (!caller.isAdmin && v.project_id !== caller.projectId)) throw volumeNotFound(volumeId);
      if (v.status !== 'available') throw invalidVolume('Volume to be restored to must be available');
      if (v.size < b.size) throw invalidVolume(`volume size ${v.size} is too small to restore backup of size ${b.size}.`);
      volume = v;
    } else {
      const type = await this.types.defaultType();
      await this.quotas.checkVolume(caller.projectId ?? b.project_id, type.name, b.size);
      created = true;
      volume = {
        id: randomUUID(), project_id: caller.projectId ?? b.project_id, user_id: caller.userId ?? '', name: name ?? `restore_backup_${b.id}`,
        description: `auto-created_from_restore_from_backup`, size: b.size, status: 'creating', attach_status: 'detached', availability_zone: this.zone,
        volume_type_id: type.id, bootable: false, multiattach: false, snapshot_id: null, source_volid: null, host: null, metadata: {}, admin_metadata: {},
        image_metadata: null, migration_status: null, error: null, created_at: now(), updated_at: null, launched_at: null,
      };
      if (b.volume_state) Object.assign(volume, b.volume_state);
    }
    const task = await this.t.db.transaction().execute(async (tx) => {
      if (created) await this.t.volumes.insert({ ...volume, status: 'restoring-backup' }, tx as Db);
      else await this.t.volumes.update(volume.id, { status: 'restoring-backup', updated_at: now() }, tx as Db);
      await this.t.backups.update(id, { status: 'restoring', updated_at: now() }, tx as Db);
      return this.tasks.record(tx as Db, 'backup-restore', id, { volumeId: volume.id, created });
    });
    this.tasks.start(task);
    return { backup: b, volume };
  }

  async resetStatus(caller: Caller, id: string, status: string): Promise<void> {
    await this.get(caller, id);
    if (!RESETTABLE.includes(status as BackupStatus)) throw invalidInput(`Invalid backup status ${status}`);
    await this.t.backups.update(id, { status: status as BackupStatus, updated_at: now() });
  }

  /** The record as Cinder exports it: the backup's fields, base64 JSON. */
  async exportRecord(caller: Caller, id: string): Promise<{ backup_service: string; backup_url: string }> {
    const b = await this.get(caller, id);
    if (b.status !== 'available') throw invalidBackup('Backup status must be available and not restoring.');
    const { metadata, ...fields } = b;
    const record = { ...fields, metadata, service_metadata: b.backend_key, service: this.store.service };
    return { backup_service: this.store.service, backup_url: Buffer.from(JSON.stringify(record)).toString('base64') };
  }

  async importRecord(caller: Caller, service: string, url: string): Promise<BackupRecord> {
    if (service !== this.store.service) throw invalidInput(`Backup service ${service} is not supported.`);
    let r: Record<string, any>;
    try { r = JSON.parse(Buffer.from(url, 'base64').toString('utf8')) as Record<string, any>; } catch { throw invalidInput("Can't parse backup record."); }
    if (typeof r.id !== 'string' || typeof r.volume_id !== 'string' || typeof r.service_metadata !== 'string') throw invalidInput("Can't parse backup record.");
    if (await this.t.backups.get(r.id)) throw invalidBackup(`Backup ${r.id} already exists.`);
    const backup: BackupRecord = {
      id: r.id, volume_id: r.volume_id, project_id: caller.projectId ?? String(r.project_id), user_id: caller.userId ?? '', name: r.name ?? null,
      description: r.description ?? null, status: 'available', size: Number(r.size) || 0, object_count: Number(r.object_count) || 0,
      availability_zone: r.availability_zone ?? this.zone, container: r.container ?? null, fail_reason: null, parent_id: r.parent_id ?? null,
      snapshot_id: r.snapshot_id ?? null, data_timestamp: r.data_timestamp ?? now(), metadata: r.metadata ?? {}, backend_key: r.service_metadata,
      volume_state: r.volume_state ?? null,
      created_at: now(), updated_at: null,
    };
    return this.t.backups.insert(backup);
  }
}
