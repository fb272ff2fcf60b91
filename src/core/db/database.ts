import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type QueryResult, type SqliteDialectConfig } from 'kysely';
import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
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
  // NOTE: every commit is as durable across a power loss as synchronous=FULL makes it ("nothing is
  // lost"), but its fsync is not SQLite's on the event loop: SQLite commits with synchronous=NORMAL
  // (the WAL written, safe against a crash of the process) and the driver resolves the commit once
  // an fdatasync of the WAL from the thread pool has made it durable (see YieldingSqliteDriver).
  sqlite.pragma(file === ':memory:' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.function('regexp', { deterministic: true }, (pattern, value) => (typeof value === 'string' && searchPattern(String(pattern)).test(value) ? 1 : 0));
  const wal = file === ':memory:' ? undefined : new WalSync(`${file}-wal`);
  const writes: Writes = { dirty: false, count: 0, unstamped: new Set() };
  const dialect = new YieldingSqliteDialect({ database: withStatementCache(sqlite, writes) }, sqlite, wal, writes);
  const db = new Kysely<any>({ dialect });
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  // NOTE: data_version is read once per turn of the event loop (a task and the microtasks it
  // queues): a request read in this turn arrived before the first read of it, so a commit by another
  // connection after that read is concurrent with the request, and a reply from the state before it
  // is still a correct one. A process.nextTick queued from a microtask runs once every microtask of
  // the turn has run. Each read is two fcntl calls (1.5-3 µs under load); an authenticated listing
  // read it twice (the token's validation, then the list).
  let externalVersion: number | undefined;
  const forget = () => { externalVersion = undefined; };
  const forgetAtEndOfTurn = () => process.nextTick(forget);
  writesOf.set(db, writes);
  stamps.set(db, () => {
    if (externalVersion === undefined) { externalVersion = dataVersion.get() as number; queueMicrotask(forgetAtEndOfTurn); }
    return `${writes.count}:${externalVersion}`;
  });
  // NOTE: Kysely's constructor creates the driver (createDriver), so every database opened here has one.
  drivers.set(db, dialect.driver!);
  return { db, close: async () => { await db.destroy(); wal?.close(); } };
}

/**
 * A transaction whose caller continues once it is durable (every transaction is: a group commit,
 * see YieldingSqliteDriver); a failed fsync of the WAL throws CommitNotDurable.
 * For hot write paths (object PUTs); other readers may see the row before that fsync ends.
 * `beside`: other work made durable in the same wait (an object blob's directory fsync), started
 * once the transaction has committed: its fsync then shares the WAL's (one journal commit carries
 * both) rather than following it. It runs only if the transaction commits, and its error is thrown
 * as it is once the WAL's fsync has ended.
 */
export async function transactionSyncedOffLoop<Tables, T>(db: Db<Tables>, work: (tx: Db<Tables>) => Promise<T>, beside?: () => Promise<void>): Promise<T> {
  if (!beside) return db.transaction().execute(work);
  const driver = drivers.get(db);
  if (!driver) throw new Error('transactionSyncedOffLoop: a database not opened by openDatabase');
  // NOTE: the connection is this transaction's alone until it is released, so the hook set at the
  // end of its work is its own.
  return db.transaction().execute(async (tx) => { const result = await work(tx); driver.besideCommit(beside); return result; });
}

/** The transaction committed but the fsync that makes it durable failed (the disk's error). */
export class CommitNotDurable extends Error {
  constructor(readonly cause: unknown) { super(`fsync of the WAL failed: ${(cause as Error)?.message ?? String(cause)}`); }
}

/** fdatasyncs of a WAL file in the thread pool, one at a time, each shared by all who wait. */
class WalSync {
  private fd?: number;
  private running?: Promise<void>;
  private next?: Promise<void>;

  constructor(private readonly path: string) {}

  /** Resolves after an fdatasync that started after this call. */
  sync(): Promise<void> {
    if (!this.running) return (this.running = this.run());
    // NOTE: the fsync running may have started before the caller's commit: wait for the next one.
    this.next ??= this.running.catch(() => undefined).then(() => { this.next = undefined; return this.sync(); });
    return this.next;
  }

  /** An fdatasync now, on the calling thread (a commit that must be durable before anything else runs). */
  syncNow(): void {
    this.fd ??= openSync(this.path, 'r');
    fdatasyncSync(this.fd);
  }

  private run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.fd ??= openSync(this.path, 'r');
      fdatasync(this.fd, (err) => (err ? reject(err) : resolve()));
    }).finally(() => { this.running = undefined; });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * better-sqlite3 answers synchronously, so a queue of transactions (50 clients creating servers,
 * the builds they start) runs as one chain of promise callbacks in which Node never reaches its
 * event loop: answers already sent to a socket stay corked (Node uncorks on the next tick) until
 * the whole queue has committed. After each commit the transaction's caller continues from the
 * event loop, so the answers written meanwhile leave and new requests come in.
 *
 * Group commit: SQLite commits with synchronous=NORMAL; a transaction that wrote continues only
 * after an fdatasync of the WAL that started after its commit, run in the thread pool. Every
 * commit made while one fsync runs shares the next one, so N concurrent transactions cost one
 * fsync, not N, and none blocks the event loop. The connection is released before that wait:
 * other readers may see a row before its fsync ends.
 */
class YieldingSqliteDriver extends SqliteDriver {
  #committed = false;
  #beside?: () => Promise<void>;
  #besideDone?: Promise<void>;

