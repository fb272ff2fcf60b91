import { Type } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { KeptViews } from '../../../core/http/kept-views.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { UserRecord } from '../store/tables.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { authorizeFound, authorizeList } from './authorize.js';
import { textFilters } from './filters.js';
import { boolFilter, collectionLinks, requestUrl } from './links.js';
import { Description, Id, Name, NullableId, params, query, splitExtra, wrapped } from './schemas.js';
import { tokenDomain } from './scope.js';
import { groupView, projectView, userView } from './views.js';

const KNOWN = ['name', 'domain_id', 'enabled', 'password', 'default_project_id', 'options', 'id'];
const userProps = {
  name: Name, domain_id: Id, enabled: Type.Boolean(), password: Type.Union([Type.String(), Type.Null()]),
  default_project_id: NullableId, description: Description, options: Type.Object({}, { additionalProperties: true }),
};
const Params = params('user_id');
const passwordSchema = Type.Object({
  user: Type.Object({ password: Type.String(), original_password: Type.String() }, { required: ['password', 'original_password'] }),
}, { required: ['user'] });

export function userRoutes(d: IdentityDomain): RouteSpec[] {
  // NOTE: d.users.list hands back the same frozen list while no row has changed; its body is kept.
  const listViews = new KeptViews<readonly UserRecord[]>();
  // NOTE: the URL's user_id is in the target for rule:owner.
  const loadFor = async (ctx: RequestContext, id: string, policy: string): Promise<UserRecord> =>
    authorizeFound(ctx, policy, 'user', id, await d.users.find(id), { user_id: id });
  return [
    route({
      method: 'GET', url: '/v3/users', schema: { querystring: query('name', 'domain_id', 'enabled') },
      handler: async (req) => {
        const q = req.query;
        const tokenDomainId = authorizeList(req.ctx, 'identity:list_users', q);
        const users = await d.users.list({
          name: q.name, domain_id: q.domain_id, enabled: boolFilter(q.enabled), matches: textFilters(q, ['name', 'domain_id']), withinDomain: tokenDomainId,
        });
        return listViews.body(users, requestUrl(req), () => ({ users: users.map((u) => userView(req, u)), links: collectionLinks(req) }));
      },
    }),
    route({
      method: 'POST', url: '/v3/users', status: 201, schema: { body: wrapped('user', userProps, ['name']) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.user, KNOWN);
        const domainId = known.domain_id ?? tokenDomain(req.ctx);
        req.ctx.authorize('identity:create_user', { target: { user: { domain_id: domainId } } });
        const user = await d.users.create({ ...known, domain_id: domainId, extra }, domainId);
        return { user: userView(req, user) };
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id', schema: { params: Params },
      handler: async (req) => ({ user: userView(req, await loadFor(req.ctx, req.params.user_id, 'identity:get_user')) }),
    }),
    route({
      method: 'PATCH', url: '/v3/users/:user_id', schema: { params: Params, body: wrapped('user', { ...userProps, name: Name, id: Id }) },
      handler: async (req) => {
        const current = await loadFor(req.ctx, req.params.user_id, 'identity:update_user');
        const { known, extra } = splitExtra(req.body.user, KNOWN);
        const user = await d.users.update(current.id, { ...known, extra });
        return { user: userView(req, user) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/users/:user_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const user = await loadFor(req.ctx, req.params.user_id, 'identity:delete_user');
        await d.users.delete(user.id);
      },
    }),
    route({
      // NOTE: no token needed: the original password authenticates, as in Keystone.
      method: 'POST', url: '/v3/users/:user_id/password', status: 204, auth: 'none', schema: { params: Params, body: passwordSchema },
      handler: async (req) => {
        await d.users.changePassword(req.params.user_id, req.body.user.original_password, req.body.user.password);
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/projects', schema: { params: Params, querystring: query('name', 'domain_id', 'enabled') },
      handler: async (req) => {
        const user = await loadFor(req.ctx, req.params.user_id, 'identity:list_user_projects');
        const q = req.query;
        const projects = await d.assignments.projectsOf(user.id, {
          name: q.name, domain_id: q.domain_id, enabled: boolFilter(q.enabled), matches: textFilters(q, ['name', 'domain_id']),
        });
        return { projects: projects.map((p) => projectView(req, p)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/groups', schema: { params: Params, querystring: query('name') },
      handler: async (req) => {
        const user = await loadFor(req.ctx, req.params.user_id, 'identity:list_groups_for_user');
        const groups = await d.groups.groupsOfUser(user.id, {
          name: req.query.name, matches: textFilters(req.query, ['name']), withinDomain: req.ctx.token?.domain?.id,
        });
        return { groups: groups.map((g) => groupView(req, g)), links: collectionLinks(req) };
      },
    }),
  ];
}
