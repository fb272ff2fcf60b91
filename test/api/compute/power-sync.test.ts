import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FakeHypervisorDriver } from '../../../src/drivers/hypervisor/fake-hypervisor.js';
import { bootServer, computeFixture, waitStatus, type ComputeFixture } from '../../support/compute-server.js';

// Nova's power-state sync: a guest that stops on its own (powered off inside, its process killed)
// leaves its server SHUTOFF, and `openstack server start` brings it back.

let f: ComputeFixture;
before(async () => { f = await computeFixture('ps.tiny'); });
after(async () => { await f?.cloud.stop(); });

test('a guest that stops on its own makes its server SHUTOFF; start brings it back', async () => {
  const id = await bootServer(f, f.demo, 'ps');
  const hv = f.cloud.drivers.hypervisor as FakeHypervisorDriver;
  hv.setPowerState(id, 4);
  const s = await waitStatus(f.demo, id, 'SHUTOFF');
  assert.equal(s['OS-EXT-STS:power_state'], 4);
  assert.equal(s['OS-EXT-STS:vm_state'], 'stopped');
  assert.equal((await f.demo.post(`/servers/${id}/action`, { 'os-start': null })).status, 202);
  assert.equal((await waitStatus(f.demo, id, 'ACTIVE'))['OS-EXT-STS:power_state'], 1);
});

test("a guest paused behind the service's back: the power state follows, the server stays ACTIVE (Nova ignores it)", async () => {
  const id = await bootServer(f, f.demo, 'ps2');
  const hv = f.cloud.drivers.hypervisor as FakeHypervisorDriver;
  hv.setPowerState(id, 3);
  const s = await waitStatus(f.demo, id, (x) => x['OS-EXT-STS:power_state'] === 3);
  assert.equal(s.status, 'ACTIVE');
});
