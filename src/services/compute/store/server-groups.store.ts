// SQL for server groups and their members.
import type { Db } from '../../../core/db/database.js';

export interface ServerGroupRecord {
  id: string; name: string; project_id: string; user_id: string; policy: string;
  rules: { max_server_per_host?: number }; created_at: string;
}

const decode = (r: Record<string, any>): ServerGroupRecord => ({ ...r, rules: JSON.parse(r.rules as string) } as ServerGroupRecord);

export class ServerGroupsStore {
  constructor(readonly db: Db) {}

  async get(id: string): Promise<ServerGroupRecord | undefined> {
    const r = await this.db.selectFrom('server_groups').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? decode(r) : undefined;
  }

  /** Groups of a project, or of every project when projectId is null (an admin's all_projects). */
  async list(projectId: string | null): Promise<ServerGroupRecord[]> {
    let q = this.db.selectFrom('server_groups').selectAll();
    if (projectId !== null) q = q.where('project_id', '=', projectId);
    return (await q.orderBy('created_at').orderBy('id').execute()).map(decode);
  }

  async count(projectId: string): Promise<number> {
    const r = await this.db.selectFrom('server_groups').select((eb) => eb.fn.countAll().as('n')).where('project_id', '=', projectId).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async insert(r: ServerGroupRecord): Promise<void> {
    await this.db.insertInto('server_groups').values({ ...r, rules: JSON.stringify(r.rules) }).execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('server_groups').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async members(groupId: string): Promise<string[]> {
    return (await this.db.selectFrom('server_group_members').select('instance_id').where('group_id', '=', groupId).orderBy('rowid').execute()).map((r) => r.instance_id as string);
  }

  async addMember(groupId: string, instanceId: string): Promise<void> {
    await this.db.insertInto('server_group_members').values({ group_id: groupId, instance_id: instanceId })
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ group_id: groupId })).execute();
  }

  async removeMember(instanceId: string): Promise<void> {
    await this.db.deleteFrom('server_group_members').where('instance_id', '=', instanceId).execute();
  }

  async groupOf(instanceId: string): Promise<string | undefined> {
    return (await this.db.selectFrom('server_group_members').select('group_id').where('instance_id', '=', instanceId).executeTakeFirst())?.group_id as string | undefined;
  }
}
