import { Type } from '@sinclair/typebox';
import { NotFound } from '../../../core/errors/errors.js';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { UserRecord } from '../store/tables.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { boolFilter, collectionLinks } from './links.js';
import { Description, Id, Name, NullableId, splitExtra, wrapped } from './schemas.js';
import { tokenDomain } from './scope.js';
import { groupView, projectView, userView } from './views.js';

const KNOWN = ['name', 'domain_id', 'enabled', 'password', 'default_project_id', 'options', 'id'];
const userProps = {
  name: Name, domain_id: Id, enabled: Type.Boolean(), password: Type.Union([Type.String(), Type.Null()]),
  default_project_id: NullableId, description: Description, options: Type.Object({}, { additionalProperties: true }),
};
const Params = Type.Object({ user_id: Type.String() });

export function userRoutes(d: IdentityDomain): RouteSpec[] {
  // NOTE: as Keystone, policy runs before the existence check: a caller who may not see the
  // user gets 403 whether or not it exists; the URL's user_id is in the target for rule:owner.
  const loadFor = async (req: ApiRequest, policy: string): Promise<UserRecord> => {
    const user = await d.users.find(req.params.user_id);
    req.ctx.authorize(policy, { user_id: req.params.user_id, target: user ? { user } : {} });
    if (!user) throw new NotFound(`Could not find user: ${req.params.user_id}.`);
    return user;
  };
  return [
    {
      method: 'GET', url: '/v3/users',
      handler: async (req) => {
        const q = req.query as Record<string, string>;
        // NOTE: as Keystone: the target is the token's domain; a domain-scoped caller sees only its domain.
        const tokenDomainId = req.ctx.token?.domain?.id;
        req.ctx.authorize('identity:list_users', tokenDomainId ? { ...q, target: { domain_id: tokenDomainId } } : { ...q });
        let users = await d.users.list({ name: q.name, domain_id: q.domain_id ?? tokenDomainId, enabled: boolFilter(q.enabled) });
        if (tokenDomainId) users = users.filter((u) => u.domain_id === tokenDomainId);
        return { users: users.map((u) => userView(req, u)), links: collectionLinks(req) };
      },
    },
    {
      method: 'POST', url: '/v3/users', status: 201, schema: { body: wrapped('user', userProps, ['name']) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.user, KNOWN);
        const domainId = (known.domain_id as string | undefined) ?? tokenDomain(req.ctx);
        req.ctx.authorize('identity:create_user', { target: { user: { domain_id: domainId } } });
        const user = await d.users.create({ ...known, domain_id: domainId, extra }, domainId);
        return { user: userView(req, user) };
      },
    },
    {
      method: 'GET', url: '/v3/users/:user_id', schema: { params: Params },
      handler: async (req) => {
        const user = await loadFor(req, 'identity:get_user');
        return { user: userView(req, user) };
      },
    },
    {
      method: 'PATCH', url: '/v3/users/:user_id', schema: { params: Params, body: wrapped('user', { ...userProps, name: Name, id: Id }) },
      handler: async (req) => {
        const current = await loadFor(req, 'identity:update_user');
        const { known, extra } = splitExtra(req.body.user, KNOWN);
        const user = await d.users.update(current.id, { ...known, extra });
        return { user: userView(req, user) };
      },
    },
    {
      method: 'DELETE', url: '/v3/users/:user_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const user = await loadFor(req, 'identity:delete_user');
        await d.users.delete(user.id);
      },
    },
    {
      // NOTE: no token needed: the original password authenticates, as in Keystone.
      method: 'POST', url: '/v3/users/:user_id/password', status: 204, auth: 'none',
      schema: {
        params: Params,
        body: Type.Object({ user: Type.Object({ password: Type.String(), original_password: Type.String() }, { required: ['password', 'original_password'] }) }, { required: ['user'] }),
      },
      handler: async (req) => {
        await d.users.changePassword(req.params.user_id, req.body.user.original_password, req.body.user.password);
      },
    },
    {
      method: 'GET', url: '/v3/users/:user_id/projects', schema: { params: Params },
      handler: async (req) => {
        const user = await loadFor(req, 'identity:list_user_projects');
        const q = req.query as Record<string, string>;
        let projects = await d.assignments.projectsOf(user.id);
        const enabled = boolFilter(q.enabled);
        if (enabled !== undefined) projects = projects.filter((p) => p.enabled === enabled);
        if (q.name) projects = projects.filter((p) => p.name === q.name);
        if (q.domain_id) projects = projects.filter((p) => p.domain_id === q.domain_id);
        return { projects: projects.map((p) => projectView(req, p)), links: collectionLinks(req) };
      },
    },
    {
      method: 'GET', url: '/v3/users/:user_id/groups', schema: { params: Params },
      handler: async (req) => {
        const user = await loadFor(req, 'identity:list_groups_for_user');
        let groups = await d.groups.groupsOfUser(user.id);
        const tokenDomainId = req.ctx.token?.domain?.id;
        if (tokenDomainId) groups = groups.filter((g) => g.domain_id === tokenDomainId);
        return { groups: groups.map((g) => groupView(req, g)), links: collectionLinks(req) };
      },
    },
  ];
}
