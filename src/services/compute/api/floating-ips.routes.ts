// /os-floating-ips and /os-floating-ip-pools: proxies to Neutron's floating IPs, 404 from 2.36.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { FloatingIpsService } from '../domain/floating-ips.service.js';
import { FloatingIpCreate } from './floating-ips.schema.js';
import { proxyApi } from './security-groups.routes.js';
import { floatingIpView } from './floating-ips.view.js';

const P = 'os_compute_api:os-floating-ips:';

export function floatingIpRoutes(fips: FloatingIpsService): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.1/os-floating-ips',
      handler: async (req) => {
        proxyApi(req);
        req.ctx.authorize(`${P}list`, { project_id: req.ctx.projectId });
        return { floating_ips: (await fips.list(callerOf(req.ctx))).map(floatingIpView) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-floating-ips/:id',
      handler: async (req) => {
        proxyApi(req);
        req.ctx.authorize(`${P}show`, { project_id: req.ctx.projectId });
        return { floating_ip: floatingIpView(await fips.get(callerOf(req.ctx), req.params.id)) };
      },
    },
    route({
      method: 'POST', url: '/v2.1/os-floating-ips', schema: { body: FloatingIpCreate.loosest },
      handler: async (req) => {
        proxyApi(req);
        FloatingIpCreate.check(() => true, req.body);
        const pool = req.body?.pool;
        req.ctx.authorize(`${P}create`, { project_id: req.ctx.projectId });
        return { floating_ip: floatingIpView(await fips.allocate(callerOf(req.ctx), (pool ?? undefined) as string | undefined)) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/os-floating-ips/:id',
      handler: async (req) => {
        proxyApi(req);
        req.ctx.authorize(`${P}delete`, { project_id: req.ctx.projectId });
        await fips.delete(callerOf(req.ctx), req.params.id);
        req.reply.code(202);
      },
    },
    {
      method: 'GET', url: '/v2.1/os-floating-ip-pools',
      handler: async (req) => {
        proxyApi(req);
        req.ctx.authorize('os_compute_api:os-floating-ip-pools', { project_id: req.ctx.projectId });
        return { floating_ip_pools: (await fips.pools()).map((p) => ({ name: p.name || p.id })) };
      },
    },
  ];
}
