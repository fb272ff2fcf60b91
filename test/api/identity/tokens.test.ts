import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// POST/GET/HEAD/DELETE /v3/auth/tokens as Keystone answers them: methods, scopes, the token body,
// validation, revocation (explicit and as a side effect), expiry, lockout and password history.

let cloud: TestCloud;
let admin: Client;
let anon: Client;
let seq = 0;

before(async () => {
  // Lockout after 2 failures for 5 s and password history of 2, as Tempest's interop run sets.
  const id = await identityCloud();
  ({ cloud, admin } = id);
  anon = new Client(id.v3);
});
after(async () => { await cloud.stop(); });

const pw = (user: Record<string, unknown>, password: string) => ({ methods: ['password'], password: { user: { ...user, password } } });
const issue = (identity: unknown, scope?: unknown, query = '') => anon.post(`/auth/tokens${query}`, { auth: { identity, scope } });
const tokenOf = (r: { headers: Headers }) => r.headers.get('x-subject-token')!;
const validate = (subject: string, as: Client = admin, query = '') => as.get(`/auth/tokens${query}`, { 'X-Subject-Token': subject });

/** A fresh user with `role` on a fresh project; returns ids and the password. */
async function world(role = 'member') {
  const n = ++seq;
  const project = (await admin.post('/projects', { project: { name: `tok-p${n}`, domain_id: 'default' } })).body.project;
  const user = (await admin.post('/users', { user: { name: `tok-u${n}`, domain_id: 'default', password: `pass-${n}` } })).body.user;
  const roleId = (await admin.get(`/roles?name=${role}`)).body.roles[0].id;
  assert.equal((await admin.put(`/projects/${project.id}/users/${user.id}/roles/${roleId}`)).status, 204);
  return { project, user, roleId, password: `pass-${n}` };
}

