// /v2.0/rbac-policies (rbac-policies): sharing a network with a project, or as external.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { rbacPolicyNotFound } from '../domain/errors.js';
import { allowed, applyFilters, authorize, listResponse, selectFields } from './common.js';
import { Id, RbacPolicyBody } from './schemas.js';
import { rbacView } from './views.js';

export function rbacPolicyRoutes(d: NetworkDomain): RouteSpec[] {
  const load = async (req: ApiRequest, id: string) => {
    const r = await d.networks.getRbac(id).catch(() => undefined);
    if (!r || !allowed(req.ctx, 'get_rbac_policy', { ...r })) throw rbacPolicyNotFound(id);
    return r;
  };
  return [
    {
      method: 'GET', url: '/v2.0/rbac-policies',
      handler: async (req) => {
        const visible = (await d.networks.listRbac()).filter((r) => allowed(req.ctx, 'get_rbac_policy', { ...r }));
        return listResponse(req, 'rbac_policies', applyFilters(visible.map(rbacView), req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/rbac-policies', status: 201, schema: { body: RbacPolicyBody },
      handler: async (req) => {
        const b = req.body.rbac_policy;
        const caller = callerOf(req.ctx);
        const target = { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId };
        authorize(req.ctx, 'create_rbac_policy', target);
        if ('target_tenant' in b) authorize(req.ctx, 'create_rbac_policy:target_tenant', target, { rbacTarget: String(b.target_tenant) });
        const rbac = await d.networks.rbacOf();
        const visible = (n: Parameters<typeof d.networks.flags>[0]) => caller.isAdmin || d.networks.flags(n, rbac, caller.projectId).visible;
        return { rbac_policy: rbacView(await d.networks.createRbac(caller, b, visible)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/rbac-policies/:id', schema: { params: Id },
      handler: async (req) => ({ rbac_policy: selectFields(rbacView(await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/rbac-policies/:id', schema: { params: Id, body: RbacPolicyBody },
      handler: async (req) => {
        const r = await load(req, req.params.id);
        const b = req.body.rbac_policy;
        authorize(req.ctx, 'update_rbac_policy', { ...r });
        if ('target_tenant' in b) authorize(req.ctx, 'update_rbac_policy:target_tenant', { ...r }, { rbacTarget: String(b.target_tenant) });
        return { rbac_policy: rbacView(await d.networks.updateRbac(r.id, b)) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/rbac-policies/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const r = await load(req, req.params.id);
        authorize(req.ctx, 'delete_rbac_policy', { ...r });
        await d.networks.deleteRbac(r.id);
      },
    }),
  ];
}
