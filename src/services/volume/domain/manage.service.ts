// Manage and unmanage (cinder/api/contrib/volume_manage.py, snapshot_manage.py, volume_unmanage.py,
// snapshot_unmanage.py and cinder/volume/api.py manage_existing, get_manageable_volumes, delete
// with unmanage_only & co.): objects the backend holds taken under management, managed ones let go
// with their bytes left on the backend, and the listings of what the backend holds. The backend's
// work (sizing, renaming) is the manager's, after the commit; only the listings ask the driver
// while the request waits, as Cinder's API asks cinder-volume over RPC.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../core/auth/caller.js';
import type { Db } from '../../../core/db/database.js';
import { BadRequest, NotFound } from '../../../core/errors/errors.js';
import { py } from '../../../core/http/jsonschema-errors.js';
import type { BlockStorageDriver, ExistingRef, ManageableKind, ManageableObject } from '../../../drivers/block-storage/block-storage-driver.js';
import type { SnapshotRecord, VolumeRecord, VolumeStatus, VolumeTypeRecord } from '../store/tables.js';
import type { BackendService } from './backend.service.js';
import { invalidInput, invalidSnapshot, invalidVolume } from './errors.js';
import { limitOf, MAX_LIMIT, offsetOf } from './listing.js';
import { checkMetadata, type VolumeEnv } from './volumes.service.js';
import { now } from './times.js';
import { BACKUP_CLONE } from './volume.manager.js';

export interface ManageEnv extends VolumeEnv {
  driver: BlockStorageDriver;
  backend: BackendService;
}

export interface ManageVolumeInput {
  host?: string | null; cluster?: string | null; ref: unknown; name?: string | null; description?: string | null;
  volume_type?: string | null; availability_zone?: string | null; metadata?: Record<string, string> | null; bootable: boolean;
}

export interface ManageSnapshotInput { volume_id: string; ref: unknown; name?: string | null; description?: string | null; metadata?: Record<string, string> | null }

/** What a manage task hands the driver: the reference as the API was given it. */
export interface ManagePayload { ref: ExistingRef; requestId?: string }

/** A query string as the listings read it. */
export type ManageableQuery = Record<string, string | string[] | undefined>;

/** The statuses a volume may be unmanaged (or deleted) from (cinder/volume/api.py delete). */
const UNMANAGEABLE: VolumeStatus[] = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];
const NOT_REMOVABLE = 'Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.';
const SORT_KEYS = ['reference', 'size'];
/** cinder-volume's names of its temporary clones (backups of snapshots), never offered for managing. */
const TEMPORARY = `volume-${BACKUP_CLONE}`;

