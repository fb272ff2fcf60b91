import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Glance's tasks API (/v2/tasks, /v2/tasks/{id}, /v2/schemas/task(s)): every image import is
// recorded as an api_image_import task; the API is the admin's (tasks_api_access); POST /v2/tasks
// runs Glance's old 'import' task (an image made from a URL's bytes).

let cloud: TestCloud;
let demo: Client;
let admin: Client;
let server: Server;
let port: number;
const OCTET = { 'Content-Type': 'application/octet-stream' };
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const said = (message: string) => `${message}<br /><br />\n\n`;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/bytes') { res.writeHead(200, { 'Content-Length': '11' }); res.end('hello world'); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  cloud = await startTestCloud({ services: ['identity', 'image'], imageImportFiltering: { allowedPorts: [port] } });
  demo = await clientAs(cloud, 'image', 'demo');
  admin = await clientAs(cloud, 'image', 'admin');
});
after(async () => { await cloud.stop(); await new Promise<void>((r) => server.close(() => r())); });

async function taskDone(id: string): Promise<any> {
  let t: any;
  for (let n = 0; n < 200; n++) {
    t = (await admin.get(`/v2/tasks/${id}`)).body;
    if (t.status === 'success' || t.status === 'failure') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return t;
}

/** A demo image imported by web-download (ok) or from a missing URL (fails); the task's id. */
async function importedBy(path: string): Promise<{ imageId: string; taskId: string; requestId: string }> {
  const image = (await demo.post('/v2/images', { name: 'via-task', disk_format: 'raw', container_format: 'bare' })).body;
  const r = await demo.post(`/v2/images/${image.id}/import`, { method: { name: 'web-download', uri: `http://127.0.0.1:${port}${path}` } });
  assert.equal(r.status, 202);
  const [task] = (await demo.get(`/v2/images/${image.id}/tasks`)).body.tasks;
  await taskDone(task.id);
  return { imageId: image.id, taskId: task.id, requestId: r.headers.get('x-openstack-request-id')! };
}

describe('tasks recorded for imports', () => {
  test('GET /v2/tasks/{id}: the import task as Glance shows it', async () => {
    const { imageId, taskId, requestId } = await importedBy('/bytes');
    const r = await admin.get(`/v2/tasks/${taskId}`);
    assert.equal(r.status, 200);
    const t = r.body;
    assert.deepEqual(Object.keys(t).sort(), ['created_at', 'expires_at', 'id', 'image_id', 'input', 'message', 'owner', 'request_id', 'result', 'schema', 'self', 'status', 'type', 'updated_at', 'user_id']);
    assert.equal(t.type, 'api_image_import');
    assert.equal(t.status, 'success');
    assert.deepEqual(t.result, { image_id: imageId });
    assert.equal(t.image_id, imageId);
    assert.equal(t.request_id, requestId);
    assert.equal(t.owner, (await demo.get(`/v2/images/${imageId}`)).body.owner);
    assert.equal(t.self, `/v2/tasks/${taskId}`);
    assert.equal(t.schema, '/v2/schemas/task');
    for (const k of ['created_at', 'updated_at', 'expires_at']) assert.match(t[k], ISO, k);
    assert.ok(Date.parse(t.expires_at) - Date.parse(t.updated_at) >= 47 * 3600 * 1000);
  });

  test('a failed import: the task is failure with its message, no result', async () => {
    const { taskId } = await importedBy('/missing');
    const t = (await admin.get(`/v2/tasks/${taskId}`)).body;
    assert.equal(t.status, 'failure');
    assert.equal(t.message, 'Task failed due to Internal Error');
    assert.equal(t.result, null);
  });

  test('a glance-direct import is recorded too', async () => {
    const image = (await demo.post('/v2/images', { name: 'direct', disk_format: 'raw', container_format: 'bare' })).body;
    await demo.put(`/v2/images/${image.id}/stage`, 'staged', OCTET);
    await demo.post(`/v2/images/${image.id}/import`, { method: { name: 'glance-direct' } });
    const [task] = (await demo.get(`/v2/images/${image.id}/tasks`)).body.tasks;
    assert.equal((await taskDone(task.id)).status, 'success');
    assert.equal((await admin.get(`/v2/tasks/${task.id}`)).body.input.import_req.method.name, 'glance-direct');
  });

  test('GET /v2/tasks: stubs (no input, result, message), newest first, filters, paging', async () => {
    const r = await admin.get('/v2/tasks');
    assert.equal(r.status, 200);
    assert.equal(r.body.first, '/v2/tasks');
    assert.equal(r.body.schema, '/v2/schemas/tasks');
    const tasks = r.body.tasks;
    assert.ok(tasks.length >= 3);
    assert.deepEqual(Object.keys(tasks[0]).sort(), ['created_at', 'expires_at', 'id', 'owner', 'schema', 'self', 'status', 'type', 'updated_at']);
    const created = tasks.map((t: any) => t.created_at);
    assert.deepEqual(created, [...created].sort().reverse());
    const failed = (await admin.get('/v2/tasks?status=failure')).body.tasks;
    assert.ok(failed.length >= 1 && failed.every((t: any) => t.status === 'failure'));
    const bad = await admin.get('/v2/tasks?status=done');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, said('Invalid status value: done'));
    assert.equal((await admin.get('/v2/tasks?type=api_image_import')).body.message, said('Invalid type value: api_image_import'));
    assert.deepEqual((await admin.get('/v2/tasks?type=import')).body.tasks, []);
    const page = (await admin.get('/v2/tasks?limit=1&sort_dir=asc')).body;
    assert.equal(page.tasks.length, 1);
    assert.equal(page.first, '/v2/tasks?limit=1&sort_dir=asc');
    assert.equal(page.next, `/v2/tasks?limit=1&sort_dir=asc&marker=${page.tasks[0].id}`);
    const second = (await admin.get(page.next)).body;
    assert.notEqual(second.tasks[0].id, page.tasks[0].id);
    assert.equal((await admin.get('/v2/tasks?sort_dir=up')).body.message, said('Invalid sort direction: up'));
    assert.equal((await admin.get('/v2/tasks?marker=nope')).body.message, said('Invalid marker format'));
    assert.equal((await admin.get('/v2/tasks?limit=x')).body.message, said('limit param must be an integer'));
    assert.equal((await admin.get('/v2/tasks?limit=-1')).body.message, said('limit param must be positive'));
    const missing = '00000000-0000-0000-0000-000000000000';
    assert.equal((await admin.get(`/v2/tasks?marker=${missing}`)).status, 400);
  });

  test('an unknown task is 404 in Glance\'s words', async () => {
    const r = await admin.get('/v2/tasks/00000000-0000-0000-0000-000000000000');
    assert.equal(r.status, 404);
    assert.equal(r.body.message, said('Task with the given id 00000000-0000-0000-0000-000000000000 was not found'));
  });

  test('the tasks API is the admin\'s (tasks_api_access): a member gets 403', async () => {
    const { imageId, taskId } = await importedBy('/bytes');
    for (const r of [await demo.get('/v2/tasks'), await demo.get(`/v2/tasks/${taskId}`), await demo.post('/v2/tasks', { type: 'import', input: {} })]) {
      assert.equal(r.status, 403);
      assert.equal(r.body.message, said('You are not authorized to complete tasks_api_access action.'));
    }
    // The image's own tasks stay readable by whoever sees the image (GET /v2/images/{id}/tasks).
    assert.equal((await demo.get(`/v2/images/${imageId}/tasks`)).body.tasks[0].id, taskId);
  });
});

