import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { bootServer, computeFixture, waitStatus } from '../../support/compute-server.js';

// GET /servers/{id}/diagnostics from the fake driver: libvirt-style keys before 2.48, Nova's common
// format from it; admin only.

let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let serverId: string;

before(async () => {
  const f = await computeFixture('dg.tiny', { flavor: { vcpus: 2, ram: 256 } });
  ({ cloud, admin, demo } = f);
  serverId = await bootServer(f, demo, 'dg');
});
after(async () => { await cloud?.stop(); });

test('2.48 format: state, counts and details; memory in MiB from the flavor', async () => {
  const r = await admin.at('2.48').get(`/servers/${serverId}/diagnostics`);
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
  await waitStatus(admin, serverId, 'PAUSED');
  assert.equal((await admin.at('2.48').get(`/servers/${serverId}/diagnostics`)).body.state, 'paused');
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