describe('issuing tokens', () => {
  test('password, unscoped: no roles, no catalog; X-Subject-Token header', async () => {
    const { user, password } = await world();
    const r = await issue(pw({ id: user.id }, password));
    assert.equal(r.status, 201);
    assert.ok(tokenOf(r).length > 100);
    const t = r.body.token;
    assert.deepEqual(t.methods, ['password']);
    assert.deepEqual(t.user, { domain: { id: 'default', name: 'Default' }, id: user.id, name: user.name, password_expires_at: null });
    assert.equal(t.audit_ids.length, 1);
    assert.match(t.audit_ids[0], /^[A-Za-z0-9_-]{22}$/);
    assert.match(t.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(t.issued_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.ok(Date.parse(t.expires_at) - Date.parse(t.issued_at) >= 3599_000);
    for (const absent of ['roles', 'catalog', 'project', 'domain', 'system']) assert.ok(!(absent in t), absent);
  });

  test('password by name with domain id or name; project scope by id or by name and domain', async () => {
    const { user, project, password } = await world();
    const byDomainName = await issue(pw({ name: user.name, domain: { name: 'Default' } }, password), { project: { name: project.name, domain: { name: 'Default' } } });
    assert.equal(byDomainName.status, 201);
    const t = byDomainName.body.token;
    assert.deepEqual(t.project, { id: project.id, name: project.name, domain: { id: 'default', name: 'Default' } });
    assert.equal(t.is_domain, false);
    assert.deepEqual(t.roles.map((x: any) => x.name).sort(), ['member', 'reader'], 'implied roles are in the token');
    assert.ok(Array.isArray(t.catalog) && t.catalog.some((s: any) => s.type === 'identity'));
    const identity = t.catalog.find((s: any) => s.type === 'identity');
    assert.deepEqual(identity.endpoints.map((e: any) => e.interface).sort(), ['admin', 'internal', 'public']);
    assert.equal(identity.endpoints[0].region, 'RegionOne');
    const byId = await issue(pw({ name: user.name, domain: { id: 'default' } }, password), { project: { id: project.id } });
    assert.equal(byId.status, 201);
  });

  test('?nocatalog leaves the catalog out', async () => {
    const r = await issue(pw({ name: 'admin', domain: { id: 'default' } }, 'secret'), { project: { name: 'admin', domain: { id: 'default' } } }, '?nocatalog');
    assert.equal(r.status, 201);
    assert.ok(!('catalog' in r.body.token));
    assert.ok(Array.isArray(r.body.token.roles));
  });

  test('domain and system scope', async () => {
    const user = (await admin.post('/users', { user: { name: `scope-${++seq}`, domain_id: 'default', password: 'pw' } })).body.user;
    const reader = (await admin.get('/roles?name=reader')).body.roles[0].id;
    await admin.put(`/domains/default/users/${user.id}/roles/${reader}`);
    const d = await issue(pw({ id: user.id }, 'pw'), { domain: { id: 'default' } });
    assert.equal(d.status, 201);
    assert.deepEqual(d.body.token.domain, { id: 'default', name: 'Default' });
    assert.deepEqual(d.body.token.roles.map((x: any) => x.name), ['reader']);
    assert.ok(!('project' in d.body.token));

    const noSystem = await issue(pw({ id: user.id }, 'pw'), { system: { all: true } });
    assert.equal(noSystem.status, 401);
    await admin.put(`/system/users/${user.id}/roles/${reader}`);
    const s = await issue(pw({ id: user.id }, 'pw'), { system: { all: true } });
    assert.equal(s.status, 201);
    assert.deepEqual(s.body.token.system, { all: true });
    assert.ok(!('domain' in s.body.token) && !('project' in s.body.token));
  });

  test('token method: rescoping keeps the expiry and the audit chain', async () => {
    const { user, project, password } = await world();
    const unscoped = await issue(pw({ id: user.id }, password));
    const first = unscoped.body.token;
    const r = await issue({ methods: ['token'], token: { id: tokenOf(unscoped) } }, { project: { id: project.id } });
    assert.equal(r.status, 201);
    const t = r.body.token;
    assert.deepEqual([...t.methods].sort(), ['password', 'token']);
    assert.equal(t.expires_at, first.expires_at);
    assert.equal(t.audit_ids.length, 2);
    assert.equal(t.audit_ids[1], first.audit_ids[0]);
    assert.equal(t.project.id, project.id);
  });

  test('application_credential method: by id, or by name with the user; project scoped; no scope may be asked', async () => {
    const { user, project, password } = await world();
    const c = await issue(pw({ id: user.id }, password), { project: { id: project.id } });
    const owner = new Client(anon.base, tokenOf(c));
    const ac = (await owner.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'ci', secret: 'app-secret' } })).body.application_credential;
    const byId = await issue({ methods: ['application_credential'], application_credential: { id: ac.id, secret: 'app-secret' } });
    assert.equal(byId.status, 201);
    assert.equal(byId.body.token.project.id, project.id);
    assert.deepEqual(byId.body.token.methods, ['application_credential']);
    assert.deepEqual(byId.body.token.application_credential, { id: ac.id, name: 'ci', restricted: true });
    const byName = await issue({ methods: ['application_credential'], application_credential: { name: 'ci', secret: 'app-secret', user: { id: user.id } } });
    assert.equal(byName.status, 201);
    const wrong = await issue({ methods: ['application_credential'], application_credential: { id: ac.id, secret: 'nope' } });
    assert.equal(wrong.status, 401);
    const scoped = await issue({ methods: ['application_credential'], application_credential: { id: ac.id, secret: 'app-secret' } }, { project: { id: project.id } });
    assert.equal(scoped.status, 401);
  });

  test('bad credentials are 401 with Keystone\'s body and WWW-Authenticate; nothing is issued', async () => {
    const r = await issue(pw({ name: 'admin', domain: { id: 'default' } }, 'wrong'));
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('x-subject-token'), null);
    assert.deepEqual(r.body, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    assert.equal(r.headers.get('www-authenticate'), `Keystone uri="${cloud.url}/identity"`);
    const unknown = await issue(pw({ name: 'nobody', domain: { id: 'default' } }, 'x'));
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.body, r.body, 'an unknown user answers as a wrong password');
    // An unknown scope or one without roles: 401.
    const { user, password } = await world();
    assert.equal((await issue(pw({ id: user.id }, password), { project: { id: 'nope' } })).status, 401);
    assert.equal((await issue(pw({ id: user.id }, password), { project: { name: 'admin', domain: { id: 'default' } } })).status, 401);
    assert.equal((await issue(pw({ id: user.id }, password), { domain: { id: 'default' } })).status, 401);
  });

  test('malformed requests are 400', async () => {
    assert.equal((await anon.post('/auth/tokens', { auth: {} })).status, 400);
    assert.equal((await anon.post('/auth/tokens', { auth: { identity: { methods: [] } } })).status, 400);
    const bad = await anon.post('/auth/tokens', '{"auth": ', { 'Content-Type': 'application/json' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 400);
  });
});

