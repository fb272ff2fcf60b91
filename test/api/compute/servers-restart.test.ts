import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

// Nova's init_host: a restart finishes the builds whose task was recorded, moves a build that
// lost its task to ERROR, and brings back the guests the (fake) host forgot.

const dir = mkdtempSync(join(tmpdir(), 'stratus-restart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function compute(cloud: TestCloud): Promise<Client> {
  return new Client(`${cloud.url}/compute/v2.1`, (await login(cloud, 'admin', 'secret', 'admin')).token);
}

async function waitStatus(c: Client, id: string, status: string): Promise<any> {
  for (let i = 0; i < 1000; i++) {
    const s = (await c.get(`/servers/${id}`)).body.server;
    if (s?.status === status) return s;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${id} never reached ${status}`);
}

test('restart during BUILD: a recorded build finishes, a build without its task goes to ERROR, guests come back', async () => {
  let cloud = await startTestCloud({}, dir);
  let c = await compute(cloud);
  assert.equal((await c.post('/flavors', { flavor: { name: 'rs', id: 'rs', vcpus: 1, ram: 64, disk: 0 } })).status, 200);
  const glance = new Client(`${cloud.url}/image/v2`, c.token);
  const img = (await glance.post('/images', { name: 'rs', disk_format: 'raw', container_format: 'bare' })).body.id;
  await glance.call('PUT', `/images/${img}/file`, 'disk', { 'Content-Type': 'application/octet-stream' });
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
    c = await compute(cloud);
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
