import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type SqliteDialectConfig } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A database handle. A service's store names its tables' columns (`Db<ComputeDatabase>`), so that
 * Kysely checks every table, column and value; the bare `Db` is for code that knows no service's
 * tables (migrations, the task manager) and for what is passed between services.
 */
export type Db<Tables = any> = Kysely<Tables>;

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
  sqlite.function('regexp', { deterministic: true }, (pattern, value) => (typeof value === 'string' && searchPattern(String(pattern)).test(value) ? 1 : 0));
  const db = new Kysely<any>({ dialect: new YieldingSqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, close: () => db.destroy() };
}

/**
 * better-sqlite3 answers synchronously, so a queue of transactions (50 clients creating servers,
 * the builds they start) runs as one chain of promise callbacks in which Node never reaches its
 * event loop: answers already sent to a socket stay corked (Node uncorks on the next tick) until
 * the whole queue has committed. After each commit the transaction's caller continues from the
 * event loop (setImmediate), so the answers written meanwhile leave and new requests come in.
 */
class YieldingSqliteDriver extends SqliteDriver {
  #committed = false;

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await super.commitTransaction(connection);
    this.#committed = true;
  }

  override async releaseConnection(): Promise<void> {
    const committed = this.#committed;
    this.#committed = false;
    await super.releaseConnection();
    if (committed) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

class YieldingSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) { super(config); this.#config = config; }
  override createDriver(): SqliteDriver { return new YieldingSqliteDriver(this.#config); }
}

const STATEMENT_CACHE_SIZE = 500;
const patterns = new Map<string, RegExp>();

/** `x REGEXP p` in SQL: p as a JavaScript regular expression, or literally when it is not one. */
function searchPattern(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    try { re = new RegExp(pattern); } catch { re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')); }
    if (patterns.size >= STATEMENT_CACHE_SIZE) patterns.clear();
    patterns.set(pattern, re);
  }
  return re;
}

/**
 * The database as Kysely's SQLite driver sees it, with prepared statements kept by SQL text:
 * the driver prepares every query anew, and preparing costs as much as running a small query.
 */
function withStatementCache(sqlite: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = (source: string): Database.Statement => {
    let stmt = cache.get(source);
    if (stmt) {
      cache.delete(source);
    } else {
      stmt = sqlite.prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, stmt);
    return stmt;
  };
  // NOTE: schema changes (migrations) invalidate prepared statements, so those are never cached.
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'prepare') return (source: string) => (/^\s*(create|drop|alter)\b/i.test(source) ? target.prepare(source) : prepare(source));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
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
