import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs, clientsFor, projectOf, userWithRole } from '../../support/clients.js';

// Who may do what with images (Glance's Zed defaults): admin, a project member, a project reader,
// and a member of another project, against private, shared, community and public images.

let cloud: TestCloud;
const c: Record<'admin' | 'member' | 'reader' | 'other', Client> = {} as never;
let otherProject: string;
const PATCH = { 'Content-Type': 'application/openstack-images-v2.1-json-patch' };

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'image'] });
  const admin = await clientsFor(cloud, 'admin');
  const other = await clientsFor(cloud, 'alt_demo');
  c.admin = admin.image;
  c.member = await clientAs(cloud, 'image', 'demo');
  c.reader = (await userWithRole(cloud, admin, 'reader', 'demo', 'img-reader')).image;
  c.other = other.image;
  otherProject = await projectOf(other);
});
after(async () => { await cloud.stop(); });

const create = (who: Client, body: Record<string, unknown>) => who.post('/v2/images', { disk_format: 'raw', container_format: 'bare', ...body });

describe('persona matrix', () => {
  test('tasks API (tasks_api_access, get_tasks, get_task, add_task): admin only', async () => {
    assert.equal((await c.admin.get('/v2/tasks')).status, 200);
    for (const who of [c.member, c.reader, c.other]) {
      assert.equal((await who.get('/v2/tasks')).status, 403);
      assert.equal((await who.get('/v2/tasks/00000000-0000-0000-0000-000000000000')).status, 403);
      assert.equal((await who.post('/v2/tasks', { type: 'import', input: {} })).status, 403);
    }
    assert.equal((await c.admin.get('/v2/tasks/00000000-0000-0000-0000-000000000000')).status, 404);
  });

  test('web-download import: modify_image (admin, the owner\'s member; not a reader)', async () => {
    const image = (await create(c.member, { name: 'p-web' })).body;
    const body = { method: { name: 'web-download', uri: 'http://127.0.0.1:8099/x' } };
    assert.equal((await c.reader.post(`/v2/images/${image.id}/import`, body)).status, 403);
    // Past policy: the default filters refuse the port.
    assert.equal((await c.member.post(`/v2/images/${image.id}/import`, body)).status, 400);
    assert.equal((await c.admin.post(`/v2/images/${image.id}/import`, body)).status, 400);
  });

  test('reader: reads, cannot write', async () => {
    const { body: image } = await create(c.member, { name: 'p-private', visibility: 'private' });
    assert.equal((await c.reader.get(`/v2/images/${image.id}`)).status, 200);
    assert.equal((await c.reader.get('/v2/images')).status, 200);
    assert.equal((await create(c.reader, { name: 'nope' })).status, 403);
    assert.equal((await c.reader.patch(`/v2/images/${image.id}`, [{ op: 'replace', path: '/name', value: 'x' }], PATCH)).status, 403);
    assert.equal((await c.reader.delete(`/v2/images/${image.id}`)).status, 403);
    assert.equal((await c.reader.put(`/v2/images/${image.id}/tags/t`)).status, 403);
    assert.equal((await c.reader.put(`/v2/images/${image.id}/file`, 'x', { 'Content-Type': 'application/octet-stream' })).status, 403);
    assert.equal((await c.member.get(`/v2/images/${image.id}`)).body.name, 'p-private');
  });

  test('another project: private and shared are 404 until it is a member; public and community visible', async () => {
    const priv = (await create(c.member, { name: 'p-priv', visibility: 'private' })).body;
    const shared = (await create(c.member, { name: 'p-shared' })).body;
    const community = (await create(c.member, { name: 'p-comm', visibility: 'community' })).body;
    const pub = (await create(c.admin, { name: 'p-pub', visibility: 'public' })).body;
    assert.equal((await c.other.get(`/v2/images/${priv.id}`)).status, 404);
    assert.equal((await c.other.get(`/v2/images/${shared.id}`)).status, 404);
    assert.equal((await c.other.get(`/v2/images/${community.id}`)).status, 200);
    assert.equal((await c.other.get(`/v2/images/${pub.id}`)).status, 200);
    const listed = (await c.other.get('/v2/images')).body.images.map((i: any) => i.id);
    assert.ok(listed.includes(pub.id) && !listed.includes(priv.id) && !listed.includes(shared.id) && !listed.includes(community.id));
    assert.equal((await c.member.post(`/v2/images/${shared.id}/members`, { member: otherProject })).status, 200);
    assert.equal((await c.other.get(`/v2/images/${shared.id}`)).status, 200);
    // Visible but not its own: no writes.
    assert.equal((await c.other.patch(`/v2/images/${pub.id}`, [{ op: 'replace', path: '/name', value: 'x' }], PATCH)).status, 403);
    assert.equal((await c.other.delete(`/v2/images/${community.id}`)).status, 403);
    assert.equal((await c.other.patch(`/v2/images/${priv.id}`, [{ op: 'replace', path: '/name', value: 'x' }], PATCH)).status, 404);
  });

  test('publicize_image is admin-only; communitize is the owner\'s', async () => {
    const r = await create(c.member, { name: 'p-try-public', visibility: 'public' });
    assert.equal(r.status, 403);
    assert.match(r.body.message, /publicize_image/);
    const { body: image } = await create(c.member, { name: 'p-mine' });
    assert.equal((await c.member.patch(`/v2/images/${image.id}`, [{ op: 'replace', path: '/visibility', value: 'public' }], PATCH)).status, 403);
    assert.equal((await c.member.get(`/v2/images/${image.id}`)).body.visibility, 'shared');
    assert.equal((await c.member.patch(`/v2/images/${image.id}`, [{ op: 'replace', path: '/visibility', value: 'community' }], PATCH)).status, 200);
    assert.equal((await c.admin.patch(`/v2/images/${image.id}`, [{ op: 'replace', path: '/visibility', value: 'public' }], PATCH)).status, 200);
  });

  test('owner: a member may create only for its own project; admin for any', async () => {
    assert.equal((await create(c.member, { name: 'p-for-other', owner: otherProject })).status, 403);
    const r = await create(c.admin, { name: 'p-admin-for-other', owner: otherProject });
    assert.equal(r.status, 201);
    assert.equal(r.body.owner, otherProject);
    assert.equal((await c.other.get(`/v2/images/${r.body.id}`)).status, 200);
    const own = (await create(c.member, { name: 'p-own' })).body;
    assert.equal((await c.member.patch(`/v2/images/${own.id}`, [{ op: 'replace', path: '/owner', value: otherProject }], PATCH)).status, 403);
  });
});
