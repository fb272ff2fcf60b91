// /os-security-groups, /os-security-group-rules (proxies to Neutron, 404 from 2.36) and
// GET /servers/{id}/os-security-groups (every version).
import { callerOf } from '../../../core/auth/caller.js';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest, NotFound } from '../../../core/errors/errors.js';
import type { SecurityGroupsService } from '../domain/security-groups.service.js';
import { isUuid } from '../domain/security-groups.service.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { MV } from '../microversions.js';
import { invalidInput, mv, queryInt } from './common.js';
import { loadServer } from './servers.routes.js';
import { securityGroupRuleView, securityGroupView } from './security-groups.view.js';

const P = 'os_compute_api:os-security-groups:';

/** The proxy APIs are gone from 2.36: Nova answers 404 as for an unknown resource. */
export function proxyApi(req: ApiRequest): void {
  if (mv(req, MV.networkProxies)) throw new NotFound('The resource could not be found.');
}

/** Nova's create/update body: name and description strings of at most 255 characters. */
function groupBody(body: unknown): { name: string; description: string } {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object' || Array.isArray(b) || b.security_group === undefined) throw new BadRequest("Invalid input for field/attribute security_group. Value: None. 'security_group' is a required property");
  const g = b.security_group as Record<string, unknown>;
  if (!g || typeof g !== 'object' || Array.isArray(g)) throw invalidInput('security_group', g, `${JSON.stringify(g)} is not of type 'object'`);
  for (const k of ['name', 'description']) {
    const v = g[k];
    if (v === undefined) throw invalidInput('security_group', g, `'${k}' is a required property`);
    if (typeof v !== 'string') throw invalidInput(k, v, `${JSON.stringify(v)} is not of type 'string'`);
    if (v.length > 255) throw invalidInput(k, v, `'${v}' is too long`);
  }
  return { name: g.name as string, description: g.description as string };
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
    {
      method: 'POST', url: '/v2.1/os-security-groups',
      handler: async (req) => {
        proxyApi(req);
        const b = groupBody(req.body);
        authorize(req, 'create');
        return { security_group: securityGroupView(await sg.create(callerOf(req.ctx), b.name, b.description)) };
      },
    },
    {
      method: 'PUT', url: '/v2.1/os-security-groups/:id',
      handler: async (req) => {
        proxyApi(req);
        const b = groupBody(req.body);
        authorize(req, 'update');
        return { security_group: securityGroupView(await sg.update(callerOf(req.ctx), req.params.id, b.name, b.description)) };
      },
    },
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
    { method: 'DELETE', url: '/v2.1/os-security-groups', handler: async () => { throw new NotFound('The resource could not be found.'); } },
    {
      method: 'POST', url: '/v2.1/os-security-group-rules',
      handler: async (req) => {
        proxyApi(req);
        const body = req.body as Record<string, unknown> | null;
        if (!body || typeof body !== 'object' || body.security_group_rule === undefined) throw new BadRequest("Invalid input for field/attribute security_group_rule. Value: None. 'security_group_rule' is a required property");
        const r = body.security_group_rule as Record<string, unknown>;
        if (!r || typeof r !== 'object' || Array.isArray(r)) throw invalidInput('security_group_rule', r, `${JSON.stringify(r)} is not of type 'object'`);
        if (r.parent_group_id === undefined) throw invalidInput('security_group_rule', r, "'parent_group_id' is a required property");
        if (!isUuid(r.parent_group_id)) throw invalidInput('parent_group_id', r.parent_group_id, `'${String(r.parent_group_id)}' is not a 'uuid'`);
        if (r.group_id !== undefined && r.group_id !== null && !isUuid(r.group_id)) throw invalidInput('group_id', r.group_id, `'${String(r.group_id)}' is not a 'uuid'`);
        authorize(req, 'rule:create');
        const rule = await sg.createRule(callerOf(req.ctx), {
          parentGroupId: r.parent_group_id, groupId: r.group_id as string | null | undefined,
          ipProtocol: r.ip_protocol, fromPort: r.from_port, toPort: r.to_port, cidr: r.cidr,
        });
        return { security_group_rule: securityGroupRuleView(rule) };
      },
    },
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
