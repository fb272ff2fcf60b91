import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { bootServer, computeFixture } from '../../support/compute-server.js';

// POST /os-server-external-events: per-event codes (200, 404, 400 without a needed tag), 207 when
// any is not accepted, schema 400s, admin (or service) only.

let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let serverId: string;
const MISSING = '00000000-0000-4000-8000-000000000000';

before(async () => {
  const f = await computeFixture('ev.tiny');
  ({ cloud, admin, demo } = f);
  serverId = await bootServer(f, demo, 'ev');
});
after(async () => { await cloud?.stop(); });

test('accepted events answer 200 with code and status', async () => {
  const r = await admin.post('/os-server-external-events', { events: [{ name: 'network-changed', server_uuid: serverId, tag: 'port-1' }] });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { events: [{ name: 'network-changed', server_uuid: serverId, tag: 'port-1', status: 'completed', code: 200 }] });
});

test('unknown servers and missing tags fail per event: 207', async () => {
  const r = await admin.at('2.51').post('/os-server-external-events', { events: [
    { name: 'network-vif-plugged', server_uuid: serverId },
    { name: 'network-vif-plugged', server_uuid: MISSING },
    { name: 'volume-extended', server_uuid: serverId },
  ] });
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
