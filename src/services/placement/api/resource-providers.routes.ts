import { Type } from '@sinclair/typebox';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { PlacementDomain } from '../domain/placement-domain.js';
import { badRequest, isUuid, normUuid } from '../domain/common.js';
import { checkQuery, has, many, ownTarget, parseMemberOf, parseRequired, parseResources, providerUrl, single } from './common.js';
import { providerView } from './views.js';
import { modifiedAt } from './times.js';

export const UUID = Type.String({ pattern: '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$' });
const NAME = Type.String({ minLength: 1, maxLength: 200 });

export const pathUuid = (raw: string) => (isUuid(raw) ? normUuid(raw) : raw);

export function resourceProviderRoutes(d: PlacementDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/resource_providers',
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:list', ownTarget(req));
        const q = req.query as Record<string, unknown>;
        const allowed = new Set(['name', 'uuid']);
        if (has(req, 'memberOf')) allowed.add('member_of');
        if (has(req, 'resourcesFilter')) allowed.add('resources');
        if (has(req, 'nested')) allowed.add('in_tree');
        if (has(req, 'providersRequired')) allowed.add('required');
        checkQuery(q, (k) => allowed.has(k));
        const uuid = single(q, 'uuid');
        if (uuid !== undefined && !isUuid(uuid)) throw badRequest(`Invalid query string parameters: '${uuid}' is not a 'uuid'`);
        const inTree = single(q, 'in_tree');
        if (inTree !== undefined && !isUuid(inTree)) throw badRequest(`Invalid query string parameters: '${inTree}' is not a 'uuid'`);
        const resources = single(q, 'resources');
        const parsedResources = resources !== undefined ? parseResources(resources) : undefined;
        for (const rc of Object.keys(parsedResources ?? {})) {
          if (!(await d.classes.exists(rc))) throw badRequest(`Invalid resource class in resources parameter: No such resource class ${rc}.`);
        }
        const member = parseMemberOf(req, many(q, 'member_of'));
        // NOTE: from 1.39 `required` may repeat (each one AND-ed), as placement's any-traits support allows.
        const required = has(req, 'anyTraits') ? many(q, 'required') : [single(q, 'required')].filter((x): x is string => x !== undefined);
        const traits = required.length ? parseRequired(req, required) : undefined;
        if (traits) {
          const unknown: string[] = [];
          for (const t of [...traits.required, ...traits.forbidden, ...traits.anyOf.flat()]) if (!(await d.traits.exists(t))) unknown.push(t);
          if (unknown.length) throw badRequest(`Invalid query string parameters: No such trait(s): ${unknown.join(', ')}`);
        }
        const list = await d.providers.list({
          name: single(q, 'name'), uuid: uuid !== undefined ? normUuid(uuid) : undefined,
          inTree: inTree !== undefined ? normUuid(inTree) : undefined, resources: parsedResources,
          memberOf: member.memberOf, forbiddenAggregates: member.forbidden,
          required: traits?.required, forbidden: traits?.forbidden, anyOf: traits?.anyOf,
        });
        modifiedAt(req, list);
        return { resource_providers: list.map((p) => providerView(req, p)) };
      },
    },
    {
      method: 'POST', url: '/resource_providers',
      schema: { body: Type.Object({ name: NAME, uuid: Type.Optional(UUID), parent_provider_uuid: Type.Optional(Type.Union([UUID, Type.Null()])) }, { additionalProperties: false }) },
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:create', ownTarget(req));
        const body = req.body as { name: string; uuid?: string; parent_provider_uuid?: string | null };
        if (body.parent_provider_uuid !== undefined && !has(req, 'nested')) {
          throw badRequest(`JSON does not validate: Additional properties are not allowed ('parent_provider_uuid' was unexpected)`);
        }
        const p = await d.providers.create(body);
        req.reply.header('Location', providerUrl(p.uuid));
        if (!has(req, 'createReturnsBody')) { req.reply.code(201); return undefined; }
        modifiedAt(req);
        return providerView(req, p);
      },
    },
    {
      method: 'GET', url: '/resource_providers/:uuid',
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:show', ownTarget(req));
        const p = await d.providers.get(pathUuid(req.params.uuid));
        modifiedAt(req, [p]);
        return providerView(req, p);
      },
    },
    {
      method: 'PUT', url: '/resource_providers/:uuid',
      schema: { body: Type.Object({ name: NAME, parent_provider_uuid: Type.Optional(Type.Union([UUID, Type.Null()])) }, { additionalProperties: false }) },
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:update', ownTarget(req));
        const body = req.body as { name: string; parent_provider_uuid?: string | null };
        if (body.parent_provider_uuid !== undefined && !has(req, 'nested')) {
          throw badRequest(`JSON does not validate: Additional properties are not allowed ('parent_provider_uuid' was unexpected)`);
        }
        const p = await d.providers.update(pathUuid(req.params.uuid), body, has(req, 'reparent'));
        modifiedAt(req, [p]);
        return providerView(req, p);
      },
    },
    {
      method: 'DELETE', url: '/resource_providers/:uuid', status: 204,
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:delete', ownTarget(req));
        await d.providers.delete(pathUuid(req.params.uuid));
      },
    },
  ];
}
