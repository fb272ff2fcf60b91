// The SQL of identity that only SQLite understands, in one place: a PostgreSQL engine replaces
// these. The upserts (Kysely's onConflict) are the same SQL on PostgreSQL and stay where they are.
import { sql } from 'kysely';
import type { Db } from '../../../core/db/database.js';

/**
 * A reader of a stamp that changes whenever a row of the database changes: SQLite's count of rows
 * changed on our connection plus its data_version (commits by other connections). The query is
 * compiled once.
 */
export function changeStamp(db: Db): () => Promise<string> {
  const query = sql<{ c: number; v: number }>`select total_changes() as c, (select data_version from pragma_data_version()) as v`.compile(db);
  return async () => {
    const { rows } = await db.executeQuery(query);
    return `${rows[0]!.c}:${rows[0]!.v}`;
  };
}
