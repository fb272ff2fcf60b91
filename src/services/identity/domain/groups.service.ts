import { listMatching, nameIs, withName, type GroupRecord, type IdentityTables, type UserRecord } from '../store/tables.js';
import { newId } from './ids.js';
import { boundedDomain, filterRecords, type ListFilter } from './list-filters.js';
import type { Revocations } from './revocations.service.js';
import { cannotChangeDomainId, domainNotFound, duplicateNameInDomain, groupNotFound, userNotFound, userNotInGroup } from './errors.js';

export interface GroupInput { name?: string; domain_id?: string; description?: string; extra?: Record<string, unknown> }

export class GroupsService {
  constructor(private readonly t: IdentityTables, private readonly revocations: Revocations) {}

  async get(id: string): Promise<GroupRecord> {
    const g = await this.t.groups.get(id);
    if (!g) throw groupNotFound(id);
    return g;
  }

  async list(f: ListFilter): Promise<GroupRecord[]> {
    const domainId = boundedDomain(f);
    if (domainId === null) return [];
    return listMatching(this.t.groups, { domain_id: domainId }, withName(f.name, f.matches));
  }

  async byName(name: string, domainId: string): Promise<GroupRecord | undefined> {
    return (await listMatching(this.t.groups, { domain_id: domainId }, [nameIs(name)]))[0];
  }

  async create(input: GroupInput, defaultDomainId: string): Promise<GroupRecord> {
    const domainId = input.domain_id ?? defaultDomainId;
    if (!(await this.t.domains.get(domainId))) throw domainNotFound(domainId);
    if (await this.byName(input.name!, domainId)) {
      throw duplicateNameInDomain('group', input.name, domainId);
    }
    return this.t.groups.insert({ id: newId(), name: input.name!, domain_id: domainId, description: input.description ?? '', extra: input.extra ?? {} });
  }

  async update(id: string, input: GroupInput): Promise<GroupRecord> {
    const g = await this.get(id);
    if (input.domain_id !== undefined && input.domain_id !== g.domain_id) throw cannotChangeDomainId();
    if (input.name !== undefined && input.name !== g.name && ![undefined, id].includes((await this.byName(input.name, g.domain_id))?.id)) {
      throw duplicateNameInDomain('group', input.name, g.domain_id);
    }
    await this.t.groups.update(id, { name: input.name, description: input.description, extra: input.extra ? { ...g.extra, ...input.extra } : undefined });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    const members = await this.memberIds(id);
    await this.t.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('assignments').where('actor_type', '=', 'group').where('actor_id', '=', id).execute();
      await tx.deleteFrom('groups').where('id', '=', id).execute();
    });
    for (const userId of members) await this.revocations.revoke({ user_id: userId });
  }

  async memberIds(groupId: string): Promise<string[]> {
    const rows = await this.t.db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute();
    return rows.map((r) => r.user_id);
  }

  async members(groupId: string, f?: ListFilter): Promise<UserRecord[]> {
    await this.get(groupId);
    const ids = await this.memberIds(groupId);
    const out: UserRecord[] = [];
    for (const id of ids) { const u = await this.t.users.get(id); if (u) out.push(u); }
    return filterRecords(out, f);
  }

  async addMember(groupId: string, userId: string): Promise<void> {
    await this.get(groupId);
    if (!(await this.t.users.get(userId))) throw userNotFound(userId);
    await this.t.db.insertInto('group_members').values({ group_id: groupId, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
  }

  async isMember(groupId: string, userId: string): Promise<void> {
    await this.get(groupId);
    if (!(await this.t.users.get(userId))) throw userNotFound(userId);
    const row = await this.t.db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw userNotInGroup(userId, groupId);
  }

  async removeMember(groupId: string, userId: string): Promise<void> {
    await this.isMember(groupId, userId);
    await this.t.db.deleteFrom('group_members').where('group_id', '=', groupId).where('user_id', '=', userId).execute();
    await this.revocations.revoke({ user_id: userId });
  }

  async groupsOfUser(userId: string, f?: ListFilter): Promise<GroupRecord[]> {
    if (!(await this.t.users.get(userId))) throw userNotFound(userId);
    const rows = await this.t.db.selectFrom('group_members').select('group_id').where('user_id', '=', userId).execute();
    const out: GroupRecord[] = [];
    for (const r of rows) { const g = await this.t.groups.get(r.group_id); if (g) out.push(g); }
    return filterRecords(out, f);
  }
}
