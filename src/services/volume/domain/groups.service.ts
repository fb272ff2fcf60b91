// Generic volume groups (cinder/group/api.py): group types with group specs; groups of volumes of
// the group's volume types, changed by adding and removing volumes; group snapshots (one snapshot
// per member volume); groups made from a group snapshot or another group (one volume per member).
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../core/auth/caller.js';
import { BadRequest, Conflict, NotFound } from '../../../core/errors/errors.js';
import type { GroupRecord, GroupSnapshotRecord, GroupTypeRecord, VolumeTables } from '../store/tables.js';
import { invalidInput } from './errors.js';
import type { SnapshotsService } from './snapshots.service.js';
import type { TypesService } from './types.service.js';
import { now } from './times.js';
import type { VolumesService } from './volumes.service.js';

export const groupTypeNotFound = (id: string) => new NotFound(`Group type ${id} could not be found.`);
export const groupNotFound = (id: string) => new NotFound(`Group ${id} could not be found.`);
export const groupSnapshotNotFound = (id: string) => new NotFound(`GroupSnapshot ${id} could not be found.`);
const invalidGroup = (reason: string) => new BadRequest(`Invalid Group: ${reason}`);
const GROUP_STATUSES = ['available', 'error', 'creating', 'deleting', 'updating', 'error_deleting', 'in-use'];

export class GroupsService {
  constructor(
    private readonly t: VolumeTables,
    private readonly types: TypesService,
    private readonly volumes: () => VolumesService,
    private readonly snapshots: () => SnapshotsService,
    private readonly zone: string,
  ) {}

  // ---- group types
  async getType(caller: Caller, id: string): Promise<GroupTypeRecord> {
    const g = await this.t.groupTypes.get(id) ?? (await this.t.groupTypes.list({ name: id }))[0];
    if (!g || (!g.is_public && !caller.isAdmin)) throw groupTypeNotFound(id);
    return g;
  }
  /** `isPublic` as volume types read it: public or private ones, or all (null; admins only). */
  async listTypes(caller: Caller, isPublic: boolean | null, desc = false): Promise<GroupTypeRecord[]> {
    const all = (await this.t.groupTypes.list()).filter((g) => (caller.isAdmin ? isPublic === null || g.is_public === isPublic : g.is_public));
    return all.sort((a, b) => (a.name < b.name ? -1 : 1) * (desc ? -1 : 1));
  }
  async createType(name: string, description: string | null, isPublic: boolean, specs: Record<string, string>): Promise<GroupTypeRecord> {
    if ((await this.t.groupTypes.list({ name })).length) throw new Conflict(`Group Type ${name} already exists.`);
    return this.t.groupTypes.insert({ id: randomUUID(), name, description, is_public: isPublic, group_specs: specs, created_at: now() });
  }
  async updateType(caller: Caller, id: string, patch: { name?: string; description?: string | null; is_public?: boolean }): Promise<GroupTypeRecord> {
    const g = await this.getType(caller, id);
    if (patch.name !== undefined && patch.name !== g.name && (await this.t.groupTypes.list({ name: patch.name })).length) throw new Conflict(`Group Type ${patch.name} already exists.`);
    await this.t.groupTypes.update(g.id, patch);
    return (await this.t.groupTypes.get(g.id))!;
  }
  async deleteType(caller: Caller, id: string): Promise<void> {
    const g = await this.getType(caller, id);
    if ((await this.t.groups.list({ group_type_id: g.id })).length) throw new BadRequest(`Target group type is still in use. Group Type ${g.id} deletion is not allowed with groups present with the type.`);
    await this.t.groupTypes.delete(g.id);
  }
  async setSpecs(caller: Caller, id: string, specs: Record<string, string>): Promise<Record<string, string>> {
    const g = await this.getType(caller, id);
    await this.t.groupTypes.update(g.id, { group_specs: { ...g.group_specs, ...specs } });
    return specs;
  }
  async deleteSpec(caller: Caller, id: string, key: string): Promise<void> {
    const g = await this.getType(caller, id);
    if (!(key in g.group_specs)) throw new NotFound(`Group Type ${id} has no specs with key ${key}.`);
    const { [key]: _gone, ...rest } = g.group_specs;
    await this.t.groupTypes.update(g.id, { group_specs: rest });
  }

  // ---- groups
  async get(caller: Caller, id: string): Promise<GroupRecord> {
    const g = await this.t.groups.get(id);
    if (!g || (!caller.isAdmin && g.project_id !== caller.projectId)) throw groupNotFound(id);
    return g;
  }
  async list(caller: Caller, allProjects: boolean): Promise<GroupRecord[]> {
    const all = caller.isAdmin && allProjects ? await this.t.groups.list() : await this.t.groups.list({ project_id: caller.projectId ?? '' });
    return all.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  }
  async memberIds(groupId: string): Promise<string[]> {
    return (await this.t.db.selectFrom('cinder_volumes').select('id').where('group_id', '=', groupId).execute()).map((r) => r.id);
  }

