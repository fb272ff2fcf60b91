import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { collectionLinks } from './links.js';
import { LimitDescription, LimitId, LimitValue, ResourceName, params, query } from './schemas.js';
import { registeredLimitView } from './views.js';

// keystone/limit/schema.py registered_limit_create (a non-empty list) and registered_limit_update;
// no other attributes. NOTE: Keystone reads a missing `registered_limit` as {} (a PATCH that
// changes nothing), so the wrapper is optional on update.
const registeredLimitProps = {
  service_id: LimitId,
  region_id: Type.Union([Type.String(), Type.Null()]),
  resource_name: ResourceName,
  default_limit: LimitValue,
  description: LimitDescription,
};
const createSchema = Type.Object({
  registered_limits: Type.Array(Type.Object({
    service_id: registeredLimitProps.service_id, resource_name: registeredLimitProps.resource_name,
    default_limit: registeredLimitProps.default_limit, region_id: Type.Optional(registeredLimitProps.region_id),
    description: Type.Optional(registeredLimitProps.description),
  }, { additionalProperties: false }), { minItems: 1 }),
});
const updateSchema = Type.Object({
  registered_limit: Type.Optional(Type.Partial(Type.Object(registeredLimitProps), { additionalProperties: false })),
});
const Params = params('registered_limit_id');
const BASE = '/v3/registered_limits';

// NOTE: every GET here answers HEAD too (index.ts withHead), as Flask does for Keystone.
export function registeredLimitRoutes(d: IdentityDomain): RouteSpec[] {
  const l = d.limits;
  return [
    route({
      method: 'POST', url: BASE, status: 201, schema: { body: createSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:create_registered_limits');
        return { registered_limits: (await l.createRegistered(req.body.registered_limits)).map((r) => registeredLimitView(req, r)) };
      },
    }),
    route({
      method: 'GET', url: BASE, schema: { querystring: query('service_id', 'region_id', 'resource_name') },
      handler: async (req) => {
        const { service_id, region_id, resource_name } = req.query;
        req.ctx.authorize('identity:list_registered_limits', { service_id, region_id, resource_name });
        const list = await l.listRegistered({ service_id, region_id, resource_name });
        return { registered_limits: list.map((r) => registeredLimitView(req, r)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: `${BASE}/:registered_limit_id`, schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:get_registered_limit');
        return { registered_limit: registeredLimitView(req, await l.getRegistered(req.params.registered_limit_id)) };
      },
    }),
    route({
      method: 'PATCH', url: `${BASE}/:registered_limit_id`, schema: { params: Params, body: updateSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:update_registered_limit');
        const updated = await l.updateRegistered(req.params.registered_limit_id, req.body.registered_limit ?? {});
        return { registered_limit: registeredLimitView(req, updated) };
      },
    }),
    route({
      method: 'DELETE', url: `${BASE}/:registered_limit_id`, status: 204, schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:delete_registered_limit');
        await l.deleteRegistered(req.params.registered_limit_id);
      },
    }),
  ];
}