/** Cinder's volume_utils.extract_host(host, 'backend'): host@backend without the pool. */
const backendOf = (host: string) => host.split('#')[0]!;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export class ManageService {
  constructor(private readonly env: ManageEnv) {}

  /**
   * Cinder's get_cluster_host: one and only one of host and cluster (cluster only from the
   * microversion that brought it); "Host field is missing." before it.
   */
  clusterHost(params: { host?: unknown; cluster?: unknown }, clusterAllowed: boolean): { host?: string; cluster?: string } {
    const cluster = clusterAllowed && typeof params.cluster === 'string' && params.cluster ? params.cluster : undefined;
    const host = typeof params.host === 'string' && params.host ? params.host : undefined;
    if (Boolean(cluster) === Boolean(host)) throw invalidInput(clusterAllowed ? 'One and only one of cluster and host must be set.' : 'Host field is missing.');
    return { host, cluster };
  }

  /**
   * Cinder's _get_service_by_host_cluster: the cinder-volume service a host (any level:
   * host, host@backend, host@backend#pool) or cluster names (this cloud runs no clusters). Not
   * found is Cinder's ServiceNotFound; a disabled service is ServiceUnavailable.
   */
  private async service(where: { host?: string; cluster?: string }): Promise<void> {
    const svc = (await this.env.backend.services({ binary: 'cinder-volume' }))[0]!;
    const host = where.host === undefined ? undefined : backendOf(where.host);
    const found = host !== undefined && (host === svc.host || svc.host.startsWith(`${host}@`));
    if (!found) throw new NotFound(host === undefined ? 'Service cinder-volume could not be found.' : `Service cinder-volume could not be found on host ${host}.`);
    if (svc.status === 'disabled') throw new BadRequest('Service is unavailable at this time.');
  }

  /** GET manageable_volumes / manageable_snapshots (and os-volume-manage, os-snapshot-manage). */
  async list(kind: ManageableKind, query: ManageableQuery, clusterAllowed: boolean): Promise<ManageableObject[]> {
    const one = (k: string) => { const v = query[k]; return Array.isArray(v) ? v[v.length - 1] : v; };
    const where = this.clusterHost({ host: one('host'), cluster: one('cluster') }, clusterAllowed);
    const marker = one('marker');
    const limit = limitOf(one('limit')) ?? MAX_LIMIT;
    const offset = offsetOf(one('offset'));
    const sort = sortParams(one('sort'), one('sort_key'), one('sort_dir'));
    const badKeys = sort.filter((s) => !SORT_KEYS.includes(s.key)).map((s) => s.key);
    if (badKeys.length) throw new BadRequest(`Invalid sort keys passed: ${[...new Set(badKeys)].join(', ')}`);
    const badDirs = sort.filter((s) => s.dir !== 'asc' && s.dir !== 'desc').map((s) => s.dir);
    if (badDirs.length) throw new BadRequest(`Invalid sort dirs passed: ${[...new Set(badDirs)].join(', ')}`);
    await this.service(where);
    const managed = kind === 'volume' ? (await this.env.tables.volumes.list()).map((v) => v.id) : (await this.env.tables.snapshots.list()).map((s) => s.id);
    const entries = (await this.env.driver.listManageable(kind, managed)).filter((e) => !e.reference['source-name'].startsWith(TEMPORARY));
    return paginate(entries, marker, limit, offset, sort);
  }

  /** POST manageable_volumes (os-volume-manage): a volume record `managing`, its task recorded. */
  async manageVolume(caller: Caller, input: ManageVolumeInput, clusterAllowed: boolean): Promise<VolumeRecord> {
    const where = this.clusterHost(input, clusterAllowed);
    let type: VolumeTypeRecord | undefined;
    if (input.volume_type) {
      try {
        type = await this.env.types.find(caller, input.volume_type);
      } catch (err) {
        if (err instanceof NotFound) throw new BadRequest(`Invalid volume type: Cannot find requested '${input.volume_type}' volume type`);
        throw err;
      }
    }
    const ref = input.ref;
    const sourceName = ref !== null && typeof ref === 'object' ? (ref as ExistingRef)['source-name'] : undefined;
    if (typeof sourceName === 'string' && sourceName.startsWith('volume-')) {
      const id = sourceName.slice('volume-'.length);
      if (UUID.test(id) && (await this.env.tables.volumes.get(id.toLowerCase()))) throw invalidVolume('Unable to manage existing volume. The volume is already managed');
    }
    type ??= await this.env.types.defaultType();
    if (type.encryption) throw new BadRequest('Managing to an encrypted volume type is not supported.');
    try {
      await this.service(where);
    } catch (err) {
      // NOTE: as the manage API answers Cinder's ServiceNotFound: 400 naming what was asked.
      if (err instanceof NotFound) throw new BadRequest(where.host ? `Host '${where.host}' not found` : `Cluster '${where.cluster}' not found`);
      throw err;
    }
    checkMetadata(input.metadata ?? {});
    await this.env.quotas.checkVolume(caller.projectId!, type.name, 0);
    const volume: VolumeRecord = {
      id: randomUUID(), project_id: caller.projectId!, user_id: caller.userId ?? '', name: input.name?.trim() || null,
      description: input.description?.trim() || null, size: 0, status: 'managing', attach_status: 'detached',
      availability_zone: input.availability_zone ?? this.env.availabilityZone, volume_type_id: type.id, bootable: input.bootable,
      multiattach: type.extra_specs.multiattach === '<is> True', snapshot_id: null, source_volid: null,
      // NOTE: a host without a pool is the backend's one pool (Cinder's scheduler picks it).
      host: where.host?.includes('#') ? where.host : this.env.host, metadata: input.metadata ?? {}, admin_metadata: {}, image_metadata: null,
      migration_status: null, error: null, created_at: now(), updated_at: null, launched_at: null, group_id: null,
    };
    const payload: ManagePayload = { ref: ref as ExistingRef, requestId: caller.requestId };
    const task = await this.env.tables.db.transaction().execute(async (tx) => {
      await this.env.tables.volumes.insert(volume, tx as Db);
      return this.env.tasks.record(tx as Db, 'manage', volume.id, payload);
    });
    this.env.tasks.start(task);
    return volume;
  }

  /** POST manageable_snapshots (os-snapshot-manage): a snapshot record `creating` of `volume`, its task recorded. */
  async manageSnapshot(caller: Caller, volume: VolumeRecord, input: ManageSnapshotInput): Promise<SnapshotRecord> {
    await this.service({ host: volume.host ?? this.env.host });
    if (!['available', 'in-use'].includes(volume.status)) {
      throw invalidVolume(`Volume ${volume.id} status must be available, in-use, but current status is: ${volume.status}.`);
    }
    checkMetadata(input.metadata ?? {});
    const type = await this.env.tables.types.get(volume.volume_type_id);
    // NOTE: the snapshot is the caller's project's (Cinder's create_snapshot_in_db), and so is its quota.
    await this.env.quotas.checkSnapshot(caller.projectId!, type?.name, volume.size);
    const snapshot: SnapshotRecord = {
      id: randomUUID(), volume_id: volume.id, project_id: caller.projectId!, user_id: caller.userId ?? '', name: input.name ?? null,
      description: input.description ?? null, status: 'creating', progress: '0%', size: volume.size, volume_type_id: volume.volume_type_id,
      metadata: input.metadata ?? {}, error: null, created_at: now(), updated_at: null, group_snapshot_id: null,
    };
    const payload: ManagePayload = { ref: input.ref as ExistingRef, requestId: caller.requestId };
    const task = await this.env.tables.db.transaction().execute(async (tx) => {
      await this.env.tables.snapshots.insert(snapshot, tx as Db);
      return this.env.tasks.record(tx as Db, 'snapshot-manage', snapshot.id, payload);
    });
    this.env.tasks.start(task);
    return snapshot;
  }

  /** os-unmanage on a volume: Cinder's delete with unmanage_only; the backend keeps the bytes. */
  async unmanageVolume(v: VolumeRecord): Promise<void> {
    const type = await this.env.tables.types.get(v.volume_type_id);
    // NOTE: Cinder raises Invalid(reason=...), whose message is its class's: "Unacceptable parameters."
    if (type?.encryption) throw new BadRequest('Unacceptable parameters.');
    const snapshots = await this.env.tables.snapshotsOfVolume(v.id);
    if (v.attach_status === 'attached' || v.group_id || !UNMANAGEABLE.includes(v.status) || snapshots.length
      || (v.migration_status !== null && !['deleting', 'error', 'success'].includes(v.migration_status))) {
      throw invalidVolume(NOT_REMOVABLE);
    }
    const task = await this.env.tables.db.transaction().execute(async (tx) => {
      const status: VolumeStatus = v.status === 'error_managing' ? 'error_managing_deleting' : 'unmanaging';
      await tx.updateTable('cinder_volumes').set({ status, updated_at: now() }).where('id', '=', v.id).execute();
      return this.env.tasks.record(tx as Db, 'unmanage', v.id, {});
    });
    this.env.tasks.start(task);
  }

  /** os-unmanage on a snapshot: Cinder's delete_snapshot with unmanage_only. */
  async unmanageSnapshot(s: SnapshotRecord): Promise<void> {
    if (!['available', 'error'].includes(s.status) || s.group_snapshot_id) {
      throw invalidSnapshot('Snapshot status must be available or error and must not be part of a group.');
    }
    const task = await this.env.tables.db.transaction().execute(async (tx) => {
      await this.env.tables.snapshots.update(s.id, { status: 'unmanaging', updated_at: now() }, tx as Db);
      return this.env.tasks.record(tx as Db, 'snapshot-unmanage', s.id, {});
    });
    this.env.tasks.start(task);
  }
}

