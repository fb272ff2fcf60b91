// The object-store tables as SQL holds them (migrations.ts creates them); tables.ts gives the
// records the domain sees.
import type { Generated } from 'kysely';
import type { Db } from '../../../core/db/database.js';

export interface ObjectStoreDatabase {
  swift_accounts: {
    account: string; metadata: string; created_at: string; put_timestamp: string;
    container_count: number; object_count: number; bytes_used: number;
  };
  swift_containers: {
    account: string; name: string; metadata: string; storage_policy: string; created_at: string; put_timestamp: string;
    object_count: number; bytes_used: number;
  };
  swift_objects: {
    account: string; container: string; name: string; blob: string; size: number; etag: string; content_type: string;
    timestamp: string; metadata: string; delete_at: number | null;
  };
  swift_unsynced: {
    seq: Generated<number>; blob: string; account: string; container: string; name: string; previous: string | null;
  };
}

export type ObjectStoreDb = Db<ObjectStoreDatabase>;

/**
 * Every table above: none is read outside the object store, or through a cache kept by
 * changeStamp, and no trigger or cascade writes another service's table from them.
 */
export const OBJECT_STORE_TABLES = ['swift_accounts', 'swift_containers', 'swift_objects', 'swift_unsynced'] as const satisfies readonly (keyof ObjectStoreDatabase)[];
