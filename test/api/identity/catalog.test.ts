import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// Version discovery, regions, services, endpoints and the token catalog as Keystone answers them.

let cloud: TestCloud;
let admin: Client;
let v3: string;

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
});
after(async () => { await cloud.stop(); });

describe('version discovery', () => {
  test('GET /identity is 300 with the versions; /identity/v3 is 200 with v3', async () => {
    const root = await new Client(`${cloud.url}/identity`).get('/');
    assert.equal(root.status, 300);
    const [v] = root.body.versions.values;
    assert.equal(v.id, 'v3.14');
    assert.equal(v.status, 'stable');
    assert.deepEqual(v.links, [{ rel: 'self', href: `${v3}/` }]);
    assert.deepEqual(v['media-types'], [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }]);
    const r = await new Client(v3).get('');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { version: v });
  });

  test('unknown paths are 404 and wrong methods 405, in Keystone\'s body', async () => {
    const r = await admin.get('/nothing-here');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } });
    const m = await admin.call('PUT', '/users');
    assert.equal(m.status, 405);
    assert.equal(m.body.error.code, 405);
  });

  test('HEAD answers wherever GET does, without a body', async () => {
    for (const [path, status] of [['/users', 200], ['/projects', 200], ['/regions/RegionOne', 200], ['/projects/nope', 404], ['/role_assignments', 200]] as const) {
      const r = await admin.head(path);
      assert.equal(r.status, status, path);
      assert.equal(r.body, undefined);
    }
    assert.equal((await new Client(v3).head('/users')).status, 401);
    assert.equal((await new Client(`${cloud.url}/identity`).head('/')).status, 300);
  });
});

describe('regions', () => {
  test('RegionOne is there; create with and without an id, by PUT, with a parent', async () => {
    const one = await admin.get('/regions/RegionOne');
    assert.deepEqual(one.body.region, { id: 'RegionOne', description: '', parent_region_id: null, links: { self: `${v3}/regions/RegionOne` } });
    const made = await admin.post('/regions', { region: { description: 'generated' } });
    assert.equal(made.status, 201);
    assert.match(made.body.region.id, /^[0-9a-f]{32}$/);
    const put = await admin.put('/regions/West', { region: { description: 'west' } });
    assert.equal(put.status, 201);
    assert.deepEqual(put.body.region, { id: 'West', description: 'west', parent_region_id: null, links: { self: `${v3}/regions/West` } });
    const sub = await admin.post('/regions', { region: { id: 'West-1', parent_region_id: 'West' } });
    assert.equal(sub.body.region.parent_region_id, 'West');
    assert.deepEqual((await admin.get('/regions?parent_region_id=West')).body.regions.map((r: any) => r.id), ['West-1']);
    const list = await admin.get('/regions');
    assert.deepEqual(list.body.links, { self: `${v3}/regions`, previous: null, next: null });
  });

  test('a duplicate id is 409 and changes nothing; an unknown parent is 404', async () => {
    await admin.post('/regions', { region: { id: 'Dup', description: 'first' } });
    const before = (await admin.get('/regions')).body.regions.length;
    const r = await admin.post('/regions', { region: { id: 'Dup', description: 'second' } });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.error, { code: 409, title: 'Conflict', message: 'Conflict occurred attempting to store region - Duplicate ID, Dup.' });
    assert.equal((await admin.get('/regions/Dup')).body.region.description, 'first');
    assert.equal((await admin.post('/regions', { region: { id: 'Orphan', parent_region_id: 'nope' } })).status, 404);
    assert.equal((await admin.get('/regions')).body.regions.length, before);
  });

  test('update; delete takes the children along, but not while endpoints use them', async () => {
    await admin.post('/regions', { region: { id: 'East' } });
    await admin.post('/regions', { region: { id: 'East-1', parent_region_id: 'East' } });
    assert.equal((await admin.patch('/regions/East', { region: { description: 'east' } })).body.region.description, 'east');
    assert.equal((await admin.patch('/regions/East', { region: { parent_region_id: 'East' } })).status, 400);
    const svc = (await admin.post('/services', { service: { type: 'east-svc' } })).body.service;
    const ep = (await admin.post('/endpoints', { endpoint: { service_id: svc.id, interface: 'public', url: 'http://east', region_id: 'East-1' } })).body.endpoint;
    const busy = await admin.delete('/regions/East');
    assert.equal(busy.status, 403);
    assert.equal(busy.body.error.message, 'Unable to delete region East because it or its child regions have associated endpoints.');
    assert.equal((await admin.get('/regions/East-1')).status, 200);
    await admin.delete(`/endpoints/${ep.id}`);
    assert.equal((await admin.delete('/regions/East')).status, 204);
    assert.equal((await admin.get('/regions/East-1')).status, 404);
    assert.deepEqual((await admin.get('/regions/East')).body.error, { code: 404, title: 'Not Found', message: 'Could not find region: East.' });
  });
});

