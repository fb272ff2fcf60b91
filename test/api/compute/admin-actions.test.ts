import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

// Nova's admin actions (os-resetState, injectNetworkInfo) and the admin's server listing rules:
// tenant_id filters only with all_tenants, an invalid status is an empty list before 2.38 and a
// 400 from it; 2.71 shows server_groups.

let cloud: TestCloud;
let admin: Client;
let demo: Client;
let imageId: string;
let demoProject: string;
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });

async function active(c: Client, id: string): Promise<any> {
  for (let i = 0; i < 1000; i++) {
    const s = (await c.get(`/servers/${id}`)).body.server;
    if (s?.status === 'ACTIVE') return s;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${id} never ACTIVE`);
}

before(async () => {
  cloud = await startTestCloud();
  const a = await login(cloud, 'admin', 'secret', 'admin');
  admin = new Client(`${cloud.url}/compute/v2.1`, a.token);
  const d = await login(cloud, 'demo', 'secret', 'demo');
  demo = new Client(`${cloud.url}/compute/v2.1`, d.token);
  demoProject = (await a.get('/projects?name=demo')).body.projects[0].id;
  assert.equal((await admin.post('/flavors', { flavor: { name: 'aa.tiny', id: 'aa.tiny', vcpus: 1, ram: 64, disk: 1 } })).status, 200);
  const glance = new Client(`${cloud.url}/image/v2`, a.token);
  const img = await glance.post('/images', { name: 'aa-img', disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  imageId = img.body.id;
  await glance.call('PUT', `/images/${imageId}/file`, 'disk', { 'Content-Type': 'application/octet-stream' });
});
after(async () => { await cloud?.stop(); });

describe('os-resetState', () => {
  test('an admin forces error and back to active; the body is checked; non-admins 403; recorded as an action', async () => {
    const r = await demo.post('/servers', { server: { name: 'rs', imageRef: imageId, flavorRef: 'aa.tiny' } });
    const id = r.body.server.id;
    await active(demo, id);
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
    await active(admin, id);
    await admin.post(`/servers/${id}/action`, { 'os-resetState': { state: 'error' } });
    assert.equal((await admin.delete(`/servers/${id}`)).status, 204);
  });
});

describe('listing as admin', () => {
  test('tenant_id filters only with all_tenants; an invalid status: [] before 2.38, 400 from it', async () => {
    const r = await demo.post('/servers', { server: { name: 'lt', imageRef: imageId, flavorRef: 'aa.tiny' } });
    const id = r.body.server.id;
    await active(demo, id);
    assert.equal((await admin.get(`/servers/detail?tenant_id=${demoProject}`)).body.servers.some((x: any) => x.id === id), false);
    assert.equal((await admin.get(`/servers/detail?all_tenants=&tenant_id=${demoProject}`)).body.servers.some((x: any) => x.id === id), true);
    const inv = await admin.get('/servers/detail?status=invalid_status');
    assert.equal(inv.status, 200);
    assert.deepEqual(inv.body.servers, []);
    assert.equal((await admin.get('/servers/detail?status=invalid_status', mv('2.38'))).status, 400);
    assert.equal((await demo.get('/servers/detail?status=invalid_status', mv('2.38'))).status, 400);
    await demo.delete(`/servers/${id}`);
  });

  test('2.71 shows the server\'s groups on show, update and rebuild', async () => {
    const g = await demo.post('/os-server-groups', { server_group: { name: 'sg', policies: ['affinity'] } });
    const r = await demo.post('/servers', { server: { name: 'grp', imageRef: imageId, flavorRef: 'aa.tiny' }, 'os:scheduler_hints': { group: g.body.server_group.id } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const id = r.body.server.id;
    await active(demo, id);
    assert.deepEqual((await demo.get(`/servers/${id}`, mv('2.71'))).body.server.server_groups, [g.body.server_group.id]);
    assert.equal('server_groups' in (await demo.get(`/servers/${id}`, mv('2.70'))).body.server, false);
    assert.deepEqual((await demo.put(`/servers/${id}`, { server: { name: 'grp2' } }, mv('2.75'))).body.server.server_groups, [g.body.server_group.id]);
    const rb = await demo.post(`/servers/${id}/action`, { rebuild: { imageRef: imageId } }, mv('2.75'));
    assert.deepEqual(rb.body.server.server_groups, [g.body.server_group.id]);
    await active(demo, id);
    const plain = await demo.post('/servers', { server: { name: 'nogrp', imageRef: imageId, flavorRef: 'aa.tiny' } });
    await active(demo, plain.body.server.id);
    assert.deepEqual((await demo.get(`/servers/${plain.body.server.id}`, mv('2.71'))).body.server.server_groups, []);
    await demo.delete(`/servers/${id}`);
    await demo.delete(`/servers/${plain.body.server.id}`);
  });
});
