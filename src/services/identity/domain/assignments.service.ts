import { NULL_DOMAIN, type IdentityTables, type ProjectRecord, type RoleRecord } from '../store/tables.js';
import type { ProjectsService } from './projects.service.js';
import { filterRecords, type ListFilter } from './list-filters.js';
import type { RolesService } from './roles.service.js';
import { domainNotFound, domainSpecificRoleInSystem, groupNotFound, projectNotFound, projectRoleDomainMismatch, roleAssignmentNotFound, userNotFound } from './errors.js';

export type ActorType = 'user' | 'group';
export type TargetType = 'project' | 'domain' | 'system';

export interface Assignment {
  actor_type: ActorType; actor_id: string; target_type: TargetType; target_id: string; role_id: string; inherited: boolean;
  /** Set on effective assignments: the group it came through and the role that implied it. */
  via_group?: string; prior_role?: string; via_inherited_from?: { type: TargetType; id: string };
}

export interface AssignmentFilter {
  userId?: string; groupId?: string; roleId?: string; projectId?: string; domainId?: string; system?: boolean;
  inherited?: boolean; effective?: boolean; includeSubtree?: boolean;
  /** A domain-scoped caller's domain: only the assignments on it and on its projects. */
  withinDomain?: string;
}

export const SYSTEM_ALL = 'all';

export class AssignmentsService {
  constructor(private readonly t: IdentityTables, private readonly roles: RolesService, private readonly projects: ProjectsService) {}

  async grant(a: Omit<Assignment, 'via_group' | 'prior_role'>): Promise<void> {
    const { role, targetDomain } = await this.checkParts(a);
    // NOTE: Keystone checks a domain-specific role's domain only for a project grant (on a domain it
    // may be granted anywhere) and refuses it on the system.
    if (role.domain_id !== NULL_DOMAIN && a.target_type === 'project' && targetDomain !== role.domain_id) {
      throw projectRoleDomainMismatch(a.target_id, role.id);
    }
    if (role.domain_id !== NULL_DOMAIN && a.target_type === 'system') {
      throw domainSpecificRoleInSystem(role.id);
    }
    await this.t.db.insertInto('assignments').values({ ...a, inherited: a.inherited ? 1 : 0 }).onConflict((oc) => oc.doNothing()).execute();
  }

  async check(a: Omit<Assignment, 'via_group' | 'prior_role'>): Promise<void> {
    await this.checkParts(a);
    const row = await this.t.db.selectFrom('assignments').select('role_id')
      .where('actor_type', '=', a.actor_type).where('actor_id', '=', a.actor_id)
      .where('target_type', '=', a.target_type).where('target_id', '=', a.target_id)
      .where('role_id', '=', a.role_id).where('inherited', '=', a.inherited ? 1 : 0).executeTakeFirst();
    if (!row) throw roleAssignmentNotFound(a.role_id, a.actor_id, a.target_id);
  }

  async revoke(a: Omit<Assignment, 'via_group' | 'prior_role'>): Promise<void> {
    await this.check(a);
    await this.t.db.deleteFrom('assignments')
      .where('actor_type', '=', a.actor_type).where('actor_id', '=', a.actor_id)
      .where('target_type', '=', a.target_type).where('target_id', '=', a.target_id)
      .where('role_id', '=', a.role_id).where('inherited', '=', a.inherited ? 1 : 0).execute();
  }

  /** Roles granted directly to the actor on the target (GET /projects/{p}/users/{u}/roles). */
  async rolesOn(actorType: ActorType, actorId: string, targetType: TargetType, targetId: string, inherited: boolean): Promise<RoleRecord[]> {
    await this.checkActor(actorType, actorId);
    await this.checkTarget(targetType, targetId);
    const rows = await this.t.db.selectFrom('assignments').select('role_id')
      .where('actor_type', '=', actorType).where('actor_id', '=', actorId)
      .where('target_type', '=', targetType).where('target_id', '=', targetId).where('inherited', '=', inherited ? 1 : 0).execute();
    return this.roles.many(rows.map((r) => r.role_id));
  }

  /** Effective role ids of a user on a project, a domain or the system, implied roles included. */
  async effectiveRoleIds(userId: string, targetType: TargetType, targetId: string): Promise<string[]> {
    const groupIds = (await this.t.db.selectFrom('group_members').select('group_id').where('user_id', '=', userId).execute()).map((r) => r.group_id);
    const actors = [userId, ...groupIds];
    const direct = await this.t.db.selectFrom('assignments').select('role_id')
      .where('actor_id', 'in', actors).where('target_type', '=', targetType).where('target_id', '=', targetId).where('inherited', '=', 0).execute();
    const ids = direct.map((r) => r.role_id);
    if (targetType === 'project') {
      const project = await this.projects.find(targetId);
      if (!project) return [];
      const inheritedFrom = [project.domain_id, ...(await this.projects.ancestors(project)).map((p) => p.id)];
      const inherited = await this.t.db.selectFrom('assignments').select('role_id')
        .where('actor_id', 'in', actors).where('target_id', 'in', inheritedFrom).where('inherited', '=', 1).execute();
      ids.push(...inherited.map((r) => r.role_id));
    }
    const expanded = await this.roles.expand([...new Set(ids)]);
    // NOTE: domain-specific roles only carry their implied global roles into tokens, as in Keystone.
    const rows = await this.roles.many(expanded);
    return rows.filter((r) => r.domain_id === NULL_DOMAIN).map((r) => r.id);
  }

