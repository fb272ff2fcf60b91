// /v2.0/availability_zones (availability_zone): the one zone, for networks and routers.
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { applyFilters, listResponse } from './common.js';

const ZONES = [{ name: 'nova', resource: 'network', state: 'available' }, { name: 'nova', resource: 'router', state: 'available' }];

export function availabilityZoneRoutes(): RouteSpec[] {
  return [
    { method: 'GET', url: '/v2.0/availability_zones', handler: async (req) => listResponse(req, 'availability_zones', applyFilters(ZONES, req.query)) },
  ];
}
