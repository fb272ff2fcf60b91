import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Glance v2 images as Zed answers them: version discovery, schemas, create/list/show, JSON-patch
// updates, delete, deactivate/reactivate, tags, and Glance's error bodies.

let cloud: TestCloud;
let admin: Client;
let demo: Client;
const PATCH = { 'Content-Type': 'application/openstack-images-v2.1-json-patch' };
const PATCH20 = { 'Content-Type': 'application/openstack-images-v2.0-json-patch' };

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'image'] });
  admin = await clientAs(cloud, 'image', 'admin');
  demo = await clientAs(cloud, 'image', 'demo');
});
after(async () => { await cloud.stop(); });

describe('versions and schemas', () => {
  test('GET /image is a 300 with v2.0..v2.16, /versions a 200', async () => {
    const anon = new Client(`${cloud.url}/image`);
    const r = await anon.get('/');
    assert.equal(r.status, 300);
    const ids = r.body.versions.map((v: any) => v.id);
    assert.equal(ids[0], 'v2.16');
    assert.equal(r.body.versions[0].status, 'CURRENT');
    for (let n = 0; n <= 16; n++) assert.ok(ids.includes(`v2.${n}`), `v2.${n}`);
    assert.equal(r.body.versions[0].links[0].href, `${cloud.url}/image/v2/`);
    assert.equal((await anon.get('/versions')).status, 200);
  });

  test('schemas: image, images, member, members, metadefs', async () => {
    const image = await demo.get('/v2/schemas/image');
    assert.equal(image.status, 200);
    assert.equal(image.body.name, 'image');
    assert.deepEqual(image.body.additionalProperties, { type: 'string' });
    assert.ok(image.body.properties.disk_format.enum.includes('qcow2'));
    assert.equal((await demo.get('/v2/schemas/images')).body.name, 'images');
    assert.equal((await demo.get('/v2/schemas/member')).body.name, 'member');
    assert.equal((await demo.get('/v2/schemas/members')).body.name, 'members');
    assert.equal((await demo.get('/v2/schemas/metadefs/resource_type')).body.name, 'resource_type_association');
  });

  test('no token: 401 from the auth layer', async () => {
    const r = await new Client(`${cloud.url}/image`).get('/v2/images');
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /Keystone uri=/);
  });
});

