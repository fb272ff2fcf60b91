import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { createPersonas, type PersonaWorld } from '../../support/personas.js';

// What each persona sees in the lists it may read (the statuses are in persona-matrix.test.ts):
// a domain-scoped token sees only its domain, users see only their own credentials, and a
// member of another project learns nothing of P.

let cloud: TestCloud;
let w: PersonaWorld;

before(async () => {
  cloud = await startTestCloud({ services: ['identity'] });
  w = await createPersonas(cloud);
  await w.admin.post('/groups', { group: { name: 'd-group', domain_id: w.D } });
  await w.admin.post('/projects', { project: { name: 'd-project', domain_id: w.D } });
});
after(async () => { await cloud.stop(); });

const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();
const names = (list: { name: string }[]) => list.map((x) => x.name).sort();

describe('what each persona sees', () => {
  test('/auth/projects and /auth/domains: the scopes a token could have', async () => {
    const c = w.clients;
    assert.deepEqual(ids((await c.member.get('/auth/projects')).body.projects), [w.P]);
    assert.deepEqual(ids((await c.reader.get('/auth/projects')).body.projects), [w.P]);
    assert.deepEqual(ids((await c.otherMember.get('/auth/projects')).body.projects), [w.Q]);
    assert.deepEqual((await c.domainAdmin.get('/auth/projects')).body.projects, []);
    assert.deepEqual(ids((await c.domainAdmin.get('/auth/domains')).body.domains), [w.D]);
    assert.deepEqual((await c.member.get('/auth/domains')).body.domains, []);
    assert.deepEqual((await c.systemAdmin.get('/auth/system')).body.system, [{ all: true }]);
    assert.deepEqual((await c.member.get('/auth/system')).body.system, []);
    const projectsOfMember = await c.member.get(`/users/${w.userIds.member}/projects`);
    assert.deepEqual(ids(projectsOfMember.body.projects), [w.P]);
  });

  test('a domain-scoped admin lists only its domain: users, projects, groups, role assignments', async () => {
    const c = w.clients.domainAdmin;
    const users = (await c.get('/users')).body.users;
    assert.ok(users.length > 0 && users.every((u: any) => u.domain_id === w.D));
    assert.ok(users.some((u: any) => u.id === w.userIds.domainAdmin));
    assert.deepEqual((await c.get('/users?domain_id=default')).body.users, [], 'the token\'s domain bounds the filter');
    assert.deepEqual(names((await c.get('/projects')).body.projects), ['d-project']);
    assert.deepEqual(names((await c.get('/groups')).body.groups), ['d-group']);
    const assignments = (await c.get('/role_assignments')).body.role_assignments;
    assert.ok(assignments.length > 0 && assignments.every((a: any) => a.scope.domain?.id === w.D || a.scope.project));
    assert.ok(!assignments.some((a: any) => a.scope.project?.id === w.P));
    // A project-scoped admin sees everything.
    assert.ok((await w.clients.projectAdmin.get('/users')).body.users.some((u: any) => u.domain_id === 'default'));
    assert.ok((await w.clients.systemAdmin.get('/users')).body.users.some((u: any) => u.domain_id === w.D));
  });

  test('credentials: each user lists its own; the admins list all', async () => {
    for (const who of ['member', 'reader', 'otherMember'] as const) {
      await w.clients[who].post('/credentials', { credential: { user_id: w.userIds[who], type: 'totp', blob: `${who}-secret` } });
    }
    for (const who of ['member', 'reader', 'otherMember'] as const) {
      const list = (await w.clients[who].get('/credentials')).body.credentials;
      assert.deepEqual(list.map((x: any) => x.blob), [`${who}-secret`], who);
    }
    const all = (await w.clients.systemAdmin.get('/credentials')).body.credentials.map((x: any) => x.blob).sort();
    assert.deepEqual(all, ['member-secret', 'otherMember-secret', 'reader-secret']);
    // Asking for someone else's by filter gives nothing rather than an error.
    assert.deepEqual((await w.clients.otherMember.get(`/credentials?user_id=${w.userIds.member}`)).body.credentials, []);
  });

  test('the member of Q learns nothing of P: every call about it is 403', async () => {
    const c = w.clients.otherMember;
    for (const path of [
      `/projects/${w.P}`, `/projects/${w.P}/tags`, `/users/${w.userIds.member}`, `/users/${w.userIds.member}/projects`,
      `/users/${w.userIds.member}/groups`, `/projects/${w.P}/users/${w.userIds.member}/roles`, `/role_assignments?scope.project.id=${w.P}`,
      `/users/${w.userIds.member}/application_credentials`,
    ]) {
      const r = await c.get(path);
      assert.equal(r.status, 403, path);
      assert.equal(r.body.error.title, 'Forbidden');
      assert.match(r.body.error.message, /^You are not authorized to perform the requested action: identity:/);
    }
    // Nor may it scope a token to P.
    const t = await c.post('/auth/tokens', { auth: { identity: { methods: ['token'], token: { id: c.token } }, scope: { project: { id: w.P } } } });
    assert.equal(t.status, 401);
  });

  test('a reader reads P but writes nothing: every attempt is 403 and changes nothing', async () => {
    const c = w.clients.reader;
    const before = (await w.admin.get(`/projects/${w.P}`)).body.project;
    assert.equal((await c.get(`/projects/${w.P}`)).status, 200);
    assert.equal((await c.patch(`/projects/${w.P}`, { project: { description: 'mine' } })).status, 403);
    assert.equal((await c.put(`/projects/${w.P}/tags/mine`)).status, 403);
    assert.equal((await c.post('/users', { user: { name: 'reader-made' } })).status, 403);
    assert.equal((await c.put(`/projects/${w.P}/users/${w.userIds.reader}/roles/${w.roles.admin}`)).status, 403);
    assert.deepEqual((await w.admin.get(`/projects/${w.P}`)).body.project, before);
    assert.deepEqual((await w.admin.get('/users?name=reader-made')).body.users, []);
    assert.deepEqual((await w.admin.get(`/projects/${w.P}/users/${w.userIds.reader}/roles`)).body.roles.map((r: any) => r.id), [w.roles.reader]);
  });
});
