// Server groups: a policy (affinity, anti-affinity, soft-*) and, for anti-affinity from 2.64,
// max_server_per_host. Members are kept by the servers service and manager through addMember/removeMember.
import { randomUUID } from 'node:crypto';
import { type ServerGroupRecord, ServerGroupsStore } from '../store/server-groups.store.js';
import type { QuotasService } from './quotas.service.js';
import { serverGroupMembersQuotaExceeded, serverGroupNotFound, serverGroupQuotaExceeded } from './errors.js';

export interface ServerGroup extends ServerGroupRecord { members: string[] }

export class ServerGroupsService {
  constructor(readonly store: ServerGroupsStore, private readonly quotas: () => QuotasService) {}

  private async full(r: ServerGroupRecord): Promise<ServerGroup> { return { ...r, members: await this.store.members(r.id) }; }

  /** The group as the caller may see it (own project, or any for an admin); NotFound otherwise. */
  async get(id: string, viewer?: { projectId: string | null; isAdmin: boolean }): Promise<ServerGroup> {
    const r = await this.store.get(id);
    if (!r || (viewer && !viewer.isAdmin && r.project_id !== viewer.projectId)) throw serverGroupNotFound(id);
    return this.full(r);
  }

  async list(projectId: string | null, page: { limit?: number; offset?: number } = {}): Promise<ServerGroup[]> {
    let rows = await this.store.list(projectId);
    if (page.offset) rows = rows.slice(page.offset);
    if (page.limit !== undefined) rows = rows.slice(0, page.limit);
    return Promise.all(rows.map((r) => this.full(r)));
  }

  count(projectId: string) { return this.store.count(projectId); }

  async create(c: { projectId: string; userId: string; name: string; policy: string; rules?: { max_server_per_host?: number } }): Promise<ServerGroup> {
    await this.quotas().check('server_groups', c.projectId, c.userId, (await this.store.count(c.projectId)) + 1, serverGroupQuotaExceeded);
    const r: ServerGroupRecord = { id: randomUUID(), name: c.name, project_id: c.projectId, user_id: c.userId, policy: c.policy, rules: c.rules ?? {}, created_at: new Date().toISOString() };
    await this.store.insert(r);
    return { ...r, members: [] };
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.store.delete(id);
  }

  /** Adds a server to a group (servers, on create); 403 past server_group_members. */
  async addMember(groupId: string, instanceId: string): Promise<void> {
    const g = await this.get(groupId);
    const members = await this.store.members(groupId);
    if (!members.includes(instanceId)) {
      await this.quotas().check('server_group_members', g.project_id, g.user_id, members.length + 1, serverGroupMembersQuotaExceeded);
    }
    await this.store.addMember(groupId, instanceId);
  }

  /** Removes a server from whatever group holds it (the manager, on delete). */
  async removeMember(instanceId: string): Promise<void> { await this.store.removeMember(instanceId); }

  async groupOf(instanceId: string): Promise<ServerGroup | undefined> {
    const id = await this.store.groupOf(instanceId);
    return id ? this.get(id) : undefined;
  }
}

