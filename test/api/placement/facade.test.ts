import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../../src/core/db/database.js';
import { PlacementModule, type PlacementFacade } from '../../../src/services/placement/index.js';
import { serviceContext } from '../../support/service-context.js';

// The facade compute codes against, over a placement service of its own (no HTTP).

let dir: string;
let close: () => Promise<void>;
let f: PlacementFacade;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stratus-plc-'));
  const { db, close: c } = openDatabase(join(dir, 'stratus.db'));
  close = c;
  f = (await PlacementModule.open(serviceContext(db, dir))).facade;
});
after(async () => { await close(); rmSync(dir, { recursive: true, force: true }); });

const project = 'proj'; const user = 'user';

describe('PlacementFacade', () => {
  test('ensureComputeProvider: a stable uuid per host name; inventory updated in place; traits set', async () => {
    const a = await f.ensureComputeProvider({ name: 'host-a', inventory: { VCPU: 4, MEMORY_MB: 8192, DISK_GB: 100 }, traits: ['COMPUTE_STATUS_DISABLED', 'CUSTOM_FAST'] });
    const again = await f.ensureComputeProvider({ name: 'host-a', inventory: { VCPU: 8, MEMORY_MB: 8192, DISK_GB: 100 } });
    assert.equal(again, a);
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const given = crypto.randomUUID();
    assert.equal(await f.ensureComputeProvider({ name: 'host-given', uuid: given, inventory: { VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 } }), given);
    // max_unit is the host's total, as Nova reports it.
    const c = await f.allocationCandidates({ resources: { VCPU: 8 } });
    assert.deepEqual(c, [{ providerUuid: a, providerName: 'host-a', usage: { VCPU: 0, MEMORY_MB: 0, DISK_GB: 0 } }]);
    // Nova's default ratio: 4 x VCPU, so four 8-VCPU guests fit and a fifth does not.
    const claims = [];
    for (let i = 0; i < 5; i++) claims.push(await f.claim({ consumerUuid: crypto.randomUUID(), projectId: project, userId: user, providerUuid: a, resources: { VCPU: 8 } }));
    assert.deepEqual(claims, [true, true, true, true, false]);
  });

  test('candidates, claims, usages and release', async () => {
    const h = await f.ensureComputeProvider({ name: 'host-b', inventory: { VCPU: 2, MEMORY_MB: 1024, DISK_GB: 10 }, allocationRatio: { VCPU: 1 } });
    const want = { VCPU: 2, MEMORY_MB: 512, DISK_GB: 5 };
    assert.ok((await f.allocationCandidates({ resources: want })).some((x) => x.providerUuid === h));
    const s1 = crypto.randomUUID();
    assert.equal(await f.claim({ consumerUuid: s1, projectId: project, userId: user, providerUuid: h, resources: want }), true);
    assert.deepEqual(await f.allocationsOf(s1), { [h]: want });
    assert.deepEqual(await f.usagesOf(h), { DISK_GB: 5, MEMORY_MB: 512, VCPU: 2 });
    assert.ok(!(await f.allocationCandidates({ resources: want })).some((x) => x.providerUuid === h));
    assert.equal(await f.claim({ consumerUuid: crypto.randomUUID(), projectId: project, userId: user, providerUuid: h, resources: { VCPU: 1 } }), false);
    await f.release(s1);
    await f.release(s1);
    assert.deepEqual(await f.allocationsOf(s1), {});
    assert.deepEqual(await f.usagesOf(h), { DISK_GB: 0, MEMORY_MB: 0, VCPU: 0 });
  });

  test('claims race: of many concurrent claims for the last room, exactly one wins', async () => {
    const h = await f.ensureComputeProvider({ name: 'host-race', inventory: { VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 }, allocationRatio: { VCPU: 1 } });
    const results = await Promise.all(Array.from({ length: 10 }, () =>
      f.claim({ consumerUuid: crypto.randomUUID(), projectId: project, userId: user, providerUuid: h, resources: { VCPU: 1, MEMORY_MB: 256 } })));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal((await f.usagesOf(h)).VCPU, 1);
  });

  test('aggregates restrict candidates to members of any of them', async () => {
    const x = await f.ensureComputeProvider({ name: 'host-x', inventory: { VCPU: 64, MEMORY_MB: 65536, DISK_GB: 1000 } });
    const y = await f.ensureComputeProvider({ name: 'host-y', inventory: { VCPU: 64, MEMORY_MB: 65536, DISK_GB: 1000 } });
    const az1 = crypto.randomUUID(); const az2 = crypto.randomUUID();
    await f.setProviderAggregates(x, [az1]);
    await f.setProviderAggregates(y, [az2, az1]);
    assert.deepEqual(await f.providerAggregates(y), [az1, az2].sort());
    const in2 = await f.allocationCandidates({ resources: { VCPU: 40 }, memberOf: [az2] });
    assert.deepEqual(in2.map((c) => c.providerName), ['host-y']);
    const inAny = await f.allocationCandidates({ resources: { VCPU: 40 }, memberOf: [az1, az2] });
    assert.deepEqual(inAny.map((c) => c.providerName).sort(), ['host-x', 'host-y']);
    assert.equal((await f.allocationCandidates({ resources: { VCPU: 40 }, limit: 1 })).length, 1);
    await f.setProviderAggregates(y, []);
    assert.deepEqual(await f.providerAggregates(y), []);
  });

  test('candidates without aggregates or limit (the scheduler\'s) are those of the full search, and follow inventory changes and claims', async () => {
    const same = async (resources: Record<string, number>) => {
      const quick = await f.allocationCandidates({ resources });
      assert.deepEqual(quick, await f.allocationCandidates({ resources, limit: 1_000_000 }), JSON.stringify(resources));
      return quick;
    };
    const h = await f.ensureComputeProvider({ name: 'host-shape', inventory: { VCPU: 2, MEMORY_MB: 2048, DISK_GB: 20 }, allocationRatio: { VCPU: 1 } });
    const asks: Record<string, number>[] = [{ VCPU: 1 }, { VCPU: 2, MEMORY_MB: 2048 }, { VCPU: 3 }, { MEMORY_MB: 1, DISK_GB: 20 }, { VCPU: 0 }, {}, { CUSTOM_NONE: 1 }];
    for (const r of asks) await same(r);
    assert.equal((await same({ VCPU: 2, MEMORY_MB: 2048, DISK_GB: 20 })).some((c) => c.providerUuid === h), true);
    assert.equal((await same({ VCPU: 3, MEMORY_MB: 4096 })).some((c) => c.providerUuid === h), false);
    // The inventory grows: a request that did not fit now does (what is kept between requests follows it).
    await f.ensureComputeProvider({ name: 'host-shape', inventory: { VCPU: 4, MEMORY_MB: 4096, DISK_GB: 20 }, allocationRatio: { VCPU: 1 } });
    assert.equal((await same({ VCPU: 3, MEMORY_MB: 4096 })).some((c) => c.providerUuid === h), true);
    const consumer = crypto.randomUUID();
    assert.equal(await f.claim({ consumerUuid: consumer, projectId: project, userId: user, providerUuid: h, resources: { VCPU: 3, MEMORY_MB: 1024 } }), true);
    const after = (await same({ VCPU: 1 })).find((c) => c.providerUuid === h);
    assert.deepEqual(after?.usage, { DISK_GB: 0, MEMORY_MB: 1024, VCPU: 3 });
    assert.equal((await same({ VCPU: 2 })).some((c) => c.providerUuid === h), false);
    await f.release(consumer);
  });
});
