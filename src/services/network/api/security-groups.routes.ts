import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { securityGroupNotFound, securityGroupRuleNotFound } from '../domain/errors.js';
import type { SecurityGroupRecord } from '../store/tables.js';
import { allowed, applyFilters, authorize, ifMatch, itemsOf, listResponse, selectFields } from './common.js';
import { Id, SecurityGroupBody, SecurityGroupRuleBody, SecurityGroupRulesBody } from './schemas.js';
import { securityGroupRuleView, securityGroupView } from './views.js';

export function securityGroupRoutes(d: NetworkDomain): RouteSpec[] {
  const load = async (req: ApiRequest, id: string) => {
    const g = await d.securityGroups.find(id);
    if (!g || !allowed(req.ctx, 'get_security_group', { ...g })) throw securityGroupNotFound(id);
    return g;
  };
  const view = async (req: ApiRequest, g: SecurityGroupRecord) => {
    const rules = (await d.securityGroups.rules(g.id)).filter((r) => allowed(req.ctx, 'get_security_group_rule', { ...r, 'security_group:tenant_id': g.project_id }));
    return securityGroupView(g, rules);
  };
  const loadRule = async (req: ApiRequest, id: string) => {
    const r = await d.t.securityGroupRules.get(id);
    const g = r && await d.securityGroups.find(r.security_group_id);
    if (!r || !allowed(req.ctx, 'get_security_group_rule', { ...r, 'security_group:tenant_id': g?.project_id })) throw securityGroupRuleNotFound(id);
    return r;
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
    { method: 'GET', url: '/v2.0/security-groups/:id', schema: { params: Id }, handler: async (req) => ({ security_group: selectFields(await view(req, await load(req, req.params.id)), req.query) }) },
    route({
      method: 'PUT', url: '/v2.0/security-groups/:id', schema: { params: Id, body: SecurityGroupBody },
      handler: async (req) => {
        const g = await load(req, req.params.id);
        authorize(req.ctx, 'update_security_group', { ...g });
        return { security_group: await view(req, await d.securityGroups.update(g.id, req.body.security_group, ifMatch(req))) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.0/security-groups/:id', status: 204, schema: { params: Id },
      handler: async (req) => { const g = await load(req, req.params.id); authorize(req.ctx, 'delete_security_group', { ...g }); await d.securityGroups.delete(callerOf(req.ctx), g.id, ifMatch(req)); },
    },
    {
      method: 'GET', url: '/v2.0/security-group-rules',
      handler: async (req) => {
        await d.securityGroups.ensureDefault(req.ctx.projectId);
        const groups = new Map((await d.securityGroups.list()).map((g) => [g.id, g]));
        const views = (await d.securityGroups.rules()).filter((r) => allowed(req.ctx, 'get_security_group_rule', { ...r, 'security_group:tenant_id': groups.get(r.security_group_id)?.project_id })).map(securityGroupRuleView);
        return listResponse(req, 'security_group_rules', applyFilters(views, req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/security-group-rules', status: 201, schema: { body: SecurityGroupRulesBody },
      handler: async (req) => {
        const { items, bulk } = itemsOf(req.body, 'security_group_rule', 'security_group_rules');
        const caller = callerOf(req.ctx);
        const out = [];
        for (const b of items) {
          authorize(req.ctx, 'create_security_group_rule', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId });
          out.push(securityGroupRuleView(await d.securityGroups.createRule(caller, b, (g) => allowed(req.ctx, 'get_security_group', { ...g }))));
        }
        return bulk ? { security_group_rules: out } : { security_group_rule: out[0] };
      },
    }),
    { method: 'GET', url: '/v2.0/security-group-rules/:id', schema: { params: Id }, handler: async (req) => ({ security_group_rule: selectFields(securityGroupRuleView(await loadRule(req, req.params.id)), req.query) }) },
    route({
      method: 'PUT', url: '/v2.0/security-group-rules/:id', schema: { params: Id, body: SecurityGroupRuleBody },
      handler: async (req) => {
        const r = await loadRule(req, req.params.id);
        authorize(req.ctx, 'update_security_group_rule', { ...r });
        return { security_group_rule: securityGroupRuleView(await d.securityGroups.updateRule(r.id, req.body.security_group_rule)) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.0/security-group-rules/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const r = await loadRule(req, req.params.id);
        const g = await d.securityGroups.find(r.security_group_id);
        authorize(req.ctx, 'delete_security_group_rule', { ...r, 'security_group:tenant_id': g?.project_id });
        await d.securityGroups.deleteRule(r.id);
      },
    },
  ];
}
