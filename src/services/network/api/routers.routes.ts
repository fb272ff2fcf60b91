// /v2.0/routers (router, ext-gw-mode, extraroute, extraroute-atomic): L3 routers, their interfaces and routes.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { ROUTER_ATTRS } from '../domain/routers.service.js';
import { routerNotFound } from '../domain/errors.js';
import type { RouterRecord } from '../store/tables.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, hideAttrs, ifMatch, listResponse, selectFields } from './common.js';
import { Id, RouterBody, RouterInterfaceBody } from './schemas.js';
import { routerView } from './views.js';

/** The external gateway's network, when the body names one. */
const gatewayNetwork = (b: Record<string, unknown>) => {
  const gw = b.external_gateway_info as { network_id?: unknown } | undefined;
  return gw && typeof gw === 'object' && typeof gw.network_id === 'string' ? gw.network_id : undefined;
};

export function routerRoutes(d: NetworkDomain): RouteSpec[] {
  const view = (req: ApiRequest, r: RouterRecord) => hideAttrs(req.ctx, 'router', routerView(r), { ...r });
  const load = async (req: ApiRequest, id: string) => {
    const r = await d.routers.find(id);
    if (!r || !allowed(req.ctx, 'get_router', { ...r })) throw routerNotFound(id);
    return r;
  };
  const iface = (add: boolean): RouteSpec => route({
    method: 'PUT', url: `/v2.0/routers/:id/${add ? 'add' : 'remove'}_router_interface`, schema: { params: Id, body: RouterInterfaceBody },
    handler: async (req) => {
      const r = await load(req, req.params.id);
      authorize(req.ctx, add ? 'add_router_interface' : 'remove_router_interface', { ...r });
      const caller = callerOf(req.ctx);
      return add ? d.routers.addInterface(caller, r.id, req.body) : d.routers.removeInterface(caller, r.id, req.body);
    },
  });
  const extraroutes = (add: boolean): RouteSpec => route({
    method: 'PUT', url: `/v2.0/routers/:id/${add ? 'add' : 'remove'}_extraroutes`, schema: { params: Id, body: RouterBody },
    handler: async (req) => {
      const r = await load(req, req.params.id);
      authorize(req.ctx, add ? 'add_extraroutes' : 'remove_extraroutes', { ...r });
      return { router: view(req, await d.routers.changeRoutes(r.id, req.body.router, add)) };
    },
  });
  return [
    {
      method: 'GET', url: '/v2.0/routers',
      handler: async (req) => {
        const views = (await d.routers.list()).filter((r) => allowed(req.ctx, 'get_router', { ...r })).map((r) => view(req, r));
        return listResponse(req, 'routers', applyFilters(views, req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/routers', status: 201, schema: { body: RouterBody },
      handler: async (req) => {
        const b = req.body.router;
        const caller = callerOf(req.ctx);
        authorizeWithAttrs(req.ctx, 'create_router', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, b, ROUTER_ATTRS);
        const gw = gatewayNetwork(b);
        if (gw) await d.visibleNetwork(caller, gw);
        return { router: view(req, await d.routers.create(caller, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/routers/:id', schema: { params: Id },
      handler: async (req) => ({ router: selectFields(view(req, await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/routers/:id', schema: { params: Id, body: RouterBody },
      handler: async (req) => {
        const r = await load(req, req.params.id);
        const body = req.body.router;
        authorizeWithAttrs(req.ctx, 'update_router', { ...r, ...body, project_id: r.project_id }, body, ROUTER_ATTRS, {}, false);
        const gw = gatewayNetwork(body);
        if (gw) await d.visibleNetwork(callerOf(req.ctx), gw);
        return { router: view(req, await d.routers.update(callerOf(req.ctx), r.id, body, ifMatch(req))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/routers/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const r = await load(req, req.params.id);
        authorize(req.ctx, 'delete_router', { ...r });
        await d.routers.delete(r.id, ifMatch(req));
      },
    }),
    iface(true), iface(false), extraroutes(true), extraroutes(false),
  ];
}
