import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { startTestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';
import { computeFixture, waitStatus } from '../../support/compute-server.js';

// Nova's init_host: a restart finishes the builds whose task was recorded, moves a build that
// lost its task to ERROR, and brings back the guests the (fake) host forgot.

const dir = mkdtempSync(join(tmpdir(), 'stratus-restart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('restart during BUILD: a recorded build finishes, a build without its task goes to ERROR, guests come back', async () => {
  const f = await computeFixture('rs', { flavor: { disk: 0 }, dataDir: dir });
  let { cloud, admin: c } = f;
  const img = f.imageId;
  const ids: string[] = [];
  for (const name of ['resumed', 'orphan', 'survivor']) {
    const r = await c.post('/servers', { server: { name, imageRef: img, flavorRef: 'rs' } });
    ids.push(r.body.server.id);
    await waitStatus(c, r.body.server.id, 'ACTIVE');
  }
  await cloud.stop();

  // What a crash in the middle of two builds leaves behind: both BUILDING, one with its task row.
  const db = new Database(join(dir, 'stratus.db'));
  db.prepare("UPDATE instances SET vm_state = 'building', task_state = 'scheduling', host = NULL, node = NULL, launched_at = NULL, power_state = 0 WHERE id = ?").run(ids[0]);
  db.prepare("UPDATE instances SET vm_state = 'building', task_state = 'spawning', power_state = 0 WHERE id = ?").run(ids[1]);
  db.prepare("INSERT INTO work_tasks (id, kind, resource_id, payload, created_at, attempts) VALUES (?, 'compute:server', ?, ?, ?, 0)")
    .run(randomUUID(), ids[0], JSON.stringify({ op: 'build', actionId: 1 }), new Date().toISOString());
  db.close();

  cloud = await startTestCloud({}, dir);
  try {
    c = await clientAs(cloud, 'compute', 'admin');
    const resumed = await waitStatus(c, ids[0]!, 'ACTIVE');
    assert.ok(resumed['OS-EXT-SRV-ATTR:host']);
    const orphan = await waitStatus(c, ids[1]!, 'ERROR');
    assert.equal(orphan.fault.code, 500);
    const survivor = (await c.get(`/servers/${ids[2]}`)).body.server;
    assert.equal(survivor.status, 'ACTIVE');
    assert.equal(survivor['OS-EXT-STS:power_state'], 1);
    const out = await c.post(`/servers/${ids[2]}/action`, { 'os-getConsoleOutput': {} });
    assert.equal(out.status, 200, 'the fake host lost the guest with the process; init_host brought it back');
  } finally { await cloud.stop(); }
});