describe('images', () => {
  test('create: 201, Glance\'s full view, defaults, custom properties at top level', async () => {
    const r = await demo.post('/v2/images', { name: 'first', disk_format: 'qcow2', container_format: 'bare', hw_disk_bus: 'scsi', tags: ['a', 'a', 'b'] });
    assert.equal(r.status, 201);
    const i = r.body;
    assert.match(i.id, /^[0-9a-f-]{36}$/);
    assert.equal(r.headers.get('location'), `/v2/images/${i.id}`);
    assert.match(r.headers.get('x-openstack-request-id') ?? '', /^req-[0-9a-f-]{36}$/);
    assert.deepEqual(
      Object.keys(i).sort(),
      ['checksum', 'container_format', 'created_at', 'disk_format', 'file', 'hw_disk_bus', 'id', 'min_disk', 'min_ram', 'name', 'os_hash_algo',
        'os_hash_value', 'os_hidden', 'owner', 'protected', 'schema', 'self', 'size', 'status', 'tags', 'updated_at', 'virtual_size', 'visibility'],
    );
    assert.equal(i.status, 'queued');
    assert.equal(i.visibility, 'shared');
    assert.equal(i.hw_disk_bus, 'scsi');
    assert.deepEqual(i.tags, ['a', 'b']);
    assert.equal(i.size, null);
    assert.equal(i.checksum, null);
    assert.equal(i.protected, false);
    assert.equal(i.os_hidden, false);
    assert.equal(i.min_disk, 0);
    assert.equal(i.self, `/v2/images/${i.id}`);
    assert.equal(i.file, `/v2/images/${i.id}/file`);
    assert.equal(i.schema, '/v2/schemas/image');
    assert.match(i.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const shown = await demo.get(`/v2/images/${i.id}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, i);
  });

  test('create: bad formats and types are 400, read-only and reserved attributes 403, nothing created', async () => {
    const before = (await demo.get('/v2/images?limit=1000')).body.images.length;
    const bad = await demo.post('/v2/images', { name: 'x', disk_format: 'wrong', container_format: 'bare' });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.body).sort(), ['code', 'message', 'title']);
    assert.equal(bad.body.code, '400 Bad Request');
    assert.equal(bad.body.title, 'Bad Request');
    assert.match(bad.body.message, /^Provided object does not match schema 'image': 'wrong' is not one of/);
    assert.match(bad.body.message, /<br \/><br \/>\n\n$/);
    assert.equal((await demo.post('/v2/images', { container_format: 'wrong' })).status, 400);
    assert.equal((await demo.post('/v2/images', { min_ram: '1' })).status, 400);
    assert.equal((await demo.post('/v2/images', { custom: 1 })).status, 400);
    assert.equal((await demo.post('/v2/images', { name: 'x'.repeat(256) })).status, 400);
    const ro = await demo.post('/v2/images', { status: 'active' });
    assert.equal(ro.status, 403);
    assert.match(ro.body.message, /^Attribute 'status' is read-only\./);
    assert.equal((await demo.post('/v2/images', { self: '/x' })).status, 403);
    assert.equal((await demo.post('/v2/images', { os_glance_x: 'y' })).status, 403);
    assert.equal((await demo.post('/v2/images', { deleted: 'y' })).status, 403);
    const many = Object.fromEntries(Array.from({ length: 129 }, (_, n) => [`p${n}`, 'v']));
    const over = await demo.post('/v2/images', many);
    assert.equal(over.status, 413);
    assert.match(over.body.message, /allowed image properties\. Attempted: 129, Maximum: 128/);
    assert.equal((await demo.get('/v2/images?limit=1000')).body.images.length, before);
  });

  test('errors follow the Accept header as webob renders them: JSON, HTML (also without Accept), plain text', async () => {
    const url = `${cloud.url}/image/v2/images/00000000-0000-0000-0000-000000000000`;
    const get = (accept?: string) => fetch(url, { headers: { 'X-Auth-Token': demo.token!, ...(accept ? { Accept: accept } : {}) } });
    const html = await get('*/*');
    assert.equal(html.status, 404);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(await html.text(), '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID 00000000-0000-0000-0000-000000000000<br /><br />\n\n\n </body>\n</html>');
    const plain = await get('text/plain');
    assert.match(plain.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await plain.text(), '404 Not Found\n\nNo image found with ID 00000000-0000-0000-0000-000000000000\n\n  ');
    const json = await get('application/json');
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal((await json.json()).code, '404 Not Found');
  });

  test('a method a path does not have is 405 naming it', async () => {
    const r = await demo.post('/v2/images/00000000-0000-0000-0000-000000000000', {});
    assert.equal(r.status, 405);
    assert.deepEqual(r.body, { message: 'The method POST is not allowed for this resource. <br /><br />\n', code: '405 Method Not Allowed', title: 'Method Not Allowed' });
  });

  test('a JSON body under another media type is read as JSON, as Glance does', async () => {
    const r = await demo.post('/v2/images', JSON.stringify({ name: 'texty' }), { 'Content-Type': 'text/plain' });
    assert.equal(r.status, 201);
    assert.equal(r.body.name, 'texty');
    assert.equal((await demo.post('/v2/images', 'nope', { 'Content-Type': 'text/plain' })).status, 400);
  });

  test('a body that is not JSON is 400 with Glance\'s message', async () => {
    const r = await demo.post('/v2/images', '{"name": ', { 'Content-Type': 'application/json' });
    assert.equal(r.status, 400);
    assert.equal(r.body.message, 'Malformed JSON in request body.<br /><br />\n\n');
  });

  test("a body of the wrong shape: the deserializers' messages, and a patch's media type refused first", async () => {
    const msg = async (r: Promise<{ status: number; body: any }>) => { const x = await r; assert.equal(x.status, 400); return x.body.message.split('<br />')[0]; };
    const i = (await demo.post('/v2/images', { name: 'shape' })).body;
    assert.equal(await msg(demo.post('/v2/images', '')), 'Body expected in request.');
    assert.equal(await msg(demo.post('/v2/images', [1])), "Provided object does not match schema 'image': [1] is not of type 'object'");
    assert.equal(await msg(demo.patch(`/v2/images/${i.id}`, { op: 'add' }, PATCH)), 'Request body must be a JSON array of operation objects.');
    assert.equal(await msg(demo.patch(`/v2/images/${i.id}`, ['x'], PATCH)), 'Operations must be JSON objects.');
    assert.equal((await demo.patch(`/v2/images/${i.id}`, { op: 'add' }, { 'Content-Type': 'application/json' })).status, 415);
    assert.equal(await msg(demo.post(`/v2/images/${i.id}/members`, {})), 'Member to be added not specified');
    assert.equal(await msg(demo.post(`/v2/images/${i.id}/members`, { member: null })), "Member can't be empty");
    assert.equal(await msg(demo.post(`/v2/images/${i.id}/members`, { member: 1 })), 'Expected a member in the form: {"member": "image_id"}');
    assert.equal(await msg(demo.put(`/v2/images/${i.id}/members/x`, [])), 'Expected a status in the form: {"status": "status"}');
    assert.equal(await msg(demo.put(`/v2/images/${i.id}/members/x`, {})), 'Status not specified');
    assert.equal(await msg(demo.post(`/v2/images/${i.id}/import`, [])), "Import request requires a 'method' field.");
    assert.equal(await msg(demo.post(`/v2/images/${i.id}/import`, { method: 'x' })), "Import request requires a 'name' field.");
    assert.equal(await msg(demo.post(`/v2/images/${i.id}/import`, { method: { name: 'x' } })), "Unknown import method name 'x'.");
    assert.equal(await msg(demo.post(`/v2/images/${i.id}/import`, { method: { name: 'glance-direct' }, all_stores: 1 })), "'all_stores' must be boolean value only");
  });

  test('create with an id; the same id again is 409', async () => {
    const id = '2b1f2d68-3b31-4b6c-9b27-0123456789ab';
    assert.equal((await demo.post('/v2/images', { id, name: 'fixed' })).status, 201);
    const again = await demo.post('/v2/images', { id, name: 'fixed' });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /already exists/);
  });

  test('show: unknown and empty ids are 404 with Glance\'s message', async () => {
    const r = await demo.get('/v2/images/00000000-0000-0000-0000-000000000000');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { message: 'No image found with ID 00000000-0000-0000-0000-000000000000<br /><br />\n\n', code: '404 Not Found', title: 'Not Found' });
    assert.equal((await demo.get('/v2/images/')).status, 404);
    assert.equal((await demo.delete('/v2/images/')).status, 404);
  });

  test('update: add/replace/remove in both patch formats; read-only 403; bad media type 415', async () => {
    const { body: i } = await demo.post('/v2/images', { name: 'patchme', disk_format: 'raw', container_format: 'bare' });
    const r = await demo.patch(`/v2/images/${i.id}`, [
      { op: 'replace', path: '/name', value: 'patched' },
      { op: 'add', path: '/os_distro', value: 'cirros' },
      { op: 'replace', path: '/min_ram', value: 512 },
    ], PATCH);
    assert.equal(r.status, 200);
    assert.equal(r.body.name, 'patched');
    assert.equal(r.body.os_distro, 'cirros');
    assert.equal(r.body.min_ram, 512);
    const r2 = await demo.patch(`/v2/images/${i.id}`, [{ remove: '/os_distro' }, { replace: '/protected', value: true }], PATCH20);
    assert.equal(r2.status, 200);
    assert.ok(!('os_distro' in r2.body));
    assert.equal(r2.body.protected, true);
    // v2.0 (draft 4): adding what exists is a conflict; removing what is absent too.
    assert.equal((await demo.patch(`/v2/images/${i.id}`, [{ add: '/name', value: 'x' }], PATCH20)).status, 409);
    assert.equal((await demo.patch(`/v2/images/${i.id}`, [{ op: 'remove', path: '/nope' }], PATCH)).status, 409);
    assert.equal((await demo.patch(`/v2/images/${i.id}`, [{ op: 'replace', path: '/nope', value: 'x' }], PATCH)).status, 409);
    const ro = await demo.patch(`/v2/images/${i.id}`, [{ op: 'replace', path: '/status', value: 'active' }], PATCH);
    assert.equal(ro.status, 403);
    assert.match(ro.body.message, /Attribute 'status' is read-only/);
    assert.equal((await demo.patch(`/v2/images/${i.id}`, [{ op: 'remove', path: '/name' }], PATCH)).status, 403);
    assert.equal((await demo.patch(`/v2/images/${i.id}`, [{ op: 'replace', path: '/disk_format', value: 'bogus' }], PATCH)).status, 400);
    assert.equal((await demo.patch(`/v2/images/${i.id}`, [{ op: 'move', path: '/name' }], PATCH)).status, 400);
    assert.equal((await demo.patch(`/v2/images/${i.id}`, { op: 'replace' }, PATCH)).status, 400);
    assert.equal((await demo.patch(`/v2/images/${i.id}`, [{ op: 'replace', path: 'name', value: 'x' }], PATCH)).status, 400);
    const mt = await demo.patch(`/v2/images/${i.id}`, [{ op: 'replace', path: '/name', value: 'x' }], { 'Content-Type': 'application/json' });
    assert.equal(mt.status, 415);
    assert.equal(mt.headers.get('accept-patch'), 'application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch');
    // A failed patch changes nothing.
    const bad = await demo.patch(`/v2/images/${i.id}`, [{ op: 'replace', path: '/name', value: 'half' }, { op: 'replace', path: '/id', value: 'x' }], PATCH);
    assert.equal(bad.status, 403);
    assert.equal((await demo.get(`/v2/images/${i.id}`)).body.name, 'patched');
  });

  test('delete: 204, then 404; protected is 403 until unprotected', async () => {
    const { body: i } = await demo.post('/v2/images', { name: 'keep', protected: true });
    const r = await demo.delete(`/v2/images/${i.id}`);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /is protected and cannot be deleted/);
    await demo.patch(`/v2/images/${i.id}`, [{ op: 'replace', path: '/protected', value: false }], PATCH);
    assert.equal((await demo.delete(`/v2/images/${i.id}`)).status, 204);
    assert.equal((await demo.get(`/v2/images/${i.id}`)).status, 404);
    assert.equal((await demo.delete(`/v2/images/${i.id}`)).status, 404);
  });

  test('tags: PUT adds once, DELETE removes, an absent tag is 404', async () => {
    const { body: i } = await demo.post('/v2/images', { name: 'tagged' });
    assert.equal((await demo.put(`/v2/images/${i.id}/tags/blue`)).status, 204);
    assert.equal((await demo.put(`/v2/images/${i.id}/tags/blue`)).status, 204);
    assert.deepEqual((await demo.get(`/v2/images/${i.id}`)).body.tags, ['blue']);
    assert.equal((await demo.delete(`/v2/images/${i.id}/tags/blue`)).status, 204);
    assert.equal((await demo.delete(`/v2/images/${i.id}/tags/blue`)).status, 404);
    assert.equal((await demo.put('/v2/images/00000000-0000-0000-0000-000000000000/tags/x')).status, 404);
  });

  test('deactivate/reactivate: only from active (403 otherwise)', async () => {
    const { body: i } = await demo.post('/v2/images', { name: 'queued' });
    const r = await demo.post(`/v2/images/${i.id}/actions/deactivate`);
    assert.equal(r.status, 403);
    assert.match(r.body.message, /Not allowed to deactivate image in status 'queued'/);
  });
});

describe('list', () => {
  let ids: string[] = [];
  before(async () => {
    const c = await clientAs(cloud, 'image', 'admin', 'demo');
    void c;
    const specs = [
      { name: 'l-a', disk_format: 'raw', container_format: 'bare', tags: ['red'], os_type: 'linux', visibility: 'private' },
      { name: 'l-b', disk_format: 'qcow2', container_format: 'bare', tags: ['red', 'big'], os_type: 'linux' },
      { name: 'l-c', disk_format: 'iso', container_format: 'ovf', os_hidden: true },
      { name: 'l-d', disk_format: 'raw', container_format: 'bare', visibility: 'community' },
    ];
    ids = [];
    for (const s of specs) ids.push((await demo.post('/v2/images', s)).body.id);
    // sizes: 10, 20 bytes
    await demo.put(`/v2/images/${ids[0]}/file`, 'x'.repeat(10), { 'Content-Type': 'application/octet-stream' });
    await demo.put(`/v2/images/${ids[1]}/file`, 'x'.repeat(20), { 'Content-Type': 'application/octet-stream' });
  });

  const names = (r: any) => r.body.images.map((i: any) => i.name).filter((n: string) => n?.startsWith('l-'));

  test('default: first and schema links, hidden left out, community only the own', async () => {
    const r = await demo.get('/v2/images');
    assert.equal(r.status, 200);
    assert.equal(r.body.first, '/v2/images');
    assert.equal(r.body.schema, '/v2/schemas/images');
    assert.deepEqual(names(r).sort(), ['l-a', 'l-b', 'l-d']);
    assert.deepEqual(names(await demo.get('/v2/images?os_hidden=true')), ['l-c']);
    assert.deepEqual(names(await demo.get('/v2/images?visibility=community')), ['l-d']);
    const alt = await clientAs(cloud, 'image', 'alt_demo');
    assert.deepEqual(names(await alt.get('/v2/images')), []);
    assert.deepEqual(names(await alt.get('/v2/images?visibility=community')), ['l-d']);
    assert.equal((await demo.get('/v2/images?os_hidden=maybe')).status, 400);
    assert.equal((await demo.get('/v2/images?visibility=bogus')).status, 400);
  });

  test('filters: name, status, disk_format, tag, property, size range, in:, created_at operators', async () => {
    assert.deepEqual(names(await demo.get('/v2/images?name=l-a')), ['l-a']);
    assert.deepEqual(names(await demo.get('/v2/images?name=in:l-a,l-b')).sort(), ['l-a', 'l-b']);
    assert.equal((await demo.get('/v2/images?name=zz:l-a')).status, 400);
    assert.deepEqual(names(await demo.get('/v2/images?status=active')).sort(), ['l-a', 'l-b']);
    assert.deepEqual(names(await demo.get('/v2/images?disk_format=qcow2')), ['l-b']);
    assert.deepEqual(names(await demo.get('/v2/images?tag=red&tag=big')), ['l-b']);
    assert.deepEqual(names(await demo.get('/v2/images?os_type=linux')).sort(), ['l-a', 'l-b']);
    assert.deepEqual(names(await demo.get('/v2/images?visibility=private')), ['l-a']);
    assert.deepEqual(names(await demo.get('/v2/images?size_min=15')), ['l-b']);
    assert.deepEqual(names(await demo.get('/v2/images?size_max=15')), ['l-a']);
    assert.equal((await demo.get('/v2/images?size_min=x')).status, 400);
    assert.deepEqual(names(await demo.get('/v2/images?created_at=lt:2000-01-01T00:00:00Z')), []);
    assert.deepEqual(names(await demo.get('/v2/images?created_at=gt:2000-01-01T00:00:00Z')).sort(), ['l-a', 'l-b', 'l-d']);
    assert.equal((await demo.get('/v2/images?created_at=gt:yesterday')).status, 400);
    assert.equal((await demo.get('/v2/images?changes-since=2000-01-01')).status, 400);
  });

  test('sort (both syntaxes), limit, marker and next', async () => {
    const bySize = (await demo.get('/v2/images?sort=size:desc')).body.images.map((i: any) => i.size).filter((s: any) => s !== null);
    assert.deepEqual(bySize, [...bySize].sort((a: number, b: number) => b - a));
    const asc = names(await demo.get('/v2/images?sort_key=name&sort_dir=asc'));
    assert.deepEqual(asc, ['l-a', 'l-b', 'l-d']);
    assert.equal((await demo.get('/v2/images?sort_key=owner')).status, 400);
    assert.equal((await demo.get('/v2/images?sort=name:up')).status, 400);
    assert.equal((await demo.get('/v2/images?sort=name&sort_key=size')).status, 400);
    const all = (await demo.get('/v2/images')).body.images.map((i: any) => i.id);
    const p1 = await demo.get('/v2/images?limit=1');
    assert.equal(p1.body.images.length, 1);
    assert.equal(p1.body.first, '/v2/images?limit=1');
    assert.equal(p1.body.next, `/v2/images?limit=1&marker=${all[0]}`);
    const p2 = await demo.get(p1.body.next.replace('/v2/images', '/v2/images'));
    assert.equal(p2.body.images[0].id, all[1]);
    assert.equal((await demo.get('/v2/images?limit=-1')).status, 400);
    assert.equal((await demo.get('/v2/images?limit=x')).status, 400);
    assert.equal((await demo.get('/v2/images?marker=00000000-0000-0000-0000-000000000000')).status, 400);
  });

  test('another project sees neither private nor shared images; admin sees all', async () => {
    const alt = await clientAs(cloud, 'image', 'alt_demo');
    assert.deepEqual(names(await alt.get('/v2/images')), []);
    assert.equal((await alt.get(`/v2/images/${ids[0]}`)).status, 404);
    assert.equal((await alt.get(`/v2/images/${ids[1]}`)).status, 404);
    assert.equal((await alt.get(`/v2/images/${ids[3]}`)).status, 200, 'community images are visible by id');
    assert.deepEqual(names(await admin.get('/v2/images')).sort(), ['l-a', 'l-b']);
    assert.deepEqual(names(await admin.get('/v2/images?visibility=all')).sort(), ['l-a', 'l-b', 'l-d']);
  });
});
