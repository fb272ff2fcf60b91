import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// /v3/roles (global and domain-specific), implied roles and /v3/role_inferences as Keystone answers them.

let cloud: TestCloud;
let admin: Client;
let v3: string;
const ids: Record<string, string> = {};

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
  for (const r of (await admin.get('/roles')).body.roles) ids[r.name] = r.id;
});
after(async () => { await cloud.stop(); });

const roleNames = async (q = '') => ((await admin.get(`/roles${q}`)).body.roles as { name: string }[]).map((r) => r.name).sort();

describe('roles', () => {
  test('DevStack\'s roles are seeded', async () => {
    const names = await roleNames();
    for (const n of ['admin', 'member', 'reader', 'ResellerAdmin', 'service']) assert.ok(names.includes(n), n);
  });

  test('create, show, list, update, delete with Keystone\'s fields', async () => {
    const r = await admin.post('/roles', { role: { name: 'auditor', description: 'Reads logs' } });
    assert.equal(r.status, 201);
    const role = r.body.role;
    assert.deepEqual(role, { id: role.id, name: 'auditor', domain_id: null, description: 'Reads logs', options: {}, links: { self: `${v3}/roles/${role.id}` } });
    assert.deepEqual((await admin.get(`/roles/${role.id}`)).body, { role });
    const list = await admin.get('/roles?name=auditor');
    assert.deepEqual(list.body.roles, [role]);
    assert.deepEqual(list.body.links, { self: `${v3}/roles?name=auditor`, previous: null, next: null });
    const u = await admin.patch(`/roles/${role.id}`, { role: { name: 'auditors' } });
    assert.equal(u.status, 200);
    assert.equal(u.body.role.name, 'auditors');
    assert.equal((await admin.delete(`/roles/${role.id}`)).status, 204);
    const gone = await admin.get(`/roles/${role.id}`);
    assert.deepEqual(gone.body, { error: { code: 404, title: 'Not Found', message: `Could not find role: ${role.id}.` } });
  });

  test('a duplicate global name is 409 and changes nothing; bad bodies are 400', async () => {
    const before = await roleNames();
    const r = await admin.post('/roles', { role: { name: 'member' } });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.error, { code: 409, title: 'Conflict', message: 'Conflict occurred attempting to store role - Duplicate entry found with name member.' });
    for (const body of [{ role: {} }, { role: { name: '' } }, { role: { name: 'x', options: { bogus: true } } }, { roles: { name: 'x' } }]) {
      assert.equal((await admin.post('/roles', body)).status, 400, JSON.stringify(body));
    }
    assert.deepEqual(await roleNames(), before);
  });

  test('domain-specific roles: the same name per domain, listed only with ?domain_id, never implied by a global role', async () => {
    const d = (await admin.post('/domains', { domain: { name: 'roles-d' } })).body.domain;
    const r = await admin.post('/roles', { role: { name: 'member', domain_id: d.id } });
    assert.equal(r.status, 201, 'a global "member" does not clash');
    assert.equal(r.body.role.domain_id, d.id);
    assert.equal((await admin.post('/roles', { role: { name: 'member', domain_id: d.id } })).status, 409);
    assert.deepEqual(await roleNames(`?domain_id=${d.id}`), ['member']);
    assert.ok(!(await admin.get('/roles')).body.roles.some((x: any) => x.id === r.body.role.id));
    assert.equal((await admin.patch(`/roles/${r.body.role.id}`, { role: { domain_id: null } })).status, 400);
    const implied = await admin.put(`/roles/${ids.member}/implies/${r.body.role.id}`);
    assert.equal(implied.status, 403);
    assert.equal((await admin.post('/roles', { role: { name: 'x', domain_id: 'nope' } })).status, 404);
  });

  test('implied roles: PUT 201, GET, HEAD 204, list, inference rules, DELETE; loops are refused', async () => {
    const a = (await admin.post('/roles', { role: { name: 'implies-a' } })).body.role;
    const b = (await admin.post('/roles', { role: { name: 'implies-b' } })).body.role;
    const put = await admin.put(`/roles/${a.id}/implies/${b.id}`);
    assert.equal(put.status, 201);
    const ref = (r: any) => ({ id: r.id, name: r.name, links: { self: `${v3}/roles/${r.id}` } });
    assert.deepEqual(put.body, { role_inference: { prior_role: ref(a), implies: ref(b) }, links: { self: `${v3}/roles/${a.id}/implies/${b.id}` } });
    assert.deepEqual((await admin.get(`/roles/${a.id}/implies/${b.id}`)).body, put.body);
    assert.equal((await admin.head(`/roles/${a.id}/implies/${b.id}`)).status, 204);
    const list = await admin.get(`/roles/${a.id}/implies`);
    assert.deepEqual(list.body, { role_inference: { prior_role: ref(a), implies: [ref(b)] }, links: { self: `${v3}/roles/${a.id}/implies` } });
    const rules = (await admin.get('/role_inferences')).body.role_inferences;
    assert.ok(rules.some((x: any) => x.prior_role.id === ids.admin && x.implies.some((y: any) => y.id === ids.member)));
    assert.ok(rules.some((x: any) => x.prior_role.id === a.id));
    assert.equal((await admin.put(`/roles/${b.id}/implies/${a.id}`)).status, 403, 'a loop');
    assert.equal((await admin.delete(`/roles/${a.id}/implies/${b.id}`)).status, 204);
    assert.equal((await admin.get(`/roles/${a.id}/implies/${b.id}`)).status, 404);
    assert.equal((await admin.delete(`/roles/${a.id}/implies/${b.id}`)).status, 404);
    assert.equal((await admin.put(`/roles/${a.id}/implies/nope`)).status, 404);
  });

  test('deleting a role removes its assignments and the roles it gave tokens', async () => {
    const role = (await admin.post('/roles', { role: { name: 'temporary' } })).body.role;
    const user = (await admin.post('/users', { user: { name: 'temp-user', password: 'pw' } })).body.user;
    const project = (await admin.get('/projects?name=demo')).body.projects[0];
    await admin.put(`/projects/${project.id}/users/${user.id}/roles/${role.id}`);
    await admin.put(`/projects/${project.id}/users/${user.id}/roles/${ids.reader}`);
    const auth = await admin.post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { id: user.id, password: 'pw' } } }, scope: { project: { id: project.id } } } });
    const token = auth.headers.get('x-subject-token')!;
    assert.deepEqual(auth.body.token.roles.map((r: any) => r.name).sort(), ['reader', 'temporary']);
    assert.equal((await admin.delete(`/roles/${role.id}`)).status, 204);
    assert.deepEqual((await admin.get(`/role_assignments?role.id=${role.id}`)).body.role_assignments, []);
    const after = await admin.get('/auth/tokens', { 'X-Subject-Token': token });
    assert.equal(after.status, 200);
    assert.deepEqual(after.body.token.roles.map((r: any) => r.name), ['reader']);
  });
});
