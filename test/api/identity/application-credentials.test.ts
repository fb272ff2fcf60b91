import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';
import { userOnNewProject } from '../../support/identity-users.js';

// /v3/users/{id}/application_credentials and authenticating with them, as Keystone answers.

let cloud: TestCloud;
let admin: Client;
let v3: string;

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
});
after(async () => { await cloud.stop(); });

const owner = () => userOnNewProject(admin, 'ac');
const acAuth = (ac: Record<string, unknown>) => new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['application_credential'], application_credential: ac } } });

describe('application credentials', () => {
  test('create: 201, the secret shown once, the roles of the token by default, no access_rules; list and show without the secret', async () => {
    const { c, user, project } = await owner();
    const r = await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'ci', description: 'CI runner' } });
    assert.equal(r.status, 201);
    const ac = r.body.application_credential;
    assert.match(ac.secret, /^[A-Za-z0-9_-]{86}$/);
    assert.deepEqual(ac.roles.map((x: any) => x.name).sort(), ['member', 'reader']);
    assert.ok(ac.roles.every((x: any) => x.domain_id === null));
    const shown = { ...ac };
    delete shown.secret;
    assert.deepEqual(shown, {
      id: ac.id, name: 'ci', description: 'CI runner', project_id: project.id, expires_at: null, unrestricted: false,
      roles: ac.roles, links: { self: `${v3}/users/${user.id}/application_credentials/${ac.id}` },
    });
    assert.deepEqual((await c.get(`/users/${user.id}/application_credentials/${ac.id}`)).body, { application_credential: shown });
    const list = await c.get(`/users/${user.id}/application_credentials`);
    assert.deepEqual(list.body.application_credentials, [shown]);
    assert.deepEqual(list.body.links, { self: `${v3}/users/${user.id}/application_credentials`, previous: null, next: null });
    assert.deepEqual((await c.get(`/users/${user.id}/application_credentials?name=nope`)).body.application_credentials, []);
  });

  test('a chosen secret, a subset of roles, an expiry; authenticate by id or by name and user', async () => {
    const { c, user, project } = await owner();
    const expires = new Date(Date.now() + 3600_000).toISOString();
    const r = await c.post(`/users/${user.id}/application_credentials`, {
      application_credential: { name: 'limited', secret: 's3cret', roles: [{ name: 'reader' }], expires_at: expires },
    });
    assert.equal(r.status, 201);
    const ac = r.body.application_credential;
    assert.equal(ac.secret, 's3cret');
    assert.deepEqual(ac.roles.map((x: any) => x.name), ['reader']);
    assert.equal(ac.expires_at, expires.replace('Z', '000'));
    const t = await acAuth({ id: ac.id, secret: 's3cret' });
    assert.equal(t.status, 201);
    assert.deepEqual(t.body.token.roles.map((x: any) => x.name), ['reader']);
    assert.equal(t.body.token.project.id, project.id);
    assert.ok(Date.parse(t.body.token.expires_at) <= Date.parse(expires));
    assert.equal((await acAuth({ name: 'limited', secret: 's3cret', user: { name: user.name, domain: { id: 'default' } } })).status, 201);
    assert.equal((await acAuth({ id: ac.id, secret: 'wrong' })).status, 401);
  });

  test('a duplicate name is 409, a role the token lacks is 400, a past expiry is 400; nothing is created', async () => {
    const { c, user } = await owner();
    await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'dup' } });
    const dup = await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'dup' } });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body.error, { code: 409, title: 'Conflict', message: 'Conflict occurred attempting to store application_credential - Duplicate entry found with name dup.' });
    const role = await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'r', roles: [{ name: 'admin' }] } });
    assert.equal(role.status, 400);
    assert.equal(role.body.error.message, 'Invalid application credential: Cannot create an application credential with unassigned role');
    const past = await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'p', expires_at: '2001-01-01T00:00:00Z' } });
    assert.equal(past.status, 400);
    assert.match(past.body.error.message, /^The 'expires_at' must not be before now\./);
    assert.equal((await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'b', expires_at: 'soon' } })).status, 400);
    assert.equal((await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'x', bogus: 1 } })).status, 400);
    assert.deepEqual((await c.get(`/users/${user.id}/application_credentials`)).body.application_credentials.map((x: any) => x.name), ['dup']);
  });

  test('a restricted credential cannot make or delete credentials; an unrestricted one can', async () => {
    const { c, user } = await owner();
    const restricted = (await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'r', secret: 'r' } })).body.application_credential;
    const open = (await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'u', secret: 'u', unrestricted: true } })).body.application_credential;
    const viaRestricted = new Client(v3, (await acAuth({ id: restricted.id, secret: 'r' })).headers.get('x-subject-token')!);
    const denied = await viaRestricted.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'more' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.message, "You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials.");
    assert.equal((await viaRestricted.delete(`/users/${user.id}/application_credentials/${open.id}`)).status, 403);
    const viaOpen = new Client(v3, (await acAuth({ id: open.id, secret: 'u' })).headers.get('x-subject-token')!);
    assert.equal((await viaOpen.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'more' } })).status, 201);
  });

  test('delete: 204, then 404; its tokens stop working', async () => {
    const { c, user } = await owner();
    const ac = (await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'gone', secret: 'g' } })).body.application_credential;
    const token = (await acAuth({ id: ac.id, secret: 'g' })).headers.get('x-subject-token')!;
    assert.equal((await admin.get('/auth/tokens', { 'X-Subject-Token': token })).status, 200);
    assert.equal((await c.delete(`/users/${user.id}/application_credentials/${ac.id}`)).status, 204);
    const gone = await c.get(`/users/${user.id}/application_credentials/${ac.id}`);
    assert.deepEqual(gone.body, { error: { code: 404, title: 'Not Found', message: `Could not find Application Credential: ${ac.id}.` } });
    assert.equal((await c.delete(`/users/${user.id}/application_credentials/${ac.id}`)).status, 404);
    assert.equal((await admin.get('/auth/tokens', { 'X-Subject-Token': token })).status, 404);
    assert.equal((await acAuth({ id: ac.id, secret: 'g' })).status, 401);
  });

  test('another user\'s path is 403, even for an admin creating', async () => {
    const a = await owner();
    const b = await owner();
    assert.equal((await b.c.post(`/users/${a.user.id}/application_credentials`, { application_credential: { name: 'x' } })).status, 403);
    assert.equal((await b.c.get(`/users/${a.user.id}/application_credentials`)).status, 403);
    assert.equal((await admin.post(`/users/${a.user.id}/application_credentials`, { application_credential: { name: 'x' } })).status, 403);
  });
});
