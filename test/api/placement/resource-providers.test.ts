import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../support/cloud.js';
import type { TestCloud } from '../../support/cloud.js';
import { PlacementClient, provider, startPlacement, uuid } from './placement-client.js';

// Resource providers as Placement (Zed) answers them: version discovery, microversion headers,
// create/show/update/delete, trees and the list filters.

let cloud: TestCloud;
let admin: PlacementClient;

before(async () => { ({ cloud, admin } = await startPlacement()); });
after(async () => { await cloud.stop(); });

describe('version discovery and microversions', () => {
  test('GET /placement needs no token and lists 1.0-1.39', async () => {
    const r = await new Client(`${cloud.url}/placement`).get('');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { versions: [{ id: 'v1.0', max_version: '1.39', min_version: '1.0', status: 'CURRENT', links: [{ rel: 'self', href: '' }] }] });
    assert.equal(r.headers.get('openstack-api-version'), 'placement 1.0');
    assert.equal(r.headers.get('vary'), 'openstack-api-version');
  });

  test('the version asked is echoed; latest is 1.39; out of range or malformed is a 406 with min/max', async () => {
    assert.equal((await admin.at('1.14').get('/resource_providers')).headers.get('openstack-api-version'), 'placement 1.14');
    assert.equal((await admin.at('latest').get('/resource_providers')).headers.get('openstack-api-version'), 'placement 1.39');
    for (const mv of ['1.40', '2.0', 'x.y']) {
      const r = await admin.at(mv).get('/resource_providers');
      assert.equal(r.status, 406, mv);
      assert.equal(r.body.errors[0].status, 406);
      assert.equal(r.body.errors[0].max_version, '1.39');
      assert.equal(r.body.errors[0].min_version, '1.0');
    }
  });

  test('1.15 adds cache headers to GETs', async () => {
    const old = await admin.at('1.14').get('/resource_providers');
    assert.equal(old.headers.get('cache-control'), null);
    const r = await admin.at('1.15').get('/resource_providers');
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.ok(r.headers.get('last-modified'));
  });

  test('no token: 401', async () => {
    const r = await new Client(`${cloud.url}/placement`).get('/resource_providers');
    assert.equal(r.status, 401);
  });
});

