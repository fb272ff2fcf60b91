// /v2.0/network-ip-availabilities (network-ip-availability): addresses used and free per network and subnet.
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { networkNotFound } from '../domain/errors.js';
import { applyFilters, authorize, listResponse } from './common.js';
import { Id } from './schemas.js';
import { ipAvailabilityView } from './views.js';

export function networkIpAvailabilityRoutes(d: NetworkDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.0/network-ip-availabilities',
      handler: async (req) => {
        authorize(req.ctx, 'get_network_ip_availability', {});
        const views = (await d.ipAvailability()).map((a) => ipAvailabilityView(a.network, a.subnets));
        return listResponse(req, 'network_ip_availabilities', applyFilters(views, req.query));
      },
    },
    route({
      method: 'GET', url: '/v2.0/network-ip-availabilities/:id', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'get_network_ip_availability', {});
        const [a] = await d.ipAvailability(req.params.id);
        if (!a) throw networkNotFound(req.params.id);
        return { network_ip_availability: ipAvailabilityView(a.network, a.subnets) };
      },
    }),
  ];
}
