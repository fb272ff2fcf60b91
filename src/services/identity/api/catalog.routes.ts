import { Type } from '@sinclair/typebox';
import { Conflict } from '../../../core/errors/errors.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { RegionInput } from '../domain/catalog.service.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { boolFilter, collectionLinks } from './links.js';
import { textFilters } from './filters.js';
import { Description, NullableId, params, query, splitExtra, wrapped } from './schemas.js';
import { endpointView, regionView, serviceView } from './views.js';

// NOTE: `as RegionInput` below: the schema lets description be null, as Keystone's does; the domain types say string.
const Interface = Type.Union([Type.Literal('public'), Type.Literal('internal'), Type.Literal('admin')]);
const regionProps = { id: Type.String({ minLength: 1, maxLength: 255 }), description: Description, parent_region_id: NullableId };
const serviceProps = { type: Type.String({ minLength: 1, maxLength: 255 }), enabled: Type.Boolean(), name: Type.String({ maxLength: 255 }), description: Description };
const endpointProps = {
  service_id: Type.String({ minLength: 1 }), interface: Interface, url: Type.String({ minLength: 1, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' }),
  region_id: NullableId, region: NullableId, enabled: Type.Boolean(),
};

export function catalogRoutes(d: IdentityDomain): RouteSpec[] {
  const c = d.catalog;
  return [
    // ---- regions
    route({
      method: 'GET', url: '/v3/regions', schema: { querystring: query('parent_region_id') },
      handler: async (req) => {
        req.ctx.authorize('identity:list_regions');
        const regions = await c.listRegions({ parent_region_id: req.query.parent_region_id, matches: textFilters(req.query, ['parent_region_id']) });
        return { regions: regions.map((r) => regionView(req, r)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'POST', url: '/v3/regions', status: 201, schema: { body: wrapped('region', regionProps, [], 0) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_region');
        const { known, extra } = splitExtra(req.body.region, ['id', 'description', 'parent_region_id']);
        return { region: regionView(req, await c.createRegion({ ...(known as RegionInput), extra })) };
      },
    }),
    route({
      method: 'PUT', url: '/v3/regions/:region_id', status: 201, schema: { params: params('region_id'), body: wrapped('region', regionProps, [], 0) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_region');
        const { known, extra } = splitExtra(req.body.region, ['id', 'description', 'parent_region_id']);
        if (known.id !== undefined && known.id !== req.params.region_id) throw new Conflict('The region id in the body does not match the URL.');
        return { region: regionView(req, await c.createRegion({ ...(known as RegionInput), id: req.params.region_id, extra })) };
      },
    }),
    route({
      method: 'GET', url: '/v3/regions/:region_id', schema: { params: params('region_id') },
      handler: async (req) => { req.ctx.authorize('identity:get_region'); return { region: regionView(req, await c.getRegion(req.params.region_id)) }; },
    }),
    route({
      method: 'PATCH', url: '/v3/regions/:region_id',
      schema: { params: params('region_id'), body: wrapped('region', { description: Description, parent_region_id: NullableId }) },
      handler: async (req) => {
        req.ctx.authorize('identity:update_region');
        const { known, extra } = splitExtra(req.body.region, ['description', 'parent_region_id']);
        return { region: regionView(req, await c.updateRegion(req.params.region_id, { ...(known as RegionInput), extra })) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/regions/:region_id', status: 204, schema: { params: params('region_id') },
      handler: async (req) => { req.ctx.authorize('identity:delete_region'); await c.deleteRegion(req.params.region_id); },
    }),
    // ---- services
    route({
      method: 'GET', url: '/v3/services', schema: { querystring: query('type', 'name') },
      handler: async (req) => {
        req.ctx.authorize('identity:list_services');
        const q = req.query;
        return { services: (await c.listServices({ type: q.type, name: q.name, matches: textFilters(q, ['type', 'name']) })).map((s) => serviceView(req, s)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'POST', url: '/v3/services', status: 201, schema: { body: wrapped('service', serviceProps, ['type']) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_service');
        const { known, extra } = splitExtra(req.body.service, ['type', 'enabled']);
        return { service: serviceView(req, await c.createService({ ...known, extra })) };
      },
    }),
    route({
      method: 'GET', url: '/v3/services/:service_id', schema: { params: params('service_id') },
      handler: async (req) => { req.ctx.authorize('identity:get_service'); return { service: serviceView(req, await c.getService(req.params.service_id)) }; },
    }),
    route({
      method: 'PATCH', url: '/v3/services/:service_id', schema: { params: params('service_id'), body: wrapped('service', serviceProps) },
      handler: async (req) => {
        req.ctx.authorize('identity:update_service');
        const { known, extra } = splitExtra(req.body.service, ['type', 'enabled']);
        return { service: serviceView(req, await c.updateService(req.params.service_id, { ...known, extra })) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/services/:service_id', status: 204, schema: { params: params('service_id') },
      handler: async (req) => { req.ctx.authorize('identity:delete_service'); await c.deleteService(req.params.service_id); },
    }),
    // ---- endpoints
    route({
      method: 'GET', url: '/v3/endpoints', schema: { querystring: query('service_id', 'interface', 'region_id', 'enabled') },
      handler: async (req) => {
        req.ctx.authorize('identity:list_endpoints');
        const q = req.query;
        const eps = await c.listEndpoints({
          service_id: q.service_id, interface: q.interface, region_id: q.region_id, enabled: boolFilter(q.enabled),
          matches: textFilters(q, ['interface', 'service_id', 'region_id']),
        });
        return { endpoints: eps.map((e) => endpointView(req, e)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'POST', url: '/v3/endpoints', status: 201, schema: { body: wrapped('endpoint', endpointProps, ['service_id', 'interface', 'url']) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_endpoint');
        const { known, extra } = splitExtra(req.body.endpoint, ['service_id', 'interface', 'url', 'region_id', 'region', 'enabled']);
        const regionId = known.region_id ?? known.region;
        const endpoint = await c.createEndpoint({ ...known, region_id: regionId, extra }, known.region_id == null && known.region != null);
        return { endpoint: endpointView(req, endpoint) };
      },
    }),
    route({
      method: 'GET', url: '/v3/endpoints/:endpoint_id', schema: { params: params('endpoint_id') },
      handler: async (req) => { req.ctx.authorize('identity:get_endpoint'); return { endpoint: endpointView(req, await c.getEndpoint(req.params.endpoint_id)) }; },
    }),
    route({
      method: 'PATCH', url: '/v3/endpoints/:endpoint_id', schema: { params: params('endpoint_id'), body: wrapped('endpoint', endpointProps) },
      handler: async (req) => {
        req.ctx.authorize('identity:update_endpoint');
        const { known, extra } = splitExtra(req.body.endpoint, ['service_id', 'interface', 'url', 'region_id', 'region', 'enabled']);
        const regionId = known.region_id ?? known.region;
        const endpoint = await c.updateEndpoint(req.params.endpoint_id, { ...known, region_id: regionId, extra }, known.region_id == null && known.region != null);
        return { endpoint: endpointView(req, endpoint) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/endpoints/:endpoint_id', status: 204, schema: { params: params('endpoint_id') },
      handler: async (req) => { req.ctx.authorize('identity:delete_endpoint'); await c.deleteEndpoint(req.params.endpoint_id); },
    }),
  ];
}
