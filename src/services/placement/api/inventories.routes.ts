import { Type } from '@sinclair/typebox';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { PlacementDomain } from '../domain/placement-domain.js';
import { MAX_INT, notFound } from '../domain/common.js';
import type { InventoryRecord } from '../store/placement.store.js';
import { has, ownTarget, providerUrl, requireVersion } from './common.js';
import { pathUuid } from './resource-providers.routes.js';
import { inventoryView } from './views.js';
import { modifiedAt } from './times.js';

const FIELDS = {
  total: Type.Integer({ minimum: 1, maximum: MAX_INT }),
  reserved: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT })),
  min_unit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT })),
  max_unit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT })),
  step_size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT })),
  allocation_ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 3.40282e+38 })),
};
const GENERATION = Type.Integer();
const RC = Type.String({ pattern: '^[A-Z0-9_]+$', maxLength: 255 });

const mvOpts = (req: ApiRequest) => ({ reservedMayEqualTotal: has(req, 'reservedEqualsTotal') });

export function inventoryRoutes(d: PlacementDomain): RouteSpec[] {
  const base = '/resource_providers/:uuid/inventories';
  const all = (req: ApiRequest, p: { generation: number }, list: InventoryRecord[]) => (modifiedAt(req, list, { noneWhenEmpty: true }), {
    inventories: Object.fromEntries(list.map((i) => [i.resource_class, inventoryView(i)])), resource_provider_generation: p.generation,
  });
  return [
    {
      method: 'GET', url: base,
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:inventories:list', ownTarget(req));
        const { provider, inventories } = await d.providers.inventories(pathUuid(req.params.uuid));
        return all(req, provider, inventories);
      },
    },
    {
      method: 'PUT', url: base,
      schema: { body: Type.Object({ resource_provider_generation: GENERATION, inventories: Type.Record(RC, Type.Object(FIELDS, { additionalProperties: false })) }, { additionalProperties: false }) },
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:inventories:update', ownTarget(req));
        const { provider, inventories } = await d.providers.setInventories(pathUuid(req.params.uuid), req.body.resource_provider_generation, req.body.inventories, mvOpts(req));
        return all(req, provider, inventories);
      },
    },
    {
      method: 'POST', url: base, status: 201,
      schema: { body: Type.Object({ resource_class: RC, resource_provider_generation: GENERATION, ...FIELDS }, { additionalProperties: false }) },
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:inventories:create', ownTarget(req));
        const { resource_class: rc, resource_provider_generation: gen, ...inv } = req.body;
        const uuid = pathUuid(req.params.uuid);
        const { provider, inventory } = await d.providers.putInventory(uuid, rc, gen, inv, 'create', mvOpts(req));
        req.reply.header('Location', `${providerUrl(uuid)}/inventories/${rc}`);
        modifiedAt(req, [inventory]);
        return { ...inventoryView(inventory), resource_provider_generation: provider.generation };
      },
    },
    {
      method: 'DELETE', url: base, status: 204,
      handler: async (req) => {
        requireVersion(req, 'deleteAllInventories');
        req.ctx.authorize('placement:resource_providers:inventories:delete', ownTarget(req));
        await d.providers.deleteAllInventories(pathUuid(req.params.uuid));
      },
    },
    {
      method: 'GET', url: `${base}/:rc`,
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:inventories:show', ownTarget(req));
        const { provider, inventories } = await d.providers.inventories(pathUuid(req.params.uuid));
        const inv = inventories.find((i) => i.resource_class === req.params.rc);
        if (!inv) throw notFound(`No inventory of class ${req.params.rc} for ${provider.uuid}`);
        modifiedAt(req, [inv]);
        return { ...inventoryView(inv), resource_provider_generation: provider.generation };
      },
    },
    {
      method: 'PUT', url: `${base}/:rc`,
      schema: { body: Type.Object({ resource_provider_generation: GENERATION, ...FIELDS }, { additionalProperties: false }) },
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:inventories:update', ownTarget(req));
        const { resource_provider_generation: gen, ...inv } = req.body;
        const { provider, inventory } = await d.providers.putInventory(pathUuid(req.params.uuid), req.params.rc, gen, inv, 'update', mvOpts(req));
        modifiedAt(req, [inventory]);
        return { ...inventoryView(inventory), resource_provider_generation: provider.generation };
      },
    },
    {
      method: 'DELETE', url: `${base}/:rc`, status: 204,
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:inventories:delete', ownTarget(req));
        await d.providers.deleteInventory(pathUuid(req.params.uuid), req.params.rc);
      },
    },
  ];
}
