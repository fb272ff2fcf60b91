import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// The web-download import method: POST /v2/images/{id}/import {"method": {"name": "web-download",
// "uri": ...}} fetches the bytes from a URL the operator's filters allow (Glance's
// [import_filtering_opts]); a refused URL is Glance's 400, an unreachable or failing one ends the
// import with the image back in queued and the task failed.

let cloud: TestCloud;
let demo: Client;
let admin: Client;
let server: Server;
let port: number;
let closedPort: number;
let requests = 0;
/** Ends the held /slow response (whenever it arrives). */
let release!: () => void;
const released = new Promise<void>((r) => { release = r; });
const BIG = randomBytes(3 * 1024 * 1024 + 17);

before(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/image.raw') { res.writeHead(200, { 'Content-Length': String(BIG.length) }); res.end(BIG); return; }
    if (req.url === '/slow') { res.writeHead(200); res.write('first '); void released.then(() => res.end('last')); return; }
    if (req.url === '/chunked') { res.writeHead(200); res.write('abc'); res.end('def'); return; }
    if (req.url === '/to-image') { res.writeHead(302, { Location: '/image.raw' }); res.end(); return; }
    if (req.url === '/to-elsewhere') { res.writeHead(302, { Location: 'http://127.0.0.1:1/x' }); res.end(); return; }
    if (req.url === '/short') { res.writeHead(200, { 'Content-Length': '100' }); res.end('only this'); return; }
    res.writeHead(404); res.end('not here');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  // A port nothing listens on: bound, then closed.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  cloud = await startTestCloud({ services: ['identity', 'image'], imageImportFiltering: { allowedPorts: [80, 443, port, closedPort] } });
  demo = await clientAs(cloud, 'image', 'demo');
  admin = await clientAs(cloud, 'image', 'admin');
});
after(async () => { await cloud.stop(); await new Promise<void>((r) => server.close(() => r())); });

/** Glance's error message as webob words it. */
const said = (message: string) => `${message}<br /><br />\n\n`;
const newImage = async (c: Client = demo) => (await c.post('/v2/images', { name: 'web', disk_format: 'raw', container_format: 'bare' })).body;
const webDownload = (id: string, uri?: string, c: Client = demo) =>
  c.post(`/v2/images/${id}/import`, { method: { name: 'web-download', ...(uri === undefined ? {} : { uri }) } });

/** A refused import changed nothing: same status, no import metadata, no task. */
async function untouched(c: Client, id: string, status: string): Promise<void> {
  const shown = (await c.get(`/v2/images/${id}`)).body;
  assert.equal(shown.status, status);
  assert.equal(shown.os_glance_importing_to_stores, undefined);
  assert.equal(shown.os_glance_failed_import, undefined);
  assert.deepEqual((await c.get(`/v2/images/${id}/tasks`)).body.tasks, []);
}

