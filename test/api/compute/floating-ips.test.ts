import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ComputeClient } from '../../support/clients.js';
import { bootServer, computeFixture, networkId, type ComputeFixture } from '../../support/compute-server.js';

// Nova's os-floating-ips and os-floating-ip-pools over Neutron (the pool is the external network),
// add/removeFloatingIp up to 2.43.

let f: ComputeFixture;
let admin: ComputeClient;
let demo: ComputeClient;
let privateNet: string;
let publicNet: string;

const boot = (c: ComputeClient, name: string) => bootServer(f, c, name, { networks: [{ uuid: privateNet }] });

before(async () => {
  f = await computeFixture('fip.tiny');
  ({ admin, demo } = f);
  privateNet = await networkId(f.users.demo.network, 'private');
  publicNet = await networkId(f.users.demo.network, 'public');
});
after(async () => { await f.cloud.stop(); });

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
    assert.equal((await demo.at('2.36').get('/os-floating-ips')).status, 404);
    assert.equal((await demo.at('2.36').get('/os-floating-ip-pools')).status, 404);
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
    assert.equal((await demo.at('2.44').post(`/servers/${id}/action`, { addFloatingIp: { address: f.ip } })).status, 400);
  });
});
