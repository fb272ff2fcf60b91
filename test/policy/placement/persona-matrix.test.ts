import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs, clientsFor, clientsOf, type PlacementClient, userWithRole } from '../../support/clients.js';

// Who may use placement with its Zed defaults: admin (and the service role) everything; a project
// member or reader nothing, except a reader's own project usages; 403 in placement's error body.

let cloud: TestCloud;
type Persona = 'admin' | 'service' | 'member' | 'reader' | 'other' | 'sysreader';
const c = {} as Record<Persona, PlacementClient>;
let demoProject: string;
let rp: string;
const consumer = crypto.randomUUID();

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'placement'] });
  const admin = await clientsFor(cloud, 'admin');
  const id = admin.identity;
  const role = async (n: string) => (await id.get(`/roles?name=${n}`)).body.roles[0].id;
  demoProject = (await id.get('/projects?name=demo')).body.projects[0].id;
  c.reader = (await userWithRole(cloud, admin, 'reader', 'demo', 'plc-reader')).placement;
  c.service = (await userWithRole(cloud, admin, 'service', 'service', 'plc-service')).placement;
  // A system-scoped reader: Zed's new default (role:reader and system_scope:all) lets it read everything.
  const sr = (await id.post('/users', { user: { name: 'plc-sysreader', password: 'secret', domain_id: 'default' } })).body.user;
  assert.equal((await id.put(`/system/users/${sr.id}/roles/${await role('reader')}`)).status, 204);
  const sys = new Client(`${cloud.url}/identity/v3`);
  const tok = await sys.post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { name: 'plc-sysreader', domain: { id: 'default' }, password: 'secret' } } }, scope: { system: { all: true } } } });
  assert.equal(tok.status, 201);
  c.sysreader = clientsOf(cloud, tok.headers.get('x-subject-token')!).placement;
  c.admin = admin.placement;
  c.member = await clientAs(cloud, 'placement', 'demo');
  c.other = await clientAs(cloud, 'placement', 'alt_demo');
  rp = (await c.admin.post('/resource_providers', { name: 'persona-rp' })).body.uuid;
  await c.admin.put(`/resource_providers/${rp}/inventories`, { resource_provider_generation: 0, inventories: { VCPU: { total: 8 } } });
  assert.equal((await c.admin.put(`/allocations/${consumer}`, { allocations: { [rp]: { resources: { VCPU: 1 } } }, project_id: demoProject, user_id: 'u', consumer_generation: null, consumer_type: 'INSTANCE' })).status, 204);
});
after(async () => { await cloud.stop(); });

// [policy, method, path, body?] — reads and writes over every resource.
const ROWS: Array<[string, string, () => string, unknown?]> = [
  ['placement:resource_providers:list', 'GET', () => '/resource_providers'],
  ['placement:resource_providers:create', 'POST', () => '/resource_providers', { name: 'denied-rp' }],
  ['placement:resource_providers:show', 'GET', () => `/resource_providers/${rp}`],
  ['placement:resource_providers:update', 'PUT', () => `/resource_providers/${rp}`, { name: 'renamed' }],
  ['placement:resource_providers:delete', 'DELETE', () => `/resource_providers/${rp}`],
  ['placement:resource_providers:inventories:list', 'GET', () => `/resource_providers/${rp}/inventories`],
  ['placement:resource_providers:inventories:update', 'PUT', () => `/resource_providers/${rp}/inventories`, { resource_provider_generation: 99, inventories: {} }],
  ['placement:resource_providers:inventories:delete', 'DELETE', () => `/resource_providers/${rp}/inventories`],
  ['placement:resource_providers:usages', 'GET', () => `/resource_providers/${rp}/usages`],
  ['placement:resource_providers:allocations:list', 'GET', () => `/resource_providers/${rp}/allocations`],
  ['placement:resource_providers:aggregates:list', 'GET', () => `/resource_providers/${rp}/aggregates`],
  ['placement:resource_providers:aggregates:update', 'PUT', () => `/resource_providers/${rp}/aggregates`, { aggregates: [], resource_provider_generation: 99 }],
  ['placement:resource_providers:traits:list', 'GET', () => `/resource_providers/${rp}/traits`],
  ['placement:resource_providers:traits:update', 'PUT', () => `/resource_providers/${rp}/traits`, { traits: [], resource_provider_generation: 99 }],
  ['placement:resource_providers:traits:delete', 'DELETE', () => `/resource_providers/${rp}/traits`],
  ['placement:resource_classes:list', 'GET', () => '/resource_classes'],
  ['placement:resource_classes:create', 'POST', () => '/resource_classes', { name: 'CUSTOM_DENIED' }],
  ['placement:resource_classes:show', 'GET', () => '/resource_classes/VCPU'],
  ['placement:resource_classes:update', 'PUT', () => '/resource_classes/CUSTOM_DENIED'],
  ['placement:resource_classes:delete', 'DELETE', () => '/resource_classes/CUSTOM_DENIED'],
  ['placement:traits:list', 'GET', () => '/traits'],
  ['placement:traits:show', 'GET', () => '/traits/HW_CPU_X86_AVX2'],
  ['placement:traits:update', 'PUT', () => '/traits/CUSTOM_DENIED'],
  ['placement:traits:delete', 'DELETE', () => '/traits/CUSTOM_DENIED'],
  ['placement:allocations:list', 'GET', () => `/allocations/${consumer}`],
  ['placement:allocations:update', 'PUT', () => `/allocations/${consumer}`, { allocations: {}, project_id: 'p', user_id: 'u', consumer_generation: 99, consumer_type: 'INSTANCE' }],
  ['placement:allocations:delete', 'DELETE', () => `/allocations/${consumer}`],
  ['placement:allocations:manage', 'POST', () => '/allocations', { [consumer]: { allocations: {}, project_id: 'p', user_id: 'u', consumer_generation: 99, consumer_type: 'INSTANCE' } }],
  ['placement:allocation_candidates:list', 'GET', () => '/allocation_candidates?resources=VCPU:1'],
  ['placement:usages', 'GET', () => `/usages?project_id=${crypto.randomUUID()}`],
];

