// /v2.0/quotas (quotas, quota_details): per-project limits over Neutron's defaults.
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import { DEFAULT_QUOTAS, type NetworkDomain } from '../domain/network-domain.js';
import { allowed, authorize } from './common.js';
import { Id, QuotaBody } from './schemas.js';
import { quotaDetailsView } from './views.js';

export function quotaRoutes(d: NetworkDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.0/quotas',
      handler: async (req) => {
        authorize(req.ctx, 'get_quota', { project_id: req.ctx.projectId });
        const visible = (await d.quotaProjects()).filter((p) => allowed(req.ctx, 'get_quota', { project_id: p }));
        return { quotas: await Promise.all(visible.map(async (p) => ({ ...(await d.quotaOf(p)), project_id: p, tenant_id: p }))) };
      },
    },
    route({
      method: 'GET', url: '/v2.0/quotas/:id/default', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'get_quota', { project_id: req.params.id });
        return { quota: { ...DEFAULT_QUOTAS } };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/quotas/:id/details', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'get_quota', { project_id: req.params.id });
        return { quota: quotaDetailsView(await d.quotaOf(req.params.id), await d.usage(req.params.id)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/quotas/:id', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'get_quota', { project_id: req.params.id });
        return { quota: await d.quotaOf(req.params.id) };
      },
    }),
    route({
      method: 'PUT', url: '/v2.0/quotas/:id', schema: { params: Id, body: QuotaBody },
      handler: async (req) => {
        authorize(req.ctx, 'update_quota', { project_id: req.params.id });
        return { quota: await d.setQuotas(req.params.id, req.body.quota) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/quotas/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'delete_quota', { project_id: req.params.id });
        await d.deleteQuotas(req.params.id);
      },
    }),
  ];
}
