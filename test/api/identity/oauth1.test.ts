import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';

// OS-OAUTH1 as a consumer uses it (the flow of Tempest's oauth_token_client and keystoneclient):
// request token (signed with the consumer's secret), authorize (the user, with roles), access
// token (signed with the request token's secret too), then Keystone tokens with the access token.

let cloud: TestCloud;
let admin: Client;
let v3: string;
let adminId: string;
let adminProject: string;
let roles: Record<string, string>;

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
  const me = (await admin.get('/auth/tokens', { 'X-Subject-Token': admin.token! })).body.token;
  adminId = me.user.id;
  adminProject = me.project.id;
  roles = Object.fromEntries((await admin.get('/roles')).body.roles.map((r: any) => [r.name, r.id]));
});
after(async () => { await cloud.stop(); });

/** RFC 5849 percent-encoding. */
const esc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An OAuth1 HMAC-SHA1 Authorization header for a POST to `url` (no query, no form body). */
function oauthHeader(url: string, consumer: { key: string; secret: string }, extra: Record<string, string> = {}, tokenSecret = '', opts: { timestamp?: number } = {}) {
  const params: Record<string, string> = {
    oauth_nonce: randomBytes(8).toString('hex'), oauth_timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)), oauth_version: '1.0',
    oauth_signature_method: 'HMAC-SHA1', oauth_consumer_key: consumer.key, ...extra,
  };
  const normalized = Object.entries(params).map(([k, v]) => [esc(k), esc(v)]).sort(([a], [b]) => (a! < b! ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
  const base = `POST&${esc(url)}&${esc(normalized)}`;
  params.oauth_signature = createHmac('sha1', `${esc(consumer.secret)}&${esc(tokenSecret)}`).update(base).digest('base64');
  return `OAuth ${Object.entries(params).map(([k, v]) => `${esc(k)}="${esc(v)}"`).join(', ')}`;
}

const form = (text: string) => Object.fromEntries(new URLSearchParams(text));

async function newConsumer() {
  const c = (await admin.post('/OS-OAUTH1/consumers', { consumer: { description: 'app' } })).body.consumer;
  return { key: c.id as string, secret: c.secret as string };
}

async function requestToken(consumer: { key: string; secret: string }, project = adminProject) {
  const r = await new Client(v3).post('/OS-OAUTH1/request_token', undefined, {
    Authorization: oauthHeader(`${v3}/OS-OAUTH1/request_token`, consumer, { oauth_callback: 'oob' }), 'Requested-Project-Id': project,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { response: r, ...form(r.body) } as { response: typeof r; oauth_token: string; oauth_token_secret: string; oauth_expires_at: string };
}

function accessTokenCall(consumer: { key: string; secret: string }, request: { oauth_token: string; oauth_token_secret: string }, verifier: string) {
  return new Client(v3).post('/OS-OAUTH1/access_token', undefined, {
    Authorization: oauthHeader(`${v3}/OS-OAUTH1/access_token`, consumer, { oauth_token: request.oauth_token, oauth_verifier: verifier }, request.oauth_token_secret),
  });
}

function oauthLogin(consumer: { key: string; secret: string }, access: { oauth_token: string; oauth_token_secret: string }, body?: unknown) {
  return new Client(v3).post('/auth/tokens', body ?? { auth: { identity: { methods: ['oauth1'], oauth1: {} } } }, {
    Authorization: oauthHeader(`${v3}/auth/tokens`, consumer, { oauth_token: access.oauth_token }, access.oauth_token_secret),
  });
}

/** The whole dance up to an access token delegating `role` on the admin project. */
async function delegated(role = 'member') {
  const consumer = await newConsumer();
  const request = await requestToken(consumer);
  const verifier = (await admin.put(`/OS-OAUTH1/authorize/${request.oauth_token}`, { roles: [{ name: role }] })).body.token.oauth_verifier;
  const r = await accessTokenCall(consumer, request, verifier);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { consumer, access: form(r.body) as { oauth_token: string; oauth_token_secret: string; oauth_expires_at: string } };
}

describe('OS-OAUTH1', () => {
  test('request token, authorize, access token, then a project-scoped token with OS-OAUTH1 and the delegated roles', async () => {
    const consumer = await newConsumer();
    const request = await requestToken(consumer);
    assert.equal(request.response.headers.get('content-type'), 'application/x-www-form-urlencoded');
    assert.match(request.oauth_token, /^[0-9a-f]{32}$/);
    assert.match(request.oauth_token_secret, /^[0-9a-f]{32}$/);
    assert.ok(Math.abs(Date.parse(request.oauth_expires_at) - (Date.now() + 28800_000)) < 60_000);
    assert.match(request.oauth_expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const auth = await admin.put(`/OS-OAUTH1/authorize/${request.oauth_token}`, { roles: [{ id: roles.member }] });
    assert.equal(auth.status, 200, JSON.stringify(auth.body));
    const verifier = auth.body.token.oauth_verifier;
    assert.match(verifier, /^[a-hk-np-zA-HJ-NP-Z2-9]{8}$/);

    const at = await accessTokenCall(consumer, request, verifier);
    assert.equal(at.status, 201, JSON.stringify(at.body));
    assert.equal(at.headers.get('content-type'), 'application/x-www-form-urlencoded');
    const access = form(at.body) as { oauth_token: string; oauth_token_secret: string; oauth_expires_at: string };
    assert.deepEqual(Object.keys(access), ['oauth_token', 'oauth_token_secret', 'oauth_expires_at']);
    // The request token is used up.
    const again = await accessTokenCall(consumer, request, verifier);
    assert.deepEqual([again.status, again.body.error.message], [404, 'Request token not found']);

    const login = await oauthLogin(consumer, access);
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const token = login.body.token;
    assert.deepEqual(token.methods, ['oauth1']);
    assert.equal(token.user.id, adminId);
    assert.equal(token.project.id, adminProject);
    assert.deepEqual(token['OS-OAUTH1'], { access_token_id: access.oauth_token, consumer_id: consumer.key });
    assert.deepEqual(token.roles.map((r: any) => r.name).sort(), ['member', 'reader'], 'member and what it implies, not admin');
    const subject = login.headers.get('x-subject-token')!;
    const validated = await admin.get('/auth/tokens', { 'X-Subject-Token': subject });
    assert.equal(validated.status, 200);
    assert.deepEqual(validated.body.token['OS-OAUTH1'], token['OS-OAUTH1']);
    // An OAuth token cannot be rescoped into another token.
    const rescope = await new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['token'], token: { id: subject } } } });
    assert.equal(rescope.status, 403);
  });

  test("the user's access tokens: list, show, roles, role; delete ends the tokens made with it", async () => {
    const { consumer, access } = await delegated('member');
    const base = `/users/${adminId}/OS-OAUTH1/access_tokens`;
    const view = {
      id: access.oauth_token, consumer_id: consumer.key, project_id: adminProject, authorizing_user_id: adminId, expires_at: access.oauth_expires_at,
      links: { self: `${v3}${base}/${access.oauth_token}`, roles: `${v3}${base}/${access.oauth_token}/roles` },
    };
    const list = await admin.get(base);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.access_tokens.find((t: any) => t.id === access.oauth_token), view);
    assert.deepEqual(list.body.links, { self: `${v3}${base}`, previous: null, next: null });
    assert.deepEqual((await admin.get(`${base}/${access.oauth_token}`)).body, { access_token: view });
    const roleList = await admin.get(`${base}/${access.oauth_token}/roles`);
    assert.deepEqual(roleList.body.roles.map((r: any) => r.name), ['member']);
    assert.equal(roleList.body.roles[0].description, undefined);
    const role = await admin.get(`${base}/${access.oauth_token}/roles/${roles.member}`);
    assert.deepEqual(role.body.role, roleList.body.roles[0]);
    const notDelegated = await admin.get(`${base}/${access.oauth_token}/roles/${roles.admin}`);
    assert.deepEqual([notDelegated.status, notDelegated.body.error.message], [404, `Could not find role: ${roles.admin}.`]);
    assert.equal((await admin.get(`${base}/nope`)).status, 404);

    const subject = (await oauthLogin(consumer, access)).headers.get('x-subject-token')!;
    assert.equal((await admin.delete(`${base}/${access.oauth_token}`)).status, 204);
    assert.equal((await admin.get('/auth/tokens', { 'X-Subject-Token': subject })).status, 404);
    const gone = await oauthLogin(consumer, access);
    assert.deepEqual([gone.status, gone.body.error.message], [404, 'Access token not found']);
  });

  test('a consumer deleted takes its access tokens along', async () => {
    const { consumer, access } = await delegated();
    assert.equal((await admin.delete(`/OS-OAUTH1/consumers/${consumer.key}`)).status, 204);
    assert.equal((await admin.get(`/users/${adminId}/OS-OAUTH1/access_tokens/${access.oauth_token}`)).status, 404);
  });

  test('request token refusals: bad signature 401, unknown consumer or project 404, missing pieces 400', async () => {
    const consumer = await newConsumer();
    const url = `${v3}/OS-OAUTH1/request_token`;
    const call = async (authorization: string | undefined, project: string | undefined = adminProject) => {
      const headers: Record<string, string> = {};
      if (authorization) headers.Authorization = authorization;
      if (project) headers['Requested-Project-Id'] = project;
      const r = await new Client(v3).post('/OS-OAUTH1/request_token', undefined, headers);
      return [r.status, r.body?.error?.message];
    };
    assert.deepEqual(await call(oauthHeader(url, { ...consumer, secret: 'wrong' }, { oauth_callback: 'oob' })), [401, 'Invalid signature']);
    assert.deepEqual(await call(oauthHeader(`${v3}/OS-OAUTH1/other`, consumer, { oauth_callback: 'oob' })), [401, 'Invalid signature']);
    assert.deepEqual(await call(oauthHeader(url, { key: 'f'.repeat(32), secret: 'x' }, { oauth_callback: 'oob' })), [404, 'Consumer not found']);
    assert.deepEqual(await call(oauthHeader(url, consumer, { oauth_callback: 'oob' }), 'nope'), [404, 'Could not find project: nope.']);
    const [status, message] = await call(oauthHeader(url, consumer, { oauth_callback: 'oob' }), '');
    assert.equal(status, 400);
    assert.match(message, /^Expecting to find Requested-Project-Id in request\./);
    assert.deepEqual(await call(oauthHeader(url, consumer)), [400, 'Validation failed with errors: invalid_request, detail message is: Missing callback URI..']);
    const stale = oauthHeader(url, consumer, { oauth_callback: 'oob' }, '', { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    assert.deepEqual(await call(stale), [400, 'Validation failed with errors: invalid_request, detail message is: Timestamp given is invalid, differ from allowed by over 600 seconds..']);
    assert.equal((await call(undefined))[0], 400);
  });

  test('authorize and access token refusals', async () => {
    const consumer = await newConsumer();
    const request = await requestToken(consumer);
    const lacking = await admin.put(`/OS-OAUTH1/authorize/${request.oauth_token}`, { roles: [{ id: 'f'.repeat(32) }] });
    assert.deepEqual([lacking.status, lacking.body.error.message], [401, 'authorizing user does not have role required']);
    assert.equal((await admin.put(`/OS-OAUTH1/authorize/${request.oauth_token}`, { roles: [{ id: roles.member, name: 'member' }] })).status, 400);
    const unknown = await admin.put(`/OS-OAUTH1/authorize/${'a'.repeat(32)}`, { roles: [{ name: 'member' }] });
    assert.deepEqual([unknown.status, unknown.body.error.message], [404, 'Request token not found']);
    // Not authorized yet: any verifier is the wrong one.
    const early = await accessTokenCall(consumer, request, 'abcdefgh');
    assert.deepEqual([early.status, early.body.error.message], [401, 'Provided verifier does not match stored verifier']);
    const verifier = (await admin.put(`/OS-OAUTH1/authorize/${request.oauth_token}`, { roles: [{ name: 'reader' }] })).body.token.oauth_verifier;
    const badSecret = await accessTokenCall(consumer, { ...request, oauth_token_secret: 'wrong' }, verifier);
    assert.deepEqual([badSecret.status, badSecret.body.error.message], [401, 'Invalid signature']);
    const other = await newConsumer();
    const mismatch = await accessTokenCall(other, request, verifier);
    assert.deepEqual([mismatch.status, mismatch.body.error.message], [401, 'Provided consumer key does not match stored consumer key.']);
    assert.equal((await accessTokenCall(consumer, request, verifier)).status, 201);
  });

  test('authenticating: a wrong access secret is 401; the body cannot widen the scope', async () => {
    const { consumer, access } = await delegated('reader');
    const bad = await oauthLogin(consumer, { ...access, oauth_token_secret: 'wrong' });
    assert.deepEqual([bad.status, bad.body.error.message], [401, 'Could not validate the access token']);
    const other = (await admin.post('/projects', { project: { name: 'oauth-other' } })).body.project;
    const scoped = await oauthLogin(consumer, access, { auth: { identity: { methods: ['oauth1'], oauth1: {} }, scope: { project: { id: other.id } } } });
    assert.equal(scoped.status, 201);
    assert.equal(scoped.body.token.project.id, adminProject);
    assert.deepEqual(scoped.body.token.roles.map((r: any) => r.name), ['reader']);
  });
});
