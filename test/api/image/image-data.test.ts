import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Image bytes: streamed upload with checksums, download with Range and Content-MD5, staging and
// glance-direct import, the status rules around them, and quotas as Glance's unified limits.

let cloud: TestCloud;
let demo: Client;
let admin: Client;
let token: string;
const OCTET = { 'Content-Type': 'application/octet-stream' };

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'image'] });
  demo = await clientAs(cloud, 'image', 'demo');
  admin = await clientAs(cloud, 'image', 'admin');
  token = demo.token!;
});
after(async () => { await cloud.stop(); });

/** PUTs `chunks` as a stream (chunked transfer, no Content-Length), as the CLI sends a file. */
async function putStream(path: string, chunks: Buffer[]): Promise<Response> {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) { const c = chunks.shift(); if (c) controller.enqueue(c); else controller.close(); },
  });
  return fetch(`${cloud.url}/image${path}`, { method: 'PUT', body, headers: { ...OCTET, 'X-Auth-Token': token }, duplex: 'half' } as RequestInit);
}

const newImage = async (extra: Record<string, unknown> = {}) =>
  (await demo.post('/v2/images', { name: 'data', disk_format: 'raw', container_format: 'bare', ...extra })).body;

describe('upload and download', () => {
  test('a multi-MB streamed upload becomes active with size, md5 and sha512; download returns the bytes', async () => {
    const image = await newImage();
    const chunks = Array.from({ length: 12 }, () => randomBytes(512 * 1024));
    const all = Buffer.concat(chunks);
    const r = await putStream(`/v2/images/${image.id}/file`, [...chunks]);
    assert.equal(r.status, 204);
    const shown = (await demo.get(`/v2/images/${image.id}`)).body;
    assert.equal(shown.status, 'active');
    assert.equal(shown.size, all.length);
    assert.equal(shown.virtual_size, all.length);
    assert.equal(shown.checksum, createHash('md5').update(all).digest('hex'));
    assert.equal(shown.os_hash_algo, 'sha512');
    assert.equal(shown.os_hash_value, createHash('sha512').update(all).digest('hex'));
    // On disk under its final name, no temp file left.
    const dir = join(cloud.dataDir, 'images');
    assert.ok(existsSync(join(dir, image.id)));
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.part')));

    const d = await fetch(`${cloud.url}/image/v2/images/${image.id}/file`, { headers: { 'X-Auth-Token': token } });
    assert.equal(d.status, 200);
    assert.equal(d.headers.get('content-type'), 'application/octet-stream');
    assert.equal(d.headers.get('content-md5'), shown.checksum);
    assert.equal(d.headers.get('content-length'), String(all.length));
    assert.ok(Buffer.from(await d.arrayBuffer()).equals(all));

    const part = await fetch(`${cloud.url}/image/v2/images/${image.id}/file`, { headers: { 'X-Auth-Token': token, Range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-19/${all.length}`);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(all.subarray(10, 20)));
    const tail = await fetch(`${cloud.url}/image/v2/images/${image.id}/file`, { headers: { 'X-Auth-Token': token, Range: 'bytes=-5' } });
    assert.equal(tail.status, 206);
    assert.ok(Buffer.from(await tail.arrayBuffer()).equals(all.subarray(all.length - 5)));
    const bad = await fetch(`${cloud.url}/image/v2/images/${image.id}/file`, { headers: { 'X-Auth-Token': token, Range: `bytes=${all.length + 5}-` } });
    assert.equal(bad.status, 416);
  });

  test('a queued image has no data: 204; uploading again to an active image is 409', async () => {
    const image = await newImage();
    const empty = await demo.get(`/v2/images/${image.id}/file`);
    assert.equal(empty.status, 204);
    assert.equal((await demo.put(`/v2/images/${image.id}/file`, 'abc', OCTET)).status, 204);
    const again = await demo.put(`/v2/images/${image.id}/file`, 'def', OCTET);
    assert.equal(again.status, 409);
    assert.match(again.body.message, /Image status transition from active to saving is not allowed/);
    const d = await fetch(`${cloud.url}/image/v2/images/${image.id}/file`, { headers: { 'X-Auth-Token': token } });
    assert.equal(await d.text(), 'abc');
  });

  test('qcow2: virtual_size comes from the header', async () => {
    const image = await newImage({ disk_format: 'qcow2' });
    const header = Buffer.alloc(512);
    header.writeUInt32BE(0x514649fb, 0);
    header.writeUInt32BE(3, 4);
    header.writeBigUInt64BE(1073741824n, 24);
    assert.equal((await putStream(`/v2/images/${image.id}/file`, [header])).status, 204);
    const shown = (await demo.get(`/v2/images/${image.id}`)).body;
    assert.equal(shown.size, 512);
    assert.equal(shown.virtual_size, 1073741824);
  });

  test('wrong media type is 415, missing formats 400, unknown image 404; the image stays queued', async () => {
    const image = await newImage();
    const r = await demo.put(`/v2/images/${image.id}/file`, 'abc', { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 415);
    const bare = (await demo.post('/v2/images', { name: 'noformat' })).body;
    const nf = await demo.put(`/v2/images/${bare.id}/file`, 'abc', OCTET);
    assert.equal(nf.status, 400);
    assert.match(nf.body.message, /Properties disk_format, container_format must be set prior to saving data\./);
    assert.equal((await demo.put('/v2/images/00000000-0000-0000-0000-000000000000/file', 'abc', OCTET)).status, 404);
    assert.equal((await demo.get(`/v2/images/${image.id}`)).body.status, 'queued');
    assert.equal((await demo.get(`/v2/images/${bare.id}`)).body.status, 'queued');
  });

  test('deactivated: owner may not download (403), admin may; reactivate restores it', async () => {
    const image = await newImage();
    await demo.put(`/v2/images/${image.id}/file`, 'payload', OCTET);
    assert.equal((await demo.post(`/v2/images/${image.id}/actions/deactivate`)).status, 204);
    assert.equal((await demo.get(`/v2/images/${image.id}`)).body.status, 'deactivated');
    const r = await demo.get(`/v2/images/${image.id}/file`);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /The requested image has been deactivated/);
    const a = await fetch(`${cloud.url}/image/v2/images/${image.id}/file`, { headers: { 'X-Auth-Token': admin.token! } });
    assert.equal(await a.text(), 'payload');
    assert.equal((await demo.post(`/v2/images/${image.id}/actions/reactivate`)).status, 204);
    assert.equal((await demo.get(`/v2/images/${image.id}/file`)).body, 'payload');
  });

  test('delete removes the bytes', async () => {
    const image = await newImage();
    await demo.put(`/v2/images/${image.id}/file`, 'bytes', OCTET);
    assert.ok(existsSync(join(cloud.dataDir, 'images', image.id)));
    assert.equal((await demo.delete(`/v2/images/${image.id}`)).status, 204);
    assert.ok(!existsSync(join(cloud.dataDir, 'images', image.id)));
  });
});

describe('glance-direct import', () => {
  test('info/import lists the methods', async () => {
    const r = await demo.get('/v2/info/import');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body['import-methods'].value, ['glance-direct', 'web-download']);
  });

  test('stage → uploading, import → 202 then active with checksums', async () => {
    const image = await newImage();
    const bad = await demo.post(`/v2/images/${image.id}/import`, { method: { name: 'glance-direct' } });
    assert.equal(bad.status, 409);
    assert.equal((await demo.put(`/v2/images/${image.id}/stage`, 'staged bytes', OCTET)).status, 204);
    assert.equal((await demo.get(`/v2/images/${image.id}`)).body.status, 'uploading');
    assert.equal((await demo.put(`/v2/images/${image.id}/stage`, 'again', OCTET)).status, 409);
    assert.equal((await demo.post(`/v2/images/${image.id}/import`, { method: { name: 'copy-image' } })).status, 400);
    assert.equal((await demo.post(`/v2/images/${image.id}/import`, { method: { name: 'web-download', uri: 'http://example.com/x' } })).status, 409);
    assert.equal((await demo.post(`/v2/images/${image.id}/import`, {})).status, 400);
    const imp = await demo.post(`/v2/images/${image.id}/import`, { method: { name: 'glance-direct' } });
    assert.equal(imp.status, 202);
    let shown: any;
    for (let n = 0; n < 100; n++) {
      shown = (await demo.get(`/v2/images/${image.id}`)).body;
      if (shown.status === 'active') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(shown.status, 'active');
    assert.equal(shown.checksum, createHash('md5').update('staged bytes').digest('hex'));
    assert.equal((await demo.get(`/v2/images/${image.id}/file`)).body, 'staged bytes');
    assert.ok(!existsSync(join(cloud.dataDir, 'images', 'staging', image.id)));
    const tasks = (await demo.get(`/v2/images/${image.id}/tasks`)).body.tasks;
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].type, 'api_image_import');
    assert.equal(tasks[0].status, 'success');
    assert.equal(tasks[0].request_id, imp.headers.get('x-openstack-request-id'));
    assert.equal(tasks[0].input.import_req.method.name, 'glance-direct');
  });
});

describe('quotas (unified limits)', () => {
  let q: TestCloud;
  let c: Client;
  before(async () => {
    q = await startTestCloud({ services: ['identity', 'image'], imageQuotas: { imageCountTotal: 2, imageSizeTotal: 1 } });
    c = await clientAs(q, 'image', 'demo');
  });
  after(async () => { await q.stop(); });

  test('image_count_total: the third image is 413 with the limit in the message, nothing created', async () => {
    assert.equal((await c.post('/v2/images', { name: 'one', disk_format: 'raw', container_format: 'bare' })).status, 201);
    assert.equal((await c.post('/v2/images', { name: 'two', disk_format: 'raw', container_format: 'bare' })).status, 201);
    const r = await c.post('/v2/images', { name: 'three' });
    assert.equal(r.status, 413);
    assert.equal(r.body.code, '413 Request Entity Too Large');
    assert.match(r.body.message, /is over a limit for \[Resource image_count_total is over limit of 2 due to current usage 2 and delta 1\]/);
    assert.equal((await c.get('/v2/images')).body.images.length, 2);
    const usage = await c.get('/v2/info/usage');
    assert.deepEqual(usage.body.usage.image_count_total, { limit: 2, usage: 2 });
    assert.deepEqual(usage.body.usage.image_size_total, { limit: 1, usage: 0 });
    // The cloud without imageQuotas has DevStack's registered limits (GLANCE_ENABLE_QUOTAS).
    const limits = Object.entries((await demo.get('/v2/info/usage')).body.usage).map(([k, v]: [string, any]) => [k, v.limit]);
    assert.deepEqual(Object.fromEntries(limits), { image_size_total: 1000, image_stage_total: 1000, image_count_total: 100, image_count_uploading: 100 });
  });

  test('image_size_total: an upload under the limit may end past it (Glance checks before, with delta 0); the next is 413, its image queued', async () => {
    const [one, two] = (await c.get('/v2/images?sort=name:asc')).body.images;
    const big = Buffer.alloc(2 * 1024 * 1024 + 10, 1);
    assert.equal((await c.put(`/v2/images/${one.id}/file`, big.toString('latin1'), OCTET)).status, 204);
    assert.deepEqual((await c.get('/v2/info/usage')).body.usage.image_size_total, { limit: 1, usage: 2 });
    const r = await c.put(`/v2/images/${two.id}/file`, 'small', OCTET);
    assert.equal(r.status, 413);
    assert.match(r.body.message, /is over a limit for \[Resource image_size_total is over limit of 1 due to current usage 2 and delta 0\]/);
    assert.equal((await c.get(`/v2/images/${two.id}`)).body.status, 'queued');
    assert.ok(!readdirSync(join(q.dataDir, 'images')).some((f) => f.endsWith('.part') || f === two.id));
  });
});

describe('restart', () => {
  test('an upload cut short goes back to queued; an import cut short finishes', async () => {
    const { mkdtempSync, rmSync, writeFileSync: write } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const Database = (await import('better-sqlite3')).default;
    const dir = mkdtempSync(join(tmpdir(), 'stratus-image-restart-'));
    try {
      let c1 = await startTestCloud({ services: ['identity', 'image'] }, dir);
      let cl = await clientAs(c1, 'image', 'demo');
      const saving = (await cl.post('/v2/images', { name: 'cut', disk_format: 'raw', container_format: 'bare' })).body;
      const importing = (await cl.post('/v2/images', { name: 'imp', disk_format: 'raw', container_format: 'bare' })).body;
      await c1.stop();
      // As a crash would leave them: one mid-upload, one mid-import with its staged bytes.
      const db = new Database(join(dir, 'stratus.db'));
      db.prepare("UPDATE glance_images SET status = 'saving' WHERE id = ?").run(saving.id);
      db.prepare("UPDATE glance_images SET status = 'importing', staged_size = 5 WHERE id = ?").run(importing.id);
      db.close();
      write(join(dir, 'images', 'staging', importing.id), 'hello');
      c1 = await startTestCloud({ services: ['identity', 'image'] }, dir);
      cl = await clientAs(c1, 'image', 'demo');
      assert.equal((await cl.get(`/v2/images/${saving.id}`)).body.status, 'queued');
      let status = '';
      for (let n = 0; n < 100 && status !== 'active'; n++) {
        status = (await cl.get(`/v2/images/${importing.id}`)).body.status;
        if (status !== 'active') await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 'active');
      assert.equal((await cl.get(`/v2/images/${importing.id}/file`)).body, 'hello');
      await c1.stop();
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
