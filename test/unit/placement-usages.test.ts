import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { migrate, openDatabase } from '../../src/core/db/database.js';
import { placementMigrations } from '../../src/services/placement/store/migrations.js';
import { PlacementStore } from '../../src/services/placement/store/placement.store.js';

// Usage per provider is kept by triggers on the allocations table: every way an allocation row
// goes (replaced, changed in place, removed with its consumer by the foreign key) shows in it.

test('provider usage follows allocations: insert, replace, update in place, cascade on consumer delete', async () => {
  const { db, close } = openDatabase(':memory:');
  try {
    await migrate(db, 'placement', placementMigrations);
    const store = new PlacementStore(db);
    const t = '2026-01-01T00:00:00Z';
    for (const p of ['p1', 'p2']) await sql`INSERT INTO placement_providers VALUES (${p}, ${p}, 0, NULL, ${p}, ${t}, ${t})`.execute(db);
    for (const c of ['c1', 'c2']) await sql`INSERT INTO placement_consumers VALUES (${c}, 'proj', 'user', 0, NULL, ${t}, ${t})`.execute(db);
    const row = (consumer: string, provider: string, rc: string, used: number) => ({ consumer_uuid: consumer, provider_uuid: provider, resource_class: rc, used, created_at: t, updated_at: t });

    await store.replaceAllocations('c1', [row('c1', 'p1', 'VCPU', 2), row('c1', 'p1', 'MEMORY_MB', 512)]);
    await store.replaceAllocations('c2', [row('c2', 'p1', 'VCPU', 1), row('c2', 'p2', 'VCPU', 4)]);
    assert.deepEqual(await store.usageOnProvider('p1'), { VCPU: 3, MEMORY_MB: 512 });
    assert.deepEqual(await store.usageOnProvider('p2'), { VCPU: 4 });

    await store.replaceAllocations('c1', [row('c1', 'p2', 'VCPU', 2)]);
    assert.deepEqual(await store.usageOnProvider('p1'), { VCPU: 1 });
    await sql`UPDATE placement_allocations SET used = 8 WHERE consumer_uuid = 'c2' AND provider_uuid = 'p2'`.execute(db);
    assert.deepEqual(await store.usageOnProvider('p2'), { VCPU: 10 });

    await store.deleteConsumer('c2');
    assert.deepEqual(await store.usageOnProvider('p1'), {});
    assert.deepEqual(Object.fromEntries(await store.usageByProvider()), { p2: { VCPU: 2 } });
  } finally { await close(); }
});
