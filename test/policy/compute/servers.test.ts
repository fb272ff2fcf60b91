import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

// Servers under Nova's default policy: projects see only their own servers, a reader reads but
// cannot act, an admin lists every project with all_tenants.

let cloud: TestCloud;
let admin: Client; let demo: Client; let alt: Client; let reader: Client;
let serverId: string;

const compute = (c: Client) => new Client(`${cloud.url}/compute/v2.1`, c.token);

before(async () => {
  cloud = await startTestCloud();
  const idAdmin = await login(cloud, 'admin', 'secret', 'admin');
  const demoProject = (await idAdmin.get('/projects?name=demo')).body.projects[0].id;
  const readerRole = (await idAdmin.get('/roles?name=reader')).body.roles[0].id;
  const u = await idAdmin.post('/users', { user: { name: 'peeker', password: 'secret', domain_id: 'default' } });
  assert.equal((await idAdmin.put(`/projects/${demoProject}/users/${u.body.user.id}/roles/${readerRole}`)).status, 204);
  admin = compute(idAdmin);
  demo = compute(await login(cloud, 'demo', 'secret', 'demo'));
  alt = compute(await login(cloud, 'alt_demo', 'secret', 'alt_demo'));
  reader = compute(await login(cloud, 'peeker', 'secret', 'demo'));
  assert.equal((await admin.post('/flavors', { flavor: { name: 'pol.tiny', id: 'pol.tiny', vcpus: 1, ram: 64, disk: 0 } })).status, 200);
  const glance = new Client(`${cloud.url}/image/v2`, idAdmin.token);
  const img = await glance.post('/images', { name: 'pol-img', disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  await glance.call('PUT', `/images/${img.body.id}/file`, 'disk', { 'Content-Type': 'application/octet-stream' });
  const r = await demo.post('/servers', { server: { name: 'mine', imageRef: img.body.id, flavorRef: 'pol.tiny' } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  serverId = r.body.server.id;
  for (let i = 0; i < 500 && (await demo.get(`/servers/${serverId}`)).body.server.status !== 'ACTIVE'; i++) await new Promise((res) => setTimeout(res, 5));
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
  const neutron = new Client(`${cloud.url}/networking/v2.0`, demo.token);
  const privateNet = (await neutron.get('/networks?name=private')).body.networks[0].id;
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
