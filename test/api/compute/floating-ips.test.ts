import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

// Nova's os-floating-ips and os-floating-ip-pools over Neutron (the pool is the external network),
// add/removeFloatingIp up to 2.43.

let cloud: TestCloud;
let admin: Client;
let demo: Client;
let privateNet: string;
let publicNet: string;
let imageId: string;
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });

async function computeClient(user: string, project: string): Promise<Client> {
  const c = await login(cloud, user, 'secret', project);
  return new Client(`${cloud.url}/compute/v2.1`, c.token);
}

async function boot(c: Client, name: string): Promise<string> {
  const r = await c.post('/servers', { server: { name, imageRef: imageId, flavorRef: 'fip.tiny', networks: [{ uuid: privateNet }] } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const until = Date.now() + 5000;
  for (;;) {
    const s = await c.get(`/servers/${r.body.server.id}`);
    if (s.body?.server?.status === 'ACTIVE') return r.body.server.id;
    if (Date.now() > until) throw new Error(`server never ACTIVE: ${JSON.stringify(s.body)}`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

before(async () => {
  cloud = await startTestCloud();
  admin = await computeClient('admin', 'admin');
  demo = await computeClient('demo', 'demo');
  const t = await login(cloud, 'demo', 'secret', 'demo');
  const net = new Client(`${cloud.url}/networking/v2.0`, t.token);
  privateNet = (await net.get('/networks?name=private')).body.networks[0].id;
  publicNet = (await net.get('/networks?name=public')).body.networks[0].id;
  assert.equal((await admin.post('/flavors', { flavor: { name: 'fip.tiny', id: 'fip.tiny', vcpus: 1, ram: 64, disk: 1 } })).status, 200);
  const a = await login(cloud, 'admin', 'secret', 'admin');
  const glance = new Client(`${cloud.url}/image/v2`, a.token);
  imageId = (await glance.post('/images', { name: 'cirros-fip', disk_format: 'qcow2', container_format: 'bare', visibility: 'public' })).body.id;
  await glance.call('PUT', `/images/${imageId}/file`, 'QFI\xfbfake-disk', { 'Content-Type': 'application/octet-stream' });
});
after(async () => { await cloud.stop(); });

describe('os-floating-ips', () => {
  test('pools, allocate by name or id, list, show, delete', async () => {
    assert.deepEqual((await demo.get('/os-floating-ip-pools')).body, { floating_ip_pools: [{ name: 'public' }] });
    const a = await demo.post('/os-floating-ips', { pool: 'public' });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const f = a.body.floating_ip;
    assert.deepEqual(Object.keys(f).sort(), ['fixed_ip', 'id', 'instance_id', 'ip', 'pool']);
    assert.equal(f.pool, 'public');
    assert.equal(f.instance_id, null);
    const b = await demo.post('/os-floating-ips', { pool: publicNet });
    assert.equal(b.status, 200);
    assert.equal((await demo.post('/os-floating-ips', { pool: 'nope' })).status, 404);
    assert.equal((await demo.post('/os-floating-ips')).status, 200, 'no body: the default pool');
    assert.deepEqual((await demo.get(`/os-floating-ips/${f.id}`)).body.floating_ip, f);
    assert.equal((await demo.get('/os-floating-ips')).body.floating_ips.length, 3);
    assert.equal((await admin.get('/os-floating-ips')).body.floating_ips.length >= 3, true);
    assert.equal((await demo.delete(`/os-floating-ips/${f.id}`)).status, 202);
    assert.equal((await demo.get(`/os-floating-ips/${f.id}`)).status, 404);
    assert.equal((await demo.delete(`/os-floating-ips/${crypto.randomUUID()}`)).status, 404);
    assert.equal((await demo.get('/os-floating-ips', mv('2.36'))).status, 404);
    assert.equal((await demo.get('/os-floating-ip-pools', mv('2.36'))).status, 404);
  });

  test('add and remove on a server', async () => {
    const id = await boot(demo, 'fip-server');
    const f = (await demo.post('/os-floating-ips', { pool: 'public' })).body.floating_ip;
    const add = await demo.post(`/servers/${id}/action`, { addFloatingIp: { address: f.ip } });
    assert.equal(add.status, 202, JSON.stringify(add.body));
    const shown = (await demo.get(`/os-floating-ips/${f.id}`)).body.floating_ip;
    assert.equal(shown.instance_id, id);
    assert.match(shown.fixed_ip, /^10\.0\.0\./);
    const addrs = (await demo.get(`/servers/${id}`)).body.server.addresses.private;
    assert.ok(addrs.some((x: any) => x.addr === f.ip && x['OS-EXT-IPS:type'] === 'floating'));
    const second = (await demo.post('/os-floating-ips', { pool: 'public' })).body.floating_ip;
    assert.equal((await demo.post(`/servers/${id}/action`, { addFloatingIp: { address: second.ip } })).status, 400, 'the fixed IP has one already');
    assert.equal((await demo.post(`/servers/${id}/action`, { addFloatingIp: { address: '172.24.4.250' } })).status, 404);
    assert.equal((await demo.post(`/servers/${id}/action`, { addFloatingIp: {} })).status, 400);
    assert.equal((await demo.post(`/servers/${id}/action`, { removeFloatingIp: { address: second.ip } })).status, 409);
    assert.equal((await demo.post(`/servers/${id}/action`, { removeFloatingIp: { address: f.ip } })).status, 202);
    assert.equal((await demo.get(`/os-floating-ips/${f.id}`)).body.floating_ip.instance_id, null);
    assert.equal((await demo.post(`/servers/${id}/action`, { addFloatingIp: { address: f.ip } }, mv('2.44'))).status, 400);
  });
});