describe('create, show, update, delete', () => {
  test('before 1.20 create answers 201 with a Location and no body; from 1.20 200 with the provider', async () => {
    const id = uuid();
    const old = await admin.at('1.19').post('/resource_providers', { name: 'rp-old', uuid: id });
    assert.equal(old.status, 201);
    assert.equal(old.body, undefined);
    assert.equal(old.headers.get('location'), `/placement/resource_providers/${id}`);
    const r = await admin.at('1.20').post('/resource_providers', { name: 'rp-new' });
    assert.equal(r.status, 200);
    assert.equal(r.body.name, 'rp-new');
    assert.equal(r.body.generation, 0);
    assert.match(r.body.uuid, /^[0-9a-f-]{36}$/);
  });

  test('links and tree fields depend on the microversion', async () => {
    const id = await provider(admin, 'rp-links');
    const rels = async (mv: string) => (await admin.at(mv).get(`/resource_providers/${id}`)).body.links.map((l: any) => l.rel);
    assert.deepEqual(await rels('1.0'), ['self', 'inventories', 'usages']);
    assert.deepEqual(await rels('1.1'), ['self', 'inventories', 'usages', 'aggregates']);
    assert.deepEqual(await rels('1.6'), ['self', 'inventories', 'usages', 'aggregates', 'traits']);
    assert.deepEqual(await rels('1.11'), ['self', 'inventories', 'usages', 'aggregates', 'traits', 'allocations']);
    assert.ok(!('root_provider_uuid' in (await admin.at('1.13').get(`/resource_providers/${id}`)).body));
    const r = await admin.at('1.14').get(`/resource_providers/${id}`);
    assert.equal(r.body.root_provider_uuid, id);
    assert.equal(r.body.parent_provider_uuid, null);
  });

  test('duplicate name or uuid: 409, with placement.duplicate_name from 1.23', async () => {
    const id = await provider(admin, 'rp-dup');
    const r = await admin.at('1.23').post('/resource_providers', { name: 'rp-dup' });
    assert.equal(r.status, 409);
    assert.equal(r.body.errors[0].code, 'placement.duplicate_name');
    assert.equal(r.body.errors[0].title, 'Conflict');
    assert.match(r.body.errors[0].detail, /Conflicting resource provider name: rp-dup already exists/);
    assert.match(r.body.errors[0].request_id, /^req-/);
    const old = await admin.at('1.22').post('/resource_providers', { name: 'other', uuid: id });
    assert.equal(old.status, 409);
    assert.ok(!('code' in old.body.errors[0]), 'no code before 1.23');
  });

  test('bad bodies are 400 and change nothing', async () => {
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 'ok', extra: 1 }, { name: 'ok2', uuid: 'nope' }]) {
      const r = await admin.post('/resource_providers', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.errors[0].status, 400);
    }
    assert.equal((await admin.at('1.13').post('/resource_providers', { name: 'p13', parent_provider_uuid: uuid() })).status, 400);
    assert.equal((await admin.get('/resource_providers?name=ok')).body.resource_providers.length, 0);
  });

  test('a body that is not JSON is a 415; an unknown method a 405, in placement\'s body', async () => {
    const r = await admin.post('/resource_providers', 'name=x', { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 415);
    assert.match(r.body.errors[0].detail, /The media type text\/plain is not supported, use application\/json/);
    const m = await admin.patch('/resource_providers', { name: 'x' });
    assert.equal(m.status, 405);
    assert.equal(m.body.errors[0].title, 'Method Not Allowed');
  });

  test('show and delete of an unknown provider are 404 in placement\'s body', async () => {
    const r = await admin.get(`/resource_providers/${uuid()}`);
    assert.equal(r.status, 404);
    assert.equal(r.body.errors[0].title, 'Not Found');
    assert.equal(r.body.errors[0].code, 'placement.undefined_code');
    assert.equal((await admin.delete(`/resource_providers/${uuid()}`)).status, 404);
  });

  test('update renames and bumps the generation; a name in use is 409', async () => {
    const id = await provider(admin, 'rp-upd');
    await provider(admin, 'rp-taken');
    const r = await admin.put(`/resource_providers/${id}`, { name: 'rp-upd2' });
    assert.equal(r.status, 200);
    assert.equal(r.body.name, 'rp-upd2');
    assert.equal(r.body.generation, 1);
    assert.equal((await admin.put(`/resource_providers/${id}`, { name: 'rp-taken' })).status, 409);
  });

  test('trees: children get the root; re-parenting only from 1.37; parents with children cannot go', async () => {
    const root = await provider(admin, 'tree-root');
    const child = await provider(admin, 'tree-child', {}, { parent_provider_uuid: root });
    const grandchild = await provider(admin, 'tree-grandchild', {}, { parent_provider_uuid: child });
    const g = (await admin.get(`/resource_providers/${grandchild}`)).body;
    assert.equal(g.root_provider_uuid, root);
    assert.equal(g.parent_provider_uuid, child);
    const other = await provider(admin, 'tree-other');
    assert.equal((await admin.at('1.36').put(`/resource_providers/${child}`, { name: 'tree-child', parent_provider_uuid: other })).status, 400);
    assert.equal((await admin.at('1.36').put(`/resource_providers/${child}`, { name: 'tree-child', parent_provider_uuid: null })).status, 400);
    // A loop is refused even at 1.37.
    assert.equal((await admin.at('1.37').put(`/resource_providers/${root}`, { name: 'tree-root', parent_provider_uuid: grandchild })).status, 400);
    const moved = await admin.at('1.37').put(`/resource_providers/${child}`, { name: 'tree-child', parent_provider_uuid: other });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.root_provider_uuid, other);
    assert.equal((await admin.get(`/resource_providers/${grandchild}`)).body.root_provider_uuid, other, 'descendants follow');
    const del = await admin.delete(`/resource_providers/${other}`);
    assert.equal(del.status, 409);
    assert.equal(del.body.errors[0].code, 'placement.resource_provider.cannot_delete_parent');
    assert.equal((await admin.get(`/resource_providers?in_tree=${grandchild}`)).body.resource_providers.length, 3);
    assert.equal((await admin.get(`/resource_providers?in_tree=${root}`)).body.resource_providers.length, 1);
  });

  test('a provider with allocations cannot be deleted (placement.resource_provider.inuse)', async () => {
    const id = await provider(admin, 'rp-inuse', { VCPU: { total: 2 } });
    const consumer = uuid();
    assert.equal((await admin.put(`/allocations/${consumer}`, { allocations: { [id]: { resources: { VCPU: 1 } } }, project_id: 'p', user_id: 'u', consumer_generation: null, consumer_type: 'INSTANCE' })).status, 204);
    const r = await admin.delete(`/resource_providers/${id}`);
    assert.equal(r.status, 409);
    assert.equal(r.body.errors[0].code, 'placement.resource_provider.inuse');
    assert.equal((await admin.delete(`/allocations/${consumer}`)).status, 204);
    assert.equal((await admin.delete(`/resource_providers/${id}`)).status, 204);
    assert.equal((await admin.get(`/resource_providers/${id}`)).status, 404);
  });
});

