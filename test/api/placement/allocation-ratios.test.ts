import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// The operator's allocation ratios (nova.conf's cpu/ram_allocation_ratio; Packstack's
// CONFIG_NOVA_SCHED_CPU_ALLOC_RATIO and _RAM_ALLOC_RATIO) on the compute hosts' inventories.

let cloud: TestCloud;
before(async () => { cloud = await startTestCloud({ allocationRatios: { cpu: 16, ram: 1.5 } }); });
after(async () => { await cloud.stop(); });

test("compute hosts' inventories carry the configured ratios; disk keeps Nova's 1.0", async () => {
  const placement = await clientAs(cloud, 'placement', 'admin');
  const providers = (await placement.get('/resource_providers')).body.resource_providers;
  assert.ok(providers.length >= 1);
  const inv = (await placement.get(`/resource_providers/${providers[0].uuid}/inventories`)).body.inventories;
  assert.equal(inv.VCPU.allocation_ratio, 16);
  assert.equal(inv.MEMORY_MB.allocation_ratio, 1.5);
  assert.equal(inv.DISK_GB.allocation_ratio, 1);
});