/** Cinder's get_sort_params with the manage listings' default: reference, descending. */
function sortParams(sort: string | undefined, key: string | undefined, dir: string | undefined): { key: string; dir: string }[] {
  if (sort !== undefined && (key !== undefined || dir !== undefined)) {
    throw new BadRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
  }
  if (sort !== undefined) {
    return sort.trim().split(',').map((part) => {
      const [k, d] = [part.split(':')[0]!, part.split(':').slice(1).join(':')];
      return { key: k.trim(), dir: (d || 'desc').trim() };
    });
  }
  return [{ key: key ?? 'reference', dir: dir ?? 'desc' }];
}

/** Cinder's volume_utils.paginate_entries_list: sorted, then after the marker (a reference as JSON), offset and limit. */
function paginate(entries: ManageableObject[], marker: string | undefined, limit: number, offset: number, sort: { key: string; dir: string }[]): ManageableObject[] {
  const value = (e: ManageableObject, key: string): string | number => (key === 'size' ? e.sizeGb : Object.values(e.reference).sort()[0]!);
  const sorted = [...entries].sort((a, b) => {
    for (const { key, dir } of sort) {
      const x = value(a, key);
      const y = value(b, key);
      if (x === y) continue;
      return (x < y) === (dir === 'asc') ? -1 : 1;
    }
    return 0;
  });
  let start = 0;
  if (marker) {
    let wanted: unknown;
    try {
      wanted = JSON.parse(marker);
    } catch {
      throw invalidInput(`marker ${marker} can not be analysed, please use json like format`);
    }
    const same = (r: Record<string, string>) => wanted !== null && typeof wanted === 'object' && !Array.isArray(wanted)
      && Object.keys(r).length === Object.keys(wanted).length && Object.entries(r).every(([k, v]) => (wanted as Record<string, unknown>)[k] === v);
    const at = sorted.findIndex((e) => same(e.reference));
    if (at < 0) throw invalidInput(`marker not found: ${py(wanted)}`);
    start = at + 1;
  }
  return sorted.slice(start + offset, start + limit + offset);
}
