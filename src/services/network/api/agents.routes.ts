// /v2.0/agents (agent), with the DHCP and L3 agent schedulers (dhcp_agent_scheduler,
// l3_agent_scheduler): the dataplane's parts per host, and which networks and routers each hosts.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { Type } from '@sinclair/typebox';
import type { NetworkDomain } from '../domain/network-domain.js';
import { agentNotFound } from '../domain/errors.js';
import type { AgentRecord } from '../store/agents.store.js';
import { allowed, applyFilters, authorize, listResponse, selectFields } from './common.js';
import { AgentBody, DhcpNetworkBody, Id, L3RouterBody } from './schemas.js';
import { agentView, hostedNetworksView, hostedRoutersView } from './views.js';

const AgentAndNetwork = Type.Object({ id: Type.String(), network_id: Type.String() });
const AgentAndRouter = Type.Object({ id: Type.String(), router_id: Type.String() });

export function agentRoutes(d: NetworkDomain): RouteSpec[] {
  const view = (a: AgentRecord) => agentView(a, d.agents.alive(a));
  const load = async (req: ApiRequest, id: string) => {
    const a = await d.agents.get(id);
    if (!allowed(req.ctx, 'get_agent', { ...a })) throw agentNotFound(id);
    return a;
  };

  return [
    {
      // NOTE: as Neutron, a caller the policy denies sees no agents rather than a 403.
      method: 'GET', url: '/v2.0/agents',
      handler: async (req) => {
        const views = (await d.agents.list()).filter((a) => allowed(req.ctx, 'get_agent', { ...a })).map(view);
        return listResponse(req, 'agents', applyFilters(views, req.query));
      },
    },
    route({
      method: 'GET', url: '/v2.0/agents/:id', schema: { params: Id },
      handler: async (req) => ({ agent: selectFields(view(await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/agents/:id', schema: { params: Id, body: AgentBody },
      handler: async (req) => {
        const a = await load(req, req.params.id);
        authorize(req.ctx, 'update_agent', { ...a });
        return { agent: view(await d.agents.update(a.id, req.body.agent)) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/agents/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const a = await load(req, req.params.id);
        authorize(req.ctx, 'delete_agent', { ...a });
        await d.agents.delete(a.id);
      },
    }),

    // dhcp_agent_scheduler.
    route({
      method: 'GET', url: '/v2.0/agents/:id/dhcp-networks', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'get_dhcp-networks', {});
        return { networks: await hostedNetworksView(d, req, await d.agents.networksOf(req.params.id)) };
      },
    }),
    route({
      method: 'POST', url: '/v2.0/agents/:id/dhcp-networks', status: 201, schema: { params: Id, body: DhcpNetworkBody },
      handler: async (req) => {
        authorize(req.ctx, 'create_dhcp-network', {});
        await d.visibleNetwork(callerOf(req.ctx), req.body.network_id);
        await d.agents.addNetwork(req.params.id, req.body.network_id);
        // NOTE: Neutron answers these with the JSON of nothing.
        req.reply.type('application/json');
        return 'null';
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/agents/:id/dhcp-networks/:network_id', status: 204, schema: { params: AgentAndNetwork },
      handler: async (req) => {
        authorize(req.ctx, 'delete_dhcp-network', {});
        await d.agents.removeNetwork(req.params.id, req.params.network_id);
      },
    }),
    route({
      method: 'GET', url: '/v2.0/networks/:id/dhcp-agents', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'get_dhcp-agents', {});
        await d.visibleNetwork(callerOf(req.ctx), req.params.id);
        return { agents: (await d.agents.dhcpAgentsOf(req.params.id)).map(view) };
      },
    }),

    // l3_agent_scheduler.
    route({
      method: 'GET', url: '/v2.0/agents/:id/l3-routers', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'get_l3-routers', {});
        return { routers: await hostedRoutersView(d, req, await d.agents.routersOf(req.params.id)) };
      },
    }),
    route({
      method: 'POST', url: '/v2.0/agents/:id/l3-routers', status: 201, schema: { params: Id, body: L3RouterBody },
      handler: async (req) => {
        authorize(req.ctx, 'create_l3-router', {});
        await d.routers.get(req.body.router_id);
        await d.agents.addRouter(req.params.id, req.body.router_id);
        // NOTE: Neutron answers these with the JSON of nothing.
        req.reply.type('application/json');
        return 'null';
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/agents/:id/l3-routers/:router_id', status: 204, schema: { params: AgentAndRouter },
      handler: async (req) => {
        authorize(req.ctx, 'delete_l3-router', {});
        await d.agents.removeRouter(req.params.id, req.params.router_id);
      },
    }),
    route({
      method: 'GET', url: '/v2.0/routers/:id/l3-agents', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'get_l3-agents', {});
        await d.routers.get(req.params.id);
        return { agents: (await d.agents.l3AgentsOf(req.params.id)).map(view) };
      },
    }),
  ];
}
