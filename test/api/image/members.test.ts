import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientsFor, projectOf } from '../../support/clients.js';

// Image members: only the owner adds and removes, only the member sets its status, and what the
// member sees follows the status (list shows accepted by default, member_status filter).

let cloud: TestCloud;
let demo: Client;
let alt: Client;
let altProject: string;
let demoProject: string;
const PATCH = { 'Content-Type': 'application/openstack-images-v2.1-json-patch' };

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'image'] });
  const d = await clientsFor(cloud, 'demo');
  const a = await clientsFor(cloud, 'alt_demo');
  demo = d.image;
  alt = a.image;
  altProject = await projectOf(a);
  demoProject = await projectOf(d);
});
after(async () => { await cloud.stop(); });

const ids = async (c: Client, q = '') => (await c.get(`/v2/images${q}`)).body.images.map((i: any) => i.id);

describe('members', () => {
  test('share, accept, reject, remove: what the member sees follows', async () => {
    const { body: image } = await demo.post('/v2/images', { name: 'shared-one' });
    assert.equal(image.visibility, 'shared');
    const add = await demo.post(`/v2/images/${image.id}/members`, { member: altProject });
    assert.equal(add.status, 200);
    assert.deepEqual(Object.keys(add.body).sort(), ['created_at', 'image_id', 'member_id', 'schema', 'status', 'updated_at']);
    assert.equal(add.body.status, 'pending');
    assert.equal(add.body.schema, '/v2/schemas/member');
    assert.equal((await demo.post(`/v2/images/${image.id}/members`, { member: altProject })).status, 409);

    // Pending: visible by id, not in the default list, listed with member_status=pending.
    assert.equal((await alt.get(`/v2/images/${image.id}`)).status, 200);
    assert.ok(!(await ids(alt)).includes(image.id));
    assert.deepEqual(await ids(alt, '?member_status=pending&visibility=shared'), [image.id]);
    assert.equal((await alt.get('/v2/images?member_status=bogus')).status, 400);

    // The owner cannot accept for the member; the member can.
    const byOwner = await demo.put(`/v2/images/${image.id}/members/${altProject}`, { status: 'accepted' });
    assert.equal(byOwner.status, 403);
    assert.equal((await alt.put(`/v2/images/${image.id}/members/${altProject}`, { status: 'bogus' })).status, 400);
    assert.equal((await alt.put(`/v2/images/${image.id}/members/${altProject}`, {})).status, 400);
    const acc = await alt.put(`/v2/images/${image.id}/members/${altProject}`, { status: 'accepted' });
    assert.equal(acc.status, 200);
    assert.equal(acc.body.status, 'accepted');
    assert.ok((await ids(alt)).includes(image.id));

    const list = await demo.get(`/v2/images/${image.id}/members`);
    assert.equal(list.status, 200);
    assert.equal(list.body.schema, '/v2/schemas/members');
    assert.deepEqual(list.body.members.map((m: any) => [m.member_id, m.status]), [[altProject, 'accepted']]);
    assert.equal((await alt.get(`/v2/images/${image.id}/members/${altProject}`)).body.status, 'accepted');
    const missing = await demo.get(`/v2/images/${image.id}/members/nobody`);
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /nobody not found in the member list of the image/);

    // The member cannot add members, nor change the image.
    assert.equal((await alt.post(`/v2/images/${image.id}/members`, { member: demoProject })).status, 403);
    assert.equal((await alt.patch(`/v2/images/${image.id}`, [{ op: 'replace', path: '/name', value: 'mine' }], PATCH)).status, 403);
    assert.equal((await alt.delete(`/v2/images/${image.id}`)).status, 403);

    assert.equal((await alt.put(`/v2/images/${image.id}/members/${altProject}`, { status: 'rejected' })).status, 200);
    assert.ok(!(await ids(alt)).includes(image.id));
    assert.equal((await demo.delete(`/v2/images/${image.id}/members/${altProject}`)).status, 204);
    assert.equal((await alt.get(`/v2/images/${image.id}`)).status, 404);
  });

  test('only shared images have members; bad bodies are 400', async () => {
    const { body: image } = await demo.post('/v2/images', { name: 'private-one', visibility: 'private' });
    const r = await demo.post(`/v2/images/${image.id}/members`, { member: altProject });
    assert.equal(r.status, 403);
    assert.match(r.body.message, /Only shared images have members\./);
    const { body: shared } = await demo.post('/v2/images', { name: 'shared-two' });
    assert.equal((await demo.post(`/v2/images/${shared.id}/members`, {})).status, 400);
    assert.equal((await demo.post(`/v2/images/${shared.id}/members`, { member: '' })).status, 400);
    assert.equal((await demo.post(`/v2/images/${shared.id}/members`, { member: 3 })).status, 400);
    assert.deepEqual((await demo.get(`/v2/images/${shared.id}/members`)).body.members, []);
  });
});
