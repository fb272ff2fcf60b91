// SQL for servers (instances), faults, tags, instance actions and events. List queries take the
// project scope as a required argument (null only for an admin's all_tenants).
import { sql, type Selectable } from 'kysely';
import { codec } from '../../../core/db/table.js';
import type { Db } from '../../../core/db/database.js';
import { computeDb, type ComputeDb, type InstancesTable } from './database.js';
import { afterMarker, jsonField, matches } from './sqlite.js';

export interface FlavorSnapshot {
  id: string; name: string; vcpus: number; ram: number; disk: number; ephemeral: number; swap: number;
  extraSpecs: Record<string, string>;
}

export interface BlockDevice {
  boot_index: number | null; uuid: string | null; source_type: string; destination_type: string | null;
  volume_size: number | null; delete_on_termination: boolean; device_name: string | null; volume_id: string | null;
  tag?: string | null; guest_format?: string | null; disk_bus?: string | null; device_type?: string | null;
  /** Cinder's attachment for an attached volume. */
  attachment_id?: string | null;
}

export interface InstanceRecord {
  id: string; name: string; description: string | null; project_id: string; user_id: string;
  vm_state: string; task_state: string | null; power_state: number;
  host: string | null; node: string | null; availability_zone: string | null; requested_az: string | null;
  flavor: FlavorSnapshot; old_flavor: FlavorSnapshot | null; image_ref: string;
  key_name: string | null; key_data: string | null; user_data: string | null; config_drive: string;
  metadata: Record<string, string>; security_groups: { name: string }[];
  networks: 'auto' | 'none' | { uuid?: string; port?: string; fixed_ip?: string; tag?: string }[];
  block_devices: BlockDevice[]; access_ip_v4: string | null; access_ip_v6: string | null;
  reservation_id: string; launch_index: number; hostname: string;
  locked: boolean; locked_by: string | null; locked_reason: string | null;
  progress: number; auto_disk_config: boolean; trusted_certs: string[] | null; server_group_id: string | null;
  scheduler_hints: Record<string, unknown>; prior_vm_state: string | null;
  /** Nova's system_metadata (shelved_image_id ...). */
  system_metadata?: Record<string, string>;
  created_at: string; updated_at: string; launched_at: string | null; terminated_at: string | null;
  deleted: boolean; deleted_at: string | null;
}

export interface FaultRecord { id: number; instance_uuid: string; code: number; message: string; details: string | null; host: string | null; created_at: string }
export interface ActionRecord { id: number; action: string; instance_uuid: string; request_id: string; user_id: string; project_id: string; start_time: string; finish_time: string | null; message: string | null; updated_at: string }
export interface EventRecord { id: number; action_id: number; event: string; start_time: string; finish_time: string | null; result: string | null; traceback: string | null; host: string | null; details: string | null }

const inst = codec<InstanceRecord, InstancesTable>({
  bools: ['locked', 'auto_disk_config', 'deleted'],
  json: ['flavor', 'old_flavor', 'metadata', 'security_groups', 'networks', 'block_devices', 'trusted_certs', 'scheduler_hints', 'system_metadata'],
});

export interface ServerListQuery {
  /** Required: the project to list, or null for every project (admin all_tenants). */
  projectId: string | null;
  userId?: string;
  name?: string;
  status?: { vmStates: string[]; taskStates: (string | null)[] | null };
  image?: string; flavor?: string; host?: string; node?: string; reservationId?: string;
  availabilityZone?: string; ip?: string;
  changesSince?: string; changesBefore?: string;
  /** undefined: not deleted (unless changes-since); true/false exactly. */
  deleted?: boolean;
  locked?: boolean;
  tags?: string[]; tagsAny?: string[]; notTags?: string[]; notTagsAny?: string[];
  sort: { key: string; dir: 'asc' | 'desc' }[];
  limit?: number;
  marker?: InstanceRecord;
}

