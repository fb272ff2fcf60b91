// /v2.0/subnetpools (subnet_allocation, default-subnetpools): prefixes subnets are cut from.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { SUBNETPOOL_ATTRS } from '../domain/subnets.service.js';
import { subnetPoolNotFound } from '../domain/errors.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, ifMatch, listResponse, selectFields } from './common.js';
import { Id, SubnetPoolBody } from './schemas.js';
import { subnetPoolView } from './views.js';

export function subnetPoolRoutes(d: NetworkDomain): RouteSpec[] {
  const load = async (req: ApiRequest, id: string) => {
    const p = await d.subnets.getPool(id).catch(() => undefined);
    if (!p || !allowed(req.ctx, 'get_subnetpool', { ...p }, { subnetpoolShared: p.shared })) throw subnetPoolNotFound(id);
    return p;
  };
  return [
    {
      method: 'GET', url: '/v2.0/subnetpools',
      handler: async (req) => {
        const visible = (await d.subnets.listPools()).filter((p) => allowed(req.ctx, 'get_subnetpool', { ...p }, { subnetpoolShared: p.shared }));
        return listResponse(req, 'subnetpools', applyFilters(visible.map(subnetPoolView), req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/subnetpools', status: 201, schema: { body: SubnetPoolBody },
      handler: async (req) => {
        const b = req.body.subnetpool;
        const caller = callerOf(req.ctx);
        authorizeWithAttrs(req.ctx, 'create_subnetpool', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, b, SUBNETPOOL_ATTRS);
        return { subnetpool: subnetPoolView(await d.subnets.createPool(caller, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/subnetpools/:id', schema: { params: Id },
      handler: async (req) => ({ subnetpool: selectFields(subnetPoolView(await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/subnetpools/:id', schema: { params: Id, body: SubnetPoolBody },
      handler: async (req) => {
        const p = await load(req, req.params.id);
        const b = req.body.subnetpool;
        authorizeWithAttrs(req.ctx, 'update_subnetpool', { ...p }, b, SUBNETPOOL_ATTRS, {}, false);
        return { subnetpool: subnetPoolView(await d.subnets.updatePool(p.id, b, ifMatch(req), callerOf(req.ctx))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/subnetpools/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const p = await load(req, req.params.id);
        authorize(req.ctx, 'delete_subnetpool', { ...p });
        await d.subnets.deletePool(p.id, ifMatch(req));
      },
    }),
  ];
}
