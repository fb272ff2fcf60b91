import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { PlacementClient, provider, startPlacement, uuid } from './placement-client.js';

// Allocations per consumer across microversions, POST /allocations, capacity, and usages.

let cloud: TestCloud;
let admin: PlacementClient;
before(async () => { ({ cloud, admin } = await startPlacement()); });
after(async () => { await cloud.stop(); });

const body = (rp: string, resources: Record<string, number>, extra: Record<string, unknown> = {}) =>
  ({ allocations: { [rp]: { resources } }, project_id: 'proj-a', user_id: 'user-a', consumer_generation: null, consumer_type: 'INSTANCE', ...extra });

describe('allocations', () => {
  test('PUT then GET at 1.39: owner, consumer generation and type; provider generation bumped', async () => {
    const rp = await provider(admin, 'al-basic', { VCPU: { total: 4 }, MEMORY_MB: { total: 2048 } });
    const c = uuid();
    assert.equal((await admin.put(`/allocations/${c}`, body(rp, { VCPU: 2, MEMORY_MB: 512 }))).status, 204);
    const r = await admin.get(`/allocations/${c}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      allocations: { [rp]: { generation: 2, resources: { VCPU: 2, MEMORY_MB: 512 } } },
      project_id: 'proj-a', user_id: 'user-a', consumer_generation: 0, consumer_type: 'INSTANCE',
    });
    const old = await admin.at('1.11').get(`/allocations/${c}`);
    assert.deepEqual(old.body, { allocations: { [rp]: { generation: 2, resources: { VCPU: 2, MEMORY_MB: 512 } } } });
    assert.deepEqual((await admin.get(`/allocations/${uuid()}`)).body, { allocations: {} });
    const onRp = await admin.get(`/resource_providers/${rp}/allocations`);
    assert.deepEqual(onRp.body, { allocations: { [c]: { resources: { VCPU: 2, MEMORY_MB: 512 } } }, resource_provider_generation: 2 });
  });

  test('consumer generation (1.28): null for a new consumer, the current one after; a stale one is 409', async () => {
    const rp = await provider(admin, 'al-gen', { VCPU: { total: 8 } });
    const c = uuid();
    assert.equal((await admin.put(`/allocations/${c}`, body(rp, { VCPU: 1 }))).status, 204);
    const again = await admin.put(`/allocations/${c}`, body(rp, { VCPU: 2 }));
    assert.equal(again.status, 409);
    assert.equal(again.body.errors[0].code, 'placement.concurrent_update');
    assert.equal((await admin.put(`/allocations/${c}`, body(rp, { VCPU: 2 }, { consumer_generation: 0 }))).status, 204);
    assert.equal((await admin.get(`/allocations/${c}`)).body.consumer_generation, 1);
    assert.equal((await admin.put(`/allocations/${c}`, body(rp, { VCPU: 2 }, { consumer_generation: 0 }))).status, 409);
    const missing = { ...body(rp, { VCPU: 1 }) } as Record<string, unknown>;
    delete missing.consumer_generation;
    assert.equal((await admin.put(`/allocations/${uuid()}`, missing)).status, 400, 'consumer_generation is required from 1.28');
    // Empty allocations remove the consumer from 1.28.
    assert.equal((await admin.put(`/allocations/${c}`, { allocations: {}, project_id: 'proj-a', user_id: 'user-a', consumer_generation: 1, consumer_type: 'INSTANCE' })).status, 204);
    assert.deepEqual((await admin.get(`/allocations/${c}`)).body, { allocations: {} });
  });

  test('older formats: a list before 1.12; project and user required from 1.8; consumer_type required from 1.38', async () => {
    const rp = await provider(admin, 'al-old', { DISK_GB: { total: 100 } });
    const c = uuid();
    const list = { allocations: [{ resource_provider: { uuid: rp }, resources: { DISK_GB: 10 } }] };
    assert.equal((await admin.at('1.7').put(`/allocations/${c}`, list)).status, 204);
    assert.equal((await admin.at('1.8').put(`/allocations/${c}`, list)).status, 400);
    assert.equal((await admin.at('1.8').put(`/allocations/${c}`, { ...list, project_id: 'p', user_id: 'u' })).status, 204);
    assert.equal((await admin.at('1.12').put(`/allocations/${c}`, { ...list, project_id: 'p', user_id: 'u' })).status, 400, 'dict from 1.12');
    assert.equal((await admin.at('1.12').put(`/allocations/${c}`, { allocations: { [rp]: { resources: { DISK_GB: 20 } } }, project_id: 'p', user_id: 'u' })).status, 204);
    assert.equal((await admin.at('1.12').put(`/allocations/${c}`, { allocations: {}, project_id: 'p', user_id: 'u' })).status, 400, 'empty only from 1.28');
    const noType = body(rp, { DISK_GB: 1 }) as Record<string, unknown>;
    delete noType.consumer_type;
    assert.equal((await admin.at('1.38').put(`/allocations/${uuid()}`, noType)).status, 400);
    assert.equal((await admin.at('1.37').put(`/allocations/${uuid()}`, noType)).status, 204);
    assert.equal((await admin.at('1.37').put(`/allocations/${uuid()}`, body(rp, { DISK_GB: 1 }))).status, 400, 'consumer_type unknown before 1.38');
  });

  test('capacity: (total - reserved) * ratio; over it is 409 and nothing changes; min/max/step enforced', async () => {
    const rp = await provider(admin, 'al-cap', { VCPU: { total: 4, reserved: 2, allocation_ratio: 2 }, MEMORY_MB: { total: 1024, max_unit: 512, step_size: 256 } });
    const a = uuid();
    assert.equal((await admin.put(`/allocations/${a}`, body(rp, { VCPU: 4 }))).status, 204);
    const r = await admin.put(`/allocations/${uuid()}`, body(rp, { VCPU: 1 }));
    assert.equal(r.status, 409);
    assert.match(r.body.errors[0].detail, /exceed the capacity/);
    assert.equal((await admin.put(`/allocations/${uuid()}`, body(rp, { MEMORY_MB: 768 }))).status, 409, 'over max_unit');
    assert.equal((await admin.put(`/allocations/${uuid()}`, body(rp, { MEMORY_MB: 100 }))).status, 409, 'not a step');
    assert.equal((await admin.put(`/allocations/${uuid()}`, body(rp, { DISK_GB: 1 }))).status, 409, 'no such inventory');
    assert.equal((await admin.put(`/allocations/${uuid()}`, body(uuid(), { VCPU: 1 }))).status, 400, 'unknown provider');
    assert.equal((await admin.put(`/allocations/${uuid()}`, body(rp, { VCPU: 0 }))).status, 400);
    assert.deepEqual((await admin.get(`/resource_providers/${rp}/usages`)).body.usages, { MEMORY_MB: 0, VCPU: 4 });
  });

  test('DELETE: 204 then 404', async () => {
    const rp = await provider(admin, 'al-del', { VCPU: { total: 4 } });
    const c = uuid();
    await admin.put(`/allocations/${c}`, body(rp, { VCPU: 1 }));
    assert.equal((await admin.delete(`/allocations/${c}`)).status, 204);
    const r = await admin.delete(`/allocations/${c}`);
    assert.equal(r.status, 404);
    assert.equal(r.body.errors[0].title, 'Not Found');
  });

  test('POST /allocations (1.13) moves allocations between consumers atomically', async () => {
    const rp = await provider(admin, 'al-post', { VCPU: { total: 2 } });
    const instance = uuid(); const migration = uuid();
    assert.equal((await admin.put(`/allocations/${instance}`, body(rp, { VCPU: 2 }))).status, 204);
    assert.equal((await admin.at('1.12').post('/allocations', {})).status, 404);
    // Swap: the instance's VCPU goes to the migration consumer in one request (fits only because it is one).
    const r = await admin.post('/allocations', {
      [instance]: { allocations: {}, project_id: 'proj-a', user_id: 'user-a', consumer_generation: 0, consumer_type: 'INSTANCE' },
      [migration]: { allocations: { [rp]: { resources: { VCPU: 2 } } }, project_id: 'proj-a', user_id: 'user-a', consumer_generation: null, consumer_type: 'MIGRATION' },
    });
    assert.equal(r.status, 204, JSON.stringify(r.body));
    assert.deepEqual((await admin.get(`/allocations/${instance}`)).body, { allocations: {} });
    assert.equal((await admin.get(`/allocations/${migration}`)).body.consumer_type, 'MIGRATION');
    // All or nothing: one bad consumer leaves both untouched.
    const other = uuid();
    const bad = await admin.post('/allocations', {
      [other]: { allocations: { [rp]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null, consumer_type: 'INSTANCE' },
      [migration]: { allocations: {}, project_id: 'proj-a', user_id: 'user-a', consumer_generation: 7, consumer_type: 'MIGRATION' },
    });
    assert.equal(bad.status, 409);
    assert.deepEqual((await admin.get(`/allocations/${other}`)).body, { allocations: {} });
    assert.equal((await admin.get(`/allocations/${migration}`)).body.allocations[rp].resources.VCPU, 2);
  });

  test('usages: per provider, per project (1.9), by consumer type (1.38); project_id required', async () => {
    const rp = await provider(admin, 'al-use', { VCPU: { total: 16 }, DISK_GB: { total: 100 } });
    await admin.put(`/allocations/${uuid()}`, body(rp, { VCPU: 2 }, { project_id: 'proj-u', user_id: 'u1' }));
    await admin.put(`/allocations/${uuid()}`, body(rp, { VCPU: 1, DISK_GB: 5 }, { project_id: 'proj-u', user_id: 'u2', consumer_type: 'MIGRATION' }));
    assert.deepEqual((await admin.get(`/resource_providers/${rp}/usages`)).body, { usages: { DISK_GB: 5, VCPU: 3 }, resource_provider_generation: 3 });
    assert.equal((await admin.at('1.8').get('/usages?project_id=proj-u')).status, 404);
    assert.deepEqual((await admin.at('1.9').get('/usages?project_id=proj-u')).body, { usages: { VCPU: 3, DISK_GB: 5 } });
    assert.deepEqual((await admin.at('1.9').get('/usages?project_id=proj-u&user_id=u1')).body, { usages: { VCPU: 2 } });
    const typed = (await admin.at('1.38').get('/usages?project_id=proj-u')).body.usages;
    assert.deepEqual(typed, { INSTANCE: { VCPU: 2, consumer_count: 1 }, MIGRATION: { VCPU: 1, DISK_GB: 5, consumer_count: 1 } });
    assert.deepEqual((await admin.at('1.38').get('/usages?project_id=proj-u&consumer_type=all')).body.usages, { all: { VCPU: 3, DISK_GB: 5, consumer_count: 2 } });
    assert.deepEqual((await admin.at('1.38').get('/usages?project_id=proj-u&consumer_type=MIGRATION')).body.usages, { MIGRATION: { VCPU: 1, DISK_GB: 5, consumer_count: 1 } });
    assert.deepEqual((await admin.at('1.38').get('/usages?project_id=proj-u&consumer_type=unknown')).body.usages, {});
    assert.equal((await admin.at('1.37').get('/usages?project_id=proj-u&consumer_type=all')).status, 400);
    assert.equal((await admin.get('/usages')).status, 400);
  });
});
