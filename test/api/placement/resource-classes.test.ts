import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { PlacementClient, provider, startPlacement } from './placement-client.js';

// Resource classes (1.2+) and traits (1.6+): standard ones listed, CUSTOM_* ones managed.

let cloud: TestCloud;
let admin: PlacementClient;
before(async () => { ({ cloud, admin } = await startPlacement()); });
after(async () => { await cloud.stop(); });

describe('resource classes', () => {
  test('the standard classes are listed with links; only from 1.2', async () => {
    assert.equal((await admin.at('1.1').get('/resource_classes')).status, 404);
    const r = await admin.at('1.2').get('/resource_classes');
    assert.equal(r.status, 200);
    const names = r.body.resource_classes.map((c: any) => c.name);
    for (const n of ['VCPU', 'MEMORY_MB', 'DISK_GB', 'PCI_DEVICE', 'SRIOV_NET_VF', 'NUMA_SOCKET', 'NUMA_MEMORY_MB', 'IPV4_ADDRESS', 'VGPU', 'PCPU']) assert.ok(names.includes(n), n);
    assert.deepEqual(r.body.resource_classes[0], { name: 'VCPU', links: [{ rel: 'self', href: '/placement/resource_classes/VCPU' }] });
  });

  test('custom classes: POST 201, again 409, show, rename before 1.7, PUT-create from 1.7, delete', async () => {
    const r = await admin.post('/resource_classes', { name: 'CUSTOM_GOLD' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), '/placement/resource_classes/CUSTOM_GOLD');
    const dup = await admin.post('/resource_classes', { name: 'CUSTOM_GOLD' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.errors[0].code, 'placement.duplicate_name');
    assert.equal((await admin.post('/resource_classes', { name: 'GOLD' })).status, 400);
    assert.equal((await admin.get('/resource_classes/CUSTOM_GOLD')).status, 200);
    const ren = await admin.at('1.6').put('/resource_classes/CUSTOM_GOLD', { name: 'CUSTOM_SILVER' });
    assert.equal(ren.status, 200);
    assert.equal(ren.body.name, 'CUSTOM_SILVER');
    assert.equal((await admin.get('/resource_classes/CUSTOM_GOLD')).status, 404);
    assert.equal((await admin.at('1.7').put('/resource_classes/CUSTOM_BRONZE')).status, 201);
    assert.equal((await admin.at('1.7').put('/resource_classes/CUSTOM_BRONZE')).status, 204);
    assert.equal((await admin.at('1.7').put('/resource_classes/VCPU')).status, 400);
    assert.equal((await admin.delete('/resource_classes/VCPU')).status, 400);
    assert.equal((await admin.delete('/resource_classes/CUSTOM_BRONZE')).status, 204);
    assert.equal((await admin.delete('/resource_classes/CUSTOM_BRONZE')).status, 404);
  });

  test("a body the schema refuses: placement's JSON does not validate, or 404 below the route's microversion", async () => {
    const bad = await admin.post('/resource_classes', { name: 'GOLD' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].detail, /\n\n JSON does not validate: "GOLD" does not match '\^CUSTOM_\[A-Z0-9_\]\+\$' {2}$/);
    const extra = await admin.post('/resource_classes', { name: 'CUSTOM_X', x: 1 });
    assert.match(extra.body.errors[0].detail, /JSON does not validate: Additional properties are not allowed \('x' was unexpected\)/);
    assert.equal((await admin.at('1.1').post('/resource_classes', { name: 'GOLD' })).status, 404);
  });

  test('a class in inventory cannot be deleted', async () => {
    await admin.put('/resource_classes/CUSTOM_USED');
    const id = await provider(admin, 'rc-user', { CUSTOM_USED: { total: 3 } });
    assert.equal((await admin.delete('/resource_classes/CUSTOM_USED')).status, 409);
    assert.equal((await admin.get(`/resource_providers/${id}/inventories/CUSTOM_USED`)).body.total, 3);
  });
});

describe('traits', () => {
  test('standard traits include what compute reports; name filters; only from 1.6', async () => {
    assert.equal((await admin.at('1.5').get('/traits')).status, 404);
    const all = (await admin.get('/traits')).body.traits as string[];
    for (const t of ['COMPUTE_STATUS_DISABLED', 'COMPUTE_NET_ATTACH_INTERFACE', 'HW_CPU_X86_AVX2', 'HW_CPU_X86_SSE42', 'STORAGE_DISK_SSD', 'COMPUTE_IMAGE_TYPE_QCOW2']) assert.ok(all.includes(t), t);
    const some = (await admin.get('/traits?name=startswith:STORAGE_DISK')).body.traits;
    assert.deepEqual(some, ['STORAGE_DISK_HDD', 'STORAGE_DISK_SSD']);
    assert.deepEqual((await admin.get('/traits?name=in:STORAGE_DISK_SSD,NOPE')).body.traits, ['STORAGE_DISK_SSD']);
    assert.equal((await admin.get('/traits?name=STORAGE')).status, 400);
    assert.equal((await admin.get('/traits?associated=maybe')).status, 400);
  });

  test('custom traits: PUT 201 then 204, show 204/404, standard ones cannot be made or deleted', async () => {
    const r = await admin.put('/traits/CUSTOM_FAST');
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), '/placement/traits/CUSTOM_FAST');
    assert.equal((await admin.put('/traits/CUSTOM_FAST')).status, 204);
    assert.equal((await admin.get('/traits/CUSTOM_FAST')).status, 204);
    assert.equal((await admin.get('/traits/CUSTOM_SLOW')).status, 404);
    assert.equal((await admin.put('/traits/FAST')).status, 400);
    assert.equal((await admin.delete('/traits/HW_CPU_X86_AVX2')).status, 400);
    assert.equal((await admin.delete('/traits/CUSTOM_FAST')).status, 204);
    assert.equal((await admin.delete('/traits/CUSTOM_FAST')).status, 404);
  });

  test('provider traits: generation checked, unknown traits 400, associated filter, in-use trait 409', async () => {
    await admin.put('/traits/CUSTOM_RACK1');
    const id = await provider(admin, 'tr-rp');
    const r = await admin.put(`/resource_providers/${id}/traits`, { traits: ['CUSTOM_RACK1', 'HW_CPU_X86_AVX2'], resource_provider_generation: 0 });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { traits: ['CUSTOM_RACK1', 'HW_CPU_X86_AVX2'], resource_provider_generation: 1 });
    const stale = await admin.put(`/resource_providers/${id}/traits`, { traits: [], resource_provider_generation: 0 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.errors[0].code, 'placement.concurrent_update');
    assert.equal((await admin.put(`/resource_providers/${id}/traits`, { traits: ['CUSTOM_NOPE'], resource_provider_generation: 1 })).status, 400);
    assert.deepEqual((await admin.get(`/resource_providers/${id}/traits`)).body, r.body);
    assert.ok((await admin.get('/traits?associated=true')).body.traits.includes('CUSTOM_RACK1'));
    assert.ok(!(await admin.get('/traits?associated=false')).body.traits.includes('CUSTOM_RACK1'));
    assert.equal((await admin.delete('/traits/CUSTOM_RACK1')).status, 409);
    assert.equal((await admin.delete(`/resource_providers/${id}/traits`)).status, 204);
    assert.deepEqual((await admin.get(`/resource_providers/${id}/traits`)).body, { traits: [], resource_provider_generation: 2 });
  });
});

