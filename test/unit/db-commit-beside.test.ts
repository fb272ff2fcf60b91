// transactionSyncedOffLoop's `beside`: work (an object blob's directory fsync) started once the
// transaction has committed and waited for with its WAL's fsync; never run for a rolled-back one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, transactionSyncedOffLoop } from '../../src/core/db/database.js';

test('beside work starts after the commit, the caller continues after it ends, a rollback runs none', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-db-beside-'));
  const { db, close } = openDatabase(join(dir, 'x.db'));
  t.after(async () => { await close(); rmSync(dir, { recursive: true, force: true }); });
  await sql`CREATE TABLE t (a INTEGER)`.execute(db);

  const order: string[] = [];
  await transactionSyncedOffLoop(db, async (tx) => {
    await sql`INSERT INTO t VALUES (1)`.execute(tx);
    order.push('work');
  }, async () => {
    // NOTE: the row is committed when the beside work starts: another connection's read sees it.
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(db);
    order.push(`beside sees ${rows[0]!.n}`);
    await new Promise((r) => setTimeout(r, 20));
    order.push('beside ends');
  });
  order.push('caller continues');
  assert.deepEqual(order, ['work', 'beside sees 1', 'beside ends', 'caller continues']);

  await assert.rejects(transactionSyncedOffLoop(db, async (tx) => {
    await sql`INSERT INTO t VALUES (2)`.execute(tx);
    throw new Error('refused');
  }, async () => { order.push('beside of a rolled-back transaction'); }), /refused/);
  assert.equal(order.includes('beside of a rolled-back transaction'), false);

  await assert.rejects(transactionSyncedOffLoop(db, async (tx) => { await sql`INSERT INTO t VALUES (3)`.execute(tx); }, async () => { throw new Error('dir fsync failed'); }), /dir fsync failed/);
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(db);
  assert.equal(rows[0]!.n, 2);
});
