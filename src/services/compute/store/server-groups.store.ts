// SQL for server groups and their members.
import { newTable, type Table } from '../../../core/db/table.js';
import type { ComputeDb } from './database.js';
import { insertionOrder } from './sqlite.js';

export interface ServerGroupRecord {
  id: string; name: string; project_id: string; user_id: string; policy: string;
  rules: { max_server_per_host?: number }; created_at: string;
}

export class ServerGroupsStore {
  readonly table: Table<ServerGroupRecord>;
  constructor(readonly db: ComputeDb) { this.table = newTable(db, 'server_groups', { json: ['rules'] }); }

  get(id: string): Promise<ServerGroupRecord | undefined> { return this.table.get(id); }

  /** Groups of a project, or of every project when projectId is null (an admin's all_projects). */
  async list(projectId: string | null): Promise<ServerGroupRecord[]> {
    let q = this.db.selectFrom('server_groups').selectAll();
    if (projectId !== null) q = q.where('project_id', '=', projectId);
    return (await q.orderBy('created_at').orderBy('id').execute()).map(this.table.decode);
  }

  async count(projectId: string): Promise<number> {
    const r = await this.db.selectFrom('server_groups').select((eb) => eb.fn.countAll().as('n')).where('project_id', '=', projectId).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async insert(r: ServerGroupRecord): Promise<void> { await this.table.insert(r); }

  delete(id: string): Promise<boolean> { return this.table.delete(id); }

  async members(groupId: string): Promise<string[]> {
    return (await this.db.selectFrom('server_group_members').select('instance_id').where('group_id', '=', groupId).orderBy(insertionOrder).execute()).map((r) => r.instance_id);
  }

  async addMember(groupId: string, instanceId: string): Promise<void> {
    await this.db.insertInto('server_group_members').values({ group_id: groupId, instance_id: instanceId })
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ group_id: groupId })).execute();
  }

  async removeMember(instanceId: string): Promise<void> {
    await this.db.deleteFrom('server_group_members').where('instance_id', '=', instanceId).execute();
  }

  async groupOf(instanceId: string): Promise<string | undefined> {
    return (await this.db.selectFrom('server_group_members').select('group_id').where('instance_id', '=', instanceId).executeTakeFirst())?.group_id;
  }
}
