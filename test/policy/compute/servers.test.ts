import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client, TestCloud } from '../../support/cloud.js';
import { type ComputeClient, userWithRole } from '../../support/clients.js';
import { bootServer, computeFixture, networkId, type ComputeCloud } from '../../support/compute-server.js';

// Servers under Nova's default policy: projects see only their own servers, a reader reads but
// cannot act, an admin lists every project with all_tenants.

let cloud: TestCloud;
let admin: ComputeClient; let demo: ComputeClient; let alt: ComputeClient; let reader: ComputeClient;
let users: ComputeCloud['users'];
let serverId: string;

before(async () => {
  const f = await computeFixture('pol.tiny', { flavor: { disk: 0 } });
  ({ cloud, admin, demo, alt, users } = f);
  reader = (await userWithRole(cloud, users.admin, 'reader', 'demo', 'peeker')).compute;
  serverId = await bootServer(f, demo, 'mine');
});
after(async () => { await cloud?.stop(); });

test('another project sees no servers and gets 404 for the server', async () => {
  assert.deepEqual((await alt.get('/servers')).body.servers, []);
  assert.deepEqual((await alt.get('/servers?all_tenants=1')).body.servers, [], 'all_tenants is ignored for non-admins');
  const r = await alt.get(`/servers/${serverId}`);
  assert.equal(r.status, 404);
  assert.equal(r.body.itemNotFound.message, `Instance ${serverId} could not be found.`);
  assert.equal((await alt.post(`/servers/${serverId}/action`, { 'os-stop': null })).status, 404);
  assert.equal((await alt.delete(`/servers/${serverId}`)).status, 404);
});

test('a reader reads but cannot act', async () => {
  assert.equal((await reader.get(`/servers/${serverId}`)).status, 200);
  assert.equal((await reader.get('/servers')).body.servers.length, 1);
  for (const [method, path, body] of [
    ['POST', `/servers/${serverId}/action`, { 'os-stop': null }],
    ['PUT', `/servers/${serverId}`, { server: { name: 'x' } }],
    ['POST', `/servers/${serverId}/metadata`, { metadata: { a: 'b' } }],
    ['DELETE', `/servers/${serverId}`, undefined],
  ] as const) {
    const r = await reader.call(method, path, body);
    assert.equal(r.status, 403, `${method} ${path}`);
    assert.ok(r.body.forbidden.message.includes('os_compute_api:'));
  }
  assert.equal((await reader.post('/servers', { server: { name: 'nope', imageRef: 'x', flavorRef: 'pol.tiny' } })).status, 400, 'validation first, as Nova');
});

test('admin lists every project with all_tenants and sees the host; members do not', async () => {
  const all = await admin.get('/servers/detail?all_tenants=1');
  const mine = all.body.servers.find((s: any) => s.id === serverId);
  assert.ok(mine);
  assert.ok(typeof mine['OS-EXT-SRV-ATTR:host'] === 'string');
  assert.equal((await admin.get('/servers')).body.servers.length, 0, 'without all_tenants: the admin project only');
  assert.ok(!('OS-EXT-SRV-ATTR:host' in (await demo.get(`/servers/${serverId}`)).body.server));
  assert.equal((await demo.get('/os-hypervisors')).status, 403);
  assert.equal((await demo.get('/os-services')).status, 403);
});

test('server-scoped APIs: diagnostics and resetState for admin only; password, backups and interface attach for the project\'s members', async () => {
  const privateNet = await networkId(users.demo.network, 'private');
  const cases: [string, (c: Client) => Promise<{ status: number }>, string[]][] = [
    ['diagnostics', (c) => c.get(`/servers/${serverId}/diagnostics`), ['admin']],
    ['reset state', (c) => c.post(`/servers/${serverId}/action`, { 'os-resetState': { state: 'active' } }), ['admin']],
    ['inject network info', (c) => c.post(`/servers/${serverId}/action`, { injectNetworkInfo: null }), ['admin']],
    ['show password', (c) => c.get(`/servers/${serverId}/os-server-password`), ['admin', 'demo', 'reader']],
    ['clear password', (c) => c.delete(`/servers/${serverId}/os-server-password`), ['admin', 'demo']],
    ['list interfaces', (c) => c.get(`/servers/${serverId}/os-interface`), ['admin', 'demo', 'reader']],
    ['attach an interface', (c) => c.post(`/servers/${serverId}/os-interface`, { interfaceAttachment: { net_id: privateNet } }), ['admin', 'demo']],
  ];
  const who: Record<string, Client> = { admin, demo, reader, alt };
  const wrong: string[] = [];
  for (const [name, call, allowed] of cases) {
    for (const [persona, c] of Object.entries(who)) {
      const r = await call(c);
      // NOTE: another project does not see the server at all (404), as Nova.
      const want = allowed.includes(persona) ? [200, 202, 204] : persona === 'alt' ? [404] : [403];
      if (!want.includes(r.status)) wrong.push(`${name} as ${persona}: ${r.status}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.equal((await reader.post(`/servers/${serverId}/action`, { createBackup: { name: 'b', backup_type: 'daily', rotation: 1 } })).status, 403);
});

test('moving servers is for admins: migrate, live migrate, evacuate and the server\'s migrations', async () => {
  const calls: [string, (c: ComputeClient) => Promise<{ status: number }>][] = [
    ['migrate', (c) => c.at('2.56').post(`/servers/${serverId}/action`, { migrate: { host: 'no-such-host' } })],
    ['live migrate', (c) => c.at('2.25').post(`/servers/${serverId}/action`, { 'os-migrateLive': { host: 'no-such-host', block_migration: 'auto' } })],
    ['evacuate', (c) => c.at('2.14').post(`/servers/${serverId}/action`, { evacuate: { host: 'no-such-host' } })],
    ['list migrations', (c) => c.at('2.23').get(`/servers/${serverId}/migrations`)],
    ['show a migration', (c) => c.at('2.23').get(`/servers/${serverId}/migrations/1`)],
    ['force complete', (c) => c.at('2.22').post(`/servers/${serverId}/migrations/1/action`, { force_complete: null })],
    ['abort', (c) => c.at('2.24').delete(`/servers/${serverId}/migrations/1`)],
  ];
  const wrong: string[] = [];
  for (const [name, call] of calls) {
    for (const [persona, c] of Object.entries({ admin, demo, reader, alt })) {
      const r = await call(c);
      const ok = persona === 'admin' ? r.status !== 403 && r.status < 500 : r.status === (persona === 'alt' ? 404 : 403);
      if (!ok) wrong.push(`${name} as ${persona}: ${r.status}`);
    }
  }
  assert.deepEqual(wrong, []);
});
