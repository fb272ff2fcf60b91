import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { PlacementDomain } from '../domain/placement-domain.js';
import type { InventoryInput } from '../domain/providers.service.js';
import { badRequest, isUuid, MAX_INT, normUuid } from '../domain/common.js';
import { has, ownTarget, requireVersion } from './common.js';
import { parseConsumers } from './allocations.routes.js';

const invalid = (m: string) => badRequest(`JSON does not validate: ${m}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const FIELDS: Record<string, [number, number]> = {
  total: [1, MAX_INT], reserved: [0, MAX_INT], min_unit: [1, MAX_INT], max_unit: [1, MAX_INT], step_size: [1, MAX_INT],
};

function inventories(v: unknown): Record<string, InventoryInput> {
  if (!isObject(v)) throw invalid(`${JSON.stringify(v)} is not of type 'object'`);
  const out: Record<string, InventoryInput> = {};
  for (const [rc, inv] of Object.entries(v)) {
    if (!/^[A-Z0-9_]+$/.test(rc)) throw invalid(`'${rc}' does not match any of the regexes: '^[A-Z0-9_]+$'`);
    if (!isObject(inv)) throw invalid(`${JSON.stringify(inv)} is not of type 'object'`);
    if (!('total' in inv)) throw invalid(`'total' is a required property`);
    for (const [k, val] of Object.entries(inv)) {
      if (k === 'allocation_ratio') { if (typeof val !== 'number' || val < 0) throw invalid(`${JSON.stringify(val)} is not of type 'number'`); continue; }
      const range = FIELDS[k];
      if (!range) throw invalid(`Additional properties are not allowed ('${k}' was unexpected)`);
      if (!Number.isInteger(val) || (val as number) < range[0] || (val as number) > range[1]) throw invalid(`${JSON.stringify(val)} is not valid for '${k}'`);
    }
    out[rc] = inv as unknown as InventoryInput;
  }
  return out;
}

/** {inventories: {rp uuid: {...}}, allocations: {consumer uuid: {...}}}: the entries are checked by microversion in the handler. */
const ReshapeBody = Type.Object({ inventories: Type.Record(Type.String(), Type.Unknown()), allocations: Type.Unknown() }, { additionalProperties: false });

/** POST /reshaper (1.30): inventories and allocations changed together. */
export function reshaperRoutes(d: PlacementDomain): RouteSpec[] {
  return [route({
    method: 'POST', url: '/reshaper', status: 204, schema: { body: ReshapeBody },
    handler: async (req) => {
      requireVersion(req, 'reshaper');
      req.ctx.authorize('placement:reshaper:reshape', ownTarget(req));
      const b = req.body;
      const invs: Record<string, { generation: number; inventories: Record<string, InventoryInput> }> = {};
      for (const [rp, entry] of Object.entries(b.inventories)) {
        if (!isUuid(rp)) throw invalid(`'${rp}' does not match any of the regexes`);
        if (!isObject(entry) || !Number.isInteger(entry.resource_provider_generation)) throw invalid(`'resource_provider_generation' is a required property`);
        const extraKeys = Object.keys(entry).filter((k) => k !== 'inventories' && k !== 'resource_provider_generation');
        if (extraKeys.length) throw invalid(`Additional properties are not allowed ('${extraKeys[0]}' was unexpected)`);
        invs[normUuid(rp)] = { generation: entry.resource_provider_generation as number, inventories: inventories(entry.inventories) };
      }
      const allocations = isObject(b.allocations) && Object.keys(b.allocations).length === 0 ? [] : parseConsumers(req, b.allocations);
      await d.reshaper.reshape(invs, allocations, { reservedMayEqualTotal: has(req, 'reservedEqualsTotal') });
    },
  })];
}
