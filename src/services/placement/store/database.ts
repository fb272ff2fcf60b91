// The placement tables as SQL holds them (migrations.ts creates them), so that Kysely checks every
// table, column and value of the store. Every column is a plain value, so a row is its record.
import type { Db } from '../../../core/db/database.js';

export interface ProviderRecord {
  uuid: string; name: string; generation: number; parent_uuid: string | null; root_uuid: string;
  created_at: string; updated_at: string;
}
export interface InventoryRecord {
  provider_uuid: string; resource_class: string; total: number; reserved: number; min_unit: number;
  max_unit: number; step_size: number; allocation_ratio: number; created_at: string; updated_at: string;
}
export interface ConsumerRecord {
  uuid: string; project_id: string; user_id: string; generation: number; consumer_type: string | null;
  created_at: string; updated_at: string;
}
export interface AllocationRecord {
  consumer_uuid: string; provider_uuid: string; resource_class: string; used: number; created_at: string; updated_at: string;
}
/** A custom resource class or trait (the standard ones live in code: domain/standard.ts). */
export interface NamedRecord { name: string; created_at: string; updated_at: string }

/** The placement database: every placement table by name. */
export interface PlacementDatabase {
  placement_providers: ProviderRecord;
  placement_inventories: InventoryRecord;
  placement_resource_classes: NamedRecord;
  placement_traits: NamedRecord;
  placement_provider_traits: { provider_uuid: string; trait: string };
  placement_provider_aggregates: { provider_uuid: string; aggregate_uuid: string };
  placement_consumers: ConsumerRecord;
  placement_allocations: AllocationRecord;
  /** Kept by triggers on placement_allocations (migration 002-provider-usages); never written by the store. */
  placement_usages: { provider_uuid: string; resource_class: string; used: number };
}

/** A handle on the placement tables (the whole database, or a transaction in it). */
export type PlacementDb = Db<PlacementDatabase>;
