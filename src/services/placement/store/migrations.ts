import type { Migration } from '../../../core/db/database.js';
import { tableStampStatements } from '../../../core/db/table-stamps.js';

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
    // NOTE: usage per provider and class, kept by triggers (cascading deletes included), so a claim
    // reads one row per provider instead of summing every allocation.
    id: '002-provider-usages',
    statements: [
      `CREATE TABLE placement_usages (provider_uuid TEXT NOT NULL, resource_class TEXT NOT NULL, used INTEGER NOT NULL,
        PRIMARY KEY (provider_uuid, resource_class))`,
      `INSERT INTO placement_usages SELECT provider_uuid, resource_class, SUM(used) FROM placement_allocations GROUP BY provider_uuid, resource_class`,
      `CREATE TRIGGER placement_usages_add AFTER INSERT ON placement_allocations BEGIN
        INSERT INTO placement_usages (provider_uuid, resource_class, used) VALUES (NEW.provider_uuid, NEW.resource_class, NEW.used)
          ON CONFLICT (provider_uuid, resource_class) DO UPDATE SET used = used + excluded.used;
      END`,
      `CREATE TRIGGER placement_usages_remove AFTER DELETE ON placement_allocations BEGIN
        UPDATE placement_usages SET used = used - OLD.used WHERE provider_uuid = OLD.provider_uuid AND resource_class = OLD.resource_class;
        DELETE FROM placement_usages WHERE provider_uuid = OLD.provider_uuid AND resource_class = OLD.resource_class AND used <= 0;
      END`,
      `CREATE TRIGGER placement_usages_change AFTER UPDATE ON placement_allocations BEGIN
        UPDATE placement_usages SET used = used - OLD.used WHERE provider_uuid = OLD.provider_uuid AND resource_class = OLD.resource_class;
        INSERT INTO placement_usages (provider_uuid, resource_class, used) VALUES (NEW.provider_uuid, NEW.resource_class, NEW.used)
          ON CONFLICT (provider_uuid, resource_class) DO UPDATE SET used = used + excluded.used;
        DELETE FROM placement_usages WHERE provider_uuid = OLD.provider_uuid AND resource_class = OLD.resource_class AND used <= 0;
      END`,
    ],
  },
  {
    // NOTE: allocation candidates keep the inventories, traits and aggregates they read for every
    // request while these stamps stay the same.
    id: '003-table-stamps',
    statements: tableStampStatements(['placement_inventories', 'placement_provider_traits', 'placement_provider_aggregates']),
  },
];
