import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

// POST /os-server-external-events: per-event codes (200, 404, 400 without a needed tag), 207 when
// any is not accepted, schema 400s, admin (or service) only.

let cloud: TestCloud;
let admin: Client;
let demo: Client;
let serverId: string;
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });
const MISSING = '00000000-0000-4000-8000-000000000000';

before(async () => {
  cloud = await startTestCloud();
  const a = await login(cloud, 'admin', 'secret', 'admin');
  admin = new Client(`${cloud.url}/compute/v2.1`, a.token);
  demo = new Client(`${cloud.url}/compute/v2.1`, (await login(cloud, 'demo', 'secret', 'demo')).token);
  await admin.post('/flavors', { flavor: { name: 'ev.tiny', id: 'ev.tiny', vcpus: 1, ram: 64, disk: 1 } });
  const glance = new Client(`${cloud.url}/image/v2`, a.token);
  const img = await glance.post('/images', { name: 'ev-img', disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  await glance.call('PUT', `/images/${img.body.id}/file`, 'disk', { 'Content-Type': 'application/octet-stream' });
  serverId = (await demo.post('/servers', { server: { name: 'ev', imageRef: img.body.id, flavorRef: 'ev.tiny' } })).body.server.id;
  for (let i = 0; i < 1000 && (await demo.get(`/servers/${serverId}`)).body.server.status !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 5));
});
after(async () => { await cloud?.stop(); });

test('accepted events answer 200 with code and status', async () => {
  const r = await admin.post('/os-server-external-events', { events: [{ name: 'network-changed', server_uuid: serverId, tag: 'port-1' }] });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { events: [{ name: 'network-changed', server_uuid: serverId, tag: 'port-1', status: 'completed', code: 200 }] });
});

test('unknown servers and missing tags fail per event: 207', async () => {
  const r = await admin.post('/os-server-external-events', { events: [
    { name: 'network-vif-plugged', server_uuid: serverId },
    { name: 'network-vif-plugged', server_uuid: MISSING },
    { name: 'volume-extended', server_uuid: serverId },
  ] }, mv('2.51'));
  assert.equal(r.status, 207);
  assert.deepEqual(r.body.events.map((e: any) => [e.code, e.status]), [[200, 'completed'], [404, 'failed'], [400, 'failed']]);
});

test('schema: events required and non-empty, names per microversion, uuids; admin only', async () => {
  for (const body of [{}, { events: [] }, { events: [{ name: 'bogus', server_uuid: serverId }] }, { events: [{ name: 'network-changed', server_uuid: 'x' }] },
    { events: [{ name: 'network-changed', server_uuid: serverId, extra: 1 }] }, { events: [{ name: 'volume-extended', server_uuid: serverId, tag: 'v' }] }]) {
    assert.equal((await admin.post('/os-server-external-events', body)).status, 400, JSON.stringify(body));
  }
  assert.equal((await demo.post('/os-server-external-events', { events: [{ name: 'network-changed', server_uuid: serverId }] })).status, 403);
});
