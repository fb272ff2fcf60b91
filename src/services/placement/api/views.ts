// Placement's records in its wire format (placement/handlers/*.py _serialize_*).
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import type { InventoryRecord, ProviderRecord } from '../store/placement.store.js';
import { has, providerUrl } from './common.js';

export function providerView(req: ApiRequest, p: ProviderRecord): Record<string, unknown> {
  const url = providerUrl(p.uuid);
  const rels = ['inventories', 'usages'];
  if (has(req, 'aggregates')) rels.push('aggregates');
  if (has(req, 'traits')) rels.push('traits');
  if (has(req, 'allocationsLink')) rels.push('allocations');
  const out: Record<string, unknown> = {
    generation: p.generation, uuid: p.uuid, name: p.name,
    links: [{ rel: 'self', href: url }, ...rels.map((rel) => ({ rel, href: `${url}/${rel}` }))],
  };
  if (has(req, 'nested')) { out.parent_provider_uuid = p.parent_uuid; out.root_provider_uuid = p.root_uuid; }
  return out;
}

export const inventoryView = (i: InventoryRecord) => ({
  allocation_ratio: i.allocation_ratio, max_unit: i.max_unit, min_unit: i.min_unit, reserved: i.reserved, step_size: i.step_size, total: i.total,
});
