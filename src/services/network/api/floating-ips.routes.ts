// /v2.0/floatingips (with fip-port-details): external addresses NATed to a port's fixed address.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { FIP_ATTRS } from '../domain/routers.service.js';
import { floatingIpNotFound, networkNotFound } from '../domain/errors.js';
import type { FloatingIpRecord } from '../store/tables.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, ifMatch, listResponse, selectFields } from './common.js';
import { FloatingIpBody, Id } from './schemas.js';
import { floatingIpView } from './views.js';

export function floatingIpRoutes(d: NetworkDomain): RouteSpec[] {
  const view = async (f: FloatingIpRecord) => floatingIpView(f, f.port_id ? await d.ports.find(f.port_id) : undefined);
  const load = async (req: ApiRequest, id: string) => {
    const f = (await d.routers.listFips()).find((x) => x.id === id);
    if (!f || !allowed(req.ctx, 'get_floatingip', { ...f })) throw floatingIpNotFound(id);
    return f;
  };
  return [
    {
      method: 'GET', url: '/v2.0/floatingips',
      handler: async (req) => {
        const views = [];
        for (const f of await d.routers.listFips()) if (allowed(req.ctx, 'get_floatingip', { ...f })) views.push(await view(f));
        return listResponse(req, 'floatingips', applyFilters(views, req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/floatingips', status: 201, schema: { body: FloatingIpBody },
      handler: async (req) => {
        const b = req.body.floatingip;
        const caller = callerOf(req.ctx);
        authorizeWithAttrs(req.ctx, 'create_floatingip', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, b, FIP_ATTRS);
        if (typeof b.floating_network_id === 'string' && !(await d.networks.find(b.floating_network_id))) throw networkNotFound(b.floating_network_id);
        return { floatingip: await view(await d.routers.createFip(caller, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/floatingips/:id', schema: { params: Id },
      handler: async (req) => ({ floatingip: selectFields(await view(await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/floatingips/:id', schema: { params: Id, body: FloatingIpBody },
      handler: async (req) => {
        const f = await load(req, req.params.id);
        authorize(req.ctx, 'update_floatingip', { ...f });
        return { floatingip: await view(await d.routers.updateFip(callerOf(req.ctx), f.id, req.body.floatingip, ifMatch(req))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/floatingips/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const f = await load(req, req.params.id);
        authorize(req.ctx, 'delete_floatingip', { ...f });
        await d.routers.deleteFip(f.id, ifMatch(req));
      },
    }),
  ];
}