describe('services and endpoints', () => {
  test('service CRUD with Keystone\'s fields; filters by type and name', async () => {
    const r = await admin.post('/services', { service: { type: 'dns', name: 'designate', description: 'DNS' } });
    assert.equal(r.status, 201);
    const s = r.body.service;
    assert.deepEqual(s, { id: s.id, type: 'dns', enabled: true, name: 'designate', description: 'DNS', links: { self: `${v3}/services/${s.id}` } });
    assert.deepEqual((await admin.get('/services?type=dns')).body.services, [s]);
    assert.deepEqual((await admin.get('/services?name=designate')).body.services, [s]);
    assert.ok((await admin.get('/services')).body.services.some((x: any) => x.type === 'identity'));
    assert.equal((await admin.patch(`/services/${s.id}`, { service: { enabled: false } })).body.service.enabled, false);
    assert.equal((await admin.post('/services', { service: { name: 'no type' } })).status, 400);
    assert.equal((await admin.delete(`/services/${s.id}`)).status, 204);
    assert.deepEqual((await admin.get(`/services/${s.id}`)).body.error, { code: 404, title: 'Not Found', message: `Could not find service: ${s.id}.` });
  });

  test('endpoint CRUD; filters; the service and the region must exist; a bad interface or URL is 400', async () => {
    const s = (await admin.post('/services', { service: { type: 'queue', name: 'zaqar' } })).body.service;
    const r = await admin.post('/endpoints', { endpoint: { service_id: s.id, interface: 'public', url: 'http://q.example:8888', region_id: 'RegionOne' } });
    assert.equal(r.status, 201);
    const e = r.body.endpoint;
    assert.deepEqual(e, {
      id: e.id, service_id: s.id, interface: 'public', url: 'http://q.example:8888', region_id: 'RegionOne', region: 'RegionOne', enabled: true,
      links: { self: `${v3}/endpoints/${e.id}` },
    });
    assert.deepEqual((await admin.get(`/endpoints?service_id=${s.id}`)).body.endpoints, [e]);
    assert.deepEqual((await admin.get(`/endpoints?service_id=${s.id}&interface=admin`)).body.endpoints, []);
    const before = (await admin.get('/endpoints')).body.endpoints.length;
    const noService = await admin.post('/endpoints', { endpoint: { service_id: 'nope', interface: 'public', url: 'http://x' } });
    assert.equal(noService.status, 400);
    assert.match(noService.body.error.message, /^Expecting to find endpoint service_id in service table\./);
    const noRegion = await admin.post('/endpoints', { endpoint: { service_id: s.id, interface: 'public', url: 'http://x', region_id: 'Nowhere' } });
    assert.equal(noRegion.status, 400);
    assert.match(noRegion.body.error.message, /^Expecting to find endpoint region_id in region table\./);
    assert.equal((await admin.get('/regions/Nowhere')).status, 404);
    for (const bad of [{ interface: 'private', url: 'http://x' }, { interface: 'public', url: 'not a url' }, { interface: 'public' }]) {
      assert.equal((await admin.post('/endpoints', { endpoint: { service_id: s.id, ...bad } })).status, 400, JSON.stringify(bad));
    }
    assert.equal((await admin.get('/endpoints')).body.endpoints.length, before);
    // The legacy "region" attribute creates an unknown region, as Keystone does for compatibility.
    const legacy = await admin.post('/endpoints', { endpoint: { service_id: s.id, interface: 'internal', url: 'http://q', region: 'Legacy' } });
    assert.equal(legacy.status, 201);
    assert.equal(legacy.body.endpoint.region_id, 'Legacy');
    assert.equal((await admin.get('/regions/Legacy')).status, 200);

    assert.equal((await admin.patch(`/endpoints/${e.id}`, { endpoint: { url: 'http://q2.example' } })).body.endpoint.url, 'http://q2.example');
    assert.equal((await admin.delete(`/endpoints/${e.id}`)).status, 204);
    assert.equal((await admin.get(`/endpoints/${e.id}`)).status, 404);
    // Deleting a service takes its endpoints along.
    await admin.delete(`/services/${s.id}`);
    assert.deepEqual((await admin.get(`/endpoints?service_id=${s.id}`)).body.endpoints, []);
  });

  test('the token catalog shows enabled services with enabled endpoints; /auth/catalog needs a project scope', async () => {
    const s = (await admin.post('/services', { service: { type: 'shown', name: 'shown' } })).body.service;
    const e = (await admin.post('/endpoints', { endpoint: { service_id: s.id, interface: 'public', url: 'http://shown', region_id: 'RegionOne' } })).body.endpoint;
    const cat = await admin.get('/auth/catalog');
    assert.equal(cat.status, 200);
    const entry = cat.body.catalog.find((x: any) => x.id === s.id);
    assert.deepEqual(entry, { id: s.id, type: 'shown', name: 'shown', endpoints: [{ id: e.id, interface: 'public', region_id: 'RegionOne', region: 'RegionOne', url: 'http://shown' }] });
    assert.deepEqual(cat.body.links, { self: `${v3}/auth/catalog` });
    await admin.patch(`/endpoints/${e.id}`, { endpoint: { enabled: false } });
    assert.deepEqual((await admin.get('/auth/catalog')).body.catalog.find((x: any) => x.id === s.id).endpoints, []);
    await admin.patch(`/services/${s.id}`, { service: { enabled: false } });
    assert.ok(!(await admin.get('/auth/catalog')).body.catalog.some((x: any) => x.id === s.id));
    const unscoped = await new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: 'secret' } } }, scope: 'unscoped' } });
    const r = await new Client(v3, unscoped.headers.get('x-subject-token')!).get('/auth/catalog');
    assert.equal(r.status, 403);
    assert.equal(r.body.error.message, 'A project-scoped token is required to produce a service catalog.');
  });
});
