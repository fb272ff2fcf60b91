import { Type } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { LIMIT_MODEL, type LimitScope } from '../domain/limits.service.js';
import { collectionLinks } from './links.js';
import { LimitDescription, LimitId, LimitValue, ResourceName, params, query } from './schemas.js';
import { limitView } from './views.js';

// keystone/limit/schema.py limit_create: a non-empty list of project limits or domain limits
// (project_id or domain_id, not both), and limit_update (resource_limit, description).
const common = {
  service_id: LimitId, resource_name: ResourceName, resource_limit: LimitValue,
  region_id: Type.Optional(Type.String()), description: Type.Optional(LimitDescription),
};
const createSchema = Type.Object({
  limits: Type.Array(Type.Union([
    Type.Object({ project_id: LimitId, ...common }, { additionalProperties: false }),
    Type.Object({ domain_id: LimitId, ...common }, { additionalProperties: false }),
  ]), { minItems: 1 }),
});
// NOTE: Keystone reads a missing `limit` as {} (a PATCH that changes nothing).
const updateSchema = Type.Object({
  limit: Type.Optional(Type.Object({ resource_limit: Type.Optional(LimitValue), description: Type.Optional(LimitDescription) }, { additionalProperties: false })),
});
const Params = params('limit_id');
const BASE = '/v3/limits';

/** Whose limits the caller's token lists (keystone/api/limits.py _list_limits). */
function scopeOf(ctx: RequestContext): LimitScope {
  const t = ctx.token;
  if (t?.system) return { kind: 'system' };
  if (t?.domain) return { kind: 'domain', id: t.domain.id };
  if (t?.project) return { kind: 'project', id: t.project.id };
  return { kind: 'none' };
}

// NOTE: every GET here answers HEAD too (index.ts withHead), as Flask does for Keystone.
export function limitRoutes(d: IdentityDomain): RouteSpec[] {
  const l = d.limits;
  return [
    route({
      method: 'GET', url: `${BASE}/model`, schema: {},
      handler: async (req) => {
        req.ctx.authorize('identity:get_limit_model');
        return { model: LIMIT_MODEL };
      },
    }),
    route({
      method: 'POST', url: BASE, status: 201, schema: { body: createSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:create_limits');
        return { limits: (await l.createLimits(req.body.limits)).map((x) => limitView(req, x)) };
      },
    }),
    route({
      method: 'GET', url: BASE, schema: { querystring: query('service_id', 'region_id', 'resource_name', 'project_id', 'domain_id') },
      handler: async (req) => {
        const { service_id, region_id, resource_name, project_id, domain_id } = req.query;
        const filters = { service_id, region_id, resource_name, project_id, domain_id };
        req.ctx.authorize('identity:list_limits', filters);
        const list = await l.listLimits(scopeOf(req.ctx), filters);
        return { limits: list.map((x) => limitView(req, x)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: `${BASE}/:limit_id`, schema: { params: Params },
      handler: async (req) => {
        // NOTE: as Keystone: the policy first, on the limit with its project (or domain), then the 404.
        const found = await l.findWithOwner(req.params.limit_id);
        req.ctx.authorize('identity:get_limit', { target: found ? { limit: found } : {} });
        return { limit: limitView(req, found ?? await l.getLimit(req.params.limit_id)) };
      },
    }),
    route({
      method: 'PATCH', url: `${BASE}/:limit_id`, schema: { params: Params, body: updateSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:update_limit');
        return { limit: limitView(req, await l.updateLimit(req.params.limit_id, req.body.limit ?? {})) };
      },
    }),
    route({
      method: 'DELETE', url: `${BASE}/:limit_id`, status: 204, schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:delete_limit');
        await l.deleteLimit(req.params.limit_id);
      },
    }),
  ];
}
