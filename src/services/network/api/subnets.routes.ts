// /v2.0/subnets (with subnet_allocation, subnet-service-types): address ranges on a network.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { SUBNET_ATTRS } from '../domain/subnets.service.js';
import { networkNotFound, subnetNotFound } from '../domain/errors.js';
import type { SubnetRecord } from '../store/tables.js';
import {
  allowed, applyFilters, authorize, authorizeWithAttrs, hideAttrs, ifMatch, itemsOf, listResponse, networkFacts, networkOf, onNetwork, selectFields,
  type FieldFacts,
} from './common.js';
import { Id, SubnetBody, SubnetsBody } from './schemas.js';
import { subnetView } from './views.js';

export function subnetRoutes(d: NetworkDomain): RouteSpec[] {
  const view = (req: ApiRequest, s: SubnetRecord, f: FieldFacts) => hideAttrs(req.ctx, 'subnet', subnetView(s), { ...s }, f);
  const load = async (req: ApiRequest, id: string) => {
    const s = await d.subnets.find(id);
    if (!s) throw subnetNotFound(id);
    const { facts: f, net } = await networkOf(d, req, s.network_id);
    if (!allowed(req.ctx, 'get_subnet', onNetwork({ ...s }, net), f)) throw subnetNotFound(id);
    return { s, f, net };
  };

  return [
    {
      method: 'GET', url: '/v2.0/subnets',
      handler: async (req) => {
        const rbac = await d.networks.rbacOf();
        const nets = new Map((await d.networks.list()).map((n) => [n.id, n]));
        const views = [];
        for (const s of await d.subnets.list()) {
          const net = nets.get(s.network_id);
          const f = net ? networkFacts(d, req, net, rbac) : {};
          if (allowed(req.ctx, 'get_subnet', onNetwork({ ...s }, net), f)) views.push(view(req, s, f));
        }
        return listResponse(req, 'subnets', applyFilters(views, req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/subnets', status: 201, schema: { body: SubnetsBody },
      handler: async (req) => {
        const { items, bulk } = itemsOf(req.body, 'subnet', 'subnets');
        const caller = callerOf(req.ctx);
        const out = [];
        for (const b of items) {
          const { net, facts: f } = typeof b.network_id === 'string' ? await networkOf(d, req, b.network_id) : { net: undefined, facts: {} };
          if (net && !allowed(req.ctx, 'get_network', { ...net }, f)) throw networkNotFound(net.id);
          const target = onNetwork({ ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, net);
          authorizeWithAttrs(req.ctx, 'create_subnet', target, b, SUBNET_ATTRS, f);
          out.push(subnetView(await d.createSubnet(caller, b)));
        }
        return bulk ? { subnets: out } : { subnet: out[0] };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/subnets/:id', schema: { params: Id },
      handler: async (req) => {
        const { s, f } = await load(req, req.params.id);
        return { subnet: selectFields(view(req, s, f), req.query) };
      },
    }),
    route({
      method: 'PUT', url: '/v2.0/subnets/:id', schema: { params: Id, body: SubnetBody },
      handler: async (req) => {
        const { s, f, net } = await load(req, req.params.id);
        const body = req.body.subnet;
        authorizeWithAttrs(req.ctx, 'update_subnet', onNetwork({ ...s, ...body, project_id: s.project_id }, net), body, SUBNET_ATTRS, f, false);
        return { subnet: subnetView(await d.subnets.update(s.id, body, ifMatch(req))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/subnets/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const { s, f, net } = await load(req, req.params.id);
        authorize(req.ctx, 'delete_subnet', onNetwork({ ...s }, net), f);
        await d.subnets.delete(s.id, ifMatch(req));
      },
    }),
  ];
}
