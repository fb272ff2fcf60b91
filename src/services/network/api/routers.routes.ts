import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { FIP_ATTRS, ROUTER_ATTRS } from '../domain/routers.service.js';
import { floatingIpNotFound, networkNotFound, routerNotFound } from '../domain/errors.js';
import type { FloatingIpRecord, RouterRecord } from '../store/tables.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, hideAttrs, ifMatch, listResponse, selectFields } from './common.js';
import { FloatingIpBody, Id, RouterBody, RouterInterfaceBody } from './schemas.js';
import { floatingIpView, routerView } from './views.js';

export function routerRoutes(d: NetworkDomain): RouteSpec[] {
  const view = (req: ApiRequest, r: RouterRecord) => hideAttrs(req.ctx, 'router', routerView(r), { ...r });
  const load = async (req: ApiRequest, id: string) => {
    const r = await d.routers.find(id);
    if (!r || !allowed(req.ctx, 'get_router', { ...r })) throw routerNotFound(id);
    return r;
  };
  const fipView = async (f: FloatingIpRecord) => floatingIpView(f, f.port_id ? await d.ports.find(f.port_id) : undefined);
  const loadFip = async (req: ApiRequest, id: string) => {
    const f = (await d.routers.listFips()).find((x) => x.id === id);
    if (!f || !allowed(req.ctx, 'get_floatingip', { ...f })) throw floatingIpNotFound(id);
    return f;
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
        const gw = b.external_gateway_info as { network_id?: string } | undefined;
        if (gw && typeof gw === 'object' && typeof gw.network_id === 'string') await d.visibleNetwork(caller, gw.network_id);
        return { router: view(req, await d.routers.create(caller, b)) };
      },
    }),
    { method: 'GET', url: '/v2.0/routers/:id', schema: { params: Id }, handler: async (req) => ({ router: selectFields(view(req, await load(req, req.params.id)), req.query) }) },
    route({
      method: 'PUT', url: '/v2.0/routers/:id', schema: { params: Id, body: RouterBody },
      handler: async (req) => {
        const r = await load(req, req.params.id);
        const body = req.body.router;
        authorizeWithAttrs(req.ctx, 'update_router', { ...r, ...body, project_id: r.project_id }, body, ROUTER_ATTRS, {}, false);
        const gw = body.external_gateway_info as { network_id?: string } | undefined;
        if (gw && typeof gw === 'object' && typeof gw.network_id === 'string') await d.visibleNetwork(callerOf(req.ctx), gw.network_id);
        return { router: view(req, await d.routers.update(callerOf(req.ctx), r.id, body, ifMatch(req))) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.0/routers/:id', status: 204, schema: { params: Id },
      handler: async (req) => { const r = await load(req, req.params.id); authorize(req.ctx, 'delete_router', { ...r }); await d.routers.delete(r.id, ifMatch(req)); },
    },
    iface(true), iface(false), extraroutes(true), extraroutes(false),

    {
      method: 'GET', url: '/v2.0/floatingips',
      handler: async (req) => {
        const views = [];
        for (const f of await d.routers.listFips()) if (allowed(req.ctx, 'get_floatingip', { ...f })) views.push(await fipView(f));
        return listResponse(req, 'floatingips', applyFilters(views, req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/floatingips', status: 201, schema: { body: FloatingIpBody },
      handler: async (req) => {
        const b = req.body.floatingip;
        const caller = callerOf(req.ctx);
        authorizeWithAttrs(req.ctx, 'create_floatingip', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, b, FIP_ATTRS);
        if (typeof b.floating_network_id === 'string') {
          const n = await d.networks.find(b.floating_network_id);
          if (!n) throw networkNotFound(b.floating_network_id);
        }
        return { floatingip: await fipView(await d.routers.createFip(caller, b)) };
      },
    }),
    { method: 'GET', url: '/v2.0/floatingips/:id', schema: { params: Id }, handler: async (req) => ({ floatingip: selectFields(await fipView(await loadFip(req, req.params.id)), req.query) }) },
    route({
      method: 'PUT', url: '/v2.0/floatingips/:id', schema: { params: Id, body: FloatingIpBody },
      handler: async (req) => {
        const f = await loadFip(req, req.params.id);
        authorize(req.ctx, 'update_floatingip', { ...f });
        return { floatingip: await fipView(await d.routers.updateFip(callerOf(req.ctx), f.id, req.body.floatingip, ifMatch(req))) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.0/floatingips/:id', status: 204, schema: { params: Id },
      handler: async (req) => { const f = await loadFip(req, req.params.id); authorize(req.ctx, 'delete_floatingip', { ...f }); await d.routers.deleteFip(f.id, ifMatch(req)); },
    },
  ];
}
