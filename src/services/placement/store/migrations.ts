import type { Migration } from '../../../core/db/database.js';

// Providers form trees (parent_uuid, root_uuid); inventories, traits and aggregates hang off a
// provider; allocations off a consumer. Standard resource classes and traits live in code
// (domain/standard.ts); only CUSTOM_* ones are rows.
export const placementMigrations: Migration[] = [
  {
    id: '001-placement',
    statements: [
      `CREATE TABLE placement_providers (
        uuid TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, generation INTEGER NOT NULL,
        parent_uuid TEXT REFERENCES placement_providers (uuid), root_uuid TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      `CREATE INDEX placement_providers_root ON placement_providers (root_uuid)`,
      `CREATE TABLE placement_inventories (
        provider_uuid TEXT NOT NULL REFERENCES placement_providers (uuid) ON DELETE CASCADE, resource_class TEXT NOT NULL,
        total INTEGER NOT NULL, reserved INTEGER NOT NULL, min_unit INTEGER NOT NULL, max_unit INTEGER NOT NULL,
        step_size INTEGER NOT NULL, allocation_ratio REAL NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (provider_uuid, resource_class))`,
      `CREATE TABLE placement_resource_classes (name TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      `CREATE TABLE placement_traits (name TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      `CREATE TABLE placement_provider_traits (
        provider_uuid TEXT NOT NULL REFERENCES placement_providers (uuid) ON DELETE CASCADE, trait TEXT NOT NULL,
        PRIMARY KEY (provider_uuid, trait))`,
      `CREATE TABLE placement_provider_aggregates (
        provider_uuid TEXT NOT NULL REFERENCES placement_providers (uuid) ON DELETE CASCADE, aggregate_uuid TEXT NOT NULL,
        PRIMARY KEY (provider_uuid, aggregate_uuid))`,
      `CREATE INDEX placement_provider_aggregates_agg ON placement_provider_aggregates (aggregate_uuid)`,
      `CREATE TABLE placement_consumers (
        uuid TEXT PRIMARY KEY, project_id TEXT NOT NULL, user_id TEXT NOT NULL, generation INTEGER NOT NULL,
        consumer_type TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      `CREATE TABLE placement_allocations (
        consumer_uuid TEXT NOT NULL REFERENCES placement_consumers (uuid) ON DELETE CASCADE,
        provider_uuid TEXT NOT NULL REFERENCES placement_providers (uuid), resource_class TEXT NOT NULL,
        used INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (consumer_uuid, provider_uuid, resource_class))`,
      `CREATE INDEX placement_allocations_provider ON placement_allocations (provider_uuid)`,
    ],
  },
  {
    // NOTE: usage is summed per provider at every claim; the index covers the sum.
    id: '002-allocation-usage-index',
    statements: ['CREATE INDEX placement_allocations_usage ON placement_allocations (provider_uuid, resource_class, used)'],
  },
];
