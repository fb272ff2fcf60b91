// The SQL of the network store that only SQLite understands, in one place: a PostgreSQL engine
// replaces these (and the json_extract indexes of migration 002-device-indexes with its own).
// The upserts (Kysely's onConflict) are the same SQL on PostgreSQL and stay in tables.ts.
import { sql, type RawBuilder } from 'kysely';

/** Rows in the order they were inserted: SQLite's implicit rowid (a serial column elsewhere). */
export const insertionOrder: RawBuilder<unknown> = sql`rowid`;

/**
 * A field of a resource's JSON document. NOTE: the text must stay `json_extract(data, '$.field')`
 * for SQLite to use the expression indexes on ports' device_id and mac_address and floating IPs' port_id.
 */
export function documentField(field: 'device_id' | 'port_id' | 'mac_address'): RawBuilder<unknown> {
  return sql.raw(`json_extract(data, '$.${field}')`);
}
