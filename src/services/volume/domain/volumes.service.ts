// Volumes (cinder/volume/api.py): create from nothing, an image, a snapshot or another volume;
// list, show, update, delete; metadata; the actions that change a volume's state. Changes that
// need the backend record their intent (status + task) and return; the manager does the work.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../core/auth/caller.js';
import type { Db } from '../../../core/db/database.js';
import type { TaskManager } from '../../../core/work/task-manager.js';
import type { ImageFacade } from '../../image/facade.js';
import type { SnapshotRecord, VolumeRecord, VolumeStatus, VolumeTables, VolumeTypeRecord } from '../store/tables.js';
import {
  imageMetadataNotFound, imageNotFound, invalidInput, invalidVolume, snapshotNotFound, volumeMetadataNotFound, volumeNotFound,
} from './errors.js';
import { isTrue, literalDict, orderAndPage, type ListQuery } from './listing.js';
import type { QuotasService } from './quotas.service.js';
import type { TypesService } from './types.service.js';
import { now } from './times.js';
import type { GroupsService } from './groups.service.js';

export interface VolumeInput {
  size?: number | string | null; name?: string | null; description?: string | null; availability_zone?: string | null;
  source_volid?: string | null; snapshot_id?: string | null; imageRef?: string | null; volume_type?: string | null;
  metadata?: Record<string, string>; multiattach?: boolean; group_id?: string | null;
}

/** What a create task needs to fill the volume. */
export type CreatePayload = { requestId?: string; source?: { kind: 'image'; id: string; format: 'qcow2' | 'raw' } | { kind: 'snapshot'; id: string } | { kind: 'volume'; id: string } };

/** Filters a non-admin may use on volumes (Cinder's resource_filters.json). */
export const VOLUME_FILTERS = ['name', 'status', 'metadata', 'bootable', 'migration_status', 'availability_zone', 'group_id', 'size', 'created_at', 'updated_at', 'glance_metadata', 'volume_type'];
const SORT_KEYS = ['id', 'name', 'display_name', 'status', 'size', 'availability_zone', 'created_at', 'updated_at', 'bootable', 'volume_type', 'volume_type_id', 'project_id', 'user_id', 'description', 'display_description', 'attach_status', 'host'];
/** The statuses a volume may be deleted from (cinder/volume/api.py delete). */
const DELETABLE: VolumeStatus[] = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];
export const RESETTABLE: VolumeStatus[] = ['available', 'error', 'creating', 'deleting', 'in-use', 'attaching', 'detaching', 'error_deleting', 'maintenance', 'reserved', 'error_extending', 'extending', 'downloading', 'uploading', 'retyping', 'backing-up', 'restoring-backup', 'error_restoring', 'error_backing-up'];

export interface VolumeEnv {
  tables: VolumeTables;
  types: TypesService;
  quotas: QuotasService;
  tasks: TaskManager;
  images: () => ImageFacade | undefined;
  groups: () => GroupsService;
  /** Cinder's host@backend#pool of the one backend. */
  host: string;
  availabilityZone: string;
}

export class VolumesService {
  private readonly t: VolumeTables;
  constructor(private readonly env: VolumeEnv) { this.t = env.tables; }

  /** The volume if the caller may see it (its project's, or any for an admin); else Cinder's 404. */
  async get(caller: Caller, id: string): Promise<VolumeRecord> {
    const v = await this.t.volumes.get(id);
    if (!v || (!caller.isAdmin && v.project_id !== caller.projectId)) throw volumeNotFound(id);
    return v;
  }

  async list(caller: Caller, q: ListQuery): Promise<{ volumes: VolumeRecord[]; count: number }> {
    const all = await this.t.volumesOf(caller, q.allProjects, q.projectId);
    const types = new Map((await this.t.types.list()).map((ty) => [ty.id, ty.name]));
    const matching = all.filter((v) => this.matches(v, q.filters, types));
    const page = orderAndPage(matching, q, (v, key) => sortValue(v, key, types), SORT_KEYS);
    return { volumes: page, count: matching.length };
  }

