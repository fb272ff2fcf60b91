import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { linkSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientsFor } from '../../support/clients.js';
import { expectStatus, objectStoreFor, type ObjectStoreClient } from './object-store-client.js';

// A PUT's row commits while its blob's directory is fsynced (both at once), so a power loss can
// keep a row whose blob's name was lost; such a PUT was never answered. On start, the rows noted
// unsynced whose blobs are missing are undone: an overwrite gives back the object it replaced, a
// new object is gone, with the container's and account's counts; the others stay. The power loss
// is what it leaves on disk: the notes, and the blob files missing.

const dir = mkdtempSync(join(tmpdir(), 'stratus-object-recovery-'));
let cloud: TestCloud | undefined;
after(async () => { await cloud?.stop(); rmSync(dir, { recursive: true, force: true }); });

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const start = async (): Promise<ObjectStoreClient> => {
  cloud = await startTestCloud({ services: ['identity', 'object-store'] }, dir);
  return objectStoreFor(cloud, (await clientsFor(cloud, 'demo')).token);
};
const blobFile = (blob: string) => join(dir, 'objects', 'data', blob.slice(0, 2), blob);

interface Row { account: string; container: string; name: string; blob: string; size: number; etag: string; content_type: string; timestamp: string; metadata: string; delete_at: number | null }
function rowOf(name: string): Row {
  const db = new Database(join(dir, 'stratus.db'), { readonly: true });
  try { return db.prepare('SELECT * FROM swift_objects WHERE container = ? AND name = ?').get('c', name) as Row; } finally { db.close(); }
}

test('after a power loss that kept rows but not their blobs, an overwrite gives back the old object, a new one is gone, and the counts follow', async () => {
  let swift = await start();
  expectStatus(await swift.put('/c'), 201, 'container');
  expectStatus(await swift.put('/c/kept', 'version one', { 'X-Object-Meta-Color': 'blue' }), 201, 'kept v1');
  const v1 = rowOf('kept');
  // NOTE: v1's bytes are removed once v2's PUT is answered; a PUT cut short by the power loss never got there.
  linkSync(blobFile(v1.blob), join(dir, 'v1-bytes'));
  expectStatus(await swift.put('/c/kept', 'version two, longer'), 201, 'kept v2');
  expectStatus(await swift.put('/c/fresh', 'a new object'), 201, 'fresh');
  expectStatus(await swift.put('/c/whole', 'synced in time'), 201, 'whole');
  const [v2, fresh, whole] = [rowOf('kept'), rowOf('fresh'), rowOf('whole')];
  await cloud!.stop();
  cloud = undefined;

  linkSync(join(dir, 'v1-bytes'), blobFile(v1.blob));
  unlinkSync(blobFile(v2.blob));
  unlinkSync(blobFile(fresh.blob));
  const db = new Database(join(dir, 'stratus.db'));
  const note = db.prepare('INSERT INTO swift_unsynced (blob, account, container, name, previous) VALUES (?, ?, ?, ?, ?)');
  note.run(v1.blob, v1.account, 'c', 'kept', null);
  note.run(v2.blob, v2.account, 'c', 'kept', JSON.stringify({ ...v1, metadata: JSON.parse(v1.metadata) }));
  note.run(fresh.blob, fresh.account, 'c', 'fresh', null);
  note.run(whole.blob, whole.account, 'c', 'whole', null);
  db.close();

  swift = await start();
  const kept = await swift.get('/c/kept');
  assert.equal(kept.status, 200);
  assert.equal(kept.text, 'version one');
  assert.equal(kept.headers.get('etag'), md5('version one'));
  assert.equal(kept.headers.get('x-object-meta-color'), 'blue');
  assert.equal((await swift.get('/c/fresh')).status, 404);
  assert.equal((await swift.get('/c/whole')).text, 'synced in time');
  const listed = (await swift.get('/c?format=json')).json as { name: string; bytes: number; hash: string }[];
  assert.deepEqual(listed.map((o) => [o.name, o.bytes, o.hash]), [['kept', 11, md5('version one')], ['whole', 14, md5('synced in time')]]);
  const c = await swift.head('/c');
  assert.deepEqual([c.headers.get('x-container-object-count'), c.headers.get('x-container-bytes-used')], ['2', '25']);
  const a = await swift.head('');
  assert.deepEqual([a.headers.get('x-account-object-count'), a.headers.get('x-account-bytes-used')], ['2', '25']);

  // Checked once: another start changes nothing.
  await cloud!.stop();
  swift = await start();
  assert.deepEqual(((await swift.get('/c?format=json')).json as { name: string }[]).map((o) => o.name), ['kept', 'whole']);
  assert.equal((await swift.head('/c')).headers.get('x-container-object-count'), '2');
});
