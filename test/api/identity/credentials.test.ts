import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Client, login, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// /v3/credentials, OS-EC2 credentials and /v3/policies as Keystone answers them.

let cloud: TestCloud;
let admin: Client;
let demo: Client;
let v3: string;
let adminId: string;
let demoId: string;
let demoProject: string;

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
  demo = await login(cloud, 'demo', 'secret', 'demo');
  adminId = (await admin.get('/users?name=admin')).body.users[0].id;
  demoId = (await admin.get('/users?name=demo')).body.users[0].id;
  demoProject = (await admin.get('/projects?name=demo')).body.projects[0].id;
});
after(async () => { await cloud.stop(); });

describe('credentials', () => {
  test('create, show, update, delete with Keystone\'s fields', async () => {
    const r = await demo.post('/credentials', { credential: { user_id: demoId, type: 'totp', blob: 'JBSWY3DPEHPK3PXP', project_id: demoProject } });
    assert.equal(r.status, 201);
    const c = r.body.credential;
    assert.deepEqual(c, { id: c.id, user_id: demoId, project_id: demoProject, type: 'totp', blob: 'JBSWY3DPEHPK3PXP', links: { self: `${v3}/credentials/${c.id}` } });
    assert.deepEqual((await demo.get(`/credentials/${c.id}`)).body, { credential: c });
    const u = await demo.patch(`/credentials/${c.id}`, { credential: { blob: 'NEWSECRET' } });
    assert.equal(u.status, 200);
    assert.equal(u.body.credential.blob, 'NEWSECRET');
    assert.equal((await demo.delete(`/credentials/${c.id}`)).status, 204);
    const gone = await admin.get(`/credentials/${c.id}`);
    assert.deepEqual(gone.body, { error: { code: 404, title: 'Not Found', message: `Could not find credential: ${c.id}.` } });
  });

  test('an ec2 credential is named by the sha256 of its access key; a second one with that key is 409', async () => {
    const blob = JSON.stringify({ access: 'AKIA-demo', secret: 's' });
    const r = await demo.post('/credentials', { credential: { user_id: demoId, type: 'ec2', blob, project_id: demoProject } });
    assert.equal(r.status, 201);
    assert.equal(r.body.credential.id, createHash('sha256').update('AKIA-demo').digest('hex'));
    assert.equal((await demo.post('/credentials', { credential: { user_id: demoId, type: 'ec2', blob, project_id: demoProject } })).status, 409);
    assert.equal((await demo.post('/credentials', { credential: { user_id: demoId, type: 'ec2', blob: '{}', project_id: demoProject } })).status, 400);
  });

  test('lists: each user sees only its own; filters by user_id and type', async () => {
    await admin.post('/credentials', { credential: { user_id: adminId, type: 'cert', blob: 'admin-cert' } });
    await demo.post('/credentials', { credential: { user_id: demoId, type: 'cert', blob: 'demo-cert' } });
    const mine = (await demo.get('/credentials')).body.credentials;
    assert.ok(mine.length > 0 && mine.every((c: any) => c.user_id === demoId));
    const all = (await admin.get('/credentials')).body.credentials;
    assert.ok(all.some((c: any) => c.user_id === adminId) && all.some((c: any) => c.user_id === demoId));
    assert.ok((await admin.get(`/credentials?user_id=${demoId}`)).body.credentials.every((c: any) => c.user_id === demoId));
    assert.deepEqual((await admin.get('/credentials?type=cert')).body.credentials.map((c: any) => c.blob).sort(), ['admin-cert', 'demo-cert']);
    assert.deepEqual((await demo.get('/credentials')).body.links, { self: `${v3}/credentials`, previous: null, next: null });
  });

  test("another user's credential: 403 for a non-admin; handing one's own away is 403 and changes nothing", async () => {
    const theirs = (await admin.post('/credentials', { credential: { user_id: adminId, type: 'cert', blob: 'x' } })).body.credential;
    assert.equal((await demo.get(`/credentials/${theirs.id}`)).status, 403);
    assert.equal((await demo.post('/credentials', { credential: { user_id: adminId, type: 'cert', blob: 'x' } })).status, 403);
    const own = (await demo.post('/credentials', { credential: { user_id: demoId, type: 'cert', blob: 'mine' } })).body.credential;
    const away = await demo.patch(`/credentials/${own.id}`, { credential: { user_id: adminId } });
    assert.equal(away.status, 403);
    assert.equal((await demo.get(`/credentials/${own.id}`)).body.credential.user_id, demoId);
  });

  test('bad bodies are 400', async () => {
    for (const body of [{ credential: { type: 'x', blob: 'b' } }, { credential: { user_id: demoId, blob: 'b' } }, { credential: { user_id: demoId, type: 'x' } }, {}]) {
      assert.equal((await admin.post('/credentials', body)).status, 400, JSON.stringify(body));
    }
  });
});

describe('OS-EC2 credentials', () => {
  test('create, list, show, delete under the user', async () => {
    const r = await demo.post(`/users/${demoId}/credentials/OS-EC2`, { tenant_id: demoProject });
    assert.equal(r.status, 201);
    const c = r.body.credential;
    assert.match(c.access, /^[0-9a-f]{32}$/);
    assert.match(c.secret, /^[0-9a-f]{32}$/);
    assert.deepEqual(c, { user_id: demoId, tenant_id: demoProject, access: c.access, secret: c.secret, trust_id: null, links: { self: `${v3}/users/${demoId}/credentials/OS-EC2/${c.access}` } });
    assert.ok((await demo.get(`/users/${demoId}/credentials/OS-EC2`)).body.credentials.some((x: any) => x.access === c.access));
    assert.deepEqual((await demo.get(`/users/${demoId}/credentials/OS-EC2/${c.access}`)).body.credential, c);
    assert.equal((await admin.get(`/users/${demoId}/credentials/OS-EC2/${c.access}`)).status, 200);
    assert.equal((await demo.delete(`/users/${demoId}/credentials/OS-EC2/${c.access}`)).status, 204);
    assert.equal((await admin.get(`/users/${demoId}/credentials/OS-EC2/${c.access}`)).status, 404);
    assert.equal((await demo.post(`/users/${adminId}/credentials/OS-EC2`, { tenant_id: demoProject })).status, 403);
  });
});

describe('policies (opaque blobs)', () => {
  test('CRUD, admin only', async () => {
    const r = await admin.post('/policies', { policy: { type: 'application/json', blob: '{"default": ""}' } });
    assert.equal(r.status, 201);
    const p = r.body.policy;
    assert.deepEqual(p, { id: p.id, type: 'application/json', blob: '{"default": ""}', links: { self: `${v3}/policies/${p.id}` } });
    assert.deepEqual((await admin.get(`/policies/${p.id}`)).body.policy, p);
    assert.ok((await admin.get('/policies')).body.policies.some((x: any) => x.id === p.id));
    assert.equal((await admin.patch(`/policies/${p.id}`, { policy: { blob: '{}' } })).body.policy.blob, '{}');
    assert.equal((await demo.get('/policies')).status, 403);
    assert.equal((await admin.delete(`/policies/${p.id}`)).status, 204);
    assert.equal((await admin.get(`/policies/${p.id}`)).status, 404);
  });
});
