import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client, type TestCloud } from '../../support/cloud.js';
import { identityCloud } from '../../support/clients.js';
import { userOnNewProject } from '../../support/identity-users.js';

// POST /v3/ec2tokens and /v3/s3tokens: an EC2 or S3 gateway forwards a request signed with an EC2
// credential's secret (signed here as boto and swift3 sign, on node:crypto) and gets a token.

let cloud: TestCloud;
let admin: Client;
let v3: string;

before(async () => {
  ({ cloud, admin, v3 } = await identityCloud());
});
after(async () => { await cloud.stop(); });

/** A user with member on a fresh project (unless `member: false`) and an OS-EC2 credential there. */
async function ec2User(opts: { member?: boolean } = {}) {
  const { user, project } = await userOnNewProject(admin, 'ec2', opts);
  const r = await admin.post(`/users/${user.id}/credentials/OS-EC2`, { tenant_id: project.id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const { access, secret } = r.body.credential;
  return { user, project, access: access as string, secret: secret as string };
}

/** RFC 3986 escaping, as boto builds canonical query strings. */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const query = (params: Record<string, string>) => Object.keys(params).sort().map((k) => `${rfc3986(k)}=${rfc3986(params[k]!)}`).join('&');

/** AWS signature version 2 (the EC2 query API): HMAC-SHA256 over verb, host, path and the sorted parameters. */
function signV2(secret: string, verb: string, host: string, path: string, params: Record<string, string>): string {
  return createHmac('sha256', secret).update(`${verb}\n${host}\n${path}\n${query(params)}`).digest('base64');
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const signingKey = (secret: string, date: string, region: string, service: string) =>
  hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');

/** AWS signature version 4 with an Authorization header, as botocore signs an EC2 POST. */
function signV4(secret: string, access: string, req: { verb: string; host: string; path: string; body: string; amzDate: string }) {
  const date = req.amzDate.slice(0, 8);
  const scope = `${date}/RegionOne/ec2/aws4_request`;
  const bodyHash = sha256(req.body);
  const headers: Record<string, string> = { Host: req.host, 'X-Amz-Date': req.amzDate, 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const signed = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonical = [req.verb, req.path, '', signed.map((h) => `${h}:${lower[h]}\n`).join(''), signed.join(';'), bodyHash].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', req.amzDate, scope, sha256(canonical)].join('\n');
  const signature = createHmac('sha256', signingKey(secret, date, 'RegionOne', 'ec2')).update(toSign).digest('hex');
  headers.Authorization = `AWS4-HMAC-SHA256 Credential=${access}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return { headers, bodyHash, signature };
}

const amzNow = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const ec2Params = (access: string, timestamp = new Date().toISOString()) => ({
  AWSAccessKeyId: access, Action: 'DescribeInstances', SignatureMethod: 'HmacSHA256', SignatureVersion: '2', Timestamp: timestamp, Version: '2016-11-15',
});
const post = (path: string, body: unknown) => new Client(v3).post(path, body);

describe('POST /v3/ec2tokens', () => {
  test('a signature v2 request gets a project-scoped token (200, X-Subject-Token) with method ec2credential', async () => {
    const { user, project, access, secret } = await ec2User();
    const params = ec2Params(access);
    const signature = signV2(secret, 'GET', 'ec2.example:8788', '/', params);
    const r = await post('/ec2tokens', { credentials: { access, signature, host: 'ec2.example:8788', verb: 'GET', path: '/', params } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const token = r.body.token;
    assert.deepEqual(token.methods, ['ec2credential']);
    assert.equal(token.user.id, user.id);
    assert.equal(token.project.id, project.id);
    assert.deepEqual(token.roles.map((x: any) => x.name).sort(), ['member', 'reader']);
    assert.ok(Array.isArray(token.catalog) && token.catalog.length > 0);
    const id = r.headers.get('x-subject-token')!;
    const validated = await admin.get('/auth/tokens', { 'X-Subject-Token': id });
    assert.equal(validated.status, 200);
    assert.deepEqual(validated.body.token.methods, ['ec2credential']);
    // Clients that sign the host without its port, and the older body keys, work too.
    const noPort = signV2(secret, 'GET', 'ec2.example', '/', params);
    assert.equal((await post('/ec2tokens', { ec2Credentials: { access, signature: noPort, host: 'ec2.example:8788', verb: 'GET', path: '/', params } })).status, 200);
    assert.equal((await post('/ec2tokens', { credential: { access, signature, host: 'ec2.example:8788', verb: 'GET', path: '/', params } })).status, 200);
  });

  test('a signature v4 request (Authorization header, body hash) gets a token', async () => {
    const { project, access, secret } = await ec2User();
    const body = 'Action=DescribeInstances&Version=2016-11-15';
    const { headers, bodyHash, signature } = signV4(secret, access, { verb: 'POST', host: 'ec2.example', path: '/', body, amzDate: amzNow() });
    const r = await post('/ec2tokens', { credentials: { access, signature, host: 'ec2.example', verb: 'POST', path: '/', params: {}, headers, body_hash: bodyHash } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.token.project.id, project.id);
  });

  test('an EC2 credential made through /v3/credentials works the same', async () => {
    const { user, project } = await ec2User();
    const access = `acc-${project.id}`;
    const blob = JSON.stringify({ access, secret: 'sekrit' });
    assert.equal((await admin.post('/credentials', { credential: { user_id: user.id, project_id: project.id, type: 'ec2', blob } })).status, 201);
    const params = ec2Params(access);
    const r = await post('/ec2tokens', { credentials: { access, signature: signV2('sekrit', 'GET', 'h', '/', params), host: 'h', verb: 'GET', path: '/', params } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });

  test('a credential made with an application credential\'s token gives tokens of that credential (its roles, not the user\'s)', async () => {
    const { c, user, project } = await userOnNewProject(admin, 'ec2ac');
    const ac = (await c.post(`/users/${user.id}/application_credentials`, { application_credential: { name: 'ro', secret: 's', roles: [{ name: 'reader' }] } })).body.application_credential;
    const login = await new Client(v3).post('/auth/tokens', { auth: { identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: 's' } } } });
    const viaAc = new Client(v3, login.headers.get('x-subject-token')!);
    const blob = JSON.stringify({ access: `ac-${ac.id}`, secret: 'sekrit' });
    const made = await viaAc.post('/credentials', { credential: { user_id: user.id, project_id: project.id, type: 'ec2', blob } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(JSON.parse(made.body.credential.blob).app_cred_id, ac.id);
    const params = ec2Params(`ac-${ac.id}`);
    const r = await post('/ec2tokens', { credentials: { access: `ac-${ac.id}`, signature: signV2('sekrit', 'GET', 'h', '/', params), host: 'h', verb: 'GET', path: '/', params } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.token.roles.map((x: any) => x.name), ['reader']);
    assert.equal(r.body.token.application_credential.id, ac.id);
  });

  test('refusals: wrong or missing signature, unknown key, no access, stale timestamp, no role, empty body', async () => {
    const { access, secret } = await ec2User();
    const params = ec2Params(access);
    const good = { access, signature: signV2(secret, 'GET', 'h', '/', params), host: 'h', verb: 'GET', path: '/', params };
    const error = async (body: unknown) => { const r = await post('/ec2tokens', body); return [r.status, r.body?.error?.message]; };
    assert.deepEqual(await error({ credentials: { ...good, signature: signV2('wrong', 'GET', 'h', '/', params) } }), [401, 'Invalid EC2 signature.']);
    assert.deepEqual(await error({ credentials: { ...good, verb: 'POST' } }), [401, 'Invalid EC2 signature.']);
    assert.deepEqual(await error({ credentials: { ...good, signature: undefined } }), [401, 'EC2 signature not supplied.']);
    assert.deepEqual(await error({ credentials: { ...good, access: 'nope' } }), [404, 'EC2 access key not found.']);
    assert.deepEqual(await error({ credentials: { signature: good.signature } }), [401, 'EC2 Signature not supplied']);
    assert.deepEqual(await error({}), [400, 'request must include a request body']);
    const old = ec2Params(access, new Date(Date.now() - 3600_000).toISOString());
    assert.deepEqual(await error({ credentials: { ...good, params: old, signature: signV2(secret, 'GET', 'h', '/', old) } }), [401, 'Credential is expired']);
    const roleless = await ec2User({ member: false });
    const p2 = ec2Params(roleless.access);
    const r = await error({ credentials: { access: roleless.access, signature: signV2(roleless.secret, 'GET', 'h', '/', p2), host: 'h', verb: 'GET', path: '/', params: p2 } });
    assert.deepEqual(r, [401, 'User not valid for project.']);
    assert.equal((await new Client(v3).get('/ec2tokens')).status, 405);
  });
});

describe('POST /v3/s3tokens', () => {
  const b64url = (s: string) => Buffer.from(s).toString('base64url');

  test('a signature v1 string to sign (HMAC-SHA1) gets a token, without X-Subject-Token', async () => {
    const { user, project, access, secret } = await ec2User();
    const toSign = `GET\n\n\n${new Date().toUTCString()}\n/bucket/object`;
    const signature = createHmac('sha1', secret).update(toSign).digest('base64');
    const r = await post('/s3tokens', { credentials: { access, token: b64url(toSign), signature } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.headers.get('x-subject-token'), null);
    assert.deepEqual(r.body.token.methods, ['ec2credential']);
    assert.equal(r.body.token.user.id, user.id);
    assert.equal(r.body.token.project.id, project.id);
  });

  test('a signature v4 string to sign (scope s3) gets a token; other scopes and wrong signatures are 401', async () => {
    const { access, secret } = await ec2User();
    const amzDate = amzNow();
    const date = amzDate.slice(0, 8);
    const toSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/RegionOne/s3/aws4_request`, sha256('canonical request')].join('\n');
    const signature = createHmac('sha256', signingKey(secret, date, 'RegionOne', 's3')).update(toSign).digest('hex');
    assert.equal((await post('/s3tokens', { credentials: { access, token: b64url(toSign), signature } })).status, 200);
    const wrong = await post('/s3tokens', { credentials: { access, token: b64url(toSign), signature: signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) } });
    assert.deepEqual([wrong.status, wrong.body.error.message], [401, 'Credential signature mismatch']);
    const ec2Scope = toSign.replace('/s3/', '/ec2/');
    const other = await post('/s3tokens', { credentials: { access, token: b64url(ec2Scope), signature } });
    assert.deepEqual([other.status, other.body.error.message], [401, 'Invalid EC2 signature.']);
    const unknown = await post('/s3tokens', { credentials: { access: 'nope', token: b64url(toSign), signature } });
    assert.deepEqual([unknown.status, unknown.body.error.message], [404, 'EC2 access key not found.']);
  });
});
