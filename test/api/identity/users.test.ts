import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// /v3/users and /v3/groups as Keystone answers them.

let cloud: TestCloud;
let admin: Client;
let v3: string;

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
});
after(async () => { await cloud.stop(); });

const names = async (path: string, key: string) => ((await admin.get(path)).body[key] as { name: string }[]).map((x) => x.name).sort();

describe('users', () => {
  test('create: 201 with exactly Keystone\'s fields; extra attributes kept; the password never shown', async () => {
    const r = await admin.post('/users', { user: { name: 'alice', domain_id: 'default', password: 'pw', email: 'a@example.org', description: 'Alice' } });
    assert.equal(r.status, 201);
    const u = r.body.user;
    assert.match(u.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(u, {
      id: u.id, name: 'alice', domain_id: 'default', enabled: true, password_expires_at: null, options: {},
      email: 'a@example.org', description: 'Alice', links: { self: `${v3}/users/${u.id}` },
    });
    assert.deepEqual((await admin.get(`/users/${u.id}`)).body, { user: u });
  });

  test('list: the same list asked again shows every change made between (lists are cached until a row changes)', async () => {
    const shown = async () => ((await admin.get('/users?domain_id=default')).body.users as { name: string; enabled: boolean; email?: string }[])
      .filter((u) => u.name.startsWith('cache-')).map((u) => `${u.name}:${u.enabled}:${u.email ?? ''}`).sort();
    assert.deepEqual(await shown(), []);
    const made = (await admin.post('/users', { user: { name: 'cache-1', domain_id: 'default' } })).body.user;
    assert.deepEqual(await shown(), ['cache-1:true:']);
    assert.deepEqual(await shown(), ['cache-1:true:']);
    assert.equal((await admin.patch(`/users/${made.id}`, { user: { enabled: false, email: 'c@example.org' } })).status, 200);
    assert.deepEqual(await shown(), ['cache-1:false:c@example.org']);
    assert.equal((await admin.patch(`/users/${made.id}`, { user: { name: 'cache-2' } })).status, 200);
    assert.deepEqual(await shown(), ['cache-2:false:c@example.org']);
    assert.equal((await admin.delete(`/users/${made.id}`)).status, 204);
    assert.deepEqual(await shown(), []);
  });

  test('list: the same list asked through a proxy has the proxy\'s links, and asked directly again its own', async () => {
    const selfLinks = async (headers: Record<string, string> = {}) => {
      const r = await admin.call('GET', '/users?name=admin', undefined, headers);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type')!, /^application\/json/);
      return [r.body.links.self, ...r.body.users.map((u: { links: { self: string } }) => u.links.self)];
    };
    const direct = await selfLinks();
    assert.ok(direct.every((l) => l.startsWith(`${v3}/users`)), direct.join());
    const proxied = await selfLinks({ 'X-Forwarded-Proto': 'https' });
    assert.deepEqual(proxied, direct.map((l) => l.replace(/^http:/, 'https:')));
    assert.deepEqual(await selfLinks(), direct);
  });

  test('list: a collection with links, no pagination; filters by name, domain and enabled', async () => {
    await admin.post('/users', { user: { name: 'bob', enabled: false } });
    const r = await admin.get('/users');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), ['links', 'users']);
    assert.deepEqual(r.body.links, { self: `${v3}/users`, previous: null, next: null });
    assert.ok(r.body.users.some((u: any) => u.name === 'admin'));
    assert.deepEqual(await names('/users?name=bob', 'users'), ['bob']);
    assert.deepEqual(await names('/users?enabled=false', 'users'), ['bob']);
    assert.ok((await names('/users?domain_id=default', 'users')).includes('demo'));
    assert.deepEqual(await names('/users?domain_id=nope', 'users'), []);
    assert.equal((await admin.get('/users?name=bob')).body.links.self, `${v3}/users?name=bob`);
  });

  test('a user created without domain_id lands in the domain of the token; default_project_id shows when set', async () => {
    const project = (await admin.get('/projects?name=demo')).body.projects[0];
    const r = await admin.post('/users', { user: { name: 'carol', default_project_id: project.id } });
    assert.equal(r.status, 201);
    assert.equal(r.body.user.domain_id, 'default');
    assert.equal(r.body.user.default_project_id, project.id);
    assert.equal((await admin.post('/users', { user: { name: 'carol2', default_project_id: 'nope' } })).status, 404);
  });

  test('a duplicate name in the domain is 409 and changes nothing', async () => {
    const before = await names('/users', 'users');
    const r = await admin.post('/users', { user: { name: 'alice', domain_id: 'default' } });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body, { error: { code: 409, title: 'Conflict', message: 'Conflict occurred attempting to store user - Duplicate entry found with name alice at domain ID default.' } });
    assert.deepEqual(await names('/users', 'users'), before);
    // The same name in another domain is fine.
    const d = (await admin.post('/domains', { domain: { name: 'users-other' } })).body.domain;
    assert.equal((await admin.post('/users', { user: { name: 'alice', domain_id: d.id } })).status, 201);
  });

  test('bad bodies are 400 in Keystone\'s error body and create nothing', async () => {
    const before = await names('/users', 'users');
    for (const body of [{}, { user: {} }, { user: { name: '' } }, { user: { name: 'x', enabled: 'yes' } }, { user: { name: 7 } }, { name: 'x' }]) {
      const r = await admin.post('/users', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 400);
      assert.equal(r.body.error.title, 'Bad Request');
    }
    assert.equal((await admin.post('/users', { user: { name: 'x', domain_id: 'nope' } })).status, 404);
    assert.deepEqual(await names('/users', 'users'), before);
  });

  test('update: name, enabled, extra attributes; the id and the domain cannot change; a taken name is 409', async () => {
    const u = (await admin.post('/users', { user: { name: 'dave', password: 'pw' } })).body.user;
    const r = await admin.patch(`/users/${u.id}`, { user: { name: 'david', enabled: false, phone: '123' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.user.name, 'david');
    assert.equal(r.body.user.enabled, false);
    assert.equal(r.body.user.phone, '123');
    assert.equal((await admin.patch(`/users/${u.id}`, { user: { domain_id: 'other' } })).status, 400);
    assert.equal((await admin.patch(`/users/${u.id}`, { user: { id: 'other' } })).status, 400);
    const taken = await admin.patch(`/users/${u.id}`, { user: { name: 'alice' } });
    assert.equal(taken.status, 409);
    assert.equal((await admin.get(`/users/${u.id}`)).body.user.name, 'david');
    assert.equal((await admin.patch(`/users/${u.id}`, { user: {} })).status, 400);
  });

  test('delete: 204, then 404 with Keystone\'s message', async () => {
    const u = (await admin.post('/users', { user: { name: 'eve' } })).body.user;
    assert.equal((await admin.delete(`/users/${u.id}`)).status, 204);
    const r = await admin.get(`/users/${u.id}`);
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { error: { code: 404, title: 'Not Found', message: `Could not find user: ${u.id}.` } });
    assert.equal((await admin.delete(`/users/${u.id}`)).status, 404);
    assert.equal((await admin.patch(`/users/${u.id}`, { user: { name: 'x' } })).status, 404);
  });

  test('self-service password change: the original password authenticates it', async () => {
    const u = (await admin.post('/users', { user: { name: 'frank', password: 'first-pw' } })).body.user;
    const anon = new Client(v3);
    const wrong = await anon.post(`/users/${u.id}/password`, { user: { original_password: 'nope', password: 'second-pw' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 401);
    assert.equal((await anon.post(`/users/${u.id}/password`, { user: { password: 'x' } })).status, 400);
    assert.equal((await anon.post(`/users/${u.id}/password`, { user: { original_password: 'first-pw', password: 'second-pw' } })).status, 204);
    const token = await anon.post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { id: u.id, password: 'second-pw' } } } } });
    assert.equal(token.status, 201);
  });

  test('the projects of a user (its assignments, direct, through groups and inherited) and its groups', async () => {
    const u = (await admin.post('/users', { user: { name: 'gina' } })).body.user;
    const p1 = (await admin.post('/projects', { project: { name: 'gina-1' } })).body.project;
    const p2 = (await admin.post('/projects', { project: { name: 'gina-2' } })).body.project;
    const g = (await admin.post('/groups', { group: { name: 'gina-group' } })).body.group;
    const member = (await admin.get('/roles?name=member')).body.roles[0].id;
    await admin.put(`/projects/${p1.id}/users/${u.id}/roles/${member}`);
    await admin.put(`/groups/${g.id}/users/${u.id}`);
    await admin.put(`/projects/${p2.id}/groups/${g.id}/roles/${member}`);
    const r = await admin.get(`/users/${u.id}/projects`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.projects.map((p: any) => p.name).sort(), ['gina-1', 'gina-2']);
    assert.deepEqual(r.body.links, { self: `${v3}/users/${u.id}/projects`, previous: null, next: null });
    const groups = await admin.get(`/users/${u.id}/groups`);
    assert.deepEqual(groups.body.groups.map((x: any) => x.name), ['gina-group']);
    assert.equal((await admin.get('/users/nope/projects')).status, 404);
  });
});