describe('validating and revoking', () => {
  test('GET and HEAD validate; the subject token comes back in X-Subject-Token', async () => {
    const { user, project, password } = await world();
    const r = await issue(pw({ id: user.id }, password), { project: { id: project.id } });
    const id = tokenOf(r);
    const g = await validate(id);
    assert.equal(g.status, 200);
    assert.equal(g.headers.get('x-subject-token'), id);
    assert.deepEqual({ ...g.body.token, catalog: undefined }, { ...r.body.token, catalog: undefined });
    assert.ok(Array.isArray(g.body.token.catalog));
    assert.ok(!('catalog' in (await validate(id, admin, '?nocatalog')).body.token));
    const h = await admin.head('/auth/tokens', { 'X-Subject-Token': id });
    assert.equal(h.status, 200);
    assert.equal(h.body, undefined);
    // A user validates its own token.
    const self = new Client(anon.base, id);
    assert.equal((await validate(id, self)).status, 200);
  });

  test('a validation asked again shows the catalog as it is now, with or without ?nocatalog', async () => {
    const { user, project, password } = await world();
    const id = tokenOf(await issue(pw({ id: user.id }, password), { project: { id: project.id } }));
    const types = async (query = '') => {
      const token = (await validate(id, admin, query)).body.token;
      return token.catalog?.map((e: { type: string }) => e.type).filter((t: string) => t.startsWith('kept-')) ?? 'none';
    };
    assert.deepEqual(await types(), []);
    assert.deepEqual(await types(), []);
    const service = (await admin.post('/services', { service: { type: 'kept-views', name: 'kept' } })).body.service;
    const endpoint = (await admin.post('/endpoints', { endpoint: { service_id: service.id, interface: 'public', url: 'http://203.0.113.9/kept' } })).body.endpoint;
    assert.deepEqual(await types(), ['kept-views']);
    assert.equal(await types('?nocatalog'), 'none');
    assert.deepEqual(await types(), ['kept-views']);
    assert.equal((await admin.delete(`/endpoints/${endpoint.id}`)).status, 204);
    assert.equal((await admin.delete(`/services/${service.id}`)).status, 204);
    assert.deepEqual(await types(), []);
  });

  test('an invalid subject token is 404; a missing or invalid X-Auth-Token is 401', async () => {
    const r = await validate('gAAAAABnotatoken');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { error: { code: 404, title: 'Not Found', message: 'Could not find token: gAAAAABnotatoken.' } });
    assert.equal((await admin.head('/auth/tokens', { 'X-Subject-Token': 'nope' })).status, 404);
    const noAuth = await anon.get('/auth/tokens', { 'X-Subject-Token': admin.token! });
    assert.equal(noAuth.status, 401);
    assert.equal(noAuth.headers.get('www-authenticate'), `Keystone uri="${cloud.url}/identity"`);
    assert.equal((await new Client(anon.base, 'garbage').get('/users')).status, 401);
  });

  test('DELETE revokes: then 404 as a subject, 401 as X-Auth-Token; other tokens of the user stay', async () => {
    const { user, project, password } = await world();
    const a = tokenOf(await issue(pw({ id: user.id }, password), { project: { id: project.id } }));
    const b = tokenOf(await issue(pw({ id: user.id }, password), { project: { id: project.id } }));
    assert.equal((await admin.delete('/auth/tokens', { 'X-Subject-Token': a })).status, 204);
    assert.equal((await validate(a)).status, 404);
    assert.equal((await new Client(anon.base, a).get(`/users/${user.id}`)).status, 401);
    assert.equal((await admin.delete('/auth/tokens', { 'X-Subject-Token': a })).status, 404);
    assert.equal((await validate(b)).status, 200);
  });

  test('revoking a token revokes what was rescoped from it? no: only its own audit id', async () => {
    const { user, project, password } = await world();
    const unscoped = tokenOf(await issue(pw({ id: user.id }, password)));
    const scoped = tokenOf(await issue({ methods: ['token'], token: { id: unscoped } }, { project: { id: project.id } }));
    assert.equal((await admin.delete('/auth/tokens', { 'X-Subject-Token': unscoped })).status, 204);
    assert.equal((await validate(scoped)).status, 200);
    assert.equal((await issue({ methods: ['token'], token: { id: unscoped } })).status, 404);
  });

  test('disabling the user revokes its tokens, also after it is enabled again', async () => {
    const { user, project, password } = await world();
    const t = tokenOf(await issue(pw({ id: user.id }, password), { project: { id: project.id } }));
    assert.equal((await admin.patch(`/users/${user.id}`, { user: { enabled: false } })).status, 200);
    assert.equal((await validate(t)).status, 404);
    const disabled = await issue(pw({ id: user.id }, password));
    assert.equal(disabled.status, 401);
    await admin.patch(`/users/${user.id}`, { user: { enabled: true } });
    assert.equal((await validate(t)).status, 404);
    assert.equal((await issue(pw({ id: user.id }, password))).status, 201);
  });

  test('a password change revokes the tokens issued before it', async () => {
    const { user, project, password } = await world();
    const t = tokenOf(await issue(pw({ id: user.id }, password), { project: { id: project.id } }));
    const r = await anon.post(`/users/${user.id}/password`, { user: { original_password: password, password: 'brand-new-1' } });
    assert.equal(r.status, 204);
    assert.equal((await validate(t)).status, 404);
    assert.equal((await issue(pw({ id: user.id }, password))).status, 401);
    const fresh = tokenOf(await issue(pw({ id: user.id }, 'brand-new-1'), { project: { id: project.id } }));
    assert.equal((await validate(fresh)).status, 200);
    // An admin reset revokes as well.
    await admin.patch(`/users/${user.id}`, { user: { password: 'reset-by-admin' } });
    assert.equal((await validate(fresh)).status, 404);
  });

  test('removing the last role on the project invalidates its tokens; the roles follow the assignments', async () => {
    const { user, project, password, roleId } = await world();
    const t = tokenOf(await issue(pw({ id: user.id }, password), { project: { id: project.id } }));
    assert.deepEqual((await validate(t)).body.token.roles.map((x: any) => x.name).sort(), ['member', 'reader'], 'member implies reader');
    const reader = (await admin.get('/roles?name=reader')).body.roles[0].id;
    await admin.put(`/projects/${project.id}/users/${user.id}/roles/${reader}`);
    assert.equal((await admin.delete(`/projects/${project.id}/users/${user.id}/roles/${roleId}`)).status, 204);
    const still = await validate(t);
    assert.equal(still.status, 200);
    assert.deepEqual(still.body.token.roles.map((x: any) => x.name), ['reader']);
    await admin.delete(`/projects/${project.id}/users/${user.id}/roles/${reader}`);
    assert.equal((await validate(t)).status, 404);
  });

  test('disabling the project invalidates tokens scoped to it, not the unscoped ones', async () => {
    const { user, project, password } = await world();
    const scoped = tokenOf(await issue(pw({ id: user.id }, password), { project: { id: project.id } }));
    const unscoped = tokenOf(await issue(pw({ id: user.id }, password)));
    assert.equal((await admin.patch(`/projects/${project.id}`, { project: { enabled: false } })).status, 200);
    assert.equal((await validate(scoped)).status, 404);
    assert.equal((await validate(unscoped)).status, 200);
    assert.equal((await issue(pw({ id: user.id }, password), { project: { id: project.id } })).status, 401);
  });

  test('deleting the user invalidates its tokens', async () => {
    const { user, password } = await world();
    const t = tokenOf(await issue(pw({ id: user.id }, password)));
    assert.equal((await admin.delete(`/users/${user.id}`)).status, 204);
    assert.equal((await validate(t)).status, 404);
  });
});

