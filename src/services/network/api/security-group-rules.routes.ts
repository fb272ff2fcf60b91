// /v2.0/security-group-rules (security-group): the rules of a security group, one by one.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { securityGroupRuleNotFound } from '../domain/errors.js';
import type { SecurityGroupRuleRecord } from '../store/tables.js';
import { allowed, applyFilters, authorize, itemsOf, listResponse, selectFields } from './common.js';
import { Id, SecurityGroupRuleBody, SecurityGroupRulesBody } from './schemas.js';
import { securityGroupRuleView } from './views.js';

/** A rule's policy target: the rule with its group's owner. */
const onGroup = (r: SecurityGroupRuleRecord, groupProjectId: string | undefined) => ({ ...r, 'security_group:tenant_id': groupProjectId });

export function securityGroupRuleRoutes(d: NetworkDomain): RouteSpec[] {
  const load = async (req: ApiRequest, id: string) => {
    const r = await d.securityGroups.getRule(id).catch(() => undefined);
    const g = r && await d.securityGroups.find(r.security_group_id);
    if (!r || !allowed(req.ctx, 'get_security_group_rule', onGroup(r, g?.project_id))) throw securityGroupRuleNotFound(id);
    return r;
  };
  return [
    {
      method: 'GET', url: '/v2.0/security-group-rules',
      handler: async (req) => {
        await d.securityGroups.ensureDefault(req.ctx.projectId);
        const groups = new Map((await d.securityGroups.list()).map((g) => [g.id, g]));
        const visible = (await d.securityGroups.rules())
          .filter((r) => allowed(req.ctx, 'get_security_group_rule', onGroup(r, groups.get(r.security_group_id)?.project_id)));
        return listResponse(req, 'security_group_rules', applyFilters(visible.map(securityGroupRuleView), req.query));
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
    route({
      method: 'GET', url: '/v2.0/security-group-rules/:id', schema: { params: Id },
      handler: async (req) => ({ security_group_rule: selectFields(securityGroupRuleView(await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/security-group-rules/:id', schema: { params: Id, body: SecurityGroupRuleBody },
      handler: async (req) => {
        const r = await load(req, req.params.id);
        authorize(req.ctx, 'update_security_group_rule', { ...r });
        return { security_group_rule: securityGroupRuleView(await d.securityGroups.updateRule(r.id, req.body.security_group_rule)) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/security-group-rules/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const r = await load(req, req.params.id);
        const g = await d.securityGroups.find(r.security_group_id);
        authorize(req.ctx, 'delete_security_group_rule', onGroup(r, g?.project_id));
        await d.securityGroups.deleteRule(r.id);
      },
    }),
  ];
}
