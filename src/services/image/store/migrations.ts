import type { Migration } from '../../../core/db/database.js';

// One row per image (Glance's base attributes as columns, custom properties and tags as JSON) and
// one per membership. Deleted images are removed, not kept as `deleted` rows: nothing reads them.
export const imageMigrations: Migration[] = [
  {
    id: '001-image',
    statements: [
      `CREATE TABLE glance_images (
        id TEXT PRIMARY KEY, name TEXT, status TEXT NOT NULL, visibility TEXT NOT NULL, owner TEXT,
        disk_format TEXT, container_format TEXT, size INTEGER, virtual_size INTEGER,
        checksum TEXT, os_hash_algo TEXT, os_hash_value TEXT,
        min_disk INTEGER NOT NULL, min_ram INTEGER NOT NULL, protected INTEGER NOT NULL, os_hidden INTEGER NOT NULL,
        properties TEXT NOT NULL, tags TEXT NOT NULL, staged_size INTEGER,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      `CREATE INDEX glance_images_owner ON glance_images (owner)`,
      `CREATE INDEX glance_images_visibility ON glance_images (visibility)`,
      `CREATE TABLE glance_image_members (
        image_id TEXT NOT NULL REFERENCES glance_images (id) ON DELETE CASCADE, member_id TEXT NOT NULL,
        status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (image_id, member_id))`,
      `CREATE INDEX glance_image_members_member ON glance_image_members (member_id)`,
    ],
  },
  {
    id: '002-metadefs',
    statements: [
      // NOTE: a namespace and everything in it (properties, objects, tags, associations) is one
      // JSON document: they are always read and written with their namespace.
      `CREATE TABLE glance_metadef_namespaces (namespace TEXT PRIMARY KEY, owner TEXT, visibility TEXT NOT NULL, data TEXT NOT NULL)`,
      `CREATE TABLE glance_metadef_resource_types (name TEXT PRIMARY KEY, protected INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
    ],
  },
  {
    id: '003-tasks',
    statements: [
      `CREATE TABLE glance_tasks (id TEXT PRIMARY KEY, image_id TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,
        owner TEXT, user_id TEXT, request_id TEXT, input TEXT NOT NULL, result TEXT, message TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      `CREATE INDEX glance_tasks_image ON glance_tasks (image_id)`,
    ],
  },
  {
    id: '004-task-expiry',
    // NOTE: image_id becomes optional (a task made by POST /v2/tasks may name no image): SQLite
    // drops a NOT NULL only by rebuilding the table.
    statements: [
      `CREATE TABLE glance_tasks_new (id TEXT PRIMARY KEY, image_id TEXT, type TEXT NOT NULL, status TEXT NOT NULL,
        owner TEXT, user_id TEXT, request_id TEXT, input TEXT NOT NULL, result TEXT, message TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, expires_at TEXT)`,
      `INSERT INTO glance_tasks_new (id, image_id, type, status, owner, user_id, request_id, input, result, message, created_at, updated_at)
        SELECT id, image_id, type, status, owner, user_id, request_id, input, result, message, created_at, updated_at FROM glance_tasks`,
      `DROP TABLE glance_tasks`,
      `ALTER TABLE glance_tasks_new RENAME TO glance_tasks`,
      `CREATE INDEX glance_tasks_image ON glance_tasks (image_id)`,
    ],
  },
];