  private matches(v: VolumeRecord, filters: Record<string, string>, types: Map<string, string>): boolean {
    for (const [rawKey, want] of Object.entries(filters)) {
      const inexact = rawKey.endsWith('~');
      const key = inexact ? rawKey.slice(0, -1) : rawKey;
      const eq = (have: unknown) => {
        if (have === null || have === undefined) return false;
        return inexact ? String(have).toLowerCase().includes(want.toLowerCase()) : String(have) === want;
      };
      switch (key) {
        case 'name': case 'display_name': if (!eq(v.name)) return false; break;
        case 'description': case 'display_description': if (!eq(v.description)) return false; break;
        case 'bootable': if (v.bootable !== isTrue(want)) return false; break;
        case 'metadata': case 'glance_metadata': {
          const pairs = literalDict(want);
          if (!pairs) throw invalidInput(`Invalid ${key} filter: ${want}`);
          const have = key === 'metadata' ? v.metadata : v.image_metadata ?? {};
          if (!Object.entries(pairs).every(([k, x]) => have[k] === x)) return false;
          break;
        }
        case 'volume_type': if (!eq(types.get(v.volume_type_id)) && !eq(v.volume_type_id)) return false; break;
        case 'group_id': case 'consistencygroup_id': return false;
        default: {
          const have = (v as unknown as Record<string, unknown>)[key];
          if (typeof have === 'boolean' ? have !== isTrue(want) : !eq(have)) return false;
        }
      }
    }
    return true;
  }

  /** volume-summary: the count and total size of the volumes listed, and their metadata values. */
  async summary(caller: Caller, allProjects: boolean): Promise<{ totalSize: number; totalCount: number; metadata: Record<string, string[]> }> {
    const all = await this.t.volumesOf(caller, allProjects);
    const metadata: Record<string, string[]> = {};
    for (const v of all) for (const [k, x] of Object.entries(v.metadata)) if (!(metadata[k] ??= []).includes(x)) metadata[k]!.push(x);
    return { totalSize: all.reduce((n, v) => n + v.size, 0), totalCount: all.length, metadata };
  }

