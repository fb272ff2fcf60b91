// What the placement domain services share: the transaction runner, the error helpers and the
// capacity arithmetic.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../core/db/database.js';
import { ErrorCode, PlacementError } from '../faults.js';
import { PlacementStore, type InventoryRecord, type ProviderRecord } from '../store/placement.store.js';

export const MAX_INT = 2147483647;

export class Tx {
  readonly store: PlacementStore;
  constructor(readonly db: Db) { this.store = new PlacementStore(db); }
  /** Runs `fn` in one transaction (SQLite serialises them: claims are atomic). */
  run<T>(fn: (s: PlacementStore) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((tx) => fn(new PlacementStore(tx)));
  }
}

export const now = () => new Date().toISOString();
export const newUuid = () => randomUUID();

export const badRequest = (m: string, code: string = ErrorCode.DEFAULT) => new PlacementError(400, m, code);
export const notFound = (m: string, code: string = ErrorCode.DEFAULT) => new PlacementError(404, m, code);
export const conflict = (m: string, code: string = ErrorCode.DEFAULT) => new PlacementError(409, m, code);

export const generationConflict = () => conflict(
  "resource provider generation conflict", ErrorCode.CONCURRENT_UPDATE,
);

export async function providerOr404(s: PlacementStore, uuid: string): Promise<ProviderRecord> {
  const p = await s.provider(uuid);
  if (!p) throw notFound(`No resource provider with uuid ${uuid} found`);
  return p;
}

/** What a class of inventory can hold: (total - reserved) * allocation_ratio, as placement rounds it. */
export const capacity = (inv: InventoryRecord) => Math.floor((inv.total - inv.reserved) * inv.allocation_ratio);

/** Class → amount used on a provider. */
export function sumUsage(rows: Array<{ resource_class: string; used: number }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.resource_class] = (out[r.resource_class] ?? 0) + r.used;
  return out;
}

export const isUuid = (s: string) => /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(s);
/** Placement stores uuids in their dashed lower-case form. */
export function normUuid(s: string): string {
  const h = s.replace(/-/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
