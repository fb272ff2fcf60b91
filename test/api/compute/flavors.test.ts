import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeCloud, type ComputeCloud } from '../../support/compute-server.js';

// Flavors as Nova v2.1 answers them: DevStack's seeds, filters, pagination, microversioned
// fields, create/delete by admin, extra specs and private flavor access.
let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let users: ComputeCloud['users'];

before(async () => {
  ({ cloud, admin, demo, users } = await computeCloud());
});
after(async () => { await cloud.stop(); });

describe('flavors', () => {
  test('DevStack flavors are seeded with their sizes', async () => {
    const r = await demo.get('/flavors/detail');
    assert.equal(r.status, 200);
    const byName = Object.fromEntries(r.body.flavors.map((f: any) => [f.name, f]));
    for (const [name, id, ram, disk, vcpus] of [['m1.tiny', '1', 512, 1, 1], ['m1.nano', '42', 128, 1, 1], ['m1.micro', '84', 192, 1, 1], ['cirros256', 'c1', 256, 1, 1], ['ds4G', 'd4', 4096, 20, 4], ['m1.xlarge', '5', 16384, 160, 8]] as const) {
      assert.deepEqual([byName[name].id, byName[name].ram, byName[name].disk, byName[name].vcpus], [id, ram, disk, vcpus], name);
    }
    assert.equal(r.body.flavors.length, 12);
    const tiny = byName['m1.tiny'];
    assert.equal(tiny.swap, '');
    assert.equal(tiny['OS-FLV-EXT-DATA:ephemeral'], 0);
    assert.equal(tiny['OS-FLV-DISABLED:disabled'], false);
    assert.equal(tiny['os-flavor-access:is_public'], true);
    assert.equal(tiny.rxtx_factor, 1);
    assert.equal(tiny.links[0].href, `${cloud.url}/compute/v2.1/flavors/1`);
    assert.equal(tiny.links[1].href, `${cloud.url}/compute/flavors/1`);
    assert.equal('description' in tiny, false);
  });

  test('list is sorted by flavorid, filters and paginates', async () => {
    let r = await demo.get('/flavors');
    assert.deepEqual(r.body.flavors.map((f: any) => f.id), ['1', '2', '3', '4', '42', '5', '84', 'c1', 'd1', 'd2', 'd3', 'd4']);
    assert.deepEqual(Object.keys(r.body.flavors[0]).sort(), ['id', 'links', 'name']);
    r = await demo.get('/flavors?minRam=4096&minDisk=40');
    assert.deepEqual(r.body.flavors.map((f: any) => f.name), ['m1.medium', 'm1.large', 'm1.xlarge']);
    r = await demo.get('/flavors?limit=2&marker=3');
    assert.deepEqual(r.body.flavors.map((f: any) => f.id), ['4', '42']);
    assert.match(r.body.flavors_links[0].href, /marker=42/);
    r = await demo.get('/flavors?marker=nope');
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, 'marker [nope] not found');
    r = await demo.get('/flavors?minRam=abc');
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, 'Invalid minRam filter [abc]');
    r = await demo.get('/flavors/detail?sort_key=memory_mb&sort_dir=desc&limit=1');
    assert.equal(r.body.flavors[0].name, 'm1.xlarge');
  });

  test('show, 404 and microversioned fields', async () => {
    let r = await demo.get('/flavors/nope');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { itemNotFound: { code: 404, message: 'Flavor nope could not be found.' } });
    r = await demo.at('2.61').get('/flavors/1');
    assert.equal(r.body.flavor.description, null);
    assert.deepEqual(r.body.flavor.extra_specs, { 'hw_rng:allowed': 'True' });
    r = await demo.at('2.75').get('/flavors/1');
    assert.equal(r.body.flavor.swap, 0);
  });

  test('create is admin-only, with given or generated ids, and conflicts', async () => {
    let r = await demo.post('/flavors', { flavor: { name: 'x', ram: 1, vcpus: 1, disk: 0 } });
    assert.equal(r.status, 403);
    assert.equal(r.body.forbidden.message, "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.");
    r = await admin.post('/flavors', { flavor: { name: 'zero', id: '0', ram: 64, vcpus: 1, disk: 0, swap: 16, 'OS-FLV-EXT-DATA:ephemeral': 2 } });
    assert.equal(r.status, 200);
    assert.equal(r.body.flavor.id, '0');
    assert.equal(r.body.flavor.swap, 16);
    assert.equal(r.body.flavor['OS-FLV-EXT-DATA:ephemeral'], 2);
    r = await admin.at('2.55').post('/flavors', { flavor: { name: 'auto', ram: '64', vcpus: 1, disk: 0, description: 'd' } });
    assert.equal(r.status, 200);
    assert.match(r.body.flavor.id, /^[0-9a-f-]{36}$/);
    assert.equal(r.body.flavor.description, 'd');
    const autoId = r.body.flavor.id;
    r = await admin.post('/flavors', { flavor: { name: 'zero', ram: 64, vcpus: 1, disk: 0 } });
    assert.equal(r.status, 409);
    assert.equal(r.body.conflictingRequest.message, 'Flavor with name zero already exists.');
    r = await admin.post('/flavors', { flavor: { name: 'other', id: '0', ram: 64, vcpus: 1, disk: 0 } });
    assert.equal(r.body.conflictingRequest.message, 'Flavor with ID 0 already exists.');
    r = await admin.post('/flavors', { flavor: { name: 'bad', ram: -1, vcpus: 1, disk: 0 } });
    assert.equal(r.status, 400);
    r = await admin.post('/flavors', { flavor: { name: 'bad', ram: 'sixteen', vcpus: 1, disk: 0 } });
    assert.equal(r.status, 400);
    r = await admin.at('2.55').put(`/flavors/${autoId}`, { flavor: { description: 'new' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.flavor.description, 'new');
    r = await admin.put(`/flavors/${autoId}`, { flavor: { description: 'new' } });
    assert.equal(r.status, 405);
    r = await demo.delete(`/flavors/${autoId}`);
    assert.equal(r.status, 403);
    r = await admin.delete(`/flavors/${autoId}`);
    assert.equal(r.status, 202);
    assert.equal((await admin.get(`/flavors/${autoId}`)).status, 404);
  });

  test('extra specs CRUD', async () => {
    await admin.post('/flavors', { flavor: { name: 'spec', id: 'spec', ram: 64, vcpus: 1, disk: 0 } });
    let r = await admin.post('/flavors/spec/os-extra_specs', { extra_specs: { 'hw:cpu_policy': 'shared', k2: 'v2' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { extra_specs: { 'hw:cpu_policy': 'shared', k2: 'v2' } });
    r = await demo.post('/flavors/spec/os-extra_specs', { extra_specs: { a: 'b' } });
    assert.equal(r.status, 403);
    r = await demo.get('/flavors/spec/os-extra_specs/k2');
    assert.deepEqual(r.body, { k2: 'v2' });
    r = await admin.put('/flavors/spec/os-extra_specs/k2', { k2: 'v3' });
    assert.deepEqual(r.body, { k2: 'v3' });
    r = await admin.put('/flavors/spec/os-extra_specs/k2', { other: 'v3' });
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, 'Request body and URI mismatch');
    r = await admin.delete('/flavors/spec/os-extra_specs/k2');
    assert.equal(r.status, 200);
    r = await admin.get('/flavors/spec/os-extra_specs/k2');
    assert.equal(r.status, 404);
    assert.equal(r.body.itemNotFound.message, 'Flavor spec has no extra specs with key k2.');
    r = await admin.get('/flavors/spec/os-extra_specs');
    assert.deepEqual(r.body, { extra_specs: { 'hw:cpu_policy': 'shared' } });
  });

  test('private flavors and access', async () => {
    const demoProject = (await users.demo.identity.get('/auth/projects')).body.projects.find((p: any) => p.name === 'demo').id;
    let r = await admin.post('/flavors', { flavor: { name: 'priv', id: 'priv', ram: 64, vcpus: 1, disk: 0, 'os-flavor-access:is_public': false } });
    assert.equal(r.body.flavor['os-flavor-access:is_public'], false);
    assert.equal((await demo.get('/flavors/priv')).status, 404);
    assert.ok(!(await demo.get('/flavors')).body.flavors.some((f: any) => f.id === 'priv'));
    assert.ok(!(await admin.get('/flavors')).body.flavors.some((f: any) => f.id === 'priv'));
    assert.ok((await admin.get('/flavors?is_public=None')).body.flavors.some((f: any) => f.id === 'priv'));
    assert.ok((await admin.get('/flavors?is_public=false')).body.flavors.every((f: any) => f.id === 'priv'));
    r = await admin.post('/flavors/priv/action', { addTenantAccess: { tenant: demoProject } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { flavor_access: [{ flavor_id: 'priv', tenant_id: demoProject }] });
    r = await admin.post('/flavors/priv/action', { addTenantAccess: { tenant: demoProject } });
    assert.equal(r.status, 409);
    assert.equal((await demo.get('/flavors/priv')).status, 200);
    assert.ok((await demo.get('/flavors')).body.flavors.some((f: any) => f.id === 'priv'));
    r = await admin.get('/flavors/priv/os-flavor-access');
    assert.equal(r.body.flavor_access.length, 1);
    r = await admin.get('/flavors/1/os-flavor-access');
    assert.equal(r.status, 404);
    r = await admin.post('/flavors/1/action', { addTenantAccess: { tenant: demoProject } });
    assert.equal(r.status, 409);
    r = await demo.post('/flavors/priv/action', { removeTenantAccess: { tenant: demoProject } });
    assert.equal(r.status, 403);
    r = await admin.post('/flavors/priv/action', { removeTenantAccess: { tenant: demoProject } });
    assert.deepEqual(r.body, { flavor_access: [] });
    r = await admin.post('/flavors/priv/action', { removeTenantAccess: { tenant: demoProject } });
    assert.equal(r.status, 404);
    assert.equal((await demo.get('/flavors/priv')).status, 404);
  });
});
