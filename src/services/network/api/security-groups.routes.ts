// /v2.0/security-groups (security-group, stateful-security-group): groups of rules on ports; each project has a `default`.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { securityGroupNotFound } from '../domain/errors.js';
import type { SecurityGroupRecord } from '../store/tables.js';
import { allowed, applyFilters, authorize, ifMatch, listResponse, selectFields } from './common.js';
import { Id, SecurityGroupBody } from './schemas.js';
import { securityGroupView } from './views.js';

export function securityGroupRoutes(d: NetworkDomain): RouteSpec[] {
  const load = async (req: ApiRequest, id: string) => {
    const g = await d.securityGroups.find(id);
    if (!g || !allowed(req.ctx, 'get_security_group', { ...g })) throw securityGroupNotFound(id);
    return g;
  };
  const view = async (req: ApiRequest, g: SecurityGroupRecord) => {
    const rules = await d.securityGroups.rules(g.id);
    return securityGroupView(g, rules.filter((r) => allowed(req.ctx, 'get_security_group_rule', { ...r, 'security_group:tenant_id': g.project_id })));
  };
  return [
    {
      method: 'GET', url: '/v2.0/security-groups',
      handler: async (req) => {
        await d.securityGroups.ensureDefault(req.ctx.projectId);
        const views = [];
        for (const g of await d.securityGroups.list()) if (allowed(req.ctx, 'get_security_group', { ...g })) views.push(await view(req, g));
        return listResponse(req, 'security_groups', applyFilters(views, req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/security-groups', status: 201, schema: { body: SecurityGroupBody },
      handler: async (req) => {
        const b = req.body.security_group;
        const caller = callerOf(req.ctx);
        authorize(req.ctx, 'create_security_group', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId });
        return { security_group: await view(req, await d.securityGroups.create(caller, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/security-groups/:id', schema: { params: Id },
      handler: async (req) => ({ security_group: selectFields(await view(req, await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/security-groups/:id', schema: { params: Id, body: SecurityGroupBody },
      handler: async (req) => {
        const g = await load(req, req.params.id);
        authorize(req.ctx, 'update_security_group', { ...g });
        return { security_group: await view(req, await d.securityGroups.update(g.id, req.body.security_group, ifMatch(req))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/security-groups/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const g = await load(req, req.params.id);
        authorize(req.ctx, 'delete_security_group', { ...g });
        await d.securityGroups.delete(callerOf(req.ctx), g.id, ifMatch(req));
      },
    }),
  ];
}
