import { BadRequest } from '../../../core/errors/errors.js';
import { Type, type TObject, type TOptional, type TProperties, type TString } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import { SYSTEM_ALL, type ActorType, type TargetType } from '../domain/assignments.service.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { roleDomainId } from '../domain/roles.service.js';
import { authorizeList } from './authorize.js';
import { collectionLinks, flag } from './links.js';
import { params, query } from './schemas.js';
import { assignmentView, roleView } from './views.js';
import { notFound } from '../domain/errors.js';

interface GrantShape { target: TargetType; actor: ActorType; inherited: boolean; prefix: string }
interface GrantParams { actor_id: string; target_id?: string; role_id?: string }

const AssignmentQuery = query(
  'effective', 'include_subtree', 'include_names', 'user.id', 'group.id', 'role.id',
  'scope.project.id', 'scope.domain.id', 'scope.system', 'scope.OS-INHERIT:inherited_to',
);

// Every grant URL Keystone serves, as (target, actor, inherited) with its path.
const SHAPES: GrantShape[] = [];
for (const target of ['project', 'domain'] as const) {
  for (const actor of ['user', 'group'] as const) {
    SHAPES.push({ target, actor, inherited: false, prefix: `/v3/${target}s/:target_id/${actor}s/:actor_id/roles` });
    SHAPES.push({ target, actor, inherited: true, prefix: `/v3/OS-INHERIT/${target}s/:target_id/${actor}s/:actor_id/roles` });
  }
}
for (const actor of ['user', 'group'] as const) SHAPES.push({ target: 'system', actor, inherited: false, prefix: `/v3/system/${actor}s/:actor_id/roles` });

/** A grant URL's path parameters: the actor always, the target except on system, the role except on a list. */
function grantParams<R extends boolean>(shape: GrantShape, withRole: R) {
  const props: TProperties = { actor_id: Type.String() };
  if (shape.target !== 'system') props.target_id = Type.String();
  if (withRole) props.role_id = Type.String();
  return Type.Object(props) as TObject<{ actor_id: TString; target_id: TOptional<TString>; role_id: R extends true ? TString : TOptional<TString> }>;
}

export function roleAssignmentRoutes(d: IdentityDomain): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const shape of SHAPES) {
    const suffix = shape.inherited ? '/inherited_to_projects' : '';
    const policy = (verb: string) => {
      const noun = verb === 'list' ? 'grants' : 'grant';
      return shape.target === 'system' ? `identity:${verb}_system_${noun}_for_${shape.actor}` : `identity:${verb}_${noun}`;
    };
    const parts = (p: GrantParams, roleId: string) => ({
      actor_type: shape.actor, actor_id: p.actor_id, target_type: shape.target,
      target_id: shape.target === 'system' ? SYSTEM_ALL : p.target_id!, role_id: roleId, inherited: shape.inherited,
    });
    // The target as Keystone builds it: the role, the actor and the project or domain (each must
    // exist, except the actor on a revoke), so domain admins act only within their domain.
    const authorize = async (ctx: RequestContext, p: GrantParams, verb: string) => {
      const target: Record<string, unknown> = {};
      if (p.role_id) {
        const role = await d.roles.get(p.role_id);
        target.role = { ...role, domain_id: roleDomainId(role) };
      }
      const actor = shape.actor === 'user' ? await d.users.find(p.actor_id) : await d.groups.get(p.actor_id).catch(() => undefined);
      if (actor) target[shape.actor] = actor;
      else if (verb !== 'revoke') throw notFound(shape.actor, p.actor_id);
      if (shape.target === 'domain') target.domain = await d.domains.get(p.target_id!);
      if (shape.target === 'project') target.project = await d.projects.get(p.target_id!);
      ctx.authorize(policy(verb), { ...p, target });
    };
    const one = { url: `${shape.prefix}/:role_id${suffix}`, status: 204, schema: { params: grantParams(shape, true) } };
    routes.push(
      route({
        ...one, method: 'PUT', rawBody: 'none',
        handler: async (req) => { await authorize(req.ctx, req.params, 'create'); await d.assignments.grant(parts(req.params, req.params.role_id)); },
      }),
      route({
        // NOTE: HEAD too (index.ts withHead), the same check.
        ...one, method: 'GET',
        handler: async (req) => { await authorize(req.ctx, req.params, 'check'); await d.assignments.check(parts(req.params, req.params.role_id)); },
      }),
      route({
        ...one, method: 'DELETE',
        handler: async (req) => { await authorize(req.ctx, req.params, 'revoke'); await d.assignments.revoke(parts(req.params, req.params.role_id)); },
      }),
      route({
        method: 'GET', url: `${shape.prefix}${suffix}`, schema: { params: grantParams(shape, false) },
        handler: async (req) => {
          await authorize(req.ctx, req.params, 'list');
          const p = parts(req.params, '');
          const roles = await d.assignments.rolesOn(p.actor_type, p.actor_id, p.target_type, p.target_id, shape.inherited);
          return { roles: roles.map((r) => roleView(req, r)), links: collectionLinks(req) };
        },
      }),
    );
  }
  routes.push(route({
    method: 'GET', url: '/v3/role_assignments', schema: { querystring: AssignmentQuery },
    handler: async (req) => {
      const q = req.query;
      const effective = q.effective !== undefined && flag(q.effective === '' ? 'true' : q.effective);
      if (q['user.id'] && q['group.id']) throw new BadRequest('Specify a user or group, not both');
      if (q['scope.project.id'] && q['scope.domain.id']) throw new BadRequest('Specify a domain or project, not both');
      if (effective && q['group.id']) throw new BadRequest('Combining effective and group filter will always result in an empty list.');
      if (flag(q.include_subtree)) {
        const projectId = q['scope.project.id'];
        const project = projectId ? await d.projects.find(projectId) : undefined;
        req.ctx.authorize('identity:list_role_assignments_for_tree', { ...q, target: project ? { project } : {} });
        if (!projectId) throw new BadRequest('scope.project.id must be specified if include_subtree is also specified');
      } else {
        // NOTE: a domain-scoped caller sees only the assignments on its domain and its projects.
        authorizeList(req.ctx, 'identity:list_role_assignments', q);
      }
      const inheritedTo = q['scope.OS-INHERIT:inherited_to'];
      const list = await d.assignments.list({
        userId: q['user.id'], groupId: q['group.id'], roleId: q['role.id'], projectId: q['scope.project.id'],
        domainId: q['scope.domain.id'], system: q['scope.system'] !== undefined, effective,
        inherited: inheritedTo !== undefined ? true : undefined, includeSubtree: flag(q.include_subtree),
        withinDomain: flag(q.include_subtree) ? undefined : req.ctx.token?.domain?.id,
      });
      const names = flag(q.include_names);
      const out = [];
      for (const a of list) out.push(await assignmentView(req, d, a, names));
      return { role_assignments: out, links: collectionLinks(req) };
    },
  }));
  routes.push(route({
    method: 'GET', url: '/v3/role_assignments/:project_id', schema: { params: params('project_id') },
    handler: async () => { throw new BadRequest('Use /v3/role_assignments with query filters.'); },
  }));
  return routes;
}