describe('list filters', () => {
  test('name, uuid, member_of, resources, required; unknown parameters are 400', async () => {
    const agg = uuid();
    const a = await provider(admin, 'flt-a', { VCPU: { total: 8 }, MEMORY_MB: { total: 4096 } });
    const b = await provider(admin, 'flt-b', { VCPU: { total: 1 } });
    assert.equal((await admin.put(`/resource_providers/${a}/aggregates`, { aggregates: [agg], resource_provider_generation: 1 })).status, 200);
    const gen = (await admin.get(`/resource_providers/${b}`)).body.generation;
    assert.equal((await admin.put(`/resource_providers/${b}/traits`, { traits: ['HW_CPU_X86_AVX2'], resource_provider_generation: gen })).status, 200);
    const names = async (q: string, c = admin) => (await c.get(`/resource_providers?${q}`)).body.resource_providers.map((p: any) => p.name).sort();
    assert.deepEqual(await names('name=flt-a'), ['flt-a']);
    assert.deepEqual(await names(`uuid=${b}`), ['flt-b']);
    assert.deepEqual(await names(`member_of=${agg}`), ['flt-a']);
    assert.deepEqual(await names(`member_of=in:${agg},${uuid()}`), ['flt-a']);
    assert.ok(!(await names(`member_of=!${agg}`)).includes('flt-a'));
    assert.deepEqual((await names('resources=VCPU:2,MEMORY_MB:1024')).filter((n: string) => n.startsWith('flt-')), ['flt-a']);
    assert.deepEqual(await names('required=HW_CPU_X86_AVX2'), ['flt-b']);
    assert.deepEqual(await names('required=in:HW_CPU_X86_AVX2,HW_CPU_X86_SSE&required=!STORAGE_DISK_SSD'), ['flt-b']);
    assert.equal((await admin.at('1.38').get('/resource_providers?required=HW_CPU_X86_AVX2&required=HW_CPU_X86_SSE')).status, 400);
    assert.ok(!(await names('required=!HW_CPU_X86_AVX2')).includes('flt-b'));
    assert.equal((await admin.at('1.17').get('/resource_providers?required=HW_CPU_X86_AVX2')).status, 400, 'required from 1.18');
    assert.equal((await admin.at('1.2').get(`/resource_providers?member_of=${agg}`)).status, 400, 'member_of from 1.3');
    assert.equal((await admin.get('/resource_providers?bogus=1')).status, 400);
    assert.equal((await admin.get('/resource_providers?resources=VCPU')).status, 400);
    assert.equal((await admin.get('/resource_providers?resources=CUSTOM_NOPE:1')).status, 400);
    assert.equal((await admin.get('/resource_providers?required=CUSTOM_NOPE')).status, 400);
    assert.equal((await admin.get('/resource_providers?member_of=not-a-uuid')).status, 400);
  });
});