  /** Projects where the user has any effective role (GET /v3/auth/projects, /users/{id}/projects). */
  async projectsOf(userId: string, f?: ListFilter): Promise<ProjectRecord[]> {
    const all = await this.list({ userId, effective: true });
    const ids = new Set(all.filter((a) => a.target_type === 'project').map((a) => a.target_id));
    const out: ProjectRecord[] = [];
    for (const id of ids) { const p = await this.projects.find(id); if (p) out.push(p); }
    return filterRecords(out, f);
  }

  async domainsOf(userId: string): Promise<string[]> {
    const all = await this.list({ userId, effective: true });
    return [...new Set(all.filter((a) => a.target_type === 'domain').map((a) => a.target_id))];
  }

  async list(f: AssignmentFilter): Promise<Assignment[]> {
    let q = this.t.db.selectFrom('assignments').selectAll();
    if (!f.effective) {
      if (f.userId) q = q.where('actor_type', '=', 'user').where('actor_id', '=', f.userId);
      if (f.groupId) q = q.where('actor_type', '=', 'group').where('actor_id', '=', f.groupId);
      if (f.inherited !== undefined) q = q.where('inherited', '=', f.inherited ? 1 : 0);
    }
    const rows = (await q.execute()).map((r): Assignment => ({ ...r, inherited: Boolean(r.inherited) }));
    let result = f.effective ? await this.expandEffective(rows, f.userId) : rows;
    if (f.roleId) result = result.filter((a) => a.role_id === f.roleId);
    if (f.effective && f.userId) result = result.filter((a) => a.actor_type === 'user' && a.actor_id === f.userId);
    if (f.effective && f.groupId) result = result.filter((a) => a.via_group === f.groupId);
    if (f.system) result = result.filter((a) => a.target_type === 'system');
    if (f.domainId) result = result.filter((a) => a.target_type === 'domain' && a.target_id === f.domainId);
    if (f.projectId) {
      const ids = new Set([f.projectId]);
      if (f.includeSubtree) {
        const p = await this.projects.get(f.projectId);
        for (const s of await this.projects.subtree(p)) ids.add(s.id);
      }
      result = result.filter((a) => a.target_type === 'project' && ids.has(a.target_id));
    }
    if (f.withinDomain) {
      const inDomain = async (a: Assignment) => a.target_type === 'domain' ? a.target_id === f.withinDomain
        : a.target_type === 'project' && (await this.projects.find(a.target_id))?.domain_id === f.withinDomain;
      const kept: Assignment[] = [];
      for (const a of result) if (await inDomain(a)) kept.push(a);
      result = kept;
    }
    return result;
  }

  private async expandEffective(rows: Assignment[], onlyUser?: string): Promise<Assignment[]> {
    const out: Assignment[] = [];
    const memberCache = new Map<string, string[]>();
    const members = async (g: string) => {
      if (!memberCache.has(g)) memberCache.set(g, (await this.t.db.selectFrom('group_members').select('user_id').where('group_id', '=', g).execute()).map((r) => r.user_id));
      return memberCache.get(g)!;
    };
    for (const a of rows) {
      const actors: { id: string; group?: string }[] = a.actor_type === 'user' ? [{ id: a.actor_id }]
        : (await members(a.actor_id)).map((id) => ({ id, group: a.actor_id }));
      let targets: { type: TargetType; id: string }[] = [{ type: a.target_type, id: a.target_id }];
      if (a.inherited) {
        const projects = a.target_type === 'domain' ? await this.projects.list({ domain_id: a.target_id })
          : a.target_type === 'project' ? await this.projects.subtree(await this.projects.get(a.target_id)) : [];
        targets = projects.map((p) => ({ type: 'project' as const, id: p.id }));
      }
      for (const actor of actors) {
        if (onlyUser && actor.id !== onlyUser) continue;
        for (const target of targets) {
          const base: Assignment = {
            actor_type: 'user', actor_id: actor.id, target_type: target.type, target_id: target.id, role_id: a.role_id,
            inherited: false, via_group: actor.group, via_inherited_from: a.inherited ? { type: a.target_type, id: a.target_id } : undefined,
          };
          // NOTE: domain-specific roles never show as effective; only the global roles they imply do.
          const expanded = await this.roles.many(await this.roles.expand([a.role_id]));
          for (const role of expanded) {
            if (role.domain_id !== NULL_DOMAIN) continue;
            out.push(role.id === a.role_id ? base : { ...base, role_id: role.id, prior_role: a.role_id });
          }
        }
      }
    }
    return out;
  }

  private async checkParts(a: Omit<Assignment, 'via_group' | 'prior_role'>): Promise<{ role: RoleRecord; targetDomain: string | undefined }> {
    const role = await this.roles.get(a.role_id);
    await this.checkActor(a.actor_type, a.actor_id);
    return { role, targetDomain: await this.checkTarget(a.target_type, a.target_id) };
  }

  private async checkActor(type: ActorType, id: string): Promise<void> {
    if (type === 'user' && !(await this.t.users.get(id))) throw userNotFound(id);
    if (type === 'group' && !(await this.t.groups.get(id))) throw groupNotFound(id);
  }

  /** Returns the domain the target lives in (undefined for the system). */
  private async checkTarget(type: TargetType, id: string): Promise<string | undefined> {
    if (type === 'project') {
      const p = await this.t.projects.get(id);
      if (!p) throw projectNotFound(id);
      return p.domain_id;
    }
    if (type === 'domain') {
      if (!(await this.t.domains.get(id))) throw domainNotFound(id);
      return id;
    }
    return undefined;
  }
}
