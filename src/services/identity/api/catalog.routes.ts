import { Type } from '@sinclair/typebox';
import { Conflict } from '../../../core/errors/errors.js';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { boolFilter, collectionLinks } from './links.js';
import { Description, NullableId, splitExtra, wrapped } from './schemas.js';
import { endpointView, regionView, serviceView } from './views.js';

const Interface = Type.Union([Type.Literal('public'), Type.Literal('internal'), Type.Literal('admin')]);
const regionProps = { id: Type.String({ minLength: 1, maxLength: 255 }), description: Description, parent_region_id: NullableId };
const serviceProps = { type: Type.String({ minLength: 1, maxLength: 255 }), enabled: Type.Boolean(), name: Type.String({ maxLength: 255 }), description: Description };
const endpointProps = {
  service_id: Type.String({ minLength: 1 }), interface: Interface, url: Type.String({ minLength: 1, maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' }),
  region_id: NullableId, region: NullableId, enabled: Type.Boolean(),
};
const id = (name: string) => Type.Object({ [name]: Type.String() });

export function catalogRoutes(d: IdentityDomain): RouteSpec[] {
  const c = d.catalog;
  return [
    // ---- regions
    {
      method: 'GET', url: '/v3/regions',
      handler: async (req) => {
        req.ctx.authorize('identity:list_regions');
        const regions = await c.listRegions({ parent_region_id: (req.query as any).parent_region_id });
        return { regions: regions.map((r) => regionView(req, r)), links: collectionLinks(req) };
      },
    },
    {
      method: 'POST', url: '/v3/regions', status: 201, schema: { body: wrapped('region', regionProps, [], 0) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_region');
        const { known, extra } = splitExtra(req.body.region, ['id', 'description', 'parent_region_id']);
        return { region: regionView(req, await c.createRegion({ ...(known as any), extra })) };
      },
    },
    {
      method: 'PUT', url: '/v3/regions/:region_id', status: 201, schema: { params: id('region_id'), body: wrapped('region', regionProps, [], 0) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_region');
        const { known, extra } = splitExtra(req.body.region, ['id', 'description', 'parent_region_id']);
        if (known.id !== undefined && known.id !== req.params.region_id) throw new Conflict('The region id in the body does not match the URL.');
        return { region: regionView(req, await c.createRegion({ ...(known as any), id: req.params.region_id, extra })) };
      },
    },
    {
      method: 'GET', url: '/v3/regions/:region_id', schema: { params: id('region_id') },
      handler: async (req) => { req.ctx.authorize('identity:get_region'); return { region: regionView(req, await c.getRegion(req.params.region_id)) }; },
    },
    {
      method: 'PATCH', url: '/v3/regions/:region_id', schema: { params: id('region_id'), body: wrapped('region', { description: Description, parent_region_id: NullableId }) },
      handler: async (req) => {
        req.ctx.authorize('identity:update_region');
        const { known, extra } = splitExtra(req.body.region, ['description', 'parent_region_id']);
        return { region: regionView(req, await c.updateRegion(req.params.region_id, { ...(known as any), extra })) };
      },
    },
    {
      method: 'DELETE', url: '/v3/regions/:region_id', status: 204, schema: { params: id('region_id') },
      handler: async (req) => { req.ctx.authorize('identity:delete_region'); await c.deleteRegion(req.params.region_id); },
    },
    // ---- services
    {
      method: 'GET', url: '/v3/services',
      handler: async (req) => {
        req.ctx.authorize('identity:list_services');
        const q = req.query as Record<string, string>;
        return { services: (await c.listServices({ type: q.type, name: q.name })).map((s) => serviceView(req, s)), links: collectionLinks(req) };
      },
    },
    {
      method: 'POST', url: '/v3/services', status: 201, schema: { body: wrapped('service', serviceProps, ['type']) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_service');
        const { known, extra } = splitExtra(req.body.service, ['type', 'enabled']);
        return { service: serviceView(req, await c.createService({ ...(known as any), extra })) };
      },
    },
    {
      method: 'GET', url: '/v3/services/:service_id', schema: { params: id('service_id') },
      handler: async (req) => { req.ctx.authorize('identity:get_service'); return { service: serviceView(req, await c.getService(req.params.service_id)) }; },
    },
    {
      method: 'PATCH', url: '/v3/services/:service_id', schema: { params: id('service_id'), body: wrapped('service', serviceProps) },
      handler: async (req) => {
        req.ctx.authorize('identity:update_service');
        const { known, extra } = splitExtra(req.body.service, ['type', 'enabled']);
        return { service: serviceView(req, await c.updateService(req.params.service_id, { ...(known as any), extra })) };
      },
    },
    {
      method: 'DELETE', url: '/v3/services/:service_id', status: 204, schema: { params: id('service_id') },
      handler: async (req) => { req.ctx.authorize('identity:delete_service'); await c.deleteService(req.params.service_id); },
    },
    // ---- endpoints
    {
      method: 'GET', url: '/v3/endpoints',
      handler: async (req) => {
        req.ctx.authorize('identity:list_endpoints');
        const q = req.query as Record<string, string>;
        let eps = await c.listEndpoints({ service_id: q.service_id, interface: q.interface, region_id: q.region_id });
        const enabled = boolFilter(q.enabled);
        if (enabled !== undefined) eps = eps.filter((e) => e.enabled === enabled);
        return { endpoints: eps.map((e) => endpointView(req, e)), links: collectionLinks(req) };
      },
    },
    {
      method: 'POST', url: '/v3/endpoints', status: 201, schema: { body: wrapped('endpoint', endpointProps, ['service_id', 'interface', 'url']) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_endpoint');
        const { known, extra } = splitExtra(req.body.endpoint, ['service_id', 'interface', 'url', 'region_id', 'region', 'enabled']);
        const regionId = (known.region_id ?? known.region) as string | null | undefined;
        return { endpoint: endpointView(req, await c.createEndpoint({ ...(known as any), region_id: regionId, extra }, known.region_id == null && known.region != null)) };
      },
    },
    {
      method: 'GET', url: '/v3/endpoints/:endpoint_id', schema: { params: id('endpoint_id') },
      handler: async (req) => { req.ctx.authorize('identity:get_endpoint'); return { endpoint: endpointView(req, await c.getEndpoint(req.params.endpoint_id)) }; },
    },
    {
      method: 'PATCH', url: '/v3/endpoints/:endpoint_id', schema: { params: id('endpoint_id'), body: wrapped('endpoint', endpointProps) },
      handler: async (req) => {
        req.ctx.authorize('identity:update_endpoint');
        const { known, extra } = splitExtra(req.body.endpoint, ['service_id', 'interface', 'url', 'region_id', 'region', 'enabled']);
        const regionId = (known.region_id ?? known.region) as string | null | undefined;
        return { endpoint: endpointView(req, await c.updateEndpoint(req.params.endpoint_id, { ...(known as any), region_id: regionId, extra }, known.region_id == null && known.region != null)) };
      },
    },
    {
      method: 'DELETE', url: '/v3/endpoints/:endpoint_id', status: 204, schema: { params: id('endpoint_id') },
      handler: async (req) => { req.ctx.authorize('identity:delete_endpoint'); await c.deleteEndpoint(req.params.endpoint_id); },
    },
  ];
}