describe('schemas', () => {
  test('GET /v2/schemas/task and /v2/schemas/tasks', async () => {
    const task = (await demo.get('/v2/schemas/task')).body;
    assert.equal(task.name, 'task');
    assert.equal(task.additionalProperties, false);
    assert.deepEqual(Object.keys(task.properties).sort(), ['created_at', 'expires_at', 'id', 'image_id', 'input', 'message', 'owner', 'request_id', 'result', 'schema', 'self', 'status', 'type', 'updated_at', 'user_id']);
    assert.deepEqual(task.properties.type.enum, ['import', 'api_image_import']);
    const tasks = (await demo.get('/v2/schemas/tasks')).body;
    assert.equal(tasks.name, 'tasks');
    assert.equal(tasks.properties.tasks.items.name, 'task');
    assert.ok(!('input' in tasks.properties.tasks.items.properties) && !('message' in tasks.properties.tasks.items.properties));
    assert.deepEqual(tasks.links, [{ rel: 'first', href: '{first}' }, { rel: 'next', href: '{next}' }, { rel: 'describedby', href: '{schema}' }]);
  });
});

describe('POST /v2/tasks (Glance\'s deprecated task create)', () => {
  test('an import task: 201 pending with Location, then success and an active image with the bytes', async () => {
    const input = { import_from: `http://127.0.0.1:${port}/bytes`, import_from_format: 'raw', image_properties: { name: 'from-task', disk_format: 'raw', container_format: 'bare' } };
    const r = await admin.post('/v2/tasks', { type: 'import', input });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `/v2/tasks/${r.body.id}`);
    assert.equal(r.body.status, 'pending');
    assert.equal(r.body.type, 'import');
    assert.deepEqual(r.body.input, input);
    assert.equal(r.body.expires_at, undefined);
    const done = await taskDone(r.body.id);
    assert.equal(done.status, 'success', done.message);
    const image = (await admin.get(`/v2/images/${done.result.image_id}`)).body;
    assert.equal(image.name, 'from-task');
    assert.equal(image.status, 'active');
    assert.equal(image.size, 11);
    assert.equal((await admin.get(`/v2/images/${image.id}/file`)).body, 'hello world');
  });

  test('a task whose input Glance refuses fails with its message (and leaves no image)', async () => {
    const before = (await admin.get('/v2/images')).body.images.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ import_from: 'http://127.0.0.1/x', image_properties: {} }, "Input does not contain 'import_from_format' field"],
      [{ import_from: 'file:///etc/passwd', import_from_format: 'raw', image_properties: {} }, 'File based imports are not allowed. Please use a non-local source of image data.'],
      [{ import_from: 'swift://x/y', import_from_format: 'raw', image_properties: {} }, "The given uri is not valid. Please specify a valid uri from the following list of supported uri ['http']"],
      [{ import_from: `http://127.0.0.1:${port}/missing`, import_from_format: 'raw', image_properties: { disk_format: 'raw', container_format: 'bare' } }, 'Task failed due to Internal Error'],
    ];
    for (const [input, message] of cases) {
      const r = await admin.post('/v2/tasks', { type: 'import', input });
      assert.equal(r.status, 201);
      const done = await taskDone(r.body.id);
      assert.equal(done.status, 'failure');
      assert.equal(done.message, message);
    }
    assert.equal((await admin.get('/v2/images')).body.images.length, before);
  });

  test('a body without type or input, or of the wrong type, is 400', async () => {
    assert.equal((await admin.post('/v2/tasks', { input: {} })).body.message, said("Task 'type' is required"));
    assert.equal((await admin.post('/v2/tasks', { type: 'import' })).body.message, said("Task 'input' is required"));
    const r = await admin.post('/v2/tasks', { type: 'copy', input: {} });
    assert.equal(r.status, 400);
    assert.equal(r.body.message, said("Provided object does not match schema 'task': 'copy' is not one of ['import', 'api_image_import']"));
  });
});