  async create(caller: Caller, input: VolumeInput): Promise<VolumeRecord> {
    const projectId = caller.projectId!;
    let size = sizeOf(input.size);
    let snapshot: SnapshotRecord | undefined;
    let source: VolumeRecord | undefined;
    const payload: CreatePayload = { requestId: caller.requestId };
    let imageMeta: Record<string, string> | null = null;
    let bootable = false;
    let type: VolumeTypeRecord | undefined;
    if (input.snapshot_id) {
      snapshot = await this.t.snapshots.get(input.snapshot_id);
      if (!snapshot || (!caller.isAdmin && snapshot.project_id !== projectId)) throw snapshotNotFound(input.snapshot_id);
      if (snapshot.status !== 'available') throw invalidInput(`Invalid snapshot: Originating snapshot status must be one of 'available' values`);
      size ??= snapshot.size;
      if (size < snapshot.size) throw invalidInput(`Volume size '${size}'GB cannot be smaller than the snapshot size ${snapshot.size}GB. They must be >= original snapshot size.`);
      const parent = await this.t.volumes.get(snapshot.volume_id);
      if (parent) { bootable = parent.bootable; imageMeta = parent.image_metadata; type = await this.t.types.get(parent.volume_type_id); }
      payload.source = { kind: 'snapshot', id: snapshot.id };
    } else if (input.source_volid) {
      source = await this.t.volumes.get(input.source_volid);
      if (!source || (!caller.isAdmin && source.project_id !== projectId)) throw volumeNotFound(input.source_volid);
      if (!['available', 'in-use'].includes(source.status)) throw invalidVolume(`Volume ${source.id} status must be available or in-use, but current status is: ${source.status}.`);
      size ??= source.size;
      if (size < source.size) throw invalidInput(`Volume size '${size}'GB cannot be smaller than original volume size ${source.size}GB. They must be >= original volume size.`);
      bootable = source.bootable;
      imageMeta = source.image_metadata;
      type = await this.t.types.get(source.volume_type_id);
      payload.source = { kind: 'volume', id: source.id };
    } else if (input.imageRef) {
      const images = this.env.images();
      const image = images ? await images.findImage(input.imageRef, { projectId, isAdmin: caller.isAdmin }) : undefined;
      if (!image) throw imageNotFound(input.imageRef);
      if (image.status !== 'active') throw invalidInput(`Image ${image.id} is not active.`);
      const imageGb = Math.ceil((image.size ?? 0) / 2 ** 30);
      if (size === undefined) throw invalidInput(`Volume size '${input.size ?? 'None'}' must be an integer and greater than 0`);
      if (imageGb > size) throw invalidInput(`Size of specified image ${imageGb}GB is larger than volume size ${size}GB.`);
      if (image.minDisk > size) throw invalidInput(`Volume size ${size}GB cannot be smaller than the image minDisk size ${image.minDisk}GB.`);
      bootable = true;
      imageMeta = {
        ...image.properties, image_id: image.id, image_name: image.name, min_disk: String(image.minDisk), min_ram: String(image.minRam),
        size: String(image.size ?? 0), ...(image.diskFormat ? { disk_format: image.diskFormat } : {}),
        ...(image.containerFormat ? { container_format: image.containerFormat } : {}),
      };
      payload.source = { kind: 'image', id: image.id, format: image.diskFormat === 'qcow2' ? 'qcow2' : 'raw' };
    }
    if (size === undefined || size <= 0) throw invalidInput(`Volume size '${input.size ?? 'None'}' must be an integer and greater than 0`);
    if (input.volume_type) type = await this.env.types.find(caller, input.volume_type);
    type ??= await this.env.types.defaultType();
    const az = input.availability_zone ?? this.env.availabilityZone;
    if (az !== this.env.availabilityZone) throw invalidInput(`Availability zone '${az}' is invalid.`);
    // NOTE: Zed's create flow (ExtractVolumeRequestTask): the volume is multiattach when its type
    // says so or the deprecated `multiattach` flag asks for it (Cinder only logs the deprecation;
    // 2023.1 refuses the flag); an encrypted type cannot be.
    const multiattach = type.extra_specs.multiattach === '<is> True' || input.multiattach === true;
    if (multiattach && type.encryption) throw invalidVolume('Multiattach cannot be used with encrypted volumes.');
    if (input.group_id) await this.env.groups().admit(caller, input.group_id, type.id);
    await this.env.quotas.checkVolume(projectId, type.name, size);
    const volume: VolumeRecord = {
      id: randomUUID(), project_id: projectId, user_id: caller.userId ?? '', name: input.name ?? null, description: input.description ?? null,
      size, status: 'creating', attach_status: 'detached', availability_zone: az, volume_type_id: type.id, bootable,
      multiattach, snapshot_id: snapshot?.id ?? null, source_volid: source?.id ?? null,
      host: null, metadata: input.metadata ?? {}, admin_metadata: {}, image_metadata: imageMeta, migration_status: null, error: null,
      created_at: now(), updated_at: null, launched_at: null, group_id: input.group_id ?? null,
    };
    const task = await this.t.db.transaction().execute(async (tx) => {
      await this.t.volumes.insert(volume, tx as Db);
      return this.env.tasks.record(tx as Db, 'create', volume.id, payload);
    });
    this.env.tasks.start(task);
    return volume;
  }

  async update(caller: Caller, id: string, input: { name?: string | null; description?: string | null; metadata?: Record<string, string> }): Promise<VolumeRecord> {
    await this.get(caller, id);
    await this.t.volumes.update(id, { name: input.name, description: input.description, metadata: input.metadata, updated_at: now() });
    return (await this.t.volumes.get(id))!;
  }

  /** Starts a delete (cascade: with its snapshots); Cinder's refusals for volumes that cannot go. */
  async delete(caller: Caller, id: string, opts: { cascade?: boolean; force?: boolean; fromGroup?: boolean } = {}): Promise<void> {
    const v = await this.get(caller, id);
    if (v.group_id && !opts.fromGroup && !opts.force) throw invalidVolume('Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.');
    if (!opts.force) {
      if (v.attach_status === 'attached' || v.status === 'in-use') throw invalidVolume('Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.');
      if (!DELETABLE.includes(v.status) && !(v.status === 'error_deleting')) {
        throw invalidVolume('Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.');
      }
    }
    const snaps = await this.t.snapshotsOfVolume(id);
    if (snaps.length && !opts.cascade && !opts.force) throw invalidVolume('Volume still has 1 dependent snapshots.'.replace('1', String(snaps.length)));
    if (opts.cascade && snaps.some((s) => !['available', 'error'].includes(s.status))) throw invalidVolume('Snapshot of volume not in a valid state to delete: all snapshots must be available or error.');
    const task = await this.t.db.transaction().execute(async (tx) => {
      await tx.updateTable('cinder_volumes').set({ status: v.status === 'error_managing' ? 'error_managing_deleting' : 'deleting', updated_at: now() }).where('id', '=', id).execute();
      if (snaps.length) await tx.updateTable('cinder_snapshots').set({ status: 'deleting', updated_at: now() }).where('volume_id', '=', id).execute();
      return this.env.tasks.record(tx as Db, 'delete', id, { snapshots: snaps.map((s) => s.id) });
    });
    this.env.tasks.start(task);
  }

