// The compute migrations, in order (never edit an applied one; append). The servers part keeps its
// own in servers.migrations.ts and is appended here with one line.
import type { Migration } from '../../../core/db/database.js';
import { serversMigrations } from './servers.migrations.js';

const core: Migration[] = [{
  id: 'compute_001',
  statements: [
    `CREATE TABLE flavors (
      id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, vcpus INTEGER NOT NULL, ram INTEGER NOT NULL, disk INTEGER NOT NULL,
      ephemeral INTEGER NOT NULL DEFAULT 0, swap INTEGER NOT NULL DEFAULT 0, rxtx_factor REAL NOT NULL DEFAULT 1.0,
      is_public INTEGER NOT NULL DEFAULT 1, disabled INTEGER NOT NULL DEFAULT 0, description TEXT,
      created_at TEXT NOT NULL, updated_at TEXT)`,
    `CREATE TABLE flavor_extra_specs (flavor_id TEXT NOT NULL REFERENCES flavors(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (flavor_id, key))`,
    `CREATE TABLE flavor_projects (flavor_id TEXT NOT NULL REFERENCES flavors(id) ON DELETE CASCADE, project_id TEXT NOT NULL, PRIMARY KEY (flavor_id, project_id))`,
    `CREATE TABLE key_pairs (
      id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, name TEXT NOT NULL, fingerprint TEXT NOT NULL,
      public_key TEXT NOT NULL, type TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (user_id, name))`,
    `CREATE TABLE aggregates (
      id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL, updated_at TEXT)`,
    `CREATE TABLE aggregate_hosts (aggregate_id INTEGER NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE, host TEXT NOT NULL, PRIMARY KEY (aggregate_id, host))`,
    `CREATE TABLE aggregate_metadata (aggregate_id INTEGER NOT NULL REFERENCES aggregates(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (aggregate_id, key))`,
    `CREATE TABLE server_groups (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT NOT NULL,
      policy TEXT NOT NULL, rules TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL)`,
    `CREATE TABLE server_group_members (instance_id TEXT PRIMARY KEY, group_id TEXT NOT NULL REFERENCES server_groups(id) ON DELETE CASCADE)`,
    `CREATE TABLE quotas (project_id TEXT NOT NULL, user_id TEXT NOT NULL DEFAULT '', resource TEXT NOT NULL, hard_limit INTEGER NOT NULL, PRIMARY KEY (project_id, user_id, resource))`,
  ],
}];

export const computeMigrations: Migration[] = [
  ...core,
  ...serversMigrations,
];
