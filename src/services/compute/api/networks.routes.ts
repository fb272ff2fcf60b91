// /os-networks and /os-tenant-networks: read-only proxies to Neutron, 404 from 2.36; the
// nova-network write operations are gone (410).
import { callerOf } from '../../../core/auth/caller.js';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworksService } from '../domain/networks.service.js';
import { networkView, tenantNetworkView } from './networks.view.js';
import { proxyApi } from './security-groups.routes.js';
import { novaNetworkRemoved } from '../domain/errors.js';

const gone = novaNetworkRemoved;

export function networkRoutes(nets: NetworksService): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.1/os-networks',
      handler: async (req) => {
        proxyApi(req);
        req.ctx.authorize('os_compute_api:os-networks:list', { project_id: req.ctx.projectId });
        return { networks: (await nets.list(callerOf(req.ctx))).map((n) => networkView(n, callerOf(req.ctx).isAdmin)) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-networks/:id',
      handler: async (req) => {
        proxyApi(req);
        req.ctx.authorize('os_compute_api:os-networks:show', { project_id: req.ctx.projectId });
        return { network: networkView(await nets.get(callerOf(req.ctx), req.params.id), callerOf(req.ctx).isAdmin) };
      },
    },
    { method: 'POST', url: '/v2.1/os-networks', rawBody: 'none', handler: async () => { throw gone(); } },
    { method: 'POST', url: '/v2.1/os-networks/add', rawBody: 'none', handler: async () => { throw gone(); } },
    { method: 'DELETE', url: '/v2.1/os-networks/:id', handler: async () => { throw gone(); } },
    { method: 'POST', url: '/v2.1/os-networks/:id/action', rawBody: 'none', handler: async () => { throw gone(); } },
    {
      method: 'GET', url: '/v2.1/os-tenant-networks',
      handler: async (req) => {
        proxyApi(req);
        req.ctx.authorize('os_compute_api:os-tenant-networks:list', { project_id: req.ctx.projectId });
        return { networks: (await nets.list(callerOf(req.ctx))).map(tenantNetworkView) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-tenant-networks/:id',
      handler: async (req) => {
        proxyApi(req);
        req.ctx.authorize('os_compute_api:os-tenant-networks:show', { project_id: req.ctx.projectId });
        return { network: tenantNetworkView(await nets.get(callerOf(req.ctx), req.params.id)) };
      },
    },
    { method: 'POST', url: '/v2.1/os-tenant-networks', rawBody: 'none', handler: async () => { throw gone(); } },
    { method: 'DELETE', url: '/v2.1/os-tenant-networks/:id', handler: async () => { throw gone(); } },
  ];
}
