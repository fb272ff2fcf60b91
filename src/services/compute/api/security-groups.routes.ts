// /os-security-groups, /os-security-group-rules (proxies to Neutron, 404 from 2.36) and
// GET /servers/{id}/os-security-groups (every version).
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { SecurityGroupsService } from '../domain/security-groups.service.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { MV } from '../microversions.js';
import { mv, queryInt } from './common.js';
import { SecurityGroupBody, SecurityGroupRuleCreate } from './security-groups.schema.js';
import { loadServer } from './servers.routes.js';
import { securityGroupRuleView, securityGroupView } from './security-groups.view.js';
import { resourceNotFound } from '../domain/errors.js';

const P = 'os_compute_api:os-security-groups:';

/** The proxy APIs are gone from 2.36: Nova answers 404 as for an unknown resource. */
export function proxyApi(req: ApiRequest): void {
  if (mv(req, MV.networkProxies)) throw resourceNotFound();
}

export function securityGroupRoutes(sg: SecurityGroupsService, d: ComputeDomain): RouteSpec[] {
  const authorize = (req: ApiRequest, action: string) => req.ctx.authorize(`${P}${action}`, { project_id: req.ctx.projectId });
  return [
    {
      method: 'GET', url: '/v2.1/os-security-groups',
      handler: async (req) => {
        proxyApi(req);
        authorize(req, 'get');
        const q = req.query as Record<string, unknown>;
        // NOTE: common.limited: limit 0 or none is osapi_max_limit (1000).
        const limit = Math.min(queryInt(q, 'limit') || 1000, 1000);
        const offset = queryInt(q, 'offset') ?? 0;
        return { security_groups: (await sg.list(callerOf(req.ctx), { allTenants: q.all_tenants !== undefined, offset, limit })).map(securityGroupView) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-security-groups/:id',
      handler: async (req) => {
        proxyApi(req);
        authorize(req, 'show');
        return { security_group: securityGroupView(await sg.get(callerOf(req.ctx), req.params.id)) };
      },
    },
    route({
      method: 'POST', url: '/v2.1/os-security-groups', schema: { body: SecurityGroupBody.loosest },
      handler: async (req) => {
        proxyApi(req);
        SecurityGroupBody.check((v) => mv(req, v), req.body);
        const b = req.body!.security_group;
        authorize(req, 'create');
        return { security_group: securityGroupView(await sg.create(callerOf(req.ctx), b.name, b.description)) };
      },
    }),
    route({
      method: 'PUT', url: '/v2.1/os-security-groups/:id', schema: { body: SecurityGroupBody.loosest },
      handler: async (req) => {
        proxyApi(req);
        SecurityGroupBody.check((v) => mv(req, v), req.body);
        const b = req.body!.security_group;
        authorize(req, 'update');
        return { security_group: securityGroupView(await sg.update(callerOf(req.ctx), (req.params as { id: string }).id, b.name, b.description)) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/os-security-groups/:id',
      handler: async (req) => {
        proxyApi(req);
        authorize(req, 'delete');
        await sg.delete(callerOf(req.ctx), req.params.id);
        req.reply.code(202);
      },
    },
    // NOTE: DELETE without an id matches no route in Nova: 404, not 405.
    { method: 'DELETE', url: '/v2.1/os-security-groups', handler: async () => { throw resourceNotFound(); } },
    route({
      method: 'POST', url: '/v2.1/os-security-group-rules', schema: { body: SecurityGroupRuleCreate.loosest },
      handler: async (req) => {
        proxyApi(req);
        SecurityGroupRuleCreate.check((v) => mv(req, v), req.body);
        const r = req.body!.security_group_rule;
        authorize(req, 'rule:create');
        const rule = await sg.createRule(callerOf(req.ctx), {
          parentGroupId: r.parent_group_id, groupId: r.group_id as string | null | undefined,
          ipProtocol: r.ip_protocol, fromPort: r.from_port, toPort: r.to_port, cidr: r.cidr,
        });
        return { security_group_rule: securityGroupRuleView(rule) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/os-security-group-rules/:id',
      handler: async (req) => {
        proxyApi(req);
        authorize(req, 'rule:delete');
        await sg.deleteRule(callerOf(req.ctx), req.params.id);
        req.reply.code(202);
      },
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-security-groups',
      handler: async (req) => {
        const s = await loadServer(d, req, `${P}list`);
        return { security_groups: (await sg.ofServer(callerOf(req.ctx), s.id)).map(securityGroupView) };
      },
    },
  ];
}
