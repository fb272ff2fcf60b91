import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { openDatabase } from '../../src/core/db/database.js';
import { TaskManager } from '../../src/core/work/task-manager.js';

// Persisted tasks: recorded with the state change, run after the commit, resumed after a restart.

test('a task recorded in a transaction runs after start() and is gone when complete', async () => {
  const { db, close } = openDatabase(':memory:');
  await TaskManager.migrate(db);
  await db.schema.createTable('things').addColumn('id', 'text').addColumn('state', 'text').execute();
  const tm = new TaskManager(db, pino({ level: 'silent' }), 'test');
  tm.register<{ to: string }>('move', {
    async run(t) { await db.transaction().execute(async (tx) => { await tx.updateTable('things').set({ state: t.payload.to }).where('id', '=', t.resourceId).execute(); await tm.complete(t.id, tx); }); },
  });
  const task = await db.transaction().execute(async (tx) => {
    await tx.insertInto('things').values({ id: 'a', state: 'building' }).execute();
    return tm.record(tx, 'move', 'a', { to: 'active' });
  });
  assert.equal((await tm.pendingFor('a')).length, 1);
  tm.start(task);
  await tm.idle();
  assert.equal((await db.selectFrom('things').selectAll().executeTakeFirst())!.state, 'active');
  assert.equal((await tm.pendingFor('a')).length, 0);
  await close();
});

test('resume hands leftovers to the resume handler; a throwing handler reaches failed()', async () => {
  const { db, close } = openDatabase(':memory:');
  await TaskManager.migrate(db);
  const first = new TaskManager(db, pino({ level: 'silent' }), 'test');
  await first.record(db, 'build', 'r1', {});
  await first.record(db, 'build', 'r2', {});
  const seen: string[] = [];
  const second = new TaskManager(db, pino({ level: 'silent' }), 'test');
  second.register('build', {
    async run() { throw new Error('not on resume'); },
    async resume(t) { if (t.resourceId === 'r2') throw new Error('boom'); seen.push(`resumed ${t.resourceId} #${t.attempts}`); await second.complete(t.id); },
    async failed(t, err) { seen.push(`failed ${t.resourceId}: ${(err as Error).message}`); },
  });
  assert.equal(await second.resume(), 2);
  assert.deepEqual(seen, ['resumed r1 #1', 'failed r2: boom']);
  assert.equal((await second.pendingFor('r1')).length + (await second.pendingFor('r2')).length, 0);
  await close();
});
