import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Kysely<any>;

/** One migration: an id and the SQL statements it runs, in one transaction. */
export interface Migration { id: string; statements: string[] }

export function openDatabase(file: string): { db: Db; close: () => Promise<void> } {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // NOTE: synchronous=FULL makes every commit durable across a power loss, as "nothing is lost" asks.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, close: () => db.destroy() };
}

export async function migrate(db: Db, service: string, migrations: Migration[]): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (service TEXT NOT NULL, id TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (service, id))`.execute(db);
  const done = new Set(
    (await db.selectFrom('schema_migrations').select('id').where('service', '=', service).execute()).map((r) => r.id as string),
  );
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    await db.transaction().execute(async (tx) => {
      for (const stmt of m.statements) await sql.raw(stmt).execute(tx);
      await tx.insertInto('schema_migrations').values({ service, id: m.id, applied_at: new Date().toISOString() }).execute();
    });
  }
}
