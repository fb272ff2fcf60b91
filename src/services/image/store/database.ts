// The image tables as SQL holds them (migrations.ts creates them), so that Kysely checks every
// table, column and value of the stores. Booleans are 0/1 and JSON documents are text; the
// records (tables.ts, metadefs.tables.ts) are what the domain sees.
import type { Db } from '../../../core/db/database.js';

/** The image database: every image table by name. */
export interface ImageDatabase {
  glance_images: ImagesTable;
  glance_image_members: { image_id: string; member_id: string; status: 'pending' | 'accepted' | 'rejected'; created_at: string; updated_at: string };
  /** Import tasks; input and result: JSON. */
  glance_tasks: {
    id: string; image_id: string | null; type: string; status: 'pending' | 'processing' | 'success' | 'failure';
    owner: string | null; user_id: string | null; request_id: string | null; input: string; result: string | null; message: string;
    created_at: string; updated_at: string; expires_at: string | null;
  };
  /** A namespace and everything in it as one JSON document (data). */
  glance_metadef_namespaces: { namespace: string; owner: string | null; visibility: 'public' | 'private'; data: string };
  glance_metadef_resource_types: { name: string; protected: number; created_at: string; updated_at: string };
}

/** properties and tags: JSON; protected and os_hidden: 0/1. */
export interface ImagesTable {
  id: string; name: string | null; status: string; visibility: 'public' | 'private' | 'shared' | 'community'; owner: string | null;
  disk_format: string | null; container_format: string | null; size: number | null; virtual_size: number | null;
  checksum: string | null; os_hash_algo: string | null; os_hash_value: string | null;
  min_disk: number; min_ram: number; protected: number; os_hidden: number; properties: string; tags: string;
  staged_size: number | null; created_at: string; updated_at: string;
}

/** A handle on the image tables. */
export type ImageDb = Db<ImageDatabase>;