  async create(caller: Caller, input: { name?: string | null; description?: string | null; group_type: string; volume_types: string[]; availability_zone?: string | null }): Promise<GroupRecord> {
    const gt = await this.getType(caller, input.group_type);
    if (!input.volume_types.length) throw invalidInput('volume_types must be provided to create group.');
    const typeIds: string[] = [];
    for (const vt of input.volume_types) typeIds.push((await this.types.find(caller, vt)).id);
    const g: GroupRecord = {
      id: randomUUID(), project_id: caller.projectId!, user_id: caller.userId ?? '', name: input.name ?? null, description: input.description ?? null,
      // NOTE: no backend work makes a generic group: it is available once recorded.
      status: 'available', availability_zone: input.availability_zone ?? this.zone, group_type_id: gt.id, volume_type_ids: typeIds,
      group_snapshot_id: null, source_group_id: null, created_at: now(), updated_at: null,
    };
    return this.t.groups.insert(g);
  }

  /** Checks that a new volume of `typeId` may join group `groupId` (volume create with group_id). */
  async admit(caller: Caller, groupId: string, typeId: string): Promise<void> {
    const g = await this.get(caller, groupId);
    if (g.status !== 'available') throw invalidGroup(`Group ${g.id} status must be available, but current status is: ${g.status}.`);
    if (!g.volume_type_ids.includes(typeId)) throw invalidInput(`Invalid volume_type provided: ${typeId} (requested type is not compatible; recommend omitting the type argument).`);
  }

  async update(caller: Caller, id: string, patch: { name?: string | null; description?: string | null; add_volumes?: string | null; remove_volumes?: string | null }): Promise<void> {
    const g = await this.get(caller, id);
    if (g.status !== 'available') throw invalidGroup(`Group status must be available, but current status is: ${g.status}.`);
    const ids = (s: string | null | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    for (const vid of ids(patch.add_volumes)) {
      const v = await this.volumes().get(caller, vid);
      if (!g.volume_type_ids.includes(v.volume_type_id)) throw invalidInput(`Cannot add volume ${vid} to group ${id} because volume type ${v.volume_type_id} is not supported by the group.`);
      if (!['available', 'in-use'].includes(v.status)) throw invalidInput(`Cannot add volume ${vid} to group ${id} because volume is in an invalid state: ${v.status}.`);
      if (v.group_id) throw invalidInput(`Cannot add volume ${vid} to group ${id} because it is already in group ${v.group_id}.`);
    }
    for (const vid of ids(patch.remove_volumes)) {
      const v = await this.volumes().get(caller, vid);
      if (v.group_id !== id) throw invalidInput(`Cannot remove volume ${vid} from group ${id} because it is not in the group.`);
    }
    await this.t.db.transaction().execute(async (tx) => {
      for (const vid of ids(patch.add_volumes)) await tx.updateTable('cinder_volumes').set({ group_id: id, updated_at: now() }).where('id', '=', vid).execute();
      for (const vid of ids(patch.remove_volumes)) await tx.updateTable('cinder_volumes').set({ group_id: null, updated_at: now() }).where('id', '=', vid).execute();
      await tx.updateTable('cinder_groups').set({ ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.description !== undefined ? { description: patch.description } : {}), updated_at: now() }).where('id', '=', id).execute();
    });
  }

  /** Deletes the group; with its volumes when `deleteVolumes`, else only an empty group. */
  async delete(caller: Caller, id: string, deleteVolumes: boolean): Promise<void> {
    const g = await this.get(caller, id);
    const members = await this.memberIds(id);
    if (members.length && !deleteVolumes) throw invalidGroup('Group must not have attached volumes, and volumes must be deleted or removed from the group.');
    if ((await this.t.groupSnapshots.list({ group_id: id })).length) throw invalidGroup('Group has existing snapshots.');
    await this.t.groups.update(g.id, { status: 'deleting', updated_at: now() });
    for (const vid of members) await this.volumes().delete(caller, vid, { cascade: true, fromGroup: true });
    // NOTE: the group goes once its volumes are on their way out (their deletes are recorded tasks).
    await this.t.groups.delete(g.id);
  }

  async resetStatus(caller: Caller, id: string, status: string): Promise<void> {
    await this.get(caller, id);
    if (!GROUP_STATUSES.includes(status)) throw invalidInput(`Group status: ${status} is invalid.`);
    await this.t.groups.update(id, { status, updated_at: now() });
  }

