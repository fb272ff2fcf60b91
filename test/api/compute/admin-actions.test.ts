import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeFixture, waitStatus } from '../../support/compute-server.js';

// Nova's admin actions (os-resetState, injectNetworkInfo) and the admin's server listing rules:
// tenant_id filters only with all_tenants, an invalid status is an empty list before 2.38 and a
// 400 from it; 2.71 shows server_groups.

let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let imageId: string;
let demoProject: string;

before(async () => {
  const f = await computeFixture('aa.tiny');
  ({ cloud, admin, demo, imageId } = f);
  demoProject = (await f.users.admin.identity.get('/projects?name=demo')).body.projects[0].id;
});
after(async () => { await cloud?.stop(); });

describe('os-resetState', () => {
  test('an admin forces error and back to active; the body is checked; non-admins 403; recorded as an action', async () => {
    const r = await demo.post('/servers', { server: { name: 'rs', imageRef: imageId, flavorRef: 'aa.tiny' } });
    const id = r.body.server.id;
    await waitStatus(demo, id, 'ACTIVE');
    assert.equal((await admin.post(`/servers/${id}/action`, { 'os-resetState': { state: 'error' } })).status, 202);
    const s = (await admin.get(`/servers/${id}`)).body.server;
    assert.equal(s.status, 'ERROR');
    assert.equal(s['OS-EXT-STS:task_state'], null);
    assert.equal((await admin.get('/servers?all_tenants=1&status=ERROR')).body.servers.some((x: any) => x.id === id), true);
    for (const body of [{ state: 'invalid' }, { state: 1 }, {}, { state: 'active', x: 1 }]) {
      assert.equal((await admin.post(`/servers/${id}/action`, { 'os-resetState': body })).status, 400, JSON.stringify(body));
    }
    assert.equal((await demo.post(`/servers/${id}/action`, { 'os-resetState': { state: 'active' } })).status, 403);
    assert.equal((await admin.post(`/servers/${id}/action`, { 'os-resetState': { state: 'active' } })).status, 202);
    assert.equal((await admin.get(`/servers/${id}`)).body.server.status, 'ACTIVE');
    const actions = (await admin.get(`/servers/${id}/os-instance-actions`)).body.instanceActions.map((x: any) => x.action);
    assert.deepEqual(actions.filter((x: string) => x === 'resetState').length, 2);
    assert.equal((await admin.post(`/servers/${id}/action`, { injectNetworkInfo: null })).status, 202);
    assert.equal((await demo.post(`/servers/${id}/action`, { injectNetworkInfo: null })).status, 403);
    // A server in error can be rebuilt and deleted.
    await admin.post(`/servers/${id}/action`, { 'os-resetState': { state: 'error' } });
    assert.equal((await admin.post(`/servers/${id}/action`, { rebuild: { imageRef: imageId } })).status, 202);
    await waitStatus(admin, id, 'ACTIVE');
    await admin.post(`/servers/${id}/action`, { 'os-resetState': { state: 'error' } });
    assert.equal((await admin.delete(`/servers/${id}`)).status, 204);
  });
});

describe('listing as admin', () => {
  test('tenant_id filters only with all_tenants; an invalid status: [] before 2.38, 400 from it', async () => {
    const r = await demo.post('/servers', { server: { name: 'lt', imageRef: imageId, flavorRef: 'aa.tiny' } });
    const id = r.body.server.id;
    await waitStatus(demo, id, 'ACTIVE');
    assert.equal((await admin.get(`/servers/detail?tenant_id=${demoProject}`)).body.servers.some((x: any) => x.id === id), false);
    assert.equal((await admin.get(`/servers/detail?all_tenants=&tenant_id=${demoProject}`)).body.servers.some((x: any) => x.id === id), true);
    const inv = await admin.get('/servers/detail?status=invalid_status');
    assert.equal(inv.status, 200);
    assert.deepEqual(inv.body.servers, []);
    assert.equal((await admin.at('2.38').get('/servers/detail?status=invalid_status')).status, 400);
    assert.equal((await demo.at('2.38').get('/servers/detail?status=invalid_status')).status, 400);
    await demo.delete(`/servers/${id}`);
  });

  test('2.71 shows the server\'s groups on show, update and rebuild', async () => {
    const g = await demo.post('/os-server-groups', { server_group: { name: 'sg', policies: ['affinity'] } });
    const r = await demo.post('/servers', { server: { name: 'grp', imageRef: imageId, flavorRef: 'aa.tiny' }, 'os:scheduler_hints': { group: g.body.server_group.id } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const id = r.body.server.id;
    await waitStatus(demo, id, 'ACTIVE');
    assert.deepEqual((await demo.at('2.71').get(`/servers/${id}`)).body.server.server_groups, [g.body.server_group.id]);
    assert.equal('server_groups' in (await demo.at('2.70').get(`/servers/${id}`)).body.server, false);
    assert.deepEqual((await demo.at('2.75').put(`/servers/${id}`, { server: { name: 'grp2' } })).body.server.server_groups, [g.body.server_group.id]);
    const rb = await demo.at('2.75').post(`/servers/${id}/action`, { rebuild: { imageRef: imageId } });
    assert.deepEqual(rb.body.server.server_groups, [g.body.server_group.id]);
    await waitStatus(demo, id, 'ACTIVE');
    const plain = await demo.post('/servers', { server: { name: 'nogrp', imageRef: imageId, flavorRef: 'aa.tiny' } });
    await waitStatus(demo, plain.body.server.id, 'ACTIVE');
    assert.deepEqual((await demo.at('2.71').get(`/servers/${plain.body.server.id}`)).body.server.server_groups, []);
    await demo.delete(`/servers/${id}`);
    await demo.delete(`/servers/${plain.body.server.id}`);
  });
});
