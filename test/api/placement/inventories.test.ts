import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { PlacementClient, provider, startPlacement, uuid } from './placement-client.js';

// Inventories of a provider: PUT all / POST one / PUT one / DELETE, generations and 409s.

let cloud: TestCloud;
let admin: PlacementClient;
before(async () => { ({ cloud, admin } = await startPlacement()); });
after(async () => { await cloud.stop(); });

const gen = async (id: string) => (await admin.get(`/resource_providers/${id}`)).body.generation;

describe('inventories', () => {
  test('PUT all sets every class with placement\'s defaults and bumps the generation', async () => {
    const id = await provider(admin, 'inv-all');
    const r = await admin.put(`/resource_providers/${id}/inventories`, { resource_provider_generation: 0, inventories: { VCPU: { total: 8, allocation_ratio: 4 }, DISK_GB: { total: 100, reserved: 10 } } });
    assert.equal(r.status, 200);
    assert.equal(r.body.resource_provider_generation, 1);
    assert.deepEqual(r.body.inventories.VCPU, { allocation_ratio: 4, max_unit: 2147483647, min_unit: 1, reserved: 0, step_size: 1, total: 8 });
    assert.equal(r.body.inventories.DISK_GB.reserved, 10);
    const g = await admin.get(`/resource_providers/${id}/inventories`);
    assert.deepEqual(g.body, r.body);
    const one = await admin.get(`/resource_providers/${id}/inventories/VCPU`);
    assert.equal(one.status, 200);
    assert.equal(one.body.total, 8);
    assert.equal(one.body.resource_provider_generation, 1);
    assert.equal((await admin.get(`/resource_providers/${id}/inventories/MEMORY_MB`)).status, 404);
  });

  test('a stale generation is a 409 placement.concurrent_update and changes nothing', async () => {
    const id = await provider(admin, 'inv-gen', { VCPU: { total: 2 } });
    const r = await admin.put(`/resource_providers/${id}/inventories`, { resource_provider_generation: 0, inventories: { VCPU: { total: 4 } } });
    assert.equal(r.status, 409);
    assert.equal(r.body.errors[0].code, 'placement.concurrent_update');
    assert.equal((await admin.get(`/resource_providers/${id}/inventories/VCPU`)).body.total, 2);
    const p = await admin.post(`/resource_providers/${id}/inventories`, { resource_class: 'DISK_GB', total: 1, resource_provider_generation: 0 });
    assert.equal(p.status, 409);
    const u = await admin.put(`/resource_providers/${id}/inventories/VCPU`, { total: 5, resource_provider_generation: 0 });
    assert.equal(u.status, 409);
  });

  test('POST one: 201 with Location; again is 409; PUT one of a missing class is 400', async () => {
    const id = await provider(admin, 'inv-one');
    const r = await admin.post(`/resource_providers/${id}/inventories`, { resource_class: 'MEMORY_MB', total: 2048, resource_provider_generation: 0 });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `/placement/resource_providers/${id}/inventories/MEMORY_MB`);
    assert.equal(r.body.total, 2048);
    assert.equal(r.body.resource_provider_generation, 1);
    assert.equal((await admin.post(`/resource_providers/${id}/inventories`, { resource_class: 'MEMORY_MB', total: 1, resource_provider_generation: 1 })).status, 409);
    assert.equal((await admin.put(`/resource_providers/${id}/inventories/VCPU`, { total: 1, resource_provider_generation: 1 })).status, 400);
    const u = await admin.put(`/resource_providers/${id}/inventories/MEMORY_MB`, { total: 4096, resource_provider_generation: 1 });
    assert.equal(u.status, 200);
    assert.equal(u.body.total, 4096);
    assert.equal(u.body.resource_provider_generation, 2);
  });

  test('bad inventories are 400: unknown class, reserved over total, min over max, bad fields', async () => {
    const id = await provider(admin, 'inv-bad');
    const put = (inventories: unknown) => admin.put(`/resource_providers/${id}/inventories`, { resource_provider_generation: 0, inventories });
    assert.equal((await put({ CUSTOM_NOPE: { total: 1 } })).status, 400);
    assert.equal((await put({ VCPU: { total: 1, reserved: 2 } })).status, 400);
    assert.equal((await put({ VCPU: { total: 4, min_unit: 3, max_unit: 2 } })).status, 400);
    assert.equal((await put({ VCPU: { total: 0 } })).status, 400);
    assert.equal((await put({ VCPU: { total: '1' } })).status, 400);
    assert.equal((await put({ VCPU: { total: 1, colour: 'red' } })).status, 400);
    assert.equal((await put({ VCPU: {} })).status, 400);
    // 1.26: reserved may equal total.
    assert.equal((await admin.at('1.25').put(`/resource_providers/${id}/inventories`, { resource_provider_generation: 0, inventories: { VCPU: { total: 2, reserved: 2 } } })).status, 400);
    assert.equal((await admin.at('1.26').put(`/resource_providers/${id}/inventories`, { resource_provider_generation: 0, inventories: { VCPU: { total: 2, reserved: 2 } } })).status, 200);
  });

  test('inventory in use cannot be removed (placement.inventory.inuse); DELETE all from 1.5', async () => {
    const id = await provider(admin, 'inv-use', { VCPU: { total: 4 }, DISK_GB: { total: 10 } });
    const consumer = uuid();
    assert.equal((await admin.put(`/allocations/${consumer}`, { allocations: { [id]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null, consumer_type: 'INSTANCE' })).status, 204);
    const g = await gen(id);
    const r = await admin.put(`/resource_providers/${id}/inventories`, { resource_provider_generation: g, inventories: { DISK_GB: { total: 10 } } });
    assert.equal(r.status, 409);
    assert.equal(r.body.errors[0].code, 'placement.inventory.inuse');
    const d = await admin.delete(`/resource_providers/${id}/inventories/VCPU`);
    assert.equal(d.status, 409);
    assert.equal(d.body.errors[0].code, 'placement.inventory.inuse');
    assert.equal((await admin.delete(`/resource_providers/${id}/inventories`)).status, 409);
    assert.equal((await admin.delete(`/resource_providers/${id}/inventories/DISK_GB`)).status, 204);
    assert.equal((await admin.delete(`/resource_providers/${id}/inventories/DISK_GB`)).status, 404);
    assert.equal((await admin.delete(`/allocations/${consumer}`)).status, 204);
    assert.equal((await admin.at('1.4').delete(`/resource_providers/${id}/inventories`)).status, 404, 'DELETE all from 1.5');
    assert.equal((await admin.at('1.5').delete(`/resource_providers/${id}/inventories`)).status, 204);
    assert.deepEqual((await admin.get(`/resource_providers/${id}/inventories`)).body.inventories, {});
  });

  test('inventories of an unknown provider: 404', async () => {
    assert.equal((await admin.get(`/resource_providers/${uuid()}/inventories`)).status, 404);
    assert.equal((await admin.put(`/resource_providers/${uuid()}/inventories`, { resource_provider_generation: 0, inventories: {} })).status, 404);
  });
});