export const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class ServersStore {
  constructor(readonly db: ComputeDb) {}

  decode(row: Selectable<InstancesTable>): InstanceRecord { return inst.decode(row); }

  async get(id: string, tx: Db = this.db): Promise<InstanceRecord | undefined> {
    const db = computeDb(tx);
    const row = await db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? inst.decode(row) : undefined;
  }

  async insert(r: InstanceRecord, tx: Db = this.db): Promise<void> {
    const db = computeDb(tx);
    await db.insertInto('instances').values(inst.encode(r)).execute();
  }

  /** Writes `patch` (and updated_at); with `expect`, only when the row still has those values. */
  async update(id: string, patch: Partial<InstanceRecord>, tx: Db = this.db, expect?: Partial<InstanceRecord>): Promise<boolean> {
    const db = computeDb(tx);
    let q = db.updateTable('instances').set(inst.encode({ ...patch, updated_at: patch.updated_at ?? now() })).where('id', '=', id);
    const expected = inst.encode(expect ?? {});
    for (const k of Object.keys(expected) as (keyof typeof expected)[]) {
      const v = expected[k];
      q = v === null ? q.where(sql.ref(k), 'is', null) : q.where(sql.ref(k), '=', v);
    }
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async list(q: ServerListQuery): Promise<InstanceRecord[]> {
    let s = this.db.selectFrom('instances').selectAll();
    if (q.projectId !== null) s = s.where('project_id', '=', q.projectId);
    if (q.userId) s = s.where('user_id', '=', q.userId);
    if (q.deleted !== undefined) s = s.where('deleted', '=', q.deleted ? 1 : 0);
    else if (!q.changesSince && !q.changesBefore) s = s.where('deleted', '=', 0);
    if (q.image) s = s.where('image_ref', '=', q.image);
    if (q.flavor) s = s.where(jsonField('flavor', 'id'), '=', q.flavor);
    if (q.host) s = s.where('host', '=', q.host);
    if (q.node) s = s.where('node', '=', q.node);
    if (q.reservationId) s = s.where('reservation_id', '=', q.reservationId);
    if (q.availabilityZone) s = s.where('availability_zone', '=', q.availabilityZone);
    if (q.changesSince) s = s.where('updated_at', '>=', q.changesSince);
    if (q.changesBefore) s = s.where('updated_at', '<=', q.changesBefore);
    if (q.locked !== undefined) s = s.where('locked', '=', q.locked ? 1 : 0);
    if (q.status) {
      const st = q.status;
      s = s.where((eb) => {
        const vm = st.vmStates.length ? eb('vm_state', 'in', st.vmStates) : eb.val(0).$castTo<boolean>();
        if (!st.taskStates) return vm;
        const named = st.taskStates.filter((t): t is string => t !== null);
        const ors = [];
        if (named.length) ors.push(eb('task_state', 'in', named));
        if (st.taskStates.includes(null)) ors.push(eb('task_state', 'is', null));
        return eb.and([vm, eb.or(ors)]);
      });
    }
    const tagSub = (tags: string[]) => this.db.selectFrom('instance_tags').select('instance_uuid').where('tag', 'in', tags);
    for (const t of q.tags ?? []) s = s.where('id', 'in', tagSub([t]));
    if (q.tagsAny?.length) s = s.where('id', 'in', tagSub(q.tagsAny));
    if (q.notTags?.length) {
      // NOTE: not-tags excludes servers carrying all of them (Nova's semantics).
      const all = this.db.selectFrom('instance_tags').select('instance_uuid').where('tag', 'in', q.notTags)
        .groupBy('instance_uuid').having(sql`count(distinct tag)`, '=', q.notTags.length);
      s = s.where('id', 'not in', all);
    }
    if (q.notTagsAny?.length) s = s.where('id', 'not in', tagSub(q.notTagsAny));
    if (q.name) s = s.where(matches('name', q.name));
    const order = [...q.sort, { key: 'id', dir: q.sort[0]?.dir ?? 'desc' }];
    if (q.marker) s = s.where(afterMarker(order, inst.encode(q.marker)));
    // NOTE: the sort keys are instance columns the domain has checked against Nova's list.
    for (const k of order) s = s.orderBy(sql.ref(k.key), k.dir);
    if (q.limit !== undefined) s = s.limit(q.limit);
    return (await s.execute()).map((r) => inst.decode(r));
  }

  async countActive(projectId: string): Promise<{ instances: number; cores: number; ram: number }> {
    const r = await this.db.selectFrom('instances')
      .select([sql<number>`count(*)`.as('instances'), sql<number>`coalesce(sum(${jsonField('flavor', 'vcpus')}), 0)`.as('cores'), sql<number>`coalesce(sum(${jsonField('flavor', 'ram')}), 0)`.as('ram')])
      .where('project_id', '=', projectId).where('deleted', '=', 0).executeTakeFirstOrThrow();
    return { instances: Number(r.instances), cores: Number(r.cores), ram: Number(r.ram) };
  }

  /** Non-deleted instances placed on a node (usage for hypervisor views). */
  async onNode(node: string): Promise<InstanceRecord[]> {
    return (await this.db.selectFrom('instances').selectAll().where('node', '=', node).where('deleted', '=', 0).execute()).map((r) => inst.decode(r));
  }

  async allLive(): Promise<InstanceRecord[]> {
    return (await this.db.selectFrom('instances').selectAll().where('deleted', '=', 0).execute()).map((r) => inst.decode(r));
  }

  async usageRows(projectId: string | null, start: string, end: string): Promise<InstanceRecord[]> {
    let s = this.db.selectFrom('instances').selectAll().where('created_at', '<', end)
      .where((eb) => eb.or([eb('terminated_at', 'is', null), eb('terminated_at', '>', start)]));
    if (projectId !== null) s = s.where('project_id', '=', projectId);
    return (await s.orderBy('created_at').execute()).map((r) => inst.decode(r));
  }

  // Faults
  async addFault(f: Omit<FaultRecord, 'id'>, tx: Db = this.db): Promise<void> { await computeDb(tx).insertInto('instance_faults').values(f).execute(); }
  async latestFault(id: string): Promise<FaultRecord | undefined> {
    return await this.db.selectFrom('instance_faults').selectAll().where('instance_uuid', '=', id).orderBy('id', 'desc').limit(1).executeTakeFirst();
  }
  async latestFaults(ids: string[]): Promise<Map<string, FaultRecord>> {
    const out = new Map<string, FaultRecord>();
    if (ids.length === 0) return out;
    const rows = await this.db.selectFrom('instance_faults').selectAll().where('instance_uuid', 'in', ids).orderBy('id', 'asc').execute();
    for (const r of rows) out.set(r.instance_uuid, r);
    return out;
  }

  // Tags
  async tags(id: string): Promise<string[]> {
    return (await this.db.selectFrom('instance_tags').select('tag').where('instance_uuid', '=', id).orderBy('tag').execute()).map((r) => r.tag);
  }
  async tagsOf(ids: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    for (const r of await this.db.selectFrom('instance_tags').selectAll().where('instance_uuid', 'in', ids).orderBy('tag').execute()) {
      (out.get(r.instance_uuid) ?? out.set(r.instance_uuid, []).get(r.instance_uuid)!).push(r.tag);
    }
    return out;
  }
  async setTags(id: string, tags: string[], tx: Db = this.db): Promise<void> {
    const db = computeDb(tx);
    await db.deleteFrom('instance_tags').where('instance_uuid', '=', id).execute();
    if (tags.length) await db.insertInto('instance_tags').values([...new Set(tags)].map((tag) => ({ instance_uuid: id, tag }))).execute();
  }
  async addTag(id: string, tag: string): Promise<boolean> {
    const r = await this.db.insertInto('instance_tags').values({ instance_uuid: id, tag }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  async removeTag(id: string, tag: string): Promise<boolean> {
    const r = await this.db.deleteFrom('instance_tags').where('instance_uuid', '=', id).where('tag', '=', tag).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // Instance actions
  async startAction(a: Omit<ActionRecord, 'id' | 'finish_time' | 'message' | 'updated_at'>, tx: Db = this.db): Promise<number> {
    const db = computeDb(tx);
    const r = await db.insertInto('instance_actions').values({ ...a, finish_time: null, message: null, updated_at: a.start_time }).executeTakeFirst();
    return Number(r.insertId);
  }
  async startEvent(actionId: number, event: string, host: string | null, tx: Db = this.db): Promise<number> {
    const db = computeDb(tx);
    const r = await db.insertInto('instance_action_events').values({ action_id: actionId, event, start_time: now(), host }).executeTakeFirst();
    return Number(r.insertId);
  }
  async finishEvent(eventId: number, result: 'Success' | 'Error', traceback: string | null, tx: Db = this.db): Promise<void> {
    const db = computeDb(tx);
    const t = now();
    await db.updateTable('instance_action_events').set({ finish_time: t, result, traceback }).where('id', '=', eventId).execute();
    const ev = await db.selectFrom('instance_action_events').select('action_id').where('id', '=', eventId).executeTakeFirst();
    if (ev) {
      await db.updateTable('instance_actions').set({ updated_at: t, ...(result === 'Error' ? { message: 'Error' } : {}) }).where('id', '=', ev.action_id).execute();
    }
  }
  async actions(instanceId: string, opts: { changesSince?: string; changesBefore?: string } = {}): Promise<ActionRecord[]> {
    let q = this.db.selectFrom('instance_actions').selectAll().where('instance_uuid', '=', instanceId);
    if (opts.changesSince) q = q.where('updated_at', '>=', opts.changesSince);
    if (opts.changesBefore) q = q.where('updated_at', '<=', opts.changesBefore);
    return await q.orderBy('start_time', 'desc').orderBy('id', 'desc').execute();
  }
  async action(instanceId: string, requestId: string): Promise<ActionRecord | undefined> {
    return await this.db.selectFrom('instance_actions').selectAll().where('instance_uuid', '=', instanceId).where('request_id', '=', requestId).executeTakeFirst();
  }
  async events(actionId: number): Promise<EventRecord[]> {
    return await this.db.selectFrom('instance_action_events').selectAll().where('action_id', '=', actionId).orderBy('id').execute();
  }

  // Consoles
  async addConsole(token: string, instanceId: string, protocol: string, type: string): Promise<void> {
    await this.db.insertInto('console_connections').values({ token, instance_uuid: instanceId, protocol, type, created_at: now() }).execute();
  }
  async console(token: string): Promise<{ token: string; instance_uuid: string; protocol: string; type: string; created_at: string } | undefined> {
    return await this.db.selectFrom('console_connections').selectAll().where('token', '=', token).executeTakeFirst();
  }
  /** The console token, removed as it is read: a token opens one connection. */
  async takeConsole(token: string): Promise<{ token: string; instance_uuid: string; protocol: string; type: string; created_at: string } | undefined> {
    return await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('console_connections').selectAll().where('token', '=', token).executeTakeFirst();
      if (row) await tx.deleteFrom('console_connections').where('token', '=', token).execute();
      return row;
    });
  }
}
