import type { Db } from '../../../core/db/database.js';
import { newTable, type Table } from '../../../core/db/table.js';
import type { VolumeDatabase, VolumeDb } from './database.js';

export type VolumeStatus =
  | 'creating' | 'available' | 'reserved' | 'attaching' | 'detaching' | 'in-use' | 'maintenance' | 'deleting'
  | 'awaiting-transfer' | 'error' | 'error_deleting' | 'backing-up' | 'restoring-backup' | 'error_backing-up'
  | 'error_restoring' | 'error_extending' | 'downloading' | 'uploading' | 'retyping' | 'extending'
  | 'managing' | 'error_managing' | 'unmanaging' | 'error_unmanaging' | 'error_managing_deleting';

export interface VolumeRecord {
  id: string;
  project_id: string;
  user_id: string;
  name: string | null;
  description: string | null;
  size: number;
  status: VolumeStatus;
  attach_status: 'detached' | 'attaching' | 'attached' | 'detaching' | 'error_attaching' | 'error_detaching' | 'reserved';
  availability_zone: string;
  volume_type_id: string;
  bootable: boolean;
  multiattach: boolean;
  snapshot_id: string | null;
  source_volid: string | null;
  /** Cinder's host@backend#pool once scheduled. */
  host: string | null;
  metadata: Record<string, string>;
  /** Admin metadata (readonly, attached_mode ...): `readonly` and `attached_mode` are shown in metadata. */
  admin_metadata: Record<string, string>;
  /** The image's properties when made from an image (volume_image_metadata). */
  image_metadata: Record<string, string> | null;
  migration_status: string | null;
  /** Why the last operation failed (shown through the messages API). */
  error: string | null;
  created_at: string;
  updated_at: string | null;
  launched_at: string | null;
  /** The generic group the volume belongs to. */
  group_id?: string | null;
}

export type SnapshotStatus = 'creating' | 'available' | 'backing-up' | 'deleting' | 'error' | 'deleted' | 'unmanaging' | 'restoring' | 'error_deleting';

export interface SnapshotRecord {
  id: string;
  volume_id: string;
  project_id: string;
  user_id: string;
  name: string | null;
  description: string | null;
  status: SnapshotStatus;
  progress: string;
  size: number;
  volume_type_id: string | null;
  metadata: Record<string, string>;
  error: string | null;
  created_at: string;
  updated_at: string | null;
  /** The group snapshot it was made for. */
  group_snapshot_id?: string | null;
}

export interface GroupTypeRecord { id: string; name: string; description: string | null; is_public: boolean; group_specs: Record<string, string>; created_at: string }
export interface GroupRecord {
  id: string; project_id: string; user_id: string; name: string | null; description: string | null; status: string; availability_zone: string;
  group_type_id: string; volume_type_ids: string[]; group_snapshot_id: string | null; source_group_id: string | null; created_at: string; updated_at: string | null;
}
export interface GroupSnapshotRecord {
  id: string; group_id: string; project_id: string; user_id: string; name: string | null; description: string | null; status: string;
  group_type_id: string; created_at: string; updated_at: string | null;
}

export interface VolumeTypeRecord {
  id: string;
  name: string;
  description: string | null;
  is_public: boolean;
  qos_specs_id: string | null;
  extra_specs: Record<string, string>;
  created_at: string;
  updated_at: string | null;
  /** The type's encryption spec (volumes of the type are `encrypted`); null when none. */
  encryption: EncryptionSpec | null;
}

export interface EncryptionSpec {
  encryption_id: string; provider: string; control_location: 'front-end' | 'back-end'; cipher: string | null; key_size: number | null;
  created_at: string; updated_at: string | null;
}

export type AttachStatus = 'reserved' | 'attaching' | 'attached' | 'detaching' | 'detached' | 'error_attaching' | 'error_detaching';

