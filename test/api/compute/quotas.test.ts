import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client, TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeCloud } from '../../support/compute-server.js';

// Quota sets as Nova v2.1 answers them: defaults, names by microversion, admin-only update,
// delete back to defaults, detail with usage, quota classes, server create refused past a limit.
let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let glance: Client;
let demoProject: string;

before(async () => {
  const c = await computeCloud();
  ({ cloud, admin, demo } = c);
  glance = c.users.admin.image;
  demoProject = (await c.users.demo.identity.get('/auth/projects')).body.projects.find((p: any) => p.name === 'demo').id;
});
after(async () => { await cloud.stop(); });

describe('quota sets', () => {
  test('show: defaults and names by microversion', async () => {
    let r = await demo.get(`/os-quota-sets/${demoProject}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.quota_set, {
      id: demoProject, instances: 10, cores: 20, ram: 51200, floating_ips: 10, fixed_ips: -1, metadata_items: 128,
      injected_files: 5, injected_file_content_bytes: 10240, injected_file_path_bytes: 255, key_pairs: 100,
      security_groups: 10, security_group_rules: 20, server_groups: 10, server_group_members: 10,
    });
    r = await demo.at('2.36').get(`/os-quota-sets/${demoProject}`);
    assert.equal('floating_ips' in r.body.quota_set, false);
    assert.equal('injected_files' in r.body.quota_set, true);
    r = await demo.at('2.57').get(`/os-quota-sets/${demoProject}/defaults`);
    assert.deepEqual(Object.keys(r.body.quota_set).sort(), ['cores', 'id', 'instances', 'key_pairs', 'metadata_items', 'ram', 'server_group_members', 'server_groups']);
  });

  test('update is admin-only; delete returns to defaults', async () => {
    let r = await demo.put(`/os-quota-sets/${demoProject}`, { quota_set: { cores: 5 } });
    assert.equal(r.status, 403);
    r = await admin.put(`/os-quota-sets/${demoProject}`, { quota_set: { cores: 5, instances: '7' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.quota_set.cores, 5);
    assert.equal(r.body.quota_set.instances, 7);
    assert.equal('id' in r.body.quota_set, false);
    r = await admin.at('2.36').put(`/os-quota-sets/${demoProject}`, { quota_set: { floating_ips: 5 } });
    assert.equal(r.status, 400);
    r = await admin.put(`/os-quota-sets/${demoProject}`, { quota_set: { cores: -2 } });
    assert.equal(r.status, 400);
    r = await admin.put(`/os-quota-sets/${demoProject}`, { quota_set: { bogus: 1 } });
    assert.equal(r.status, 400);
    r = await admin.put('/os-quota-sets/no-such-project', { quota_set: { cores: 1 } });
    assert.equal(r.status, 400);
    r = await demo.get(`/os-quota-sets/${demoProject}/detail`);
    assert.deepEqual(r.body.quota_set.cores, { in_use: 0, limit: 5, reserved: 0 });
    assert.equal((await demo.delete(`/os-quota-sets/${demoProject}`)).status, 403);
    assert.equal((await admin.delete(`/os-quota-sets/${demoProject}`)).status, 202);
    assert.equal((await demo.get(`/os-quota-sets/${demoProject}`)).body.quota_set.cores, 20);
  });

  test('a project cannot read another project\'s quota', async () => {
    const adminProject = (await admin.get('/os-server-groups')).status === 200 ? 'x' : 'y';
    const r = await demo.get(`/os-quota-sets/${adminProject}-other`);
    assert.equal(r.status, 403);
  });

  test('quota classes change the defaults', async () => {
    let r = await admin.get('/os-quota-class-sets/default');
    assert.equal(r.status, 200);
    assert.equal(r.body.quota_class_set.id, 'default');
    assert.equal('server_groups' in r.body.quota_class_set, false);
    r = await admin.put('/os-quota-class-sets/default', { quota_class_set: { metadata_items: 99 } });
    assert.equal(r.status, 200);
    assert.equal(r.body.quota_class_set.metadata_items, 99);
    assert.equal((await demo.get(`/os-quota-sets/${demoProject}/defaults`)).body.quota_set.metadata_items, 99);
    assert.equal((await demo.put('/os-quota-class-sets/default', { quota_class_set: { metadata_items: 1 } })).status, 403);
    await admin.put('/os-quota-class-sets/default', { quota_class_set: { metadata_items: 128 } });
  });

  test('a 2.1 class update takes the server group quotas it does not show', async () => {
    const r = await admin.put('/os-quota-class-sets/default', { quota_class_set: { server_groups: 12, server_group_members: 11 } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal('server_groups' in r.body.quota_class_set, false, 'the 2.1 answer leaves them out');
    const shown = (await admin.at('2.50').get('/os-quota-class-sets/default')).body.quota_class_set;
    assert.equal(shown.server_groups, 12);
    assert.equal(shown.server_group_members, 11);
    assert.equal((await admin.at('2.57').put('/os-quota-class-sets/default', { quota_class_set: { injected_files: 1 } })).status, 400);
    await admin.at('2.50').put('/os-quota-class-sets/default', { quota_class_set: { server_groups: 10, server_group_members: 10 } });
  });

  test('server create past the cores quota is Nova\'s 403', async () => {
    const i = await glance.post('/v2/images', { name: 'q', disk_format: 'qcow2', container_format: 'bare', visibility: 'public' });
    await glance.call('PUT', `/v2/images/${i.body.id}/file`, 'QFI\xfbfake-disk', { 'Content-Type': 'application/octet-stream' });
    await admin.put(`/os-quota-sets/${demoProject}`, { quota_set: { cores: 1 } });
    const r = await demo.at('2.37').post('/servers', { server: { name: 'big', flavorRef: '3', imageRef: i.body.id, networks: 'none' } });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.match(r.body.forbidden.message, /^Quota exceeded for cores: Requested 2, but already used 0 of 1 cores/);
    await admin.delete(`/os-quota-sets/${demoProject}`);
  });
});