describe('groups', () => {
  test('create, show, list, update, delete with Keystone\'s fields', async () => {
    const r = await admin.post('/groups', { group: { name: 'ops', description: 'Operators' } });
    assert.equal(r.status, 201);
    const g = r.body.group;
    assert.deepEqual(g, { id: g.id, name: 'ops', domain_id: 'default', description: 'Operators', links: { self: `${v3}/groups/${g.id}` } });
    assert.deepEqual((await admin.get(`/groups/${g.id}`)).body.group, g);
    assert.ok((await names('/groups', 'groups')).includes('ops'));
    assert.deepEqual(await names('/groups?name=ops', 'groups'), ['ops']);
    const dup = await admin.post('/groups', { group: { name: 'ops' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.message, 'Conflict occurred attempting to store group - Duplicate entry found with name ops at domain ID default.');
    assert.equal((await admin.patch(`/groups/${g.id}`, { group: { description: 'Ops' } })).body.group.description, 'Ops');
    assert.equal((await admin.delete(`/groups/${g.id}`)).status, 204);
    assert.deepEqual((await admin.get(`/groups/${g.id}`)).body.error, { code: 404, title: 'Not Found', message: `Could not find group: ${g.id}.` });
  });

  test('membership: PUT 204, HEAD/GET 204, list, DELETE 204, then 404', async () => {
    const g = (await admin.post('/groups', { group: { name: 'members' } })).body.group;
    const u = (await admin.post('/users', { user: { name: 'hank' } })).body.user;
    const path = `/groups/${g.id}/users/${u.id}`;
    const missing = await admin.get(path);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.message, `User '${u.id}' not found in group '${g.id}'`);
    assert.equal((await admin.head(path)).status, 404);
    assert.equal((await admin.put(path)).status, 204);
    assert.equal((await admin.put(path)).status, 204, 'adding twice is fine');
    assert.equal((await admin.head(path)).status, 204);
    assert.equal((await admin.get(path)).status, 204);
    assert.deepEqual((await admin.get(`/groups/${g.id}/users`)).body.users.map((x: any) => x.id), [u.id]);
    assert.equal((await admin.put(`/groups/${g.id}/users/nope`)).status, 404);
    assert.equal((await admin.delete(path)).status, 204);
    assert.equal((await admin.delete(path)).status, 404);
    assert.deepEqual((await admin.get(`/groups/${g.id}/users`)).body.users, []);
  });
});
