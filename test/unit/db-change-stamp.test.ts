// changeStamp: what caches of rows (token validations, user lists) trust while it stays the same.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { changeStamp, leaveOutOfChangeStamp, openDatabase } from '../../src/core/db/database.js';

test('the stamp changes with every write of the connection (rolled back too) and every commit of another, never with a read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-db-stamp-'));
  const file = join(dir, 'x.db');
  const { db, close } = openDatabase(file);
  t.after(async () => { await close(); rmSync(dir, { recursive: true, force: true }); });
  await sql`CREATE TABLE t (a INTEGER)`.execute(db);
  const stamp = changeStamp(db);

  const seen = new Set([stamp()]);
  const changes = async (what: string, work: () => Promise<unknown>) => {
    await work();
    const now = stamp();
    assert.ok(!seen.has(now), `${what} changes the stamp`);
    seen.add(now);
  };
  const same = async (what: string, work: () => Promise<unknown>) => {
    const before = stamp();
    await work();
    assert.equal(stamp(), before, `${what} leaves the stamp`);
  };

  await same('a read', () => db.selectFrom('t').selectAll().execute());
  await changes('an insert', () => db.insertInto('t').values({ a: 1 }).execute());
  await changes('an update', () => db.updateTable('t').set({ a: 2 }).execute());
  await changes('a transaction', () => db.transaction().execute(async (tx) => { await tx.insertInto('t').values({ a: 3 }).execute(); }));
  await changes('a rolled-back transaction', () => db.transaction().execute(async (tx) => {
    await tx.deleteFrom('t').execute();
    throw new Error('roll back');
  }).catch(() => undefined));
  await changes('a delete', () => db.deleteFrom('t').where('a', '=', 3).execute());
  await same('a read of what is left', () => db.selectFrom('t').selectAll().execute());

  // NOTE: another connection (another process on the same file): its commit changes SQLite's
  // data_version, read once per turn of the event loop (a request read in a turn arrived before it).
  const other = new Database(file);
  t.after(() => other.close());
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  await changes('a commit by another connection', async () => { other.prepare('INSERT INTO t VALUES (9)').run(); await nextTurn(); });
  const inTurn = stamp();
  other.prepare('INSERT INTO t VALUES (10)').run();
  await Promise.resolve();
  assert.equal(stamp(), inTurn, 'the same turn keeps the version it read first');
  await nextTurn();
  assert.notEqual(stamp(), inTurn, 'the next turn reads it again');
  await changes('a write of the connection in the same turn as a read', async () => { stamp(); await db.insertInto('t').values({ a: 11 }).execute(); });
  assert.throws(() => changeStamp({} as never), /not a database from openDatabase/);
});

test('writes to the tables left out of the stamp leave it as it is; the others still change it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-db-stamp-'));
  const { db, close } = openDatabase(join(dir, 'x.db'));
  t.after(async () => { await close(); rmSync(dir, { recursive: true, force: true }); });
  await sql`CREATE TABLE hot (a INTEGER)`.execute(db);
  await sql`CREATE TABLE shared (a INTEGER)`.execute(db);
  leaveOutOfChangeStamp(db, ['hot']);
  const stamp = changeStamp(db);
  const before = stamp();
  await db.insertInto('hot').values({ a: 1 }).execute();
  await db.updateTable('hot').set({ a: 2 }).execute();
  await db.transaction().execute(async (tx) => { await tx.deleteFrom('hot').execute(); await tx.insertInto('hot').values({ a: 3 }).execute(); });
  assert.equal(stamp(), before, 'writes to the left-out table');
  assert.deepEqual(await db.selectFrom('hot').select('a').execute(), [{ a: 3 }], 'they were written');
  await db.insertInto('shared').values({ a: 1 }).execute();
  assert.notEqual(stamp(), before, 'a write to another table');
  assert.throws(() => leaveOutOfChangeStamp({} as never, ['x']), /not a database from openDatabase/);
});
