// /v2.0/service-providers (service-type): the L3 router's only provider.
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { listResponse } from './common.js';

const PROVIDERS = [{ service_type: 'L3_ROUTER_NAT', name: 'default', default: true }];

export function serviceProviderRoutes(): RouteSpec[] {
  return [{ method: 'GET', url: '/v2.0/service-providers', handler: async (req) => listResponse(req, 'service_providers', PROVIDERS) }];
}
