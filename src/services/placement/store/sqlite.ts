// The SQL of the placement store that only SQLite understands, in one place: a PostgreSQL engine
// replaces these. The usage triggers are DDL and stay in migrations.ts (migrations are per engine);
// the upserts (onConflict) are the same ON CONFLICT on PostgreSQL and stay in placement.store.ts.
import { sql, type RawBuilder } from 'kysely';

/** Rows in the order they were inserted: SQLite's implicit rowid (a serial column elsewhere). */
export const insertionOrder: RawBuilder<unknown> = sql`rowid`;
