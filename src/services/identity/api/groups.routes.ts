import { Type } from '@sinclair/typebox';
import { NotFound } from '../../../core/errors/errors.js';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import type { GroupRecord } from '../store/tables.js';
import { collectionLinks } from './links.js';
import { Description, Id, Name, splitExtra, wrapped } from './schemas.js';
import { tokenDomain } from './scope.js';
import { groupView, userView } from './views.js';

const KNOWN = ['name', 'domain_id', 'description'];
const groupProps = { name: Name, domain_id: Id, description: Description };
const Params = Type.Object({ group_id: Type.String() });
const MemberParams = Type.Object({ group_id: Type.String(), user_id: Type.String() });

export function groupRoutes(d: IdentityDomain): RouteSpec[] {
  // NOTE: as Keystone, policy runs before the existence check (403, not 404, for non-admins).
  const loadFor = async (req: any, policy: string): Promise<GroupRecord> => {
    const group = await d.groups.get(req.params.group_id).catch((e) => { if (e instanceof NotFound) return undefined; throw e; });
    req.ctx.authorize(policy, { target: group ? { group } : {} });
    if (!group) throw new NotFound(`Could not find group: ${req.params.group_id}.`);
    return group;
  };
  // Membership calls: the target holds the group and the user, as Keystone builds it.
  const memberFor = async (req: any, policy: string): Promise<GroupRecord> => {
    const group = await d.groups.get(req.params.group_id);
    const user = await d.users.find(req.params.user_id);
    req.ctx.authorize(policy, { target: user ? { group, user } : { group } });
    return group;
  };
  return [
    {
      method: 'GET', url: '/v3/groups',
      handler: async (req) => {
        const q = req.query as Record<string, string>;
        const tokenDomainId = req.ctx.token?.domain?.id;
        req.ctx.authorize('identity:list_groups', tokenDomainId ? { ...q, target: { group: { domain_id: tokenDomainId } } } : { ...q });
        let groups = await d.groups.list({ name: q.name, domain_id: q.domain_id ?? tokenDomainId });
        if (tokenDomainId) groups = groups.filter((g) => g.domain_id === tokenDomainId);
        return { groups: groups.map((g) => groupView(req, g)), links: collectionLinks(req) };
      },
    },
    {
      method: 'POST', url: '/v3/groups', status: 201, schema: { body: wrapped('group', groupProps, ['name']) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.group, KNOWN);
        const domainId = (known.domain_id as string | undefined) ?? tokenDomain(req.ctx);
        req.ctx.authorize('identity:create_group', { target: { group: { domain_id: domainId } } });
        return { group: groupView(req, await d.groups.create({ ...(known as any), extra }, domainId)) };
      },
    },
    {
      method: 'GET', url: '/v3/groups/:group_id', schema: { params: Params },
      handler: async (req) => ({ group: groupView(req, await loadFor(req, 'identity:get_group')) }),
    },
    {
      method: 'PATCH', url: '/v3/groups/:group_id', schema: { params: Params, body: wrapped('group', groupProps) },
      handler: async (req) => {
        const current = await loadFor(req, 'identity:update_group');
        const { known, extra } = splitExtra(req.body.group, KNOWN);
        return { group: groupView(req, await d.groups.update(current.id, { ...(known as any), extra })) };
      },
    },
    {
      method: 'DELETE', url: '/v3/groups/:group_id', status: 204, schema: { params: Params },
      handler: async (req) => { await d.groups.delete((await loadFor(req, 'identity:delete_group')).id); },
    },
    {
      method: 'GET', url: '/v3/groups/:group_id/users', schema: { params: Params },
      handler: async (req) => {
        const g = await loadFor(req, 'identity:list_users_in_group');
        return { users: (await d.groups.members(g.id)).map((u) => userView(req, u)), links: collectionLinks(req) };
      },
    },
    {
      method: 'PUT', url: '/v3/groups/:group_id/users/:user_id', status: 204, schema: { params: MemberParams },
      handler: async (req) => { await d.groups.addMember((await memberFor(req, 'identity:add_user_to_group')).id, req.params.user_id); },
    },
    {
      method: 'HEAD', url: '/v3/groups/:group_id/users/:user_id', status: 204, schema: { params: MemberParams },
      handler: async (req) => { await d.groups.isMember((await memberFor(req, 'identity:check_user_in_group')).id, req.params.user_id); },
    },
    {
      method: 'GET', url: '/v3/groups/:group_id/users/:user_id', status: 204, schema: { params: MemberParams },
      handler: async (req) => { await d.groups.isMember((await memberFor(req, 'identity:check_user_in_group')).id, req.params.user_id); },
    },
    {
      method: 'DELETE', url: '/v3/groups/:group_id/users/:user_id', status: 204, schema: { params: MemberParams },
      handler: async (req) => { await d.groups.removeMember((await memberFor(req, 'identity:remove_user_from_group')).id, req.params.user_id); },
    },
  ];
}