  // ---- metadata
  async metadata(caller: Caller, id: string): Promise<Record<string, string>> { return (await this.get(caller, id)).metadata; }

  async setMetadata(caller: Caller, id: string, metadata: Record<string, string>, replace: boolean): Promise<Record<string, string>> {
    const v = await this.get(caller, id);
    checkMetadata(metadata);
    const next = replace ? metadata : { ...v.metadata, ...metadata };
    await this.t.volumes.update(id, { metadata: next, updated_at: now() });
    return next;
  }

  async metadataItem(caller: Caller, id: string, key: string): Promise<string> {
    const v = await this.get(caller, id);
    if (!(key in v.metadata)) throw volumeMetadataNotFound(id, key);
    return v.metadata[key]!;
  }

  async deleteMetadataItem(caller: Caller, id: string, key: string): Promise<void> {
    const v = await this.get(caller, id);
    if (!(key in v.metadata)) throw volumeMetadataNotFound(id, key);
    const { [key]: _gone, ...rest } = v.metadata;
    await this.t.volumes.update(id, { metadata: rest, updated_at: now() });
  }

  // ---- actions
  async setBootable(caller: Caller, id: string, bootable: boolean): Promise<void> {
    await this.get(caller, id);
    await this.t.volumes.update(id, { bootable, updated_at: now() });
  }

  async setReadonly(caller: Caller, id: string, readonly: boolean): Promise<void> {
    const v = await this.get(caller, id);
    if (!['available', 'in-use'].includes(v.status)) throw invalidVolume(`Volume ${id} status must be available or in-use, but current status is: ${v.status}.`);
    await this.t.volumes.update(id, { admin_metadata: { ...v.admin_metadata, readonly: readonly ? 'True' : 'False' }, updated_at: now() });
  }

  async extend(caller: Caller, id: string, newSize: number, attachedAllowed: boolean): Promise<void> {
    const v = await this.get(caller, id);
    const okStatus = v.status === 'available' || (attachedAllowed && v.status === 'in-use');
    if (!okStatus) throw invalidVolume(`Volume ${id} status must be ${attachedAllowed ? "'available' or 'in-use'" : "'available'"} to extend, currently in '${v.status}'.`);
    if (newSize <= v.size) throw invalidInput(`New size for extend must be greater than current size. (current: ${v.size}, extended: ${newSize}).`);
    const type = await this.t.types.get(v.volume_type_id);
    await this.env.quotas.checkVolume(v.project_id, type?.name ?? '', newSize - v.size, 0);
    const task = await this.t.db.transaction().execute(async (tx) => {
      await tx.updateTable('cinder_volumes').set({ status: 'extending', updated_at: now() }).where('id', '=', id).execute();
      return this.env.tasks.record(tx as Db, 'extend', id, { newSize, previous: v.status });
    });
    this.env.tasks.start(task);
  }

  /**
   * Changes the volume's type. One backend serves every type, so no data moves and the
   * migration policy never matters (Cinder's retype without migration).
   */
  async retype(caller: Caller, id: string, newType: string): Promise<void> {
    const v = await this.get(caller, id);
    if (!['available', 'in-use'].includes(v.status)) throw invalidVolume(`Volume ${id} status must be available or in-use, but current status is: ${v.status}.`);
    const type = await this.env.types.find(caller, newType);
    if (type.id === v.volume_type_id) throw invalidInput(`New volume type must be different from the current one: ${type.name}.`);
    await this.t.volumes.update(id, { volume_type_id: type.id, multiattach: type.extra_specs.multiattach === '<is> True', updated_at: now() });
  }