/** Polls the image until it leaves 'importing'. */
async function settled(id: string, c: Client = demo): Promise<any> {
  let shown: any;
  for (let n = 0; n < 300; n++) {
    shown = (await c.get(`/v2/images/${id}`)).body;
    if (shown.status !== 'importing') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  for (let n = 0; n < 100; n++) {
    const tasks = (await c.get(`/v2/images/${id}/tasks`)).body.tasks;
    if (tasks.every((t: any) => t.status === 'success' || t.status === 'failure')) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return shown;
}

describe('web-download import', () => {
  test('info/import lists web-download (copy-image is not offered: one store)', async () => {
    const r = await demo.get('/v2/info/import');
    assert.deepEqual(r.body['import-methods'], { description: 'Import methods available.', type: 'array', value: ['glance-direct', 'web-download'] });
  });

  test('a multi-MB download from an allowed URL: 202, then active with size and checksums; the task succeeds', async () => {
    const image = await newImage();
    const uri = `http://127.0.0.1:${port}/image.raw`;
    const r = await webDownload(image.id, uri);
    assert.equal(r.status, 202);
    const shown = await settled(image.id);
    assert.equal(shown.status, 'active');
    assert.equal(shown.size, BIG.length);
    assert.equal(shown.checksum, createHash('md5').update(BIG).digest('hex'));
    assert.equal(shown.os_hash_value, createHash('sha512').update(BIG).digest('hex'));
    assert.equal(shown.os_glance_importing_to_stores, '');
    assert.equal(shown.os_glance_failed_import, '');
    const data = await fetch(`${cloud.url}/image/v2/images/${image.id}/file`, { headers: { 'X-Auth-Token': demo.token! } });
    assert.ok(Buffer.from(await data.arrayBuffer()).equals(BIG));
    const [task] = (await demo.get(`/v2/images/${image.id}/tasks`)).body.tasks;
    assert.equal(task.type, 'api_image_import');
    assert.equal(task.status, 'success');
    assert.deepEqual(task.result, { image_id: image.id });
    assert.equal(task.message, 'Copied 3 MiB');
    assert.deepEqual(task.input, { image_id: image.id, import_req: { method: { name: 'web-download', uri } }, backend: [null] });
    assert.equal(task.request_id, r.headers.get('x-openstack-request-id'));
    assert.match(task.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  });

  test('while it runs the image is importing and holds the import lock (os_glance_import_task: the task id); it is dropped at the end', async () => {
    const image = await newImage();
    assert.equal((await webDownload(image.id, `http://127.0.0.1:${port}/slow`)).status, 202);
    const during = (await demo.get(`/v2/images/${image.id}`)).body;
    assert.equal(during.status, 'importing');
    const [task] = (await demo.get(`/v2/images/${image.id}/tasks`)).body.tasks;
    assert.equal(during.os_glance_import_task, task.id);
    assert.equal(during.os_glance_importing_to_stores, '');
    const again = await webDownload(image.id, `http://127.0.0.1:${port}/chunked`);
    assert.equal(again.status, 409);
    assert.equal(again.body.message, said("Image needs to be in 'queued' state to use 'web-download' method"));
    release();
    const shown = await settled(image.id);
    assert.equal(shown.status, 'active');
    assert.equal(shown.size, 'first last'.length);
    assert.equal(shown.os_glance_import_task, undefined);
  });

  test('a chunked body and a redirect to an allowed URL both work', async () => {
    const a = await newImage();
    assert.equal((await webDownload(a.id, `http://127.0.0.1:${port}/chunked`)).status, 202);
    assert.equal((await settled(a.id)).size, 6);
    const b = await newImage();
    assert.equal((await webDownload(b.id, `http://127.0.0.1:${port}/to-image`)).status, 202);
    assert.equal((await settled(b.id)).size, BIG.length);
  });

  test('a refused URL (port, scheme, host, none) is 400 as Glance and changes nothing', async () => {
    const image = await newImage();
    const before = requests;
    for (const uri of [`http://127.0.0.1:8081/x`, `ftp://127.0.0.1:${port}/x`, `file:///etc/passwd`, `http://:${port}/x`]) {
      const r = await webDownload(image.id, uri);
      assert.equal(r.status, 400, uri);
      assert.equal(r.body.message, said(`URI for web-download does not pass filtering: ${uri}`));
    }
    const none = await webDownload(image.id);
    assert.equal(none.status, 400);
    assert.equal(none.body.message, said('URI for web-download does not pass filtering: None'));
    await untouched(demo, image.id, 'queued');
    assert.equal(requests, before);
  });

  for (const [what, path] of [['a 404', '/missing'], ['a body shorter than its Content-Length', '/short'], ['a redirect to a refused URL', '/to-elsewhere']]) {
    test(`${what}: 202, then the image is back in queued with the failure in the import metadata`, async () => {
      const image = await newImage();
      assert.equal((await webDownload(image.id, `http://127.0.0.1:${port}${path}`)).status, 202);
      const shown = await settled(image.id);
      assert.equal(shown.status, 'queued');
      assert.equal(shown.size, null);
      assert.equal(shown.os_glance_importing_to_stores, '');
      assert.equal(shown.os_glance_failed_import, '');
      const [task] = (await demo.get(`/v2/images/${image.id}/tasks`)).body.tasks;
      assert.equal(task.status, 'failure');
      assert.equal(task.message, 'Task failed due to Internal Error');
      assert.equal(task.result, null);
      // The image can be imported again.
      assert.equal((await webDownload(image.id, `http://127.0.0.1:${port}/chunked`)).status, 202);
      assert.equal((await settled(image.id)).status, 'active');
    });
  }

  test('an unreachable URL: 202, then queued and the task failed', async () => {
    const image = await newImage();
    assert.equal((await webDownload(image.id, `http://127.0.0.1:${closedPort}/x`)).status, 202);
    const shown = await settled(image.id);
    assert.equal(shown.status, 'queued');
    assert.equal(shown.os_glance_failed_import, '');
    assert.equal((await demo.get(`/v2/images/${image.id}/tasks`)).body.tasks[0].status, 'failure');
  });

  test("Glance's checks: not queued is 409, formats are required, the body is checked field by field", async () => {
    const active = await newImage();
    await demo.put(`/v2/images/${active.id}/file`, 'x', { 'Content-Type': 'application/octet-stream' });
    const r = await webDownload(active.id, `http://127.0.0.1:${port}/chunked`);
    assert.equal(r.status, 409);
    assert.equal(r.body.message, said('Image with status active cannot be target for import'));
    const staged = await newImage();
    await demo.put(`/v2/images/${staged.id}/stage`, 'x', { 'Content-Type': 'application/octet-stream' });
    assert.equal((await webDownload(staged.id, `http://127.0.0.1:${port}/chunked`)).body.message, said("Image needs to be in 'queued' state to use 'web-download' method"));
    const bare = (await demo.post('/v2/images', { name: 'no formats' })).body;
    const nf = await webDownload(bare.id, `http://127.0.0.1:${port}/chunked`);
    assert.equal(nf.status, 409);
    assert.equal(nf.body.message, said("'container_format' needs to be set before import"));
    const image = await newImage();
    const cases: Array<[unknown, string]> = [
      [{}, "Import request requires a 'method' field."],
      [{ method: {} }, "Import request requires a 'name' field."],
      [{ method: { name: 'copy-image' } }, "Unknown import method name 'copy-image'."],
      [{ method: { name: 'web-download', uri: 'http://x/' }, all_stores_must_succeed: 'yes' }, "'all_stores_must_succeed' must be boolean value only"],
      [{ method: { name: 'web-download', uri: 'http://x/' }, all_stores: 1 }, "'all_stores' must be boolean value only"],
      [{ method: { name: 'web-download', uri: 'http://x/' }, all_stores_must_succeed: false }, 'All_stores_must_succeed can only be set with enabled_backends http://x/'],
    ];
    for (const [body, message] of cases) {
      const bad = await demo.post(`/v2/images/${image.id}/import`, body);
      assert.equal(bad.status, 400, message);
      assert.equal(bad.body.message, said(message));
    }
    assert.equal((await demo.get(`/v2/images/${image.id}`)).body.status, 'queued');
  });

  test('copy-image (one store: nothing to copy to) is not an enabled method: 400 as Glance answers a method it does not offer, image untouched', async () => {
    const image = await newImage(admin);
    await admin.put(`/v2/images/${image.id}/file`, 'bytes', { 'Content-Type': 'application/octet-stream' });
    for (const body of [{ method: { name: 'copy-image' } }, { method: { name: 'copy-image' }, stores: ['file'] }, { method: { name: 'copy-image' }, all_stores: true }]) {
      const r = await admin.post(`/v2/images/${image.id}/import`, body);
      assert.equal(r.status, 400);
      assert.equal(r.body.message, said("Unknown import method name 'copy-image'."));
    }
    await untouched(admin, image.id, 'active');
  });

  test('another project cannot import into an image it does not own', async () => {
    const alt = await clientAs(cloud, 'image', 'alt_demo');
    const image = await newImage();
    assert.equal((await webDownload(image.id, `http://127.0.0.1:${port}/chunked`, alt)).status, 404);
    const pub = await newImage(admin);
    await admin.patch(`/v2/images/${pub.id}`, [{ op: 'replace', path: '/visibility', value: 'public' }], { 'Content-Type': 'application/openstack-images-v2.1-json-patch' });
    assert.equal((await webDownload(pub.id, `http://127.0.0.1:${port}/chunked`)).status, 403);
  });
});

describe('web-download filters and quota', () => {
  test("Glance's defaults refuse 127.0.0.1 on a port other than 80 and 443", async () => {
    const plain = await startTestCloud({ services: ['identity', 'image'] });
    try {
      const c = await clientAs(plain, 'image', 'demo');
      const image = (await c.post('/v2/images', { name: 'web', disk_format: 'raw', container_format: 'bare' })).body;
      const r = await c.post(`/v2/images/${image.id}/import`, { method: { name: 'web-download', uri: `http://127.0.0.1:${port}/chunked` } });
      assert.equal(r.status, 400);
    } finally { await plain.stop(); }
  });

  test('disallowed hosts refuse; image_size_total: a download under the limit may end past it, then an import is 413', async () => {
    const q = await startTestCloud({
      services: ['identity', 'image'], imageQuotas: { imageSizeTotal: 1 },
      imageImportFiltering: { allowedPorts: [], disallowedPorts: [22], disallowedHosts: ['localhost'] },
    });
    try {
      const c = await clientAs(q, 'image', 'demo');
      const image = (await c.post('/v2/images', { name: 'web', disk_format: 'raw', container_format: 'bare' })).body;
      const imp = (id: string, uri: string) => c.post(`/v2/images/${id}/import`, { method: { name: 'web-download', uri } });
      assert.equal((await imp(image.id, `http://LOCALHOST:${port}/chunked`)).status, 400);
      assert.equal((await imp(image.id, `http://127.0.0.1:22/chunked`)).status, 400);
      assert.equal((await imp(image.id, `http://127.0.0.1:${port}/image.raw`)).status, 202);
      assert.equal((await settled(image.id, c)).status, 'active');
      const next = (await c.post('/v2/images', { name: 'web', disk_format: 'raw', container_format: 'bare' })).body;
      const refused = await imp(next.id, `http://127.0.0.1:${port}/chunked`);
      assert.equal(refused.status, 413);
      assert.match(refused.body.message, /Resource image_size_total is over limit of 1 due to current usage 3 and delta 0/);
      assert.equal((await c.get(`/v2/images/${next.id}`)).body.status, 'queued');
    } finally { await q.stop(); }
  });

  test('image_count_uploading: an import while another image is staged fails with the quota\'s message, image back in queued', async () => {
    const q = await startTestCloud({ services: ['identity', 'image'], imageQuotas: { imageCountUploading: 1 }, imageImportFiltering: { allowedPorts: [port] } });
    try {
      const c = await clientAs(q, 'image', 'demo');
      const create = async () => (await c.post('/v2/images', { name: 'web', disk_format: 'raw', container_format: 'bare' })).body;
      const staged = await create();
      assert.equal((await c.put(`/v2/images/${staged.id}/stage`, 'x', { 'Content-Type': 'application/octet-stream' })).status, 204);
      const image = await create();
      assert.equal((await c.post(`/v2/images/${image.id}/import`, { method: { name: 'web-download', uri: `http://127.0.0.1:${port}/chunked` } })).status, 202);
      const shown = await settled(image.id, c);
      assert.equal(shown.status, 'queued');
      const [task] = (await c.get(`/v2/images/${image.id}/tasks`)).body.tasks;
      assert.equal(task.status, 'failure');
      assert.match(task.message, /is over a limit for \[Resource image_count_uploading is over limit of 1 due to current usage 2 and delta 0\]/);
    } finally { await q.stop(); }
  });
});

describe('restart', () => {
  test('a web-download cut short by a restart: queued, lock dropped, failure in the import metadata, its task failed', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const Database = (await import('better-sqlite3')).default;
    const dir = mkdtempSync(join(tmpdir(), 'stratus-web-restart-'));
    try {
      let c1 = await startTestCloud({ services: ['identity', 'image'] }, dir);
      let cl = await clientAs(c1, 'image', 'demo');
      const image = (await cl.post('/v2/images', { name: 'cut', disk_format: 'raw', container_format: 'bare' })).body;
      await c1.stop();
      // As a crash mid-download leaves it: importing, locked by a processing task.
      const db = new Database(join(dir, 'stratus.db'));
      const taskId = '11111111-2222-3333-4444-555555555555';
      db.prepare("UPDATE glance_images SET status = 'importing', properties = ? WHERE id = ?")
        .run(JSON.stringify({ os_glance_import_task: taskId, os_glance_importing_to_stores: '', os_glance_failed_import: '' }), image.id);
      db.prepare(`INSERT INTO glance_tasks (id, image_id, type, status, owner, input, message, created_at, updated_at)
        VALUES (?, ?, 'api_image_import', 'processing', ?, '{}', '', '2026-01-01T00:00:00.000000', '2026-01-01T00:00:00.000000')`).run(taskId, image.id, image.owner);
      db.close();
      c1 = await startTestCloud({ services: ['identity', 'image'] }, dir);
      cl = await clientAs(c1, 'image', 'demo');
      const shown = (await cl.get(`/v2/images/${image.id}`)).body;
      assert.equal(shown.status, 'queued');
      assert.equal(shown.os_glance_import_task, undefined);
      assert.equal(shown.os_glance_failed_import, '');
      assert.equal((await cl.get(`/v2/images/${image.id}/tasks`)).body.tasks[0].status, 'failure');
      await c1.stop();
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
