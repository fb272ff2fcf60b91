import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { PlacementClient, provider, startPlacement, uuid } from './placement-client.js';

// POST /reshaper (1.30): move in-use inventory from a root to a child in one step.

let cloud: TestCloud;
let admin: PlacementClient;
before(async () => { ({ cloud, admin } = await startPlacement()); });
after(async () => { await cloud.stop(); });

describe('reshaper', () => {
  test('inventory and its allocations move together; a reshape that strands an allocation is 409 and changes nothing', async () => {
    const root = await provider(admin, 'rs-root', { VCPU: { total: 8 }, VGPU: { total: 4 } });
    const child = await provider(admin, 'rs-gpu', {}, { parent_provider_uuid: root });
    const c = uuid();
    const alloc = (rp: Record<string, Record<string, number>>, gen: number | null) => ({
      allocations: Object.fromEntries(Object.entries(rp).map(([k, resources]) => [k, { resources }])), project_id: 'p', user_id: 'u', consumer_generation: gen, consumer_type: 'INSTANCE',
    });
    assert.equal((await admin.put(`/allocations/${c}`, alloc({ [root]: { VCPU: 1, VGPU: 2 } }, null))).status, 204);
    const rootGen = (await admin.get(`/resource_providers/${root}`)).body.generation;
    const childGen = (await admin.get(`/resource_providers/${child}`)).body.generation;

    const stranded = await admin.post('/reshaper', {
      inventories: { [root]: { resource_provider_generation: rootGen, inventories: { VCPU: { total: 8 } } }, [child]: { resource_provider_generation: childGen, inventories: { VGPU: { total: 4 } } } },
      allocations: {},
    });
    assert.equal(stranded.status, 409);
    assert.equal(stranded.body.errors[0].code, 'placement.inventory.inuse');
    assert.ok((await admin.get(`/resource_providers/${root}/inventories`)).body.inventories.VGPU, 'nothing changed');

    assert.equal((await admin.at('1.29').post('/reshaper', { inventories: {}, allocations: {} })).status, 404);
    const r = await admin.post('/reshaper', {
      inventories: { [root]: { resource_provider_generation: rootGen, inventories: { VCPU: { total: 8 } } }, [child]: { resource_provider_generation: childGen, inventories: { VGPU: { total: 4 } } } },
      allocations: { [c]: alloc({ [root]: { VCPU: 1 }, [child]: { VGPU: 2 } }, 0) },
    });
    assert.equal(r.status, 204, JSON.stringify(r.body));
    assert.deepEqual(Object.keys((await admin.get(`/resource_providers/${root}/inventories`)).body.inventories), ['VCPU']);
    const a = (await admin.get(`/allocations/${c}`)).body;
    assert.deepEqual(a.allocations[child].resources, { VGPU: 2 });
    assert.deepEqual(a.allocations[root].resources, { VCPU: 1 });
    assert.equal(a.consumer_generation, 1);
    const stale = await admin.post('/reshaper', { inventories: { [root]: { resource_provider_generation: rootGen, inventories: {} } }, allocations: {} });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.errors[0].code, 'placement.concurrent_update');
    assert.equal((await admin.post('/reshaper', { inventories: {} })).status, 400);
  });
});