export interface AttachmentRecord {
  id: string;
  volume_id: string;
  project_id: string;
  instance_uuid: string | null;
  attached_host: string | null;
  mountpoint: string | null;
  attach_mode: 'rw' | 'ro';
  attach_status: AttachStatus;
  /** os-brick's connector the host gave (initiator, host, ip ...). */
  connector: Record<string, unknown> | null;
  attach_time: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface MessageRecord {
  id: string; project_id: string; request_id: string | null; resource_type: string; resource_uuid: string | null; event_id: string;
  message_level: string; user_message: string; created_at: string; expires_at: string;
}

export interface ServiceStateRecord { binary: string; host: string; disabled: boolean; disabled_reason: string | null; frozen: boolean; updated_at: string | null }

export interface TransferRecord {
  id: string; volume_id: string; project_id: string; name: string | null; salt: string; crypt_hash: string; no_snapshots: boolean; created_at: string;
}

export interface QosSpecsRecord { id: string; name: string; consumer: 'front-end' | 'back-end' | 'both'; specs: Record<string, string>; created_at: string }

export type BackupStatus = 'creating' | 'available' | 'deleting' | 'error' | 'restoring' | 'error_restoring' | 'error_deleting';

export interface BackupRecord {
  id: string; volume_id: string; project_id: string; user_id: string; name: string | null; description: string | null;
  status: BackupStatus; size: number; object_count: number; availability_zone: string | null; container: string | null;
  fail_reason: string | null; parent_id: string | null; snapshot_id: string | null; data_timestamp: string | null;
  metadata: Record<string, string>;
  /** The bytes' name in the backup store (an imported record shares its original's). */
  backend_key: string;
  /** What a restore gives back besides the bytes (Cinder keeps it with the backup): the volume's metadata and boot flags. */
  volume_state: { metadata: Record<string, string>; bootable: boolean; image_metadata: Record<string, string> | null } | null;
  created_at: string; updated_at: string | null;
}

/** Who is looking: list queries take it as a required argument, so none can forget the scope. */
export interface Viewer { projectId: string | undefined; userId: string | undefined; isAdmin: boolean }

export class VolumeTables {
  readonly db: VolumeDb;
  readonly volumes: Table<VolumeRecord>;
  readonly snapshots: Table<SnapshotRecord>;
  readonly types: Table<VolumeTypeRecord>;
  readonly attachments: Table<AttachmentRecord>;
  readonly messages: Table<MessageRecord>;
  readonly transfers: Table<TransferRecord>;
  readonly qos: Table<QosSpecsRecord>;
  readonly backups: Table<BackupRecord>;
  readonly groupTypes: Table<GroupTypeRecord>;
  readonly groups: Table<GroupRecord>;
  readonly groupSnapshots: Table<GroupSnapshotRecord>;

  constructor(db: Db) {
    this.db = db as VolumeDb;
    this.volumes = newTable<VolumeRecord, VolumeDatabase>(db, 'cinder_volumes', { bools: ['bootable', 'multiattach'], json: ['metadata', 'admin_metadata', 'image_metadata'] });
    this.snapshots = newTable<SnapshotRecord, VolumeDatabase>(db, 'cinder_snapshots', { json: ['metadata'] });
    this.types = newTable<VolumeTypeRecord, VolumeDatabase>(db, 'cinder_volume_types', { bools: ['is_public'], json: ['extra_specs', 'encryption'] });
    this.attachments = newTable<AttachmentRecord, VolumeDatabase>(db, 'cinder_attachments', { json: ['connector'] });
    this.messages = newTable<MessageRecord, VolumeDatabase>(db, 'cinder_messages', {});
    this.transfers = newTable<TransferRecord, VolumeDatabase>(db, 'cinder_transfers', { bools: ['no_snapshots'] });
    this.qos = newTable<QosSpecsRecord, VolumeDatabase>(db, 'cinder_qos_specs', { json: ['specs'] });
    this.backups = newTable<BackupRecord, VolumeDatabase>(db, 'cinder_backups', { json: ['metadata', 'volume_state'] });
    this.groupTypes = newTable<GroupTypeRecord, VolumeDatabase>(db, 'cinder_group_types', { bools: ['is_public'], json: ['group_specs'] });
    this.groups = newTable<GroupRecord, VolumeDatabase>(db, 'cinder_groups', { json: ['volume_type_ids'] });
    this.groupSnapshots = newTable<GroupSnapshotRecord, VolumeDatabase>(db, 'cinder_group_snapshots', {});
  }