describe('aggregates', () => {
  test('before 1.19 a bare list without generation; from 1.19 with generation and 409 when stale', async () => {
    const id = await provider(admin, 'agg-rp');
    const a1 = crypto.randomUUID(); const a2 = crypto.randomUUID();
    assert.equal((await admin.at('1.0').get(`/resource_providers/${id}/aggregates`)).status, 404);
    const old = await admin.at('1.1').put(`/resource_providers/${id}/aggregates`, [a1]);
    assert.equal(old.status, 200);
    assert.deepEqual(old.body, { aggregates: [a1] });
    const r = await admin.at('1.19').get(`/resource_providers/${id}/aggregates`);
    assert.deepEqual(r.body, { aggregates: [a1], resource_provider_generation: 0 });
    const u = await admin.at('1.19').put(`/resource_providers/${id}/aggregates`, { aggregates: [a1, a2], resource_provider_generation: 0 });
    assert.equal(u.status, 200);
    assert.deepEqual(u.body, { aggregates: [a1, a2].sort(), resource_provider_generation: 1 });
    const stale = await admin.at('1.23').put(`/resource_providers/${id}/aggregates`, { aggregates: [], resource_provider_generation: 0 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.errors[0].code, 'placement.concurrent_update');
    assert.equal((await admin.at('1.19').put(`/resource_providers/${id}/aggregates`, [a1])).status, 400);
    assert.equal((await admin.at('1.19').put(`/resource_providers/${id}/aggregates`, { aggregates: ['nope'], resource_provider_generation: 1 })).status, 400);
  });
});
