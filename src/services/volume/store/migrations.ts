import type { Migration } from '../../../core/db/database.js';

// Cinder's tables, one row per resource, metadata as JSON. Deleted resources are removed, not kept
// as `deleted` rows: nothing reads them.
export const volumeMigrations: Migration[] = [
  {
    id: '001-volume',
    statements: [
      `CREATE TABLE cinder_volume_types (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, is_public INTEGER NOT NULL, qos_specs_id TEXT,
        extra_specs TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT)`,
      `CREATE UNIQUE INDEX cinder_volume_types_name ON cinder_volume_types (name)`,
      `CREATE TABLE cinder_volume_type_projects (
        volume_type_id TEXT NOT NULL REFERENCES cinder_volume_types (id) ON DELETE CASCADE, project_id TEXT NOT NULL,
        PRIMARY KEY (volume_type_id, project_id))`,
      `CREATE TABLE cinder_volumes (
        id TEXT PRIMARY KEY, project_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT, description TEXT,
        size INTEGER NOT NULL, status TEXT NOT NULL, attach_status TEXT NOT NULL, availability_zone TEXT NOT NULL,
        volume_type_id TEXT NOT NULL REFERENCES cinder_volume_types (id), bootable INTEGER NOT NULL, multiattach INTEGER NOT NULL,
        snapshot_id TEXT, source_volid TEXT, host TEXT, metadata TEXT NOT NULL, admin_metadata TEXT NOT NULL,
        image_metadata TEXT, migration_status TEXT, error TEXT,
        created_at TEXT NOT NULL, updated_at TEXT, launched_at TEXT)`,
      `CREATE INDEX cinder_volumes_project ON cinder_volumes (project_id)`,
      `CREATE TABLE cinder_snapshots (
        id TEXT PRIMARY KEY, volume_id TEXT NOT NULL REFERENCES cinder_volumes (id), project_id TEXT NOT NULL, user_id TEXT NOT NULL,
        name TEXT, description TEXT, status TEXT NOT NULL, progress TEXT NOT NULL, size INTEGER NOT NULL,
        volume_type_id TEXT, metadata TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL, updated_at TEXT)`,
      `CREATE INDEX cinder_snapshots_volume ON cinder_snapshots (volume_id)`,
      `CREATE INDEX cinder_snapshots_project ON cinder_snapshots (project_id)`,
      // Quotas and quota classes (Cinder's quotas and quota_classes): a row overrides a default.
      `CREATE TABLE cinder_quotas (project_id TEXT NOT NULL, resource TEXT NOT NULL, hard_limit INTEGER NOT NULL,
        PRIMARY KEY (project_id, resource))`,
      `CREATE TABLE cinder_quota_classes (class_name TEXT NOT NULL, resource TEXT NOT NULL, hard_limit INTEGER NOT NULL,
        PRIMARY KEY (class_name, resource))`,
    ],
  },
  {
    id: '002-attachments',
    statements: [
      // Cinder's volume_attachment: one row per (volume, server) attachment, from reserved to detached.
      `CREATE TABLE cinder_attachments (
        id TEXT PRIMARY KEY, volume_id TEXT NOT NULL REFERENCES cinder_volumes (id) ON DELETE CASCADE, project_id TEXT NOT NULL,
        instance_uuid TEXT, attached_host TEXT, mountpoint TEXT, attach_mode TEXT NOT NULL, attach_status TEXT NOT NULL,
        connector TEXT, attach_time TEXT, created_at TEXT NOT NULL, updated_at TEXT)`,
      `CREATE INDEX cinder_attachments_volume ON cinder_attachments (volume_id)`,
    ],
  },
  {
    id: '003-services-messages',
    statements: [
      // The state an admin gives cinder's services (os-services enable/disable/freeze).
      `CREATE TABLE cinder_services (binary TEXT NOT NULL, host TEXT NOT NULL, disabled INTEGER NOT NULL, disabled_reason TEXT,
        frozen INTEGER NOT NULL, updated_at TEXT, PRIMARY KEY (binary, host))`,
      // User messages (Cinder's messages table): why an asynchronous operation failed.
      `CREATE TABLE cinder_messages (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, request_id TEXT, resource_type TEXT NOT NULL,
        resource_uuid TEXT, event_id TEXT NOT NULL, message_level TEXT NOT NULL, user_message TEXT NOT NULL,
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL)`,
      `CREATE INDEX cinder_messages_project ON cinder_messages (project_id)`,
      // Volume transfers: the auth key is kept only as a salted sha1, as Cinder keeps it.
      `CREATE TABLE cinder_transfers (id TEXT PRIMARY KEY, volume_id TEXT NOT NULL REFERENCES cinder_volumes (id) ON DELETE CASCADE,
        project_id TEXT NOT NULL, name TEXT, salt TEXT NOT NULL, crypt_hash TEXT NOT NULL, no_snapshots INTEGER NOT NULL,
        created_at TEXT NOT NULL)`,
      // QoS specs: a consumer (front-end, back-end or both) and key/value specs; types name one.
      `CREATE TABLE cinder_qos_specs (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, consumer TEXT NOT NULL, specs TEXT NOT NULL,
        created_at TEXT NOT NULL)`,
    ],
  },
  {
    id: '004-encryption-types',
    statements: [
      // A type's encryption (Cinder's encryption table, one per type), as JSON; null when none.
      `ALTER TABLE cinder_volume_types ADD COLUMN encryption TEXT`,
    ],
  },
  {
    id: '005-backups',
    statements: [
      // Backups (Cinder's backups table). backend_key names the bytes in the backup store: an
      // imported record shares its original's.
      `CREATE TABLE cinder_backups (
        id TEXT PRIMARY KEY, volume_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT, description TEXT,
        status TEXT NOT NULL, size INTEGER NOT NULL, object_count INTEGER NOT NULL, availability_zone TEXT, container TEXT,
        fail_reason TEXT, parent_id TEXT, snapshot_id TEXT, data_timestamp TEXT, metadata TEXT NOT NULL, backend_key TEXT NOT NULL, volume_state TEXT,
        created_at TEXT NOT NULL, updated_at TEXT)`,
      `CREATE INDEX cinder_backups_project ON cinder_backups (project_id)`,
      `CREATE INDEX cinder_backups_volume ON cinder_backups (volume_id)`,
    ],
  },
  {
    id: '006-groups',
    statements: [
      // Generic volume groups (Cinder's group_types, groups, group_snapshots): a group holds volumes
      // of its volume types; a group snapshot is one snapshot per member volume.
      `CREATE TABLE cinder_group_types (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT, is_public INTEGER NOT NULL,
        group_specs TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE cinder_groups (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT, description TEXT,
        status TEXT NOT NULL, availability_zone TEXT NOT NULL, group_type_id TEXT NOT NULL, volume_type_ids TEXT NOT NULL,
        group_snapshot_id TEXT, source_group_id TEXT, created_at TEXT NOT NULL, updated_at TEXT)`,
      `CREATE TABLE cinder_group_snapshots (id TEXT PRIMARY KEY, group_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT NOT NULL,
        name TEXT, description TEXT, status TEXT NOT NULL, group_type_id TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT)`,
      `ALTER TABLE cinder_volumes ADD COLUMN group_id TEXT`,
      `ALTER TABLE cinder_snapshots ADD COLUMN group_snapshot_id TEXT`,
    ],
  },
];
