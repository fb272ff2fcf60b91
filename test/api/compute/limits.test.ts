import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeCloud } from '../../support/compute-server.js';

// GET /limits: absolute limits with used counts, fields by microversion, other projects for admins.
let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let demoProject: string;

before(async () => {
  const c = await computeCloud();
  ({ cloud, admin, demo } = c);
  demoProject = (await c.users.demo.identity.get('/auth/projects')).body.projects.find((p: any) => p.name === 'demo').id;
});
after(async () => { await cloud.stop(); });

describe('limits', () => {
  test('2.1 body', async () => {
    await demo.post('/os-server-groups', { server_group: { name: 'g', policies: ['affinity'] } });
    const r = await demo.get('/limits');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.limits.rate, []);
    const a = r.body.limits.absolute;
    assert.equal(a.maxTotalInstances, 10);
    assert.equal(a.maxTotalCores, 20);
    assert.equal(a.maxTotalRAMSize, 51200);
    assert.equal(a.totalServerGroupsUsed, 1);
    assert.equal(a.totalInstancesUsed, 0);
    for (const k of ['maxImageMeta', 'maxPersonality', 'maxPersonalitySize', 'maxSecurityGroups', 'maxSecurityGroupRules', 'maxTotalFloatingIps', 'totalFloatingIpsUsed', 'totalSecurityGroupsUsed', 'maxServerMeta', 'maxTotalKeypairs', 'maxServerGroups', 'maxServerGroupMembers']) {
      assert.ok(k in a, k);
    }
  });

  test('fields leave with 2.36, 2.39 and 2.57', async () => {
    const a = (await demo.at('2.57').get('/limits')).body.limits.absolute;
    for (const k of ['maxImageMeta', 'maxPersonality', 'maxPersonalitySize', 'maxSecurityGroups', 'maxTotalFloatingIps']) assert.equal(k in a, false, k);
  });

  test('tenant_id: admins only', async () => {
    await admin.put(`/os-quota-sets/${demoProject}`, { quota_set: { instances: 3 } });
    let r = await admin.get(`/limits?tenant_id=${demoProject}`);
    assert.equal(r.body.limits.absolute.maxTotalInstances, 3);
    r = await demo.get('/limits?tenant_id=someone-else');
    assert.equal(r.status, 403);
    r = await demo.get('/limits');
    assert.equal(r.body.limits.absolute.maxTotalInstances, 3);
  });
});
