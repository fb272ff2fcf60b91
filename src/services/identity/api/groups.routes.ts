import type { RequestContext } from '../../../core/auth/request-context.js';
import { NotFound } from '../../../core/errors/errors.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { GroupInput } from '../domain/groups.service.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import type { GroupRecord } from '../store/tables.js';
import { authorizeFound, authorizeList } from './authorize.js';
import { collectionLinks } from './links.js';
import { textFilters } from './filters.js';
import { Description, Id, Name, params, query, splitExtra, wrapped } from './schemas.js';
import { tokenDomain } from './scope.js';
import { groupView, userView } from './views.js';

// NOTE: `as GroupInput` below: the schema lets description be null, as Keystone's does; the domain types say string.
const KNOWN = ['name', 'domain_id', 'description'];
const groupProps = { name: Name, domain_id: Id, description: Description };
const Params = params('group_id');
const MemberParams = params('group_id', 'user_id');

export function groupRoutes(d: IdentityDomain): RouteSpec[] {
  const loadFor = async (ctx: RequestContext, id: string, policy: string): Promise<GroupRecord> => {
    const group = await d.groups.get(id).catch((e) => { if (e instanceof NotFound) return undefined; throw e; });
    return authorizeFound(ctx, policy, 'group', id, group);
  };
  // Membership calls: the target holds the group and the user, as Keystone builds it.
  const memberFor = async (ctx: RequestContext, p: { group_id: string; user_id: string }, policy: string): Promise<GroupRecord> => {
    const group = await d.groups.get(p.group_id);
    const user = await d.users.find(p.user_id);
    ctx.authorize(policy, { target: user ? { group, user } : { group } });
    return group;
  };
  return [
    route({
      method: 'GET', url: '/v3/groups', schema: { querystring: query('name', 'domain_id') },
      handler: async (req) => {
        const q = req.query;
        const tokenDomainId = authorizeList(req.ctx, 'identity:list_groups', q, 'group');
        const groups = await d.groups.list({ name: q.name, domain_id: q.domain_id, matches: textFilters(q, ['name', 'domain_id']), withinDomain: tokenDomainId });
        return { groups: groups.map((g) => groupView(req, g)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'POST', url: '/v3/groups', status: 201, schema: { body: wrapped('group', groupProps, ['name']) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.group, KNOWN);
        const domainId = known.domain_id ?? tokenDomain(req.ctx);
        req.ctx.authorize('identity:create_group', { target: { group: { domain_id: domainId } } });
        return { group: groupView(req, await d.groups.create({ ...(known as GroupInput), extra }, domainId)) };
      },
    }),
    route({
      method: 'GET', url: '/v3/groups/:group_id', schema: { params: Params },
      handler: async (req) => ({ group: groupView(req, await loadFor(req.ctx, req.params.group_id, 'identity:get_group')) }),
    }),
    route({
      method: 'PATCH', url: '/v3/groups/:group_id', schema: { params: Params, body: wrapped('group', groupProps) },
      handler: async (req) => {
        const current = await loadFor(req.ctx, req.params.group_id, 'identity:update_group');
        const { known, extra } = splitExtra(req.body.group, KNOWN);
        return { group: groupView(req, await d.groups.update(current.id, { ...(known as GroupInput), extra })) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/groups/:group_id', status: 204, schema: { params: Params },
      handler: async (req) => { await d.groups.delete((await loadFor(req.ctx, req.params.group_id, 'identity:delete_group')).id); },
    }),
    route({
      method: 'GET', url: '/v3/groups/:group_id/users', schema: { params: Params, querystring: query('name', 'domain_id') },
      handler: async (req) => {
        const g = await loadFor(req.ctx, req.params.group_id, 'identity:list_users_in_group');
        const q = req.query;
        const users = await d.groups.members(g.id, { name: q.name, domain_id: q.domain_id, matches: textFilters(q, ['name', 'domain_id']) });
        return { users: users.map((u) => userView(req, u)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'PUT', url: '/v3/groups/:group_id/users/:user_id', status: 204, rawBody: 'none', schema: { params: MemberParams },
      handler: async (req) => { await d.groups.addMember((await memberFor(req.ctx, req.params, 'identity:add_user_to_group')).id, req.params.user_id); },
    }),
    route({
      // NOTE: HEAD too (index.ts withHead), the same check.
      method: 'GET', url: '/v3/groups/:group_id/users/:user_id', status: 204, schema: { params: MemberParams },
      handler: async (req) => { await d.groups.isMember((await memberFor(req.ctx, req.params, 'identity:check_user_in_group')).id, req.params.user_id); },
    }),
    route({
      method: 'DELETE', url: '/v3/groups/:group_id/users/:user_id', status: 204, schema: { params: MemberParams },
      handler: async (req) => {
        await d.groups.removeMember((await memberFor(req.ctx, req.params, 'identity:remove_user_from_group')).id, req.params.user_id);
      },
    }),
  ];
}
