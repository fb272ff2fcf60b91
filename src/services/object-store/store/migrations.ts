import type { Migration } from '../../../core/db/database.js';

// Swift's account, container and object databases as three tables. Counters (objects, bytes,
// containers) are kept on the rows and changed in the transaction that changes an object, as
// Swift's container and account databases keep them. Metadata is one JSON document per row:
// header names in lower case, as they persist (user metadata and the system headers Swift keeps).
export const objectStoreMigrations: Migration[] = [
  {
    id: '001-object-store',
    statements: [
      `CREATE TABLE swift_accounts (
        account TEXT PRIMARY KEY, metadata TEXT NOT NULL, created_at TEXT NOT NULL, put_timestamp TEXT NOT NULL,
        container_count INTEGER NOT NULL, object_count INTEGER NOT NULL, bytes_used INTEGER NOT NULL)`,
      `CREATE TABLE swift_containers (
        account TEXT NOT NULL, name TEXT NOT NULL, metadata TEXT NOT NULL, storage_policy TEXT NOT NULL,
        created_at TEXT NOT NULL, put_timestamp TEXT NOT NULL, object_count INTEGER NOT NULL, bytes_used INTEGER NOT NULL,
        PRIMARY KEY (account, name)) WITHOUT ROWID`,
      `CREATE TABLE swift_objects (
        account TEXT NOT NULL, container TEXT NOT NULL, name TEXT NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
        etag TEXT NOT NULL, content_type TEXT NOT NULL, timestamp TEXT NOT NULL, metadata TEXT NOT NULL, delete_at INTEGER,
        PRIMARY KEY (account, container, name)) WITHOUT ROWID`,
      `CREATE INDEX swift_objects_delete_at ON swift_objects (delete_at) WHERE delete_at IS NOT NULL`,
    ],
  },
];
