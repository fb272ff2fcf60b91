// The SQL of the compute stores that only SQLite understands, in one place: a PostgreSQL engine
// replaces these (the migrations' DDL is per engine anyway). Everything else the stores write is
// Kysely's portable SQL: the upserts (onConflict) are the same ON CONFLICT on PostgreSQL, and
// `insertId` (the rowid of an insert) would be `returning('id')` there.
import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** Rows in the order they were inserted: SQLite's implicit rowid (a serial column elsewhere). */
export const insertionOrder: RawBuilder<unknown> = sql`rowid`;

/** `column REGEXP pattern`, through the regexp function core/db/database.ts registers (Nova's name filter). */
export function matches(column: 'name', pattern: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.raw(column)} REGEXP ${pattern}`;
}

/** A number in a JSON column's document (`json_extract`); `path` is code, never input. */
export function jsonField(column: 'flavor', path: 'id' | 'vcpus' | 'ram'): RawBuilder<unknown> {
  return sql.raw(`json_extract(${column}, '$.${path}')`);
}

/**
 * Rows after the marker row in `order` (keyset pagination, as oslo.db's paginate_query): the first
 * key that differs decides. NOTE: SQLite's NULL ordering (first ascending, last descending) is
 * built in; PostgreSQL sorts them the other way round unless told NULLS FIRST/LAST.
 */
export function afterMarker(order: { key: string; dir: 'asc' | 'desc' }[], marker: Record<string, unknown>): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.join(order.map((k, i) => {
    const equal = order.slice(0, i).map((e) => (marker[e.key] === null ? sql`${sql.ref(e.key)} IS NULL` : sql`${sql.ref(e.key)} = ${marker[e.key]}`));
    const col = sql.ref(k.key); const m = marker[k.key];
    const beyond = k.dir === 'asc'
      ? (m === null ? sql`${col} IS NOT NULL` : sql`${col} > ${m}`)
      : (m === null ? sql`0` : sql`(${col} < ${m} OR ${col} IS NULL)`);
    return sql`(${sql.join([...equal, beyond], sql` AND `)})`;
  }), sql` OR `)})`;
}
