import { Type } from '@sinclair/typebox';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { PlacementDomain } from '../domain/placement-domain.js';
import { badRequest } from '../domain/common.js';
import { checkQuery, ownTarget, PLACEMENT_PATH, requireVersion, single } from './common.js';
import { pathUuid } from './resource-providers.routes.js';
import { modifiedAt } from './times.js';

const TRAIT = Type.String({ pattern: '^[A-Z0-9_]+$', minLength: 1, maxLength: 255 });

export function traitRoutes(d: PlacementDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/traits',
      handler: async (req) => {
        requireVersion(req, 'traits');
        req.ctx.authorize('placement:traits:list', ownTarget(req));
        const q = req.query as Record<string, unknown>;
        checkQuery(q, (k) => k === 'name' || k === 'associated');
        const name = single(q, 'name');
        const filter: { in?: string[]; startswith?: string; associated?: boolean } = {};
        if (name !== undefined) {
          if (name.startsWith('in:')) filter.in = name.slice(3).split(',').map((s) => s.trim());
          else if (name.startsWith('startswith:')) filter.startswith = name.slice('startswith:'.length);
          else throw badRequest(`Badly formatted name parameter. Expected name query string parameter in form: ?name=[in|startswith]:[name1,name2|prefix]. Got: "${name}"`);
        }
        const associated = single(q, 'associated');
        if (associated !== undefined) {
          if (!['true', 'false'].includes(associated.toLowerCase())) {
            throw badRequest(`The query parameter "associated" only accepts "true" or "false"`);
          }
          filter.associated = associated.toLowerCase() === 'true';
        }
        return { traits: await d.traits.list(filter) };
      },
    },
    {
      method: 'GET', url: '/traits/:name', status: 204,
      handler: async (req) => {
        requireVersion(req, 'traits');
        req.ctx.authorize('placement:traits:show', ownTarget(req));
        await d.traits.get(req.params.name);
      },
    },
    {
      method: 'PUT', url: '/traits/:name', rawBody: 'none',
      handler: async (req) => {
        requireVersion(req, 'traits');
        req.ctx.authorize('placement:traits:update', ownTarget(req));
        const created = await d.traits.ensure(req.params.name);
        req.reply.header('Location', `${PLACEMENT_PATH}/traits/${req.params.name}`);
        modifiedAt(req);
        req.reply.code(created ? 201 : 204);
      },
    },
    {
      method: 'DELETE', url: '/traits/:name', status: 204,
      handler: async (req) => {
        requireVersion(req, 'traits');
        req.ctx.authorize('placement:traits:delete', ownTarget(req));
        await d.traits.delete(req.params.name);
      },
    },
    {
      method: 'GET', url: '/resource_providers/:uuid/traits',
      handler: async (req) => {
        requireVersion(req, 'traits');
        req.ctx.authorize('placement:resource_providers:traits:list', ownTarget(req));
        const { provider, traits } = await d.providers.traitsOf(pathUuid(req.params.uuid));
        return { traits, resource_provider_generation: provider.generation };
      },
    },
    {
      method: 'PUT', url: '/resource_providers/:uuid/traits',
      schema: { body: Type.Object({ traits: Type.Array(TRAIT), resource_provider_generation: Type.Integer() }, { additionalProperties: false }) },
      handler: async (req) => {
        requireVersion(req, 'traits');
        req.ctx.authorize('placement:resource_providers:traits:update', ownTarget(req));
        const { provider, traits } = await d.providers.setTraits(pathUuid(req.params.uuid), req.body.resource_provider_generation, req.body.traits);
        modifiedAt(req);
        return { traits, resource_provider_generation: provider.generation };
      },
    },
    {
      method: 'DELETE', url: '/resource_providers/:uuid/traits', status: 204,
      handler: async (req) => {
        requireVersion(req, 'traits');
        req.ctx.authorize('placement:resource_providers:traits:delete', ownTarget(req));
        await d.providers.deleteTraits(pathUuid(req.params.uuid));
      },
    },
  ];
}
