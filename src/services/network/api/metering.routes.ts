// /v2.0/metering/metering-labels and /v2.0/metering/metering-label-rules (metering): what the
// routers count, per label. Admin only by Neutron's default policy; a label is never updated.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { meteringLabelNotFound, meteringLabelRuleNotFound } from '../domain/errors.js';
import { LABEL_ATTRS, RULE_ATTRS } from '../domain/metering.service.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, listResponse, selectFields } from './common.js';
import { Id, MeteringLabelBody, MeteringLabelRuleBody } from './schemas.js';
import { meteringLabelRuleView, meteringLabelView } from './views.js';

const PREFIX = '/networking/v2.0/metering';

export function meteringRoutes(d: NetworkDomain): RouteSpec[] {
  const m = d.metering;
  const loadLabel = async (req: ApiRequest, id: string) => {
    const l = await m.findLabel(id);
    if (!l || !allowed(req.ctx, 'get_metering_label', { ...l })) throw meteringLabelNotFound(id);
    return l;
  };
  const loadRule = async (req: ApiRequest, id: string) => {
    const r = await m.findRule(id);
    if (!r || !allowed(req.ctx, 'get_metering_label_rule', { ...r })) throw meteringLabelRuleNotFound(id);
    return r;
  };
  return [
    {
      method: 'GET', url: '/v2.0/metering/metering-labels',
      handler: async (req) => {
        const views = (await m.listLabels()).filter((l) => allowed(req.ctx, 'get_metering_label', { ...l })).map(meteringLabelView);
        return listResponse(req, 'metering_labels', applyFilters(views, req.query), PREFIX);
      },
    },
    route({
      method: 'POST', url: '/v2.0/metering/metering-labels', status: 201, schema: { body: MeteringLabelBody },
      handler: async (req) => {
        const b = req.body.metering_label;
        const caller = callerOf(req.ctx);
        authorizeWithAttrs(req.ctx, 'create_metering_label', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, b, LABEL_ATTRS);
        return { metering_label: meteringLabelView(await m.createLabel(caller, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/metering/metering-labels/:id', schema: { params: Id },
      handler: async (req) => ({ metering_label: selectFields(meteringLabelView(await loadLabel(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'DELETE', url: '/v2.0/metering/metering-labels/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const l = await loadLabel(req, req.params.id);
        authorize(req.ctx, 'delete_metering_label', { ...l });
        await m.deleteLabel(l.id);
      },
    }),

    {
      method: 'GET', url: '/v2.0/metering/metering-label-rules',
      handler: async (req) => {
        const views = (await m.listRules()).filter((r) => allowed(req.ctx, 'get_metering_label_rule', { ...r })).map(meteringLabelRuleView);
        return listResponse(req, 'metering_label_rules', applyFilters(views, req.query), PREFIX);
      },
    },
    route({
      method: 'POST', url: '/v2.0/metering/metering-label-rules', status: 201, schema: { body: MeteringLabelRuleBody },
      handler: async (req) => {
        const raw = req.body.metering_label_rule;
        const caller = callerOf(req.ctx);
        authorizeWithAttrs(req.ctx, 'create_metering_label_rule', { ...raw, project_id: raw.project_id ?? raw.tenant_id ?? caller.projectId }, raw, RULE_ATTRS);
        const b = m.checkRule(raw);
        const label = await loadLabel(req, b.metering_label_id);
        return { metering_label_rule: meteringLabelRuleView(await m.createRule(label, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/metering/metering-label-rules/:id', schema: { params: Id },
      handler: async (req) => ({ metering_label_rule: selectFields(meteringLabelRuleView(await loadRule(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'DELETE', url: '/v2.0/metering/metering-label-rules/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const r = await loadRule(req, req.params.id);
        authorize(req.ctx, 'delete_metering_label_rule', { ...r });
        await m.deleteRule(r.id);
      },
    }),
  ];
}
