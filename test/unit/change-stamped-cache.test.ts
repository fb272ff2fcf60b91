// ChangeStampedCache: values read from rows, kept while changeStamp stays the same.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/core/db/database.js';
import { ChangeStampedCache } from '../../src/core/db/change-stamped-cache.js';

test('a kept value comes back, frozen, while the stamp stays; a write, its expiry or a full cache drops it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-stamped-cache-'));
  const { db, close } = openDatabase(join(dir, 'x.db'));
  t.after(async () => { await close(); rmSync(dir, { recursive: true, force: true }); });
  await sql`CREATE TABLE t (a INTEGER)`.execute(db);
  const cache = new ChangeStampedCache<{ rows: number[] }>(db, 2);

  const stamp = cache.stamp();
  assert.equal(cache.get('k', stamp), undefined);
  const kept = cache.set('k', stamp, { rows: [1] });
  assert.equal(cache.get('k', cache.stamp()), kept, 'the same object');
  assert.ok(Object.isFrozen(kept) && Object.isFrozen(kept.rows), 'deep-frozen');
  assert.throws(() => { (kept.rows as number[]).push(2); });

  await db.insertInto('t').values({ a: 1 }).execute();
  assert.equal(cache.get('k', cache.stamp()), undefined, 'a write changed the stamp');

  const now = cache.stamp();
  cache.set('soon', now, { rows: [] }, 1_000);
  assert.ok(cache.get('soon', now, 999));
  assert.equal(cache.get('soon', now, 1_000), undefined, 'expired');

  cache.set('a', now, { rows: [] });
  cache.set('b', now, { rows: [] });
  assert.equal(cache.get('soon', now, 0), undefined, 'a full cache starts again');
  assert.ok(cache.get('b', now));
});
