import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// OS-TRUST as Keystone answers it: create, show, list, delegated tokens, uses, revocation.

let cloud: TestCloud;
let admin: Client;
let v3: string;
let trustor: Client; let trustorId: string;
let trusteeId: string;
let project: any;
const role: Record<string, string> = {};

const token = async (userId: string, scope?: unknown) => {
  const r = await new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { id: userId, password: 'pw' } } }, scope } });
  return r;
};

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
  for (const r of (await admin.get('/roles')).body.roles) role[r.name] = r.id;
  project = (await admin.post('/projects', { project: { name: 'trust-p' } })).body.project;
  trustorId = (await admin.post('/users', { user: { name: 'trustor', password: 'pw' } })).body.user.id;
  trusteeId = (await admin.post('/users', { user: { name: 'trustee', password: 'pw' } })).body.user.id;
  await admin.put(`/projects/${project.id}/users/${trustorId}/roles/${role.member}`);
  trustor = new Client(v3, (await token(trustorId, { project: { id: project.id } })).headers.get('x-subject-token')!);
});
after(async () => { await cloud.stop(); });

const trustBody = (extra: Record<string, unknown> = {}) => ({
  trust: { trustor_user_id: trustorId, trustee_user_id: trusteeId, project_id: project.id, impersonation: false, roles: [{ name: 'reader' }], ...extra },
});

describe('trusts', () => {
  test('create: 201 with Keystone\'s fields; show; list (without roles) by trustor and trustee', async () => {
    const r = await trustor.post('/OS-TRUST/trusts', trustBody());
    assert.equal(r.status, 201);
    const t = r.body.trust;
    assert.deepEqual(t, {
      id: t.id, trustor_user_id: trustorId, trustee_user_id: trusteeId, project_id: project.id, impersonation: false,
      expires_at: null, remaining_uses: null, redelegation_count: 0, allow_redelegation: false,
      roles: [{ id: role.reader, name: 'reader', links: { self: `${v3}/roles/${role.reader}` } }],
      roles_links: { self: null, previous: null, next: null }, links: { self: `${v3}/OS-TRUST/trusts/${t.id}` },
    });
    assert.deepEqual((await trustor.get(`/OS-TRUST/trusts/${t.id}`)).body.trust, t);
    const mine = await trustor.get(`/OS-TRUST/trusts?trustor_user_id=${trustorId}`);
    assert.equal(mine.status, 200);
    const { roles: _r, roles_links: _l, ...summary } = t;
    assert.deepEqual(mine.body.trusts, [summary]);
    assert.deepEqual((await trustor.get(`/OS-TRUST/trusts/${t.id}/roles`)).body.roles.map((x: any) => x.id), [role.reader]);
    assert.equal((await trustor.head(`/OS-TRUST/trusts/${t.id}/roles/${role.reader}`)).status, 200);
    assert.equal((await trustor.get(`/OS-TRUST/trusts/${t.id}/roles/${role.member}`)).status, 404);
  });

  test('the trustee gets a token on the project with the delegated roles only; uses run out', async () => {
    const t = (await trustor.post('/OS-TRUST/trusts', trustBody({ remaining_uses: 1 }))).body.trust;
    const trusteeToken = (await token(trusteeId)).headers.get('x-subject-token')!;
    const rescope = (id: string) => new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['token'], token: { id } }, scope: { 'OS-TRUST:trust': { id: t.id } } } });
    const r = await rescope(trusteeToken);
    assert.equal(r.status, 201);
    const body = r.body.token;
    assert.equal(body.project.id, project.id);
    assert.deepEqual(body.roles.map((x: any) => x.name), ['reader']);
    assert.deepEqual(body['OS-TRUST:trust'], { id: t.id, impersonation: false, trustee_user: { id: trusteeId }, trustor_user: { id: trustorId } });
    assert.equal(body.user.id, trusteeId);
    assert.equal((await rescope(trusteeToken)).status, 403, 'no uses left');
    // Impersonation: the token is the trustor's.
    const imp = (await trustor.post('/OS-TRUST/trusts', trustBody({ impersonation: true }))).body.trust;
    const ri = await new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['token'], token: { id: trusteeToken } }, scope: { 'OS-TRUST:trust': { id: imp.id } } } });
    assert.equal(ri.status, 201);
    assert.equal(ri.body.token.user.id, trustorId);
  });

  test('deleting the trust revokes its tokens; then 404', async () => {
    const t = (await trustor.post('/OS-TRUST/trusts', trustBody())).body.trust;
    const trusteeToken = (await token(trusteeId)).headers.get('x-subject-token')!;
    const r = await new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['token'], token: { id: trusteeToken } }, scope: { 'OS-TRUST:trust': { id: t.id } } } });
    const trustToken = r.headers.get('x-subject-token')!;
    assert.equal((await admin.get('/auth/tokens', { 'X-Subject-Token': trustToken })).status, 200);
    assert.equal((await trustor.delete(`/OS-TRUST/trusts/${t.id}`)).status, 204);
    assert.equal((await admin.get('/auth/tokens', { 'X-Subject-Token': trustToken })).status, 404);
    const gone = await trustor.get(`/OS-TRUST/trusts/${t.id}`);
    assert.deepEqual(gone.body, { error: { code: 404, title: 'Not Found', message: `Could not find trust: ${t.id}.` } });
    assert.equal((await trustor.delete(`/OS-TRUST/trusts/${t.id}`)).status, 404);
  });

  test('refusals, as Keystone: no role on a project (403), a role not held (404), an unknown trustee (404), a past expiry (400)', async () => {
    const count = async () => (await trustor.get(`/OS-TRUST/trusts?trustor_user_id=${trustorId}`)).body.trusts.length;
    const before = await count();
    const noRoles = await trustor.post('/OS-TRUST/trusts', trustBody({ roles: [] }));
    assert.equal(noRoles.status, 403);
    assert.equal(noRoles.body.error.message, 'You are not authorized to perform the requested action: At least one role should be specified.');
    const notHeld = await trustor.post('/OS-TRUST/trusts', trustBody({ roles: [{ id: role.admin }] }));
    assert.equal(notHeld.status, 404);
    assert.equal(notHeld.body.error.message, `Could not find role: ${role.admin}.`);
    assert.equal((await trustor.post('/OS-TRUST/trusts', trustBody({ trustee_user_id: 'nope' }))).status, 404);
    const past = await trustor.post('/OS-TRUST/trusts', trustBody({ expires_at: '2001-01-01T00:00:00Z' }));
    assert.equal(past.status, 400);
    assert.match(past.body.error.message, /^The 'expires_at' must not be before now\./);
    assert.equal((await trustor.post('/OS-TRUST/trusts', { trust: { trustor_user_id: trustorId } })).status, 400);
    const other = await trustor.post('/OS-TRUST/trusts', trustBody({ trustor_user_id: trusteeId }));
    assert.equal(other.status, 403);
    assert.equal(await count(), before);
  });
});