  constructor(config: SqliteDialectConfig, private readonly sqlite: Database.Database, private readonly wal: WalSync | undefined, private readonly writes: Writes) { super(config); }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await super.commitTransaction(connection);
    this.#committed = true;
    const beside = this.#beside;
    this.#beside = undefined;
    if (beside) { this.#besideDone = beside(); this.#besideDone.catch(() => undefined); }
  }

  /** Work started once the current transaction commits, and waited for with its fsync (transactionSyncedOffLoop). */
  besideCommit(work: () => Promise<void>): void { this.#beside = work; }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await super.rollbackTransaction(connection);
    this.writes.dirty = false;
    this.#beside = undefined;
  }

  override async releaseConnection(): Promise<void> {
    const committed = this.#committed;
    this.#committed = false;
    const besideDone = this.#besideDone;
    this.#besideDone = undefined;
    const wrote = this.writes.dirty && !this.sqlite.inTransaction;
    if (wrote) this.writes.dirty = false;
    // NOTE: a write outside a transaction (autocommit) is synced here, on the loop, as SQLite's
    // synchronous=FULL did: callers run several in a row and expect no other request in between.
    if (wrote && !committed && this.wal) {
      try { this.wal.syncNow(); } catch (err) { await super.releaseConnection(); throw new CommitNotDurable(err); }
    }
    await super.releaseConnection();
    if (!committed) return;
    if (!wrote || !this.wal) { await new Promise<void>((resolve) => setImmediate(resolve)); await besideDone; return; }
    try { await this.wal.sync(); } catch (err) { throw new CommitNotDurable(err); }
    await besideDone;
  }
}

/**
 * A statement written once as SQL, run on a database or a transaction with its parameters in order:
 * Kysely builds and compiles a query on every call (10-20 µs a statement, 15% of the loop's time in
 * an object PUT), this only binds. For hot paths only; the rest keeps the typed builder.
 */
export function statement<Row = Record<string, unknown>>(text: string): (db: Db<any>, params: readonly unknown[]) => Promise<QueryResult<Row>> {
  return (db, params) => db.executeQuery<Row>(CompiledQuery.raw(text, params as unknown[]) as CompiledQuery<Row>);
}

const drivers = new WeakMap<Db, YieldingSqliteDriver>();

/**
 * The connection's writes: `dirty` while a written transaction or autocommit awaits its fsync;
 * `count`, every writing statement run (counted as it starts, rolled back or not) but those into
 * the `unstamped` tables.
 */
interface Writes { dirty: boolean; count: number; unstamped: Set<string> }

const stamps = new WeakMap<Db, () => string>();
const writesOf = new WeakMap<Db, Writes>();

/**
 * Tables whose writes leave changeStamp as it is: tables that only their own service reads, and
 * never through a cache kept by the stamp (the object store's, which every PUT writes: it would
 * otherwise empty identity's caches of token validations on every upload). Their writes still wait
 * for the WAL's fsync. NOTE: a table that a trigger or a cascade from one of them writes must not be
 * shared either (the stamp sees the statement's own table only).
 */
export function leaveOutOfChangeStamp(db: Db, tables: readonly string[]): void {
  const writes = writesOf.get(db);
  if (!writes) throw new Error('leaveOutOfChangeStamp: not a database from openDatabase');
  for (const t of tables) writes.unstamped.add(t);
}

/** The table an INSERT, REPLACE, UPDATE or DELETE writes (undefined for any other statement). */
const WRITTEN_TABLE = /^\s*(?:insert(?:\s+or\s+\w+)?\s+into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+"?(\w+)"?/i;
const stamped = (writes: Writes, source: string): boolean => {
  if (writes.unstamped.size === 0) return true;
  const table = WRITTEN_TABLE.exec(source)?.[1];
  return table === undefined || !writes.unstamped.has(table);
};

/**
 * A reader of a stamp that changes whenever a row of the database may have changed: the writing
 * statements run on this connection and SQLite's data_version (commits by other connections). A
 * cache of what was read from rows keeps it beside them and trusts them while it is the same; read
 * it before the rows, so that a write racing the read can only make an entry stale, never wrong.
 * About a microsecond, without Kysely or a query plan: caches read it on every request.
 */
export function changeStamp(db: Db): () => string {
  const stamp = stamps.get(db);
  if (!stamp) throw new Error('changeStamp: not a database from openDatabase');
  return stamp;
}

class YieldingSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig, private readonly sqlite: Database.Database, private readonly wal: WalSync | undefined, private readonly writes: Writes) { super(config); this.#config = config; }
  driver?: YieldingSqliteDriver;
  override createDriver(): SqliteDriver { return (this.driver = new YieldingSqliteDriver(this.#config, this.sqlite, this.wal, this.writes)); }
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
function withStatementCache(sqlite: Database.Database, writes: Writes): Database.Database {
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
    // NOTE: a statement that writes (INSERT … RETURNING too; not BEGIN, COMMIT or a pragma) makes the
    // connection's release wait for the WAL's fsync (a group commit).
    if (!stmt.readonly && !PRAGMA.test(source)) { writes.dirty = true; if (stamped(writes, source)) writes.count++; }
    return stmt;
  };
  // NOTE: schema changes (migrations) invalidate prepared statements, so those are never cached.
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'prepare') return (source: string) => (/^\s*(create|drop|alter)\b/i.test(source) ? (writes.dirty = true, writes.count++, target.prepare(source)) : prepare(source));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const PRAGMA = /^\s*pragma\b/i;

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
