import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

// GET /servers/{id}/diagnostics from the fake driver: libvirt-style keys before 2.48, Nova's common
// format from it; admin only.

let cloud: TestCloud;
let admin: Client;
let demo: Client;
let serverId: string;
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });

before(async () => {
  cloud = await startTestCloud();
  const a = await login(cloud, 'admin', 'secret', 'admin');
  admin = new Client(`${cloud.url}/compute/v2.1`, a.token);
  demo = new Client(`${cloud.url}/compute/v2.1`, (await login(cloud, 'demo', 'secret', 'demo')).token);
  await admin.post('/flavors', { flavor: { name: 'dg.tiny', id: 'dg.tiny', vcpus: 2, ram: 256, disk: 1 } });
  const glance = new Client(`${cloud.url}/image/v2`, a.token);
  const img = await glance.post('/images', { name: 'dg-img', disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  await glance.call('PUT', `/images/${img.body.id}/file`, 'disk', { 'Content-Type': 'application/octet-stream' });
  serverId = (await demo.post('/servers', { server: { name: 'dg', imageRef: img.body.id, flavorRef: 'dg.tiny' } })).body.server.id;
  for (let i = 0; i < 1000 && (await demo.get(`/servers/${serverId}`)).body.server.status !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 5));
});
after(async () => { await cloud?.stop(); });

test('2.48 format: state, counts and details; memory in MiB from the flavor', async () => {
  const r = await admin.get(`/servers/${serverId}/diagnostics`, mv('2.48'));
  assert.equal(r.status, 200);
  const g = r.body;
  assert.equal(g.state, 'running');
  assert.equal(g.driver, 'libvirt');
  assert.equal(g.num_cpus, 2);
  assert.equal(g.cpu_details.length, 2);
  assert.deepEqual(g.memory_details, { maximum: 256, used: 0 });
  assert.equal(g.num_disks, 1);
  assert.deepEqual(Object.keys(g.disk_details[0]).sort(), ['errors_count', 'read_bytes', 'read_requests', 'write_bytes', 'write_requests']);
  assert.equal(g.num_nics, g.nic_details.length);
  await admin.post(`/servers/${serverId}/action`, { pause: null });
  for (let i = 0; i < 1000 && (await admin.get(`/servers/${serverId}`)).body.server.status !== 'PAUSED'; i++) await new Promise((res) => setTimeout(res, 5));
  assert.equal((await admin.get(`/servers/${serverId}/diagnostics`, mv('2.48'))).body.state, 'paused');
  await admin.post(`/servers/${serverId}/action`, { unpause: null });
});

test('before 2.48: a flat dict of libvirt-style counters', async () => {
  const r = await admin.get(`/servers/${serverId}/diagnostics`);
  assert.equal(r.status, 200);
  assert.equal(r.body.memory, 256 * 1024);
  assert.equal(typeof r.body.cpu0_time, 'number');
  assert.equal(typeof r.body.vda_read, 'number');
});

test('non-admins 403; unknown servers 404', async () => {
  assert.equal((await demo.get(`/servers/${serverId}/diagnostics`)).status, 403);
  assert.equal((await admin.get('/servers/00000000-0000-0000-0000-000000000000/diagnostics')).status, 404);
});
