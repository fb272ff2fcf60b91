// /v2.0/networks (with external-net, provider, net-mtu, availability zones): L2 networks.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { NETWORK_ATTRS } from '../domain/networks.service.js';
import { networkNotFound } from '../domain/errors.js';
import type { NetworkRecord, RbacPolicyRecord, SubnetPoolRecord, SubnetRecord } from '../store/tables.js';
import { AddressScopesService } from '../domain/address-scopes.service.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, hideAttrs, ifMatch, itemsOf, listResponse, networkFacts, selectFields } from './common.js';
import { Id, NetworkBody, NetworkUpdateBody } from './schemas.js';
import { networkView } from './views.js';

export function networkRoutes(d: NetworkDomain): RouteSpec[] {
  const view = (req: ApiRequest, n: NetworkRecord, rbac: RbacPolicyRecord[], subnets: SubnetRecord[], pools: Map<string, SubnetPoolRecord>) => {
    const f = d.networks.flags(n, rbac, req.ctx.projectId);
    const mine = subnets.filter((s) => s.network_id === n.id);
    const v = networkView(n, f, mine.map((s) => s.id), AddressScopesService.ofNetwork(mine, pools));
    return hideAttrs(req.ctx, 'network', v, v, { shared: f.shared, external: f.external });
  };
  const load = async (req: ApiRequest, id: string) => {
    const n = await d.networks.find(id);
    const rbac = n ? await d.networks.rbacOf(id) : [];
    if (!n || !allowed(req.ctx, 'get_network', { ...n }, networkFacts(d, req, n, rbac))) throw networkNotFound(id);
    return { n, rbac };
  };
  const pools = async () => new Map((await d.subnets.listPools()).map((p) => [p.id, p]));
  const show = async (req: ApiRequest, n: NetworkRecord) => view(req, n, await d.networks.rbacOf(n.id), await d.subnets.list(n.id), await pools());

  return [
    {
      method: 'GET', url: '/v2.0/networks',
      handler: async (req) => {
        const rbac = await d.networks.rbacOf();
        const subnets = await d.subnets.list();
        const visible = (await d.networks.list()).filter((n) => allowed(req.ctx, 'get_network', { ...n }, networkFacts(d, req, n, rbac)));
        const byId = await pools();
        const views = visible.map((n) => view(req, n, rbac, subnets, byId));
        return listResponse(req, 'networks', applyFilters(views, req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/networks', status: 201, schema: { body: NetworkBody },
      handler: async (req) => {
        const { items, bulk } = itemsOf(req.body, 'network', 'networks');
        const caller = callerOf(req.ctx);
        const out = [];
        for (const b of items) {
          const target = { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId };
          authorizeWithAttrs(req.ctx, 'create_network', target, b, NETWORK_ATTRS);
          out.push(await show(req, await d.createNetwork(caller, b)));
        }
        return bulk ? { networks: out } : { network: out[0] };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/networks/:id', schema: { params: Id },
      handler: async (req) => {
        const { n } = await load(req, req.params.id);
        return { network: selectFields(await show(req, n), req.query) };
      },
    }),
    route({
      method: 'PUT', url: '/v2.0/networks/:id', schema: { params: Id, body: NetworkUpdateBody },
      handler: async (req) => {
        const { n, rbac } = await load(req, req.params.id);
        const body = req.body.network;
        authorizeWithAttrs(req.ctx, 'update_network', { ...n, ...body, project_id: n.project_id }, body, NETWORK_ATTRS, networkFacts(d, req, n, rbac), false);
        return { network: await show(req, await d.updateNetwork(callerOf(req.ctx), n.id, body, ifMatch(req))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/networks/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const { n, rbac } = await load(req, req.params.id);
        authorize(req.ctx, 'delete_network', { ...n }, networkFacts(d, req, n, rbac));
        await d.networks.delete(n.id, ifMatch(req));
      },
    }),
  ];
}