describe('lockout and password history', () => {
  test('two failures lock the account for the lockout duration; the right password does not help meanwhile', async () => {
    const { user, password } = await world();
    for (let i = 0; i < 2; i++) assert.equal((await issue(pw({ id: user.id }, 'bad'))).status, 401);
    const locked = await issue(pw({ id: user.id }, password));
    assert.equal(locked.status, 401);
    assert.equal(locked.body.error.message, `The account is locked for user: ${user.id}.`);
    // Enabling the user (an admin unlock) clears the failures.
    await admin.patch(`/users/${user.id}`, { user: { enabled: false } });
    await admin.patch(`/users/${user.id}`, { user: { enabled: true } });
    assert.equal((await issue(pw({ id: user.id }, password))).status, 201);
  });

  test('a success resets the failure count', async () => {
    const { user, password } = await world();
    assert.equal((await issue(pw({ id: user.id }, 'bad'))).status, 401);
    assert.equal((await issue(pw({ id: user.id }, password))).status, 201);
    assert.equal((await issue(pw({ id: user.id }, 'bad'))).status, 401);
    assert.equal((await issue(pw({ id: user.id }, password))).status, 201);
  });

  test('a self-service change may not reuse the current password; the failed change changes nothing', async () => {
    const { user, password } = await world();
    const same = await anon.post(`/users/${user.id}/password`, { user: { original_password: password, password } });
    assert.equal(same.status, 400);
    assert.equal(same.body.error.code, 400);
    assert.match(same.body.error.message, /^The new password cannot be identical to a previous password\. The total number which includes the new password must be unique is 2\./);
    assert.equal((await issue(pw({ id: user.id }, password))).status, 201);
    assert.equal((await anon.post(`/users/${user.id}/password`, { user: { original_password: password, password: 'second-1' } })).status, 204);
    // Keystone compares with the last 2 passwords (the current one included): the first may come
    // back only after a third.
    assert.equal((await anon.post(`/users/${user.id}/password`, { user: { original_password: 'second-1', password } })).status, 400);
    assert.equal((await anon.post(`/users/${user.id}/password`, { user: { original_password: 'second-1', password: 'third-1' } })).status, 204);
    assert.equal((await anon.post(`/users/${user.id}/password`, { user: { original_password: 'third-1', password } })).status, 204);
    const wrong = await anon.post(`/users/${user.id}/password`, { user: { original_password: 'not-it', password: 'x-3' } });
    assert.equal(wrong.status, 401);
    assert.equal((await issue(pw({ id: user.id }, password))).status, 201);
  });
});

describe('expiry', () => {
  let short: TestCloud;
  before(async () => { short = await startTestCloud({ services: ['identity'], tokenExpirationSeconds: 2 }); });
  after(async () => { await short.stop(); });

  test('a token is refused once expired; ?allow_expired still shows it to a service', async () => {
    const c = await login(short, 'admin', 'secret', 'admin');
    const body = (await c.get('/auth/tokens', { 'X-Subject-Token': c.token! })).body.token;
    assert.ok(Date.parse(body.expires_at) - Date.parse(body.issued_at) <= 2000);
    const subject = c.token!;
    await sleep(Math.max(0, Date.parse(body.expires_at) - Date.now()) + 50);
    assert.equal((await c.get('/users')).status, 401);
    const fresh = await login(short, 'admin', 'secret', 'admin');
    assert.equal((await fresh.get('/auth/tokens', { 'X-Subject-Token': subject })).status, 404);
    assert.equal((await fresh.get('/auth/tokens?allow_expired=1', { 'X-Subject-Token': subject })).status, 200);
    // A rescope cannot extend an expired token.
    const r = await new Client(fresh.base).post('/auth/tokens', { auth: { identity: { methods: ['token'], token: { id: subject } } } });
    assert.equal(r.status, 404);
  });
});
