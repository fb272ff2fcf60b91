// Snapshots (cinder/volume/api.py create_snapshot & co.): a point-in-time copy of a volume made
// by the backend after the commit; metadata; delete.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../core/auth/caller.js';
import type { Db } from '../../../core/db/database.js';
import type { SnapshotRecord, SnapshotStatus, VolumeTables } from '../store/tables.js';
import { invalidInput, invalidSnapshot, invalidVolume, snapshotMetadataNotFound, snapshotNotFound, volumeNotFound } from './errors.js';
import { literalDict, orderAndPage, type ListQuery } from './listing.js';
import { now } from './times.js';
import { checkMetadata, type VolumeEnv } from './volumes.service.js';

/** Filters a non-admin may use on snapshots (Cinder's resource_filters.json). */
export const SNAPSHOT_FILTERS = ['name', 'status', 'volume_id', 'metadata', 'availability_zone'];
const SORT_KEYS = ['id', 'name', 'display_name', 'status', 'size', 'volume_id', 'created_at', 'updated_at', 'project_id', 'user_id', 'description', 'display_description', 'progress'];
const RESETTABLE: SnapshotStatus[] = ['available', 'error', 'creating', 'deleting', 'error_deleting'];

export interface SnapshotInput { volume_id?: string | null; force?: boolean; name?: string | null; description?: string | null; metadata?: Record<string, string>; groupSnapshotId?: string }

export class SnapshotsService {
  private readonly t: VolumeTables;
  constructor(private readonly env: VolumeEnv) { this.t = env.tables; }

  async get(caller: Caller, id: string): Promise<SnapshotRecord> {
    const s = await this.t.snapshots.get(id);
    if (!s || (!caller.isAdmin && s.project_id !== caller.projectId)) throw snapshotNotFound(id);
    return s;
  }

  async list(caller: Caller, q: ListQuery): Promise<{ snapshots: SnapshotRecord[]; count: number }> {
    const all = await this.t.snapshotsOf(caller, q.allProjects, q.projectId);
    const zone = this.env.availabilityZone;
    const matching = all.filter((s) => Object.entries(q.filters).every(([rawKey, want]) => {
      const inexact = rawKey.endsWith('~');
      const key = inexact ? rawKey.slice(0, -1) : rawKey;
      const eq = (have: unknown) => have !== null && have !== undefined && (inexact ? String(have).toLowerCase().includes(want.toLowerCase()) : String(have) === want);
      if (key === 'name' || key === 'display_name') return eq(s.name);
      if (key === 'availability_zone') return want === zone;
      if (key === 'metadata') {
        const pairs = literalDict(want);
        if (!pairs) throw invalidInput(`Invalid metadata filter: ${want}`);
        return Object.entries(pairs).every(([k, x]) => s.metadata[k] === x);
      }
      return eq((s as unknown as Record<string, unknown>)[key]);
    }));
    const page = orderAndPage(matching, q, (s, key) => (key === 'display_name' ? s.name : key === 'display_description' ? s.description : (s as unknown as Record<string, unknown>)[key]), SORT_KEYS);
    return { snapshots: page, count: matching.length };
  }

