// The compute tables as SQL holds them (migrations.ts and servers.migrations.ts create them), so
// that Kysely checks every table, column and value of the stores. Booleans are 0/1 and JSON
// documents are text; the stores' records (`*Record` in each *.store.ts) are what the domain sees.
import type { Generated } from 'kysely';
import type { Db } from '../../../core/db/database.js';

/** The compute database: every compute table by name. */
export interface ComputeDatabase {
  flavors: FlavorsTable;
  flavor_extra_specs: { flavor_id: string; key: string; value: string };
  flavor_projects: { flavor_id: string; project_id: string };
  key_pairs: KeyPairsTable;
  aggregates: AggregatesTable;
  aggregate_hosts: { aggregate_id: number; host: string };
  aggregate_metadata: { aggregate_id: number; key: string; value: string };
  server_groups: ServerGroupsTable;
  server_group_members: { instance_id: string; group_id: string };
  /** Limits per project (user_id '') or per user of a project. */
  quotas: { project_id: string; user_id: string; resource: string; hard_limit: number };
  instances: InstancesTable;
  instance_faults: InstanceFaultsTable;
  instance_tags: { instance_uuid: string; tag: string };
  instance_actions: InstanceActionsTable;
  instance_action_events: InstanceActionEventsTable;
  compute_services: ComputeServicesTable;
  compute_nodes: ComputeNodesTable;
  console_connections: { token: string; instance_uuid: string; protocol: string; type: string; created_at: string };
  migrations: MigrationsTable;
}

/** A handle on the compute tables (the whole database, or a transaction in it). */
export type ComputeDb = Db<ComputeDatabase>;

export interface FlavorsTable {
  id: string; name: string; vcpus: number; ram: number; disk: number; ephemeral: number; swap: number;
  rxtx_factor: number; is_public: number; disabled: number; description: string | null;
  created_at: string; updated_at: string | null;
}

export interface KeyPairsTable {
  id: Generated<number>; user_id: string; name: string; fingerprint: string; public_key: string; type: 'ssh' | 'x509'; created_at: string;
}

export interface AggregatesTable { id: Generated<number>; uuid: string; name: string; created_at: string; updated_at: string | null }

/** rules: JSON. */
export interface ServerGroupsTable { id: string; name: string; project_id: string; user_id: string; policy: string; rules: string; created_at: string }

/**
 * flavor, old_flavor, metadata, security_groups, networks, block_devices, trusted_certs, scheduler_hints, system_metadata:
 * JSON. system_metadata has a default (a later migration added it), so an insert may leave it out.
 */
export interface InstancesTable {
  id: string; name: string; description: string | null; project_id: string; user_id: string;
  vm_state: string; task_state: string | null; power_state: number;
  host: string | null; node: string | null; availability_zone: string | null; requested_az: string | null;
  flavor: string; old_flavor: string | null; image_ref: string;
  key_name: string | null; key_data: string | null; user_data: string | null; config_drive: string;
  metadata: string; security_groups: string; networks: string; block_devices: string;
  access_ip_v4: string | null; access_ip_v6: string | null;
  reservation_id: string; launch_index: number; hostname: string;
  locked: number; locked_by: string | null; locked_reason: string | null;
  progress: number; auto_disk_config: number; trusted_certs: string | null; server_group_id: string | null;
  scheduler_hints: string; prior_vm_state: string | null; system_metadata: Generated<string>;
  created_at: string; updated_at: string; launched_at: string | null; terminated_at: string | null;
  deleted: number; deleted_at: string | null;
}

export interface InstanceFaultsTable {
  id: Generated<number>; instance_uuid: string; code: number; message: string; details: string | null; host: string | null; created_at: string;
}

export interface InstanceActionsTable {
  id: Generated<number>; action: string; instance_uuid: string; request_id: string; user_id: string; project_id: string;
  start_time: string; finish_time: string | null; message: string | null; updated_at: string;
}

export interface InstanceActionEventsTable {
  id: Generated<number>; action_id: number; event: string; start_time: string; finish_time: string | null;
  result: string | null; traceback: string | null; host: string | null; details: string | null;
}

export interface ComputeServicesTable {
  id: string; binary: string; host: string; topic: string; disabled: number; disabled_reason: string | null;
  forced_down: number; created_at: string; updated_at: string;
}

export interface ComputeNodesTable {
  id: string; seq: number; host: string; hypervisor_hostname: string; service_id: string; vcpus: number; memory_mb: number;
  local_gb: number; hypervisor_type: string; hypervisor_version: number; host_ip: string; cpu_info: string;
  created_at: string; updated_at: string;
}

/** Nova's migrations table (resizes, and later cold and live migrations). */
export interface MigrationsTable {
  id: Generated<number>; uuid: string; instance_uuid: string; migration_type: 'resize' | 'migration' | 'live-migration' | 'evacuation';
  status: string; source_compute: string | null; source_node: string | null; dest_compute: string | null; dest_node: string | null;
  dest_host: string | null; old_flavor_id: string | null; new_flavor_id: string | null; project_id: string; user_id: string;
  created_at: string; updated_at: string | null;
}

/** The compute tables on a handle the domain passes in (its transaction, typed as the bare `Db`). */
export const computeDb = (db: Db): ComputeDb => db;