  /** A new group from a group snapshot or another group: one volume per member, in the new group. */
  async createFromSource(caller: Caller, input: { name?: string | null; description?: string | null; group_snapshot_id?: string | null; source_group_id?: string | null }): Promise<GroupRecord> {
    if (!!input.group_snapshot_id === !!input.source_group_id) throw invalidInput('Either group_snapshot_id or source_group_id must be provided, but not both.');
    let base: GroupRecord;
    let sources: { snapshot_id?: string; source_volid?: string; size: number; typeId: string }[] = [];
    if (input.group_snapshot_id) {
      const gs = await this.getSnapshot(caller, input.group_snapshot_id);
      base = await this.get(caller, gs.group_id);
      sources = (await this.t.snapshots.list({ group_snapshot_id: gs.id })).map((s) => ({ snapshot_id: s.id, size: s.size, typeId: s.volume_type_id ?? '' }));
    } else {
      base = await this.get(caller, input.source_group_id!);
      sources = (await this.t.volumes.list({ group_id: base.id })).map((v) => ({ source_volid: v.id, size: v.size, typeId: v.volume_type_id }));
    }
    const g = await this.t.groups.insert({
      ...base, id: randomUUID(), project_id: caller.projectId!, user_id: caller.userId ?? '', name: input.name ?? null, description: input.description ?? null,
      status: 'available', group_snapshot_id: input.group_snapshot_id ?? null, source_group_id: input.source_group_id ?? null, created_at: now(), updated_at: null,
    });
    for (const s of sources) await this.volumes().create(caller, { size: s.size, snapshot_id: s.snapshot_id, source_volid: s.source_volid, volume_type: s.typeId, group_id: g.id });
    return g;
  }

  // ---- group snapshots
  async getSnapshot(caller: Caller, id: string): Promise<GroupSnapshotRecord> {
    const gs = await this.t.groupSnapshots.get(id);
    if (!gs || (!caller.isAdmin && gs.project_id !== caller.projectId)) throw groupSnapshotNotFound(id);
    return { ...gs, status: await this.snapshotStatus(gs) };
  }
  async listSnapshots(caller: Caller, allProjects: boolean): Promise<GroupSnapshotRecord[]> {
    const all = caller.isAdmin && allProjects ? await this.t.groupSnapshots.list() : await this.t.groupSnapshots.list({ project_id: caller.projectId ?? '' });
    return Promise.all(all.map(async (gs) => ({ ...gs, status: await this.snapshotStatus(gs) })));
  }
  /** A group snapshot is creating while any of its snapshots is; error if one failed. */
  private async snapshotStatus(gs: GroupSnapshotRecord): Promise<string> {
    // NOTE: only a group snapshot being made follows its snapshots; one reset to creating stays so.
    if (gs.status !== 'creating' || gs.updated_at !== null) return gs.status;
    const members = await this.t.snapshots.list({ group_snapshot_id: gs.id });
    if (members.some((s) => s.status === 'error')) return 'error';
    if (members.some((s) => s.status === 'creating')) return 'creating';
    await this.t.groupSnapshots.update(gs.id, { status: 'available', updated_at: now() });
    return 'available';
  }
  async createSnapshot(caller: Caller, input: { group_id: string; name?: string | null; description?: string | null }): Promise<GroupSnapshotRecord> {
    const g = await this.get(caller, input.group_id);
    if (g.status !== 'available') throw invalidGroup(`Group ${g.id} status must be available, but current status is: ${g.status}.`);
    const gs = await this.t.groupSnapshots.insert({
      id: randomUUID(), group_id: g.id, project_id: caller.projectId!, user_id: caller.userId ?? '', name: input.name ?? null,
      description: input.description ?? null, status: 'creating', group_type_id: g.group_type_id, created_at: now(), updated_at: null,
    });
    for (const vid of await this.memberIds(g.id)) await this.snapshots().create(caller, { volume_id: vid, force: true, name: `snapshot-${gs.id}`, groupSnapshotId: gs.id }, true);
    return gs;
  }
  async deleteSnapshot(caller: Caller, id: string): Promise<void> {
    const gs = await this.getSnapshot(caller, id);
    if (!['available', 'error'].includes(gs.status)) throw new BadRequest(`Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group can be currently using it as source for its creation.`);
    for (const s of await this.t.snapshots.list({ group_snapshot_id: id })) await this.snapshots().delete(caller, s.id, true);
    await this.t.groupSnapshots.delete(id);
  }
  async resetSnapshotStatus(caller: Caller, id: string, status: string): Promise<void> {
    await this.getSnapshot(caller, id);
    if (!['available', 'error', 'creating', 'deleting', 'error_deleting'].includes(status)) throw invalidInput(`Group snapshot status: ${status} is invalid.`);
    await this.t.groupSnapshots.update(id, { status, updated_at: now() });
  }
}
