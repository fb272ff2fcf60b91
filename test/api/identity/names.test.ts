import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// Names of domains, projects, users, groups and roles compare without regard to case, as DevStack's
// MySQL collation compares them: in lookups (token requests by name, ?name= filters) and in uniqueness.

let cloud: TestCloud;
let admin: Client;

before(async () => {
  ({ cloud, admin } = await identityCloud());
});
after(async () => { await cloud.stop(); });

const password = (user: Record<string, unknown>, scope?: Record<string, unknown>) =>
  ({ auth: { identity: { methods: ['password'], password: { user: { ...user, password: 'pw' } } }, ...(scope ? { scope } : {}) } });

describe('names ignore case', () => {
  test('a token by name: "domain": {"name": "default"} finds Default, and user and project names match whatever their case', async () => {
    const user = (await admin.post('/users', { user: { name: 'Nora', domain_id: 'default', password: 'pw' } })).body.user;
    const project = (await admin.post('/projects', { project: { name: 'Names-Project', domain_id: 'default' } })).body.project;
    const member = (await admin.get('/roles?name=member')).body.roles[0];
    assert.equal((await admin.put(`/projects/${project.id}/users/${user.id}/roles/${member.id}`)).status, 204);
    const r = await admin.post('/auth/tokens', password(
      { name: 'nora', domain: { name: 'default' } }, { project: { name: 'names-project', domain: { name: 'DEFAULT' } } },
    ));
    assert.equal(r.status, 201);
    assert.equal(r.body.token.user.id, user.id);
    assert.equal(r.body.token.user.name, 'Nora', 'the name as stored');
    assert.equal(r.body.token.project.id, project.id);
    assert.deepEqual(r.body.token.user.domain, { id: 'default', name: 'Default' });
    const domainScoped = await admin.post('/auth/tokens', password({ id: user.id }, { domain: { name: 'dEfAuLt' } }));
    assert.equal(domainScoped.status, 401, 'found the domain; the user has no role on it');
    assert.match(domainScoped.body.error.message, /has no access to domain default/);
    assert.equal((await admin.post('/auth/tokens', password({ name: 'nora', domain: { name: 'nodomain' } }))).status, 401);
  });

  test('uniqueness: Alice beside alice is 409 for users, groups, projects (per domain), roles and domains; nothing is created', async () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['/users', 'user', { domain_id: 'default' }, 'Conflict occurred attempting to store user - Duplicate entry found with name ALICE at domain ID default.'],
      ['/groups', 'group', { domain_id: 'default' }, 'Conflict occurred attempting to store group - Duplicate entry found with name ALICE at domain ID default.'],
      ['/projects', 'project', { domain_id: 'default' }, 'Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : ALICE.'],
      ['/roles', 'role', {}, 'Conflict occurred attempting to store role - Duplicate entry found with name ALICE.'],
      ['/domains', 'domain', {}, 'Conflict occurred attempting to store domain - Duplicate entry found with name ALICE.'],
    ];
    for (const [path, key, more, message] of cases) {
      assert.equal((await admin.post(path, { [key]: { name: 'alice', ...more } })).status, 201, path);
      const dup = await admin.post(path, { [key]: { name: 'ALICE', ...more } });
      assert.equal(dup.status, 409, path);
      assert.deepEqual(dup.body.error, { code: 409, title: 'Conflict', message }, path);
      const listed = (await admin.get(`${path}?name=Alice`)).body[`${key}s`];
      assert.deepEqual(listed.map((x: any) => x.name), ['alice'], `${path}?name=Alice finds alice, once`);
    }
    // Another domain may have its own Alice.
    const other = (await admin.get('/domains?name=ALICE')).body.domains[0];
    assert.equal((await admin.post('/users', { user: { name: 'Alice', domain_id: other.id } })).status, 201);
  });

  test('renaming: to another case of its own name is fine; to another\'s name in any case is 409', async () => {
    const a = (await admin.post('/groups', { group: { name: 'rename-a' } })).body.group;
    await admin.post('/groups', { group: { name: 'rename-b' } });
    const own = await admin.patch(`/groups/${a.id}`, { group: { name: 'Rename-A' } });
    assert.equal(own.status, 200);
    assert.equal(own.body.group.name, 'Rename-A');
    assert.equal((await admin.patch(`/groups/${a.id}`, { group: { name: 'RENAME-B' } })).status, 409);
    const u = (await admin.post('/users', { user: { name: 'rename-u' } })).body.user;
    assert.equal((await admin.patch(`/users/${u.id}`, { user: { name: 'Rename-U' } })).status, 200);
    assert.equal((await admin.patch(`/users/${u.id}`, { user: { name: 'ADMIN' } })).status, 409);
  });
});
