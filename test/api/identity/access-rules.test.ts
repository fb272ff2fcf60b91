import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientsFor } from '../../support/clients.js';
import { userOnNewProject } from '../../support/identity-users.js';

// Application credential access rules: access_rules on create and in the views,
// /v3/users/{id}/access_rules, and what a token of such a credential may call on each service
// (keystonemiddleware's validate_allowed_request: anything no rule names is 401).

let cloud: TestCloud;
let admin: Client;
let v3: string;

before(async () => {
  cloud = await startTestCloud({ services: ['image'] });
  admin = (await clientsFor(cloud, 'admin')).identity;
  v3 = admin.base;
});
after(async () => { await cloud.stop(); });

const owner = () => userOnNewProject(admin, 'ar');

const ips = { path: '/v2.1/servers/*/ips', method: 'GET', service: 'compute' };

describe('access rules', () => {
  test('created with the credential, each with an id; shown in its views and under /users/{id}/access_rules', async () => {
    const { c, user } = await owner();
    const r = await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'ips', access_rules: [ips] } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const ac = r.body.application_credential;
    assert.equal(ac.access_rules.length, 1);
    const rule = ac.access_rules[0];
    assert.match(rule.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(rule, { id: rule.id, ...ips });
    assert.deepEqual((await c.get(`/users/${user.id}/application_credentials/${ac.id}`)).body.application_credential.access_rules, [rule]);
    assert.deepEqual((await c.get(`/users/${user.id}/application_credentials`)).body.application_credentials[0].access_rules, [rule]);
    const shown = { ...rule, links: { self: `${v3}/access_rules/${rule.id}` } };
    const list = await c.get(`/users/${user.id}/access_rules`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, { access_rules: [shown], links: { self: `${v3}/users/${user.id}/access_rules`, previous: null, next: null } });
    assert.deepEqual((await c.get(`/users/${user.id}/access_rules?method=POST`)).body.access_rules, []);
    assert.deepEqual((await c.get(`/users/${user.id}/access_rules?service=compute`)).body.access_rules, [shown]);
    const one = await c.get(`/users/${user.id}/access_rules/${rule.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, { access_rule: shown });
  });

  test('a rule naming the same service, path and method, or an existing id, is reused across the user\'s credentials', async () => {
    const { c, user } = await owner();
    const first = (await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'a', access_rules: [ips] } })).body.application_credential;
    const id = first.access_rules[0].id;
    const same = (await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'b', access_rules: [ips] } })).body.application_credential;
    assert.equal(same.access_rules[0].id, id);
    const byId = await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'c', access_rules: [{ id }] } });
    assert.equal(byId.status, 201);
    assert.deepEqual(byId.body.application_credential.access_rules, [{ id, ...ips }]);
    assert.equal((await c.get(`/users/${user.id}/access_rules`)).body.access_rules.length, 1);
    // Another user's identical rule is that user's own.
    const other = await owner();
    const theirs = (await other.c.post(`/users/${other.user.id}/application_credentials`, { application_credential: { name: 'a', access_rules: [ips] } })).body.application_credential;
    assert.notEqual(theirs.access_rules[0].id, id);
  });

  test('a rule in use cannot be deleted (403); once unused it can (204), then 404', async () => {
    const { c, user } = await owner();
    const ac = (await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'x', access_rules: [ips] } })).body.application_credential;
    const id = ac.access_rules[0].id;
    const inUse = await c.delete(`/users/${user.id}/access_rules/${id}`);
    assert.deepEqual(inUse.body, { error: { code: 403, title: 'Forbidden', message: 'May not delete access rule in use' } });
    assert.equal((await c.delete(`/users/${user.id}/application_credentials/${ac.id}`)).status, 204);
    assert.equal((await c.get(`/users/${user.id}/access_rules`)).body.access_rules.length, 1, 'the rule outlives its credential');
    assert.equal((await c.delete(`/users/${user.id}/access_rules/${id}`)).status, 204);
    const gone = await c.get(`/users/${user.id}/access_rules/${id}`);
    assert.deepEqual(gone.body, { error: { code: 404, title: 'Not Found', message: `Could not find Access Rule: ${id}.` } });
    assert.equal((await c.delete(`/users/${user.id}/access_rules/${id}`)).status, 404);
    assert.deepEqual((await c.get(`/users/${user.id}/access_rules`)).body.access_rules, []);
  });

  test('bad rules are 400 (or 404 for an unknown id) and create nothing; another user\'s rules are 403', async () => {
    const { c, user } = await owner();
    const bad = [
      { ...ips, method: 'FETCH' }, { ...ips, path: 'v2.1/servers' }, { ...ips, service: 'com pute' },
      { path: '/v2.1/servers', method: 'GET' }, 'GET /v2.1/servers',
    ];
    for (const [i, rule] of bad.entries()) {
      const r = await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: `bad${i}`, access_rules: [rule] } });
      assert.equal(r.status, 400, JSON.stringify(rule));
      assert.equal(r.body.error.code, 400);
    }
    const unknown = await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'u', access_rules: [{ id: 'nope' }] } });
    assert.deepEqual(unknown.body, { error: { code: 404, title: 'Not Found', message: 'Could not find Access Rule: nope.' } });
    assert.deepEqual((await c.get(`/users/${user.id}/application_credentials`)).body.application_credentials, []);
    assert.deepEqual((await c.get(`/users/${user.id}/access_rules`)).body.access_rules, []);
    const other = await owner();
    assert.equal((await other.c.get(`/users/${user.id}/access_rules`)).status, 403);
    // Deleting the user takes its rules along.
    await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'last', access_rules: [ips] } });
    assert.equal((await admin.delete(`/users/${user.id}`)).status, 204);
  });

  test('a token of the credential may call only what its rules name, on the service they name', async () => {
    const { c, user } = await owner();
    const rules = [{ service: 'image', method: 'GET', path: '/v2/images' }, { service: 'image', method: 'GET', path: '/v2/images/{image_id}' }];
    const ac = (await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'img', secret: 's', access_rules: rules } })).body.application_credential;
    const auth = await new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: 's' } } } });
    assert.equal(auth.status, 201);
    assert.deepEqual(auth.body.token.application_credential, { id: ac.id, name: 'img', restricted: true, access_rules: ac.access_rules });
    const token = auth.headers.get('x-subject-token')!;
    const image = new Client(`${cloud.url}/image`, token);
    assert.equal((await image.get('/v2/images')).status, 200);
    assert.equal((await image.get('/v2/images/00000000-0000-0000-0000-000000000000')).status, 404, 'allowed through, then not found');
    const denied = await image.get('/v2/schemas/image');
    assert.equal(denied.status, 401);
    assert.equal((await image.post('/v2/images', { name: 'x' })).status, 401);
    // Identity itself: validating a token is always allowed, anything else is not named.
    const identity = new Client(v3, token);
    assert.equal((await identity.get('/auth/tokens', { 'X-Subject-Token': token })).status, 200);
    const self = await identity.get(`/users/${user.id}`);
    assert.equal(self.status, 401);
    assert.equal(self.body.error.code, 401);
    // The same user's credential without rules is not limited.
    const open = (await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'open', secret: 's' } })).body.application_credential;
    const openAuth = await new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['application_credential'], application_credential: { id: open.id, secret: 's' } } } });
    assert.equal(openAuth.body.token.application_credential.access_rules, undefined);
    assert.equal((await new Client(`${cloud.url}/image`, openAuth.headers.get('x-subject-token')!).get('/v2/schemas/image')).status, 200);
  });
});