const call = (who: PlacementClient, method: string, path: string, body?: unknown) => who.call(method, path, body);

describe('persona matrix', () => {
  for (const persona of ['member', 'reader', 'other'] as const) {
    test(`${persona}: every call is 403 with placement's body and nothing changes`, async () => {
      for (const [policy, method, path, body] of ROWS) {
        const r = await call(c[persona], method, path(), body);
        assert.equal(r.status, 403, `${persona} ${method} ${path()}`);
        const e = r.body.errors[0];
        assert.equal(e.status, 403);
        assert.equal(e.title, 'Forbidden');
        assert.equal(e.code, 'placement.undefined_code');
        assert.match(e.detail, new RegExp(`Policy does not allow ${policy} to be performed\\.`));
        assert.match(e.request_id, /^req-/);
      }
      const shown = await call(c.admin, 'GET', `/resource_providers/${rp}`);
      assert.equal(shown.body.name, 'persona-rp');
      assert.equal((await call(c.admin, 'GET', `/allocations/${consumer}`)).body.allocations[rp].resources.VCPU, 1);
    });
  }

  test('system reader: every read allowed, every write 403', async () => {
    for (const [policy, method, path, body] of ROWS) {
      const r = await call(c.sysreader, method, path(), body);
      if (method === 'GET') assert.notEqual(r.status, 403, `${method} ${path()}`);
      else {
        assert.equal(r.status, 403, `${method} ${path()}`);
        assert.match(r.body.errors[0].detail, new RegExp(`Policy does not allow ${policy} to be performed`));
      }
    }
  });

  test('a project reader may read its own project\'s usages (system_or_project_reader), not another\'s', async () => {
    const own = await call(c.reader, 'GET', `/usages?project_id=${demoProject}`);
    assert.equal(own.status, 200);
    assert.equal(own.body.usages.INSTANCE.VCPU, 1);
    assert.equal((await call(c.member, 'GET', `/usages?project_id=${demoProject}`)).status, 200, 'member implies reader');
    assert.equal((await call(c.other, 'GET', `/usages?project_id=${demoProject}`)).status, 403);
  });

  for (const persona of ['admin', 'service'] as const) {
    test(`${persona}: reads and writes are allowed (no 403 anywhere)`, async () => {
      for (const [, method, path, body] of ROWS) {
        if (method === 'DELETE' && path().endsWith(rp)) continue;
        const r = await call(c[persona], method, path(), body);
        assert.notEqual(r.status, 403, `${persona} ${method} ${path()}: ${JSON.stringify(r.body)}`);
        assert.ok(r.status < 500);
      }
    });
  }

  test('the API root needs no token', async () => {
    assert.equal((await new Client(`${cloud.url}/placement`).get('')).status, 200);
  });
});
