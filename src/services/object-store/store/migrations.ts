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
  {
    // The rows whose blob's name may not be durable yet: a PUT's row commits while its blob's
    // directory is fsynced (both at once), so after a power loss a row could name a blob that is
    // not there. Each row's entry (with the row it replaced, as JSON) is written in its commit and
    // deleted by a later one once the blob's name is durable; on start the few entries left are
    // checked (never the whole table of objects) and a row whose blob is missing is undone.
    id: '002-object-unsynced',
    statements: [
      `CREATE TABLE swift_unsynced (
        seq INTEGER PRIMARY KEY, blob TEXT NOT NULL, account TEXT NOT NULL, container TEXT NOT NULL, name TEXT NOT NULL,
        previous TEXT)`,
    ],
  },
];
