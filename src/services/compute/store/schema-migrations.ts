// The compute schema, in order (never edit an applied one; append the next id). The ids are
// recorded in existing databases: compute_* made flavors, keypairs, aggregates, server groups and
// quotas; servers_* the servers, their faults, tags, actions and events, and the compute hosts
// (services and nodes) the hypervisor driver reports. Nova's migrations resource (os-migrations)
// is migrations.store.ts.
import type { Migration } from '../../../core/db/database.js';
import { tableStampStatements } from '../../../core/db/table-stamps.js';

export const computeMigrations: Migration[] = [{
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
}, {
  id: 'servers_001',
  statements: [
    `CREATE TABLE instances (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, project_id TEXT NOT NULL, user_id TEXT NOT NULL,
      vm_state TEXT NOT NULL, task_state TEXT, power_state INTEGER NOT NULL DEFAULT 0,
      host TEXT, node TEXT, availability_zone TEXT, requested_az TEXT,
      flavor TEXT NOT NULL, old_flavor TEXT, image_ref TEXT NOT NULL DEFAULT '',
      key_name TEXT, key_data TEXT, user_data TEXT, config_drive TEXT NOT NULL DEFAULT '',
      metadata TEXT NOT NULL DEFAULT '{}', security_groups TEXT NOT NULL DEFAULT '[]', networks TEXT NOT NULL DEFAULT '"auto"',
      block_devices TEXT NOT NULL DEFAULT '[]', access_ip_v4 TEXT, access_ip_v6 TEXT,
      reservation_id TEXT NOT NULL, launch_index INTEGER NOT NULL DEFAULT 0, hostname TEXT NOT NULL,
      locked INTEGER NOT NULL DEFAULT 0, locked_by TEXT, locked_reason TEXT,
      progress INTEGER NOT NULL DEFAULT 0, auto_disk_config INTEGER NOT NULL DEFAULT 0,
      trusted_certs TEXT, server_group_id TEXT, scheduler_hints TEXT NOT NULL DEFAULT '{}',
      prior_vm_state TEXT,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, launched_at TEXT, terminated_at TEXT,
      deleted INTEGER NOT NULL DEFAULT 0, deleted_at TEXT)`,
    'CREATE INDEX instances_project ON instances (project_id, deleted)',
    'CREATE INDEX instances_updated ON instances (updated_at)',
    `CREATE TABLE instance_faults (id INTEGER PRIMARY KEY AUTOINCREMENT, instance_uuid TEXT NOT NULL, code INTEGER NOT NULL,
      message TEXT NOT NULL, details TEXT, host TEXT, created_at TEXT NOT NULL)`,
    'CREATE INDEX instance_faults_instance ON instance_faults (instance_uuid)',
    'CREATE TABLE instance_tags (instance_uuid TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (instance_uuid, tag))',
    `CREATE TABLE instance_actions (id INTEGER PRIMARY KEY AUTOINCREMENT, action TEXT NOT NULL, instance_uuid TEXT NOT NULL,
      request_id TEXT NOT NULL, user_id TEXT NOT NULL, project_id TEXT NOT NULL, start_time TEXT NOT NULL,
      finish_time TEXT, message TEXT, updated_at TEXT NOT NULL)`,
    'CREATE INDEX instance_actions_instance ON instance_actions (instance_uuid)',
    `CREATE TABLE instance_action_events (id INTEGER PRIMARY KEY AUTOINCREMENT, action_id INTEGER NOT NULL, event TEXT NOT NULL,
      start_time TEXT NOT NULL, finish_time TEXT, result TEXT, traceback TEXT, host TEXT, details TEXT)`,
    'CREATE INDEX instance_action_events_action ON instance_action_events (action_id)',
    `CREATE TABLE compute_services (id TEXT PRIMARY KEY, binary TEXT NOT NULL, host TEXT NOT NULL, topic TEXT NOT NULL,
      disabled INTEGER NOT NULL DEFAULT 0, disabled_reason TEXT, forced_down INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (binary, host))`,
    `CREATE TABLE compute_nodes (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, host TEXT NOT NULL, hypervisor_hostname TEXT NOT NULL UNIQUE,
      service_id TEXT NOT NULL, vcpus INTEGER NOT NULL, memory_mb INTEGER NOT NULL, local_gb INTEGER NOT NULL,
      hypervisor_type TEXT NOT NULL, hypervisor_version INTEGER NOT NULL, host_ip TEXT NOT NULL, cpu_info TEXT NOT NULL,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
    `CREATE TABLE console_connections (token TEXT PRIMARY KEY, instance_uuid TEXT NOT NULL, protocol TEXT NOT NULL,
      type TEXT NOT NULL, created_at TEXT NOT NULL)`,
  ],
}, {
  id: 'servers_002',
  statements: ["ALTER TABLE instances ADD COLUMN system_metadata TEXT NOT NULL DEFAULT '{}'"],
}, {
  id: 'servers_003',
  statements: [
    `CREATE TABLE migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, instance_uuid TEXT NOT NULL,
      migration_type TEXT NOT NULL, status TEXT NOT NULL, source_compute TEXT, source_node TEXT, dest_compute TEXT, dest_node TEXT,
      dest_host TEXT, old_flavor_id TEXT, new_flavor_id TEXT, project_id TEXT NOT NULL, user_id TEXT NOT NULL,
      created_at TEXT NOT NULL, updated_at TEXT)`,
    'CREATE INDEX migrations_instance ON migrations (instance_uuid)',
  ],
}, {
  // NOTE: server lists walk these in their default order (created_at, id descending) and stop at the
  // page's limit, where they sorted every server of the project for each page.
  id: 'servers_004',
  statements: [
    'CREATE INDEX instances_project_created ON instances (project_id, deleted, created_at, id)',
    'CREATE INDEX instances_created ON instances (deleted, created_at, id)',
  ],
}, {
  // NOTE: the scheduler keeps the compute nodes and services it reads for every build while these stamps stay the same.
  id: 'servers_005',
  statements: tableStampStatements(['compute_nodes', 'compute_services']),
}];
