import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bootServer, computeFixture, waitStatus, type ComputeFixture } from '../../support/compute-server.js';

// createBackup: a snapshot typed 'backup' with its backup_type; rotation keeps the newest N.
// The status stays ACTIVE while a backup runs: a client waits for the task_state to clear.

let f: ComputeFixture;
before(async () => { f = await computeFixture('bk.tiny'); });
after(async () => { await f?.cloud.stop(); });

test('backups rotate; the image carries image_type and backup_type; bad bodies 400', async () => {
  const id = await bootServer(f, f.demo, 'bk');
  const ids: string[] = [];
  for (const n of [1, 2, 3]) {
    const r = await f.demo.at('2.45').post(`/servers/${id}/action`, { createBackup: { name: `b${n}`, backup_type: 'daily', rotation: 2 } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    ids.push(r.body.image_id);
    for (let i = 0; i < 1000 && (await f.demoGlance.get(`/v2/images/${r.body.image_id}`)).body.status !== 'active'; i++) await new Promise((res) => setTimeout(res, 5));
    await waitStatus(f.demo, id, (s) => s.status === 'ACTIVE' && s['OS-EXT-STS:task_state'] === null);
    // NOTE: Glance orders by created_at to the second: let each backup have its own second.
    if (n < 3) await new Promise((res) => setTimeout(res, 1000));
  }
  const img = (await f.demoGlance.get(`/v2/images/${ids[2]}`)).body;
  assert.equal(img.image_type, 'backup');
  assert.equal(img.backup_type, 'daily');
  assert.equal(img.instance_uuid, id);
  assert.equal((await f.demoGlance.get(`/v2/images/${ids[0]}`)).status, 404, 'the oldest is rotated out');
  assert.equal((await f.demoGlance.get(`/v2/images/${ids[1]}`)).status, 200);
  const loc = await f.demo.post(`/servers/${id}/action`, { createBackup: { name: 'b4', backup_type: 'weekly', rotation: 1 } });
  assert.equal(loc.status, 202);
  assert.match(loc.headers.get('location')!, /\/image\/v2\/images\/[0-9a-f-]{36}$/);
  await waitStatus(f.demo, id, (s) => s.status === 'ACTIVE' && s['OS-EXT-STS:task_state'] === null);
  for (const body of [{ name: 'x', backup_type: 'daily' }, { name: 'x', backup_type: 'daily', rotation: -1 }, { name: 'x', rotation: 1 }, { name: 'x', backup_type: 'daily', rotation: 1, extra: 1 }]) {
    assert.equal((await f.demo.post(`/servers/${id}/action`, { createBackup: body })).status, 400, JSON.stringify(body));
  }
});