  async resetStatus(caller: Caller, id: string, s: { status?: string; attach_status?: string; migration_status?: string }): Promise<void> {
    await this.get(caller, id);
    if (s.status !== undefined && !RESETTABLE.includes(s.status as VolumeStatus)) throw invalidInput(`Invalid input received: Invalid volume status ${s.status}`);
    if (s.attach_status !== undefined && !['attached', 'detached'].includes(s.attach_status)) throw invalidInput(`Invalid input received: Invalid attach_status ${s.attach_status}`);
    await this.t.volumes.update(id, {
      status: s.status as VolumeStatus | undefined, attach_status: s.attach_status as VolumeRecord['attach_status'] | undefined,
      migration_status: s.migration_status, updated_at: now(),
    });
  }

  /** Starts an upload of the volume's bytes to a new image; the answer's image is queued. */
  async uploadToImage(caller: Caller, id: string, args: { image_name: string; disk_format: string; container_format: string; force: boolean; visibility?: string; protected?: boolean }): Promise<{ volume: VolumeRecord; imageId: string }> {
    const v = await this.get(caller, id);
    if (!(v.status === 'available' || (args.force && v.status === 'in-use'))) {
      throw invalidVolume(`Volume ${id} status must be available${args.force ? ' or in-use' : ''}, but current status is: ${v.status}.`);
    }
    const images = this.env.images();
    if (!images) throw invalidInput('The image service is not running.');
    const properties: Record<string, string> = {};
    for (const [k, x] of Object.entries(v.image_metadata ?? {})) {
      if (!['image_id', 'image_name', 'size', 'checksum', 'disk_format', 'container_format', 'min_disk', 'min_ram'].includes(k)) properties[k] = x;
    }
    const image = await images.createImage({
      name: args.image_name, projectId: v.project_id, diskFormat: args.disk_format, containerFormat: args.container_format,
      visibility: args.visibility ?? 'private', properties,
    });
    const task = await this.t.db.transaction().execute(async (tx) => {
      await tx.updateTable('cinder_volumes').set({ status: 'uploading', updated_at: now() }).where('id', '=', id).execute();
      return this.env.tasks.record(tx as Db, 'upload', id, { imageId: image.id, format: args.disk_format === 'qcow2' ? 'qcow2' : 'raw', previous: v.status });
    });
    this.env.tasks.start(task);
    return { volume: { ...v, status: 'uploading' }, imageId: image.id };
  }

  async setImageMetadata(caller: Caller, id: string, metadata: Record<string, string>): Promise<Record<string, string>> {
    const v = await this.get(caller, id);
    const next = { ...(v.image_metadata ?? {}), ...metadata };
    await this.t.volumes.update(id, { image_metadata: next, updated_at: now() });
    return next;
  }

  async unsetImageMetadata(caller: Caller, id: string, key: string): Promise<void> {
    const v = await this.get(caller, id);
    if (!v.image_metadata || !(key in v.image_metadata)) throw imageMetadataNotFound(id, key);
    const { [key]: _gone, ...rest } = v.image_metadata;
    await this.t.volumes.update(id, { image_metadata: rest, updated_at: now() });
  }
}

/** A size as Cinder's schema lets it through: an integer or a string of digits. */
function sizeOf(size: VolumeInput['size']): number | undefined {
  if (size === undefined || size === null) return undefined;
  return typeof size === 'number' ? size : Number(size);
}

export function checkMetadata(metadata: Record<string, string>): void {
  for (const [k, v] of Object.entries(metadata)) {
    if (k.length === 0) throw invalidInput('Metadata property key blank.');
    if (k.length > 255) throw invalidInput('Metadata property key greater than 255 characters.');
    if (typeof v === 'string' && v.length > 255) throw invalidInput('Metadata property value greater than 255 characters.');
  }
}

function sortValue(v: VolumeRecord, key: string, types: Map<string, string>): unknown {
  switch (key) {
    case 'name': case 'display_name': return v.name;
    case 'description': case 'display_description': return v.description;
    case 'volume_type': return types.get(v.volume_type_id);
    case 'bootable': return v.bootable ? 1 : 0;
    default: return (v as unknown as Record<string, unknown>)[key];
  }
}