  /** The volumes a viewer may list: its project's, or every project's for an admin asking for all. */
  async volumesOf(viewer: Viewer, allProjects: boolean, projectId?: string): Promise<VolumeRecord[]> {
    if (viewer.isAdmin && allProjects) return this.volumes.list(projectId ? { project_id: projectId } : {});
    return this.volumes.list({ project_id: viewer.projectId ?? '' });
  }

  async snapshotsOf(viewer: Viewer, allProjects: boolean, projectId?: string): Promise<SnapshotRecord[]> {
    if (viewer.isAdmin && allProjects) return this.snapshots.list(projectId ? { project_id: projectId } : {});
    return this.snapshots.list({ project_id: viewer.projectId ?? '' });
  }

  async snapshotsOfVolume(volumeId: string): Promise<SnapshotRecord[]> { return this.snapshots.list({ volume_id: volumeId }); }

  async attachmentsOf(volumeId: string): Promise<AttachmentRecord[]> { return this.attachments.list({ volume_id: volumeId }); }

  /** The attachments of many volumes at once (list views), by volume id. */
  async attachmentsByVolume(volumeIds: string[]): Promise<Map<string, AttachmentRecord[]>> {
    const out = new Map<string, AttachmentRecord[]>();
    if (volumeIds.length === 0) return out;
    const rows = await this.db.selectFrom('cinder_attachments').selectAll().where('volume_id', 'in', volumeIds).execute();
    for (const row of rows) {
      const a = this.attachments.decode(row);
      (out.get(a.volume_id) ?? out.set(a.volume_id, []).get(a.volume_id)!).push(a);
    }
    return out;
  }

  async typeByName(name: string): Promise<VolumeTypeRecord | undefined> {
    return (await this.types.list({ name }))[0];
  }

  async typeProjects(typeId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('cinder_volume_type_projects').select('project_id').where('volume_type_id', '=', typeId).execute();
    return rows.map((r) => r.project_id);
  }

  async addTypeProject(typeId: string, projectId: string): Promise<boolean> {
    const r = await this.db.insertInto('cinder_volume_type_projects').values({ volume_type_id: typeId, project_id: projectId })
      .onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async removeTypeProject(typeId: string, projectId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('cinder_volume_type_projects').where('volume_type_id', '=', typeId).where('project_id', '=', projectId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async serviceStates(): Promise<ServiceStateRecord[]> {
    const rows = await this.db.selectFrom('cinder_services').selectAll().execute();
    return rows.map((r) => ({ ...r, disabled: Boolean(r.disabled), frozen: Boolean(r.frozen) }));
  }

  async setServiceState(s: ServiceStateRecord): Promise<void> {
    const row = { ...s, disabled: s.disabled ? 1 : 0, frozen: s.frozen ? 1 : 0 };
    await this.db.insertInto('cinder_services').values(row)
      .onConflict((oc) => oc.columns(['binary', 'host']).doUpdateSet({ disabled: row.disabled, disabled_reason: row.disabled_reason, frozen: row.frozen, updated_at: row.updated_at })).execute();
  }

  async quotas(projectId: string): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('cinder_quotas').selectAll().where('project_id', '=', projectId).execute();
    return Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit]));
  }

  async setQuota(projectId: string, resource: string, limit: number): Promise<void> {
    await this.db.insertInto('cinder_quotas').values({ project_id: projectId, resource, hard_limit: limit })
      .onConflict((oc) => oc.columns(['project_id', 'resource']).doUpdateSet({ hard_limit: limit })).execute();
  }

  async deleteQuotas(projectId: string): Promise<void> { await this.db.deleteFrom('cinder_quotas').where('project_id', '=', projectId).execute(); }

  async quotaClass(name: string): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('cinder_quota_classes').selectAll().where('class_name', '=', name).execute();
    return Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit]));
  }

  async setQuotaClass(name: string, resource: string, limit: number): Promise<void> {
    await this.db.insertInto('cinder_quota_classes').values({ class_name: name, resource, hard_limit: limit })
      .onConflict((oc) => oc.columns(['class_name', 'resource']).doUpdateSet({ hard_limit: limit })).execute();
  }
}
