// /v2.0/qos (qos, qos-default, qos-bw-limit-direction, qos-rule-type-details): policies, their
// bandwidth limit rules, and the rule types this deployment supports.
import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { notFound, qosPolicyNotFound } from '../domain/errors.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { BANDWIDTH_LIMIT_RULE_ATTRS, QOS_POLICY_ATTRS, RULE_TYPES } from '../domain/qos.service.js';
import { applyFilters, authorize, authorizeWithAttrs, ifMatch, listResponse, selectFields } from './common.js';
import { BandwidthLimitRuleBody, Id, QosPolicyBody } from './schemas.js';
import { bandwidthLimitRuleView, qosPolicyView, ruleTypeView } from './views.js';

const PolicyId = Type.Object({ id: Type.String() });
const RuleId = Type.Object({ id: Type.String(), ruleId: Type.String() });
const RuleType = Type.Object({ type: Type.String() });

export function qosRoutes(d: NetworkDomain): RouteSpec[] {
  /** A policy the caller sees: admin all, others their own and the shared ones. */
  const load = async (req: ApiRequest, id: string) => {
    const p = await d.qos.get(id).catch(() => undefined);
    const caller = callerOf(req.ctx);
    if (!p || !(caller.isAdmin || await d.qos.usableBy(p, caller.projectId))) throw qosPolicyNotFound(id);
    authorize(req.ctx, 'get_policy', { ...p });
    return p;
  };
  return [
    {
      method: 'GET', url: '/v2.0/qos/policies',
      handler: async (req) => {
        const caller = callerOf(req.ctx);
        authorize(req.ctx, 'get_policy', { project_id: caller.projectId });
        const visible = [];
        for (const p of await d.qos.list()) if (caller.isAdmin || await d.qos.usableBy(p, caller.projectId)) visible.push(qosPolicyView(p));
        return listResponse(req, 'policies', applyFilters(visible, req.query), '/networking/v2.0/qos');
      },
    },
    route({
      method: 'POST', url: '/v2.0/qos/policies', status: 201, schema: { body: QosPolicyBody },
      handler: async (req) => {
        const b = req.body.policy;
        const caller = callerOf(req.ctx);
        authorizeWithAttrs(req.ctx, 'create_policy', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, b, QOS_POLICY_ATTRS);
        return { policy: qosPolicyView(await d.qos.create(caller, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/qos/policies/:id', schema: { params: Id },
      handler: async (req) => ({ policy: selectFields(qosPolicyView(await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/qos/policies/:id', schema: { params: Id, body: QosPolicyBody },
      handler: async (req) => {
        const p = await load(req, req.params.id);
        const b = req.body.policy;
        authorizeWithAttrs(req.ctx, 'update_policy', { ...p }, b, QOS_POLICY_ATTRS, {}, false);
        return { policy: qosPolicyView(await d.qos.update(p.id, b, ifMatch(req))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/qos/policies/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const p = await load(req, req.params.id);
        authorize(req.ctx, 'delete_policy', { ...p });
        await d.qos.delete(p.id, ifMatch(req));
      },
    }),

    route({
      method: 'GET', url: '/v2.0/qos/policies/:id/bandwidth_limit_rules', schema: { params: PolicyId },
      handler: async (req) => {
        const p = await load(req, req.params.id);
        authorize(req.ctx, 'get_policy_bandwidth_limit_rule', { ...p });
        return listResponse(req, 'bandwidth_limit_rules', applyFilters(p.rules.map(bandwidthLimitRuleView), req.query),
          `/networking/v2.0/qos/policies/${p.id}`);
      },
    }),
    route({
      method: 'POST', url: '/v2.0/qos/policies/:id/bandwidth_limit_rules', status: 201, schema: { params: PolicyId, body: BandwidthLimitRuleBody },
      handler: async (req) => {
        const p = await load(req, req.params.id);
        const b = req.body.bandwidth_limit_rule;
        authorizeWithAttrs(req.ctx, 'create_policy_bandwidth_limit_rule', { ...p }, b, BANDWIDTH_LIMIT_RULE_ATTRS);
        return { bandwidth_limit_rule: bandwidthLimitRuleView(await d.qos.createRule(p.id, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/qos/policies/:id/bandwidth_limit_rules/:ruleId', schema: { params: RuleId },
      handler: async (req) => {
        const p = await load(req, req.params.id);
        authorize(req.ctx, 'get_policy_bandwidth_limit_rule', { ...p });
        return { bandwidth_limit_rule: selectFields(bandwidthLimitRuleView(await d.qos.rule(p.id, req.params.ruleId)), req.query) };
      },
    }),
    route({
      method: 'PUT', url: '/v2.0/qos/policies/:id/bandwidth_limit_rules/:ruleId', schema: { params: RuleId, body: BandwidthLimitRuleBody },
      handler: async (req) => {
        const p = await load(req, req.params.id);
        const b = req.body.bandwidth_limit_rule;
        authorizeWithAttrs(req.ctx, 'update_policy_bandwidth_limit_rule', { ...p }, b, BANDWIDTH_LIMIT_RULE_ATTRS, {}, false);
        return { bandwidth_limit_rule: bandwidthLimitRuleView(await d.qos.updateRule(p.id, req.params.ruleId, b)) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/qos/policies/:id/bandwidth_limit_rules/:ruleId', status: 204, schema: { params: RuleId },
      handler: async (req) => {
        const p = await load(req, req.params.id);
        authorize(req.ctx, 'delete_policy_bandwidth_limit_rule', { ...p });
        await d.qos.deleteRule(p.id, req.params.ruleId);
      },
    }),

    {
      method: 'GET', url: '/v2.0/qos/rule-types',
      handler: async (req) => {
        authorize(req.ctx, 'get_rule_type', {});
        return { rule_types: Object.keys(RULE_TYPES).map((t) => ruleTypeView(t)) };
      },
    },
    route({
      method: 'GET', url: '/v2.0/qos/rule-types/:type', schema: { params: RuleType },
      handler: async (req) => {
        authorize(req.ctx, 'get_rule_type', {});
        const drivers = RULE_TYPES[req.params.type];
        if (!drivers) throw notFound('NotFound', `Rule type ${req.params.type} could not be found.`);
        return { rule_type: ruleTypeView(req.params.type, drivers) };
      },
    }),
  ];
}
