import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeCloud } from '../../support/compute-server.js';

// Server groups: policies before 2.64, policy and rules from 2.64, per project, quota.
let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let alt: ComputeClient;

before(async () => {
  ({ cloud, admin, demo, alt } = await computeCloud());
});
after(async () => { await cloud.stop(); });

describe('server groups', () => {
  test('2.1: policies list, metadata, no project', async () => {
    let r = await demo.post('/os-server-groups', { server_group: { name: 'g1', policies: ['anti-affinity'] } });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.server_group).sort(), ['id', 'members', 'metadata', 'name', 'policies']);
    assert.deepEqual(r.body.server_group.policies, ['anti-affinity']);
    const id = r.body.server_group.id;
    r = await demo.post('/os-server-groups', { server_group: { name: 'g2', policies: ['soft-affinity'] } });
    assert.equal(r.status, 400, 'soft policies come with 2.15');
    r = await demo.at('2.15').post('/os-server-groups', { server_group: { name: 'g2', policies: ['soft-affinity'] } });
    assert.equal(r.status, 200);
    assert.equal(r.body.server_group.project_id.length > 0, true);
    r = await demo.get(`/os-server-groups/${id}`);
    assert.equal(r.body.server_group.name, 'g1');
    assert.equal((await alt.get(`/os-server-groups/${id}`)).status, 403);
    assert.equal((await admin.get(`/os-server-groups/${id}`)).status, 200);
    r = await demo.get('/os-server-groups');
    assert.equal(r.body.server_groups.length, 2);
    assert.equal((await alt.get('/os-server-groups')).body.server_groups.length, 0);
    assert.equal((await admin.get('/os-server-groups?all_projects=True')).body.server_groups.length, 2);
    assert.equal((await alt.delete(`/os-server-groups/${id}`)).status, 403);
    assert.equal((await demo.delete(`/os-server-groups/${id}`)).status, 204);
    r = await demo.get(`/os-server-groups/${id}`);
    assert.equal(r.status, 404);
    assert.equal(r.body.itemNotFound.message, `Instance group ${id} could not be found.`);
  });

  test('2.64: policy and rules', async () => {
    let r = await alt.at('2.64').post('/os-server-groups', { server_group: { name: 'r', policy: 'anti-affinity', rules: { max_server_per_host: 2 } } });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.server_group).sort(), ['id', 'members', 'name', 'policy', 'project_id', 'rules', 'user_id']);
    assert.deepEqual(r.body.server_group.rules, { max_server_per_host: 2 });
    r = await alt.at('2.64').post('/os-server-groups', { server_group: { name: 'r', policy: 'affinity', rules: { max_server_per_host: 2 } } });
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, 'Only anti-affinity policy supports rules.');
    r = await alt.at('2.64').post('/os-server-groups', { server_group: { name: 'r', policies: ['affinity'] } });
    assert.equal(r.status, 400);
  });

  test('quota: server_groups', async () => {
    const altProject = (await alt.at('2.64').get('/os-server-groups')).body.server_groups[0].project_id;
    assert.equal((await admin.put(`/os-quota-sets/${altProject}`, { quota_set: { server_groups: 1 } })).status, 200);
    const r = await alt.post('/os-server-groups', { server_group: { name: 'over', policies: ['affinity'] } });
    assert.equal(r.status, 403);
    assert.equal(r.body.forbidden.message, 'Quota exceeded, too many server groups.');
  });
});
