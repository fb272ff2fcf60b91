// The volume tables as SQL holds them (migrations.ts creates them), so that Kysely checks every
// table, column and value of the stores. Booleans are 0/1 and JSON documents are text; the
// records (tables.ts) are what the domain sees.
import type { Db } from '../../../core/db/database.js';

export interface VolumeDatabase {
  cinder_volume_types: {
    id: string; name: string; description: string | null; is_public: number; qos_specs_id: string | null;
    extra_specs: string; created_at: string; updated_at: string | null; encryption: string | null;
  };
  cinder_volume_type_projects: { volume_type_id: string; project_id: string };
  cinder_volumes: {
    id: string; project_id: string; user_id: string; name: string | null; description: string | null;
    size: number; status: string; attach_status: string; availability_zone: string; volume_type_id: string;
    bootable: number; multiattach: number; snapshot_id: string | null; source_volid: string | null; host: string | null;
    metadata: string; admin_metadata: string; image_metadata: string | null; migration_status: string | null; error: string | null;
    created_at: string; updated_at: string | null; launched_at: string | null; group_id: string | null;
  };
  cinder_snapshots: {
    id: string; volume_id: string; project_id: string; user_id: string; name: string | null; description: string | null;
    status: string; progress: string; size: number; volume_type_id: string | null; metadata: string; error: string | null;
    created_at: string; updated_at: string | null; group_snapshot_id: string | null;
  };
  cinder_attachments: {
    id: string; volume_id: string; project_id: string; instance_uuid: string | null; attached_host: string | null; mountpoint: string | null;
    attach_mode: string; attach_status: string; connector: string | null; attach_time: string | null; created_at: string; updated_at: string | null;
  };
  cinder_services: { binary: string; host: string; disabled: number; disabled_reason: string | null; frozen: number; updated_at: string | null };
  cinder_messages: {
    id: string; project_id: string; request_id: string | null; resource_type: string; resource_uuid: string | null; event_id: string;
    message_level: string; user_message: string; created_at: string; expires_at: string;
  };
  cinder_transfers: { id: string; volume_id: string; project_id: string; name: string | null; salt: string; crypt_hash: string; no_snapshots: number; created_at: string };
  cinder_qos_specs: { id: string; name: string; consumer: string; specs: string; created_at: string };
  cinder_backups: {
    id: string; volume_id: string; project_id: string; user_id: string; name: string | null; description: string | null; status: string;
    size: number; object_count: number; availability_zone: string | null; container: string | null; fail_reason: string | null;
    parent_id: string | null; snapshot_id: string | null; data_timestamp: string | null; metadata: string; backend_key: string;
    volume_state: string | null; created_at: string; updated_at: string | null;
  };
  cinder_group_types: { id: string; name: string; description: string | null; is_public: number; group_specs: string; created_at: string };
  cinder_groups: {
    id: string; project_id: string; user_id: string; name: string | null; description: string | null; status: string; availability_zone: string;
    group_type_id: string; volume_type_ids: string; group_snapshot_id: string | null; source_group_id: string | null; created_at: string; updated_at: string | null;
  };
  cinder_group_snapshots: {
    id: string; group_id: string; project_id: string; user_id: string; name: string | null; description: string | null; status: string;
    group_type_id: string; created_at: string; updated_at: string | null;
  };
  cinder_quotas: { project_id: string; resource: string; hard_limit: number };
  cinder_quota_classes: { class_name: string; resource: string; hard_limit: number };
}

export type VolumeDb = Db<VolumeDatabase>;
