import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeFixture, waitStatus } from '../../support/compute-server.js';

// GET /os-migrations: a resize leaves a migration (migrating → finished → confirmed | reverted),
// fields per microversion, filters and paging (2.59); admin only.

let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let imageId: string;

before(async () => {
  ({ cloud, admin, demo, imageId } = await computeFixture('901'));
  await admin.post('/flavors', { flavor: { name: 'mg.2', id: '902', vcpus: 2, ram: 128, disk: 1 } });
});
after(async () => { await cloud?.stop(); });

test('resize, confirm and revert leave migrations with Nova\'s fields and statuses', async () => {
  assert.deepEqual((await admin.get('/os-migrations')).body, { migrations: [] });
  const id = (await demo.post('/servers', { server: { name: 'mg', imageRef: imageId, flavorRef: '901' } })).body.server.id;
  await waitStatus(demo, id, 'ACTIVE');
  assert.equal((await demo.post(`/servers/${id}/action`, { resize: { flavorRef: '902' } })).status, 202);
  await waitStatus(demo, id, 'VERIFY_RESIZE');
  let list = (await admin.get('/os-migrations')).body.migrations;
  assert.equal(list.length, 1);
  const m = list[0];
  assert.deepEqual(Object.keys(m).sort(), ['created_at', 'dest_compute', 'dest_host', 'dest_node', 'id', 'instance_uuid', 'new_instance_type_id',
    'old_instance_type_id', 'source_compute', 'source_node', 'status', 'updated_at']);
  assert.equal(m.instance_uuid, id);
  assert.equal(m.status, 'finished');
  assert.equal(m.old_instance_type_id, 901);
  assert.equal(m.new_instance_type_id, 902);
  assert.match(m.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  assert.equal((await demo.post(`/servers/${id}/action`, { confirmResize: null })).status, 204);
  await waitStatus(demo, id, 'ACTIVE');
  assert.equal((await admin.get('/os-migrations')).body.migrations[0].status, 'confirmed');
  await demo.post(`/servers/${id}/action`, { resize: { flavorRef: '901' } });
  await waitStatus(demo, id, 'VERIFY_RESIZE');
  await demo.post(`/servers/${id}/action`, { revertResize: null });
  await waitStatus(demo, id, 'ACTIVE');
  list = (await admin.at('2.80').get('/os-migrations')).body.migrations;
  assert.deepEqual(list.map((x: any) => x.status), ['reverted', 'confirmed']);
  assert.equal(list[0].migration_type, 'resize');
  assert.match(list[0].uuid, /^[0-9a-f-]{36}$/);
  assert.ok(list[0].project_id && list[0].user_id);
  assert.deepEqual((await admin.get('/os-migrations?status=confirmed')).body.migrations.map((x: any) => x.status), ['confirmed']);
  assert.equal((await admin.get(`/os-migrations?instance_uuid=${id}`)).body.migrations.length, 2);
  assert.equal((await admin.get('/os-migrations?instance_uuid=nope')).body.migrations.length, 0);
  const page = (await admin.at('2.59').get('/os-migrations?limit=1')).body;
  assert.equal(page.migrations.length, 1);
  assert.match(page.migrations_links[0].href, /marker=/);
  const next = (await admin.at('2.59').get(`/os-migrations?limit=1&marker=${page.migrations[0].uuid}`)).body;
  assert.equal(next.migrations[0].status, 'confirmed');
  assert.equal((await admin.at('2.59').get('/os-migrations?marker=nope')).status, 400);
  assert.equal((await demo.get('/os-migrations')).status, 403);
});