  async create(caller: Caller, input: SnapshotInput, inUseAllowed: boolean): Promise<SnapshotRecord> {
    const volume = input.volume_id ? await this.t.volumes.get(input.volume_id) : undefined;
    if (!volume || (!caller.isAdmin && volume.project_id !== caller.projectId)) throw volumeNotFound(input.volume_id ?? 'None');
    if (!['available', 'in-use'].includes(volume.status)) throw invalidVolume(`Volume ${volume.id} status must be available or in-use, but current status is: ${volume.status}.`);
    if (volume.status === 'in-use' && !input.force && !inUseAllowed) throw invalidVolume(`Volume ${volume.id} status must be available, but current status is: in-use.`);
    checkMetadata(input.metadata ?? {});
    const type = await this.t.types.get(volume.volume_type_id);
    await this.env.quotas.checkSnapshot(volume.project_id, type?.name, volume.size);
    const snapshot: SnapshotRecord = {
      id: randomUUID(), volume_id: volume.id, project_id: caller.projectId!, user_id: caller.userId ?? '', name: input.name ?? null,
      description: input.description ?? null, status: 'creating', progress: '0%', size: volume.size, volume_type_id: volume.volume_type_id,
      metadata: input.metadata ?? {}, error: null, created_at: now(), updated_at: null, group_snapshot_id: input.groupSnapshotId ?? null,
    };
    const task = await this.t.db.transaction().execute(async (tx) => {
      await this.t.snapshots.insert(snapshot, tx as Db);
      return this.env.tasks.record(tx as Db, 'snapshot-create', snapshot.id, { volumeId: volume.id });
    });
    this.env.tasks.start(task);
    return snapshot;
  }

  async update(caller: Caller, id: string, input: { name?: string | null; description?: string | null }): Promise<SnapshotRecord> {
    await this.get(caller, id);
    await this.t.snapshots.update(id, { name: input.name, description: input.description, updated_at: now() });
    return (await this.t.snapshots.get(id))!;
  }

  async delete(caller: Caller, id: string, force = false): Promise<void> {
    const s = await this.get(caller, id);
    if (!force && !['available', 'error'].includes(s.status)) throw invalidSnapshot('Volume Snapshot status must be available or error and must not be part of a group.');
    const task = await this.t.db.transaction().execute(async (tx) => {
      await this.t.snapshots.update(id, { status: 'deleting', updated_at: now() }, tx as Db);
      return this.env.tasks.record(tx as Db, 'snapshot-delete', id, {});
    });
    this.env.tasks.start(task);
  }

  async resetStatus(caller: Caller, id: string, status: string): Promise<void> {
    await this.get(caller, id);
    if (!RESETTABLE.includes(status as SnapshotStatus)) throw invalidInput(`Invalid input received: Invalid snapshot status ${status}`);
    await this.t.snapshots.update(id, { status: status as SnapshotStatus, updated_at: now() });
  }

  /**
   * os-update_snapshot_status (what a backend reports while it snapshots): only from creating or
   * deleting, to Cinder's allowed next states.
   */
  async updateStatus(caller: Caller, id: string, status: string, progress?: string): Promise<void> {
    const s = await this.get(caller, id);
    const allowed: Record<string, string[]> = { creating: ['creating', 'available', 'error'], deleting: ['deleting', 'error_deleting'] };
    if (!allowed[s.status]?.includes(status)) throw invalidSnapshot(`Provided snapshot status ${status} not allowed for snapshot with status ${s.status}.`);
    await this.t.snapshots.update(id, { status: status as SnapshotStatus, progress: progress ?? s.progress, updated_at: now() });
  }

  // ---- metadata
  async metadata(caller: Caller, id: string): Promise<Record<string, string>> { return (await this.get(caller, id)).metadata; }

  async setMetadata(caller: Caller, id: string, metadata: Record<string, string>, replace: boolean): Promise<Record<string, string>> {
    const s = await this.get(caller, id);
    checkMetadata(metadata);
    const next = replace ? metadata : { ...s.metadata, ...metadata };
    await this.t.snapshots.update(id, { metadata: next, updated_at: now() });
    return next;
  }

  async metadataItem(caller: Caller, id: string, key: string): Promise<string> {
    const s = await this.get(caller, id);
    if (!(key in s.metadata)) throw snapshotMetadataNotFound(id, key);
    return s.metadata[key]!;
  }

  async deleteMetadataItem(caller: Caller, id: string, key: string): Promise<void> {
    const s = await this.get(caller, id);
    if (!(key in s.metadata)) throw snapshotMetadataNotFound(id, key);
    const { [key]: _gone, ...rest } = s.metadata;
    await this.t.snapshots.update(id, { metadata: rest, updated_at: now() });
  }
}
