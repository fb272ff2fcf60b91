import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { NETWORK_ATTRS } from '../domain/networks.service.js';
import { SUBNET_ATTRS } from '../domain/subnets.service.js';
import { networkNotFound, subnetNotFound } from '../domain/errors.js';
import type { NetworkRecord, RbacPolicyRecord, SubnetRecord } from '../store/tables.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, hideAttrs, ifMatch, itemsOf, listResponse, selectFields, type FieldFacts } from './common.js';
import { Id, NetworkBody, NetworkUpdateBody, SubnetBody, SubnetsBody } from './schemas.js';
import { networkView, subnetView } from './views.js';


export function networkRoutes(d: NetworkDomain): RouteSpec[] {
  const facts = (n: NetworkRecord, rbac: RbacPolicyRecord[], req: ApiRequest): FieldFacts => {
    const f = d.networks.flags(n, rbac, req.ctx.projectId);
    return { shared: f.shared, external: f.external };
  };
  const view = (req: ApiRequest, n: NetworkRecord, rbac: RbacPolicyRecord[], subnets: SubnetRecord[]) => {
    const f = d.networks.flags(n, rbac, req.ctx.projectId);
    const v = networkView(n, f, subnets.filter((s) => s.network_id === n.id).map((s) => s.id));
    return hideAttrs(req.ctx, 'network', v, v, { shared: f.shared, external: f.external });
  };
  const load = async (req: ApiRequest, id: string) => {
    const n = await d.networks.find(id);
    const rbac = n ? await d.networks.rbacOf(id) : [];
    if (!n || !allowed(req.ctx, 'get_network', { ...n }, facts(n, rbac, req))) throw networkNotFound(id);
    return { n, rbac };
  };
  const show = async (req: ApiRequest, n: NetworkRecord) => view(req, n, await d.networks.rbacOf(n.id), await d.subnets.list(n.id));

  const subnetFacts = async (req: ApiRequest, s: { network_id: string }): Promise<{ facts: FieldFacts; net?: NetworkRecord }> => {
    const net = await d.networks.find(s.network_id);
    if (!net) return { facts: {} };
    return { facts: facts(net, await d.networks.rbacOf(net.id), req), net };
  };
  const subnetTarget = (s: Record<string, unknown>, net?: NetworkRecord) => ({ ...s, 'network:tenant_id': net?.project_id, 'network:project_id': net?.project_id });
  const loadSubnet = async (req: ApiRequest, id: string) => {
    const s = await d.subnets.find(id);
    if (!s) throw subnetNotFound(id);
    const { facts: f, net } = await subnetFacts(req, s);
    if (!allowed(req.ctx, 'get_subnet', subnetTarget({ ...s }, net), f)) throw subnetNotFound(id);
    return { s, f, net };
  };

  return [
    {
      method: 'GET', url: '/v2.0/networks',
      handler: async (req) => {
        const rbac = await d.networks.rbacOf();
        const subnets = await d.subnets.list();
        const visible = (await d.networks.list()).filter((n) => allowed(req.ctx, 'get_network', { ...n }, facts(n, rbac, req)));
        const views = visible.map((n) => view(req, n, rbac, subnets));
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
    {
      method: 'GET', url: '/v2.0/networks/:id', schema: { params: Id },
      handler: async (req) => { const { n } = await load(req, req.params.id); return { network: selectFields(await show(req, n), req.query) }; },
    },
    route({
      method: 'PUT', url: '/v2.0/networks/:id', schema: { params: Id, body: NetworkUpdateBody },
      handler: async (req) => {
        const { n, rbac } = await load(req, req.params.id);
        const body = req.body.network;
        authorizeWithAttrs(req.ctx, 'update_network', { ...n, ...body, project_id: n.project_id }, body, NETWORK_ATTRS, facts(n, rbac, req), false);
        return { network: await show(req, await d.networks.update(callerOf(req.ctx), n.id, body, ifMatch(req))) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.0/networks/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const { n, rbac } = await load(req, req.params.id);
        authorize(req.ctx, 'delete_network', { ...n }, facts(n, rbac, req));
        await d.networks.delete(n.id, ifMatch(req));
      },
    },

    {
      method: 'GET', url: '/v2.0/subnets',
      handler: async (req) => {
        const rbac = await d.networks.rbacOf();
        const nets = new Map((await d.networks.list()).map((n) => [n.id, n]));
        const views = [];
        for (const s of await d.subnets.list()) {
          const net = nets.get(s.network_id);
          const f = net ? facts(net, rbac, req) : {};
          if (allowed(req.ctx, 'get_subnet', subnetTarget({ ...s }, net), f)) views.push(hideAttrs(req.ctx, 'subnet', subnetView(s), { ...s }, f));
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
          const net = typeof b.network_id === 'string' ? await d.networks.find(b.network_id) : undefined;
          const f = net ? facts(net, await d.networks.rbacOf(net.id), req) : {};
          if (net && !allowed(req.ctx, 'get_network', { ...net }, f)) throw networkNotFound(net.id);
          const target = subnetTarget({ ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, net);
          authorizeWithAttrs(req.ctx, 'create_subnet', target, b, SUBNET_ATTRS, f);
          out.push(subnetView(await d.createSubnet(caller, b)));
        }
        return bulk ? { subnets: out } : { subnet: out[0] };
      },
    }),
    {
      method: 'GET', url: '/v2.0/subnets/:id', schema: { params: Id },
      handler: async (req) => {
        const { s, f } = await loadSubnet(req, req.params.id);
        return { subnet: selectFields(hideAttrs(req.ctx, 'subnet', subnetView(s), { ...s }, f), req.query) };
      },
    },
    route({
      method: 'PUT', url: '/v2.0/subnets/:id', schema: { params: Id, body: SubnetBody },
      handler: async (req) => {
        const { s, f, net } = await loadSubnet(req, req.params.id);
        const body = req.body.subnet;
        authorizeWithAttrs(req.ctx, 'update_subnet', subnetTarget({ ...s, ...body, project_id: s.project_id }, net), body, SUBNET_ATTRS, f, false);
        return { subnet: subnetView(await d.subnets.update(s.id, body, ifMatch(req))) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.0/subnets/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const { s, f, net } = await loadSubnet(req, req.params.id);
        authorize(req.ctx, 'delete_subnet', subnetTarget({ ...s }, net), f);
        await d.subnets.delete(s.id, ifMatch(req));
      },
    },
  ];
}
