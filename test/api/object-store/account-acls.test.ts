import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientsFor, userWithRole, type Clients } from '../../support/clients.js';
import { expectStatus, objectStoreFor, ObjectStoreClient } from './object-store-client.js';

// Account ACLs (X-Account-Access-Control, tempauth's V2 JSON): demo's account lets users of
// alt_demo in at three levels. read-only reads everything but privileged headers; read-write also
// creates, changes and deletes containers and objects (never the account, never privileged
// headers); admin is an owner (account metadata, ACLs). Someone not listed gets nothing.

let cloud: TestCloud;
let owner: ObjectStoreClient;
const as: Record<'rw' | 'ro' | 'admin' | 'none', ObjectStoreClient> = {} as any;
const ids: Record<string, string> = {};

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'object-store'] });
  const admin: Clients = await clientsFor(cloud, 'admin');
  const demo = await clientsFor(cloud, 'demo');
  owner = await objectStoreFor(cloud, demo.token);
  for (const level of ['rw', 'ro', 'admin', 'none'] as const) {
    const c = await userWithRole(cloud, admin, 'member', 'alt_demo', `acct-${level}`);
    ids[level] = (await c.identity.get('/auth/tokens', { 'X-Subject-Token': c.token })).body.token.user.id;
    as[level] = new ObjectStoreClient(cloud.url, c.token, owner.account);
  }
  expectStatus(await owner.put('/shared', '', { 'X-Container-Meta-Color': 'blue' }), 201, 'container');
  expectStatus(await owner.put('/shared/doc', 'the doc'), 201, 'object');
  const acl = JSON.stringify({ 'read-write': [ids.rw], 'read-only': [ids.ro], admin: [ids.admin] });
  expectStatus(await owner.post('', { 'X-Account-Access-Control': acl, 'X-Account-Meta-Team': 'blue' }), 204, 'account acl');
});
after(async () => { await cloud?.stop(); });

describe('account ACLs', () => {
  test('the owner sees the ACL it set; the others never see it', async () => {
    const r = await owner.head('');
    assert.deepEqual(JSON.parse(r.headers.get('x-account-access-control')!), { 'read-write': [ids.rw], 'read-only': [ids.ro], admin: [ids.admin] });
    for (const level of ['rw', 'ro'] as const) {
      const h = await as[level].head('');
      assert.equal(h.status, 204, level);
      assert.equal(h.headers.get('x-account-access-control'), null, level);
      assert.equal(h.headers.get('x-account-meta-team'), 'blue', level);
    }
  });

  test('read-only: lists and reads, writes nothing', async () => {
    const ro = as.ro;
    assert.deepEqual((await ro.get('?format=json')).json.map((c: any) => c.name), ['shared']);
    assert.equal((await ro.get('/shared', { Accept: 'text/plain' })).text, 'doc\n');
    assert.equal((await ro.get('/shared/doc')).text, 'the doc');
    assert.equal((await ro.put('/shared/ro-write', 'x')).status, 403);
    assert.equal((await ro.put('/ro-container')).status, 403);
    assert.equal((await ro.post('/shared', { 'X-Container-Meta-Color': 'red' })).status, 403);
    assert.equal((await ro.delete('/shared/doc')).status, 403);
    assert.equal((await ro.post('', { 'X-Account-Meta-Team': 'red' })).status, 403);
    assert.equal((await owner.head('/shared')).headers.get('x-container-meta-color'), 'blue');
  });

  test('read-write: creates containers and objects, changes and deletes them, without privileged headers', async () => {
    const rw = as.rw;
    assert.equal((await rw.put('/made-by-rw', '', { 'X-Container-Read': '.r:*', 'X-Container-Meta-By': 'rw' })).status, 201);
    const made = await owner.head('/made-by-rw');
    assert.equal(made.status, 204);
    assert.equal(made.headers.get('x-container-meta-by'), 'rw');
    assert.equal(made.headers.get('x-container-read'), null, 'a read-write user sets no ACL');
    assert.equal((await rw.put('/made-by-rw/o', 'written by rw')).status, 201);
    assert.equal((await owner.get('/made-by-rw/o')).text, 'written by rw');
    assert.equal((await rw.post('/shared', { 'X-Container-Meta-Color': 'green', 'X-Container-Write': '*:*', 'X-Container-Meta-Temp-Url-Key': 'k' })).status, 204);
    const shared = await owner.head('/shared');
    assert.equal(shared.headers.get('x-container-meta-color'), 'green');
    assert.equal(shared.headers.get('x-container-write'), null);
    assert.equal(shared.headers.get('x-container-meta-temp-url-key'), null);
    assert.equal((await rw.post('/shared/doc', { 'X-Object-Meta-Seen': 'yes' })).status, 202);
    assert.equal((await rw.delete('/made-by-rw')).status, 409, 'not empty');
    assert.equal((await rw.delete('/made-by-rw/o')).status, 204);
    assert.equal((await rw.delete('/made-by-rw')).status, 204);
    assert.equal((await owner.head('/made-by-rw')).status, 404);
    // Never the account itself.
    assert.equal((await rw.post('', { 'X-Account-Meta-Team': 'red' })).status, 403);
    assert.equal((await owner.head('')).headers.get('x-account-meta-team'), 'blue');
  });

  test('admin: an owner of the account (metadata, ACLs, privileged headers)', async () => {
    const ad = as.admin;
    assert.equal((await ad.post('', { 'X-Account-Meta-Team': 'admins' })).status, 204);
    assert.equal((await owner.head('')).headers.get('x-account-meta-team'), 'admins');
    assert.ok((await ad.head('')).headers.get('x-account-access-control'));
    assert.equal((await ad.put('/by-admin', '', { 'X-Container-Read': '.r:*' })).status, 201);
    assert.equal((await owner.head('/by-admin')).headers.get('x-container-read'), '.r:*');
    const acl = JSON.stringify({ 'read-write': [ids.rw], 'read-only': [ids.ro, ids.none], admin: [ids.admin] });
    assert.equal((await ad.post('', { 'X-Account-Access-Control': acl })).status, 204);
    assert.equal((await as.none.get('/shared/doc')).status, 200, 'the admin granted read-only');
    assert.equal((await ad.delete('')).status, 405, 'an owner may, but this proxy allows no account management');
  });

  test('someone the ACL does not name: 403 everywhere', async () => {
    const acl = JSON.stringify({ 'read-write': [ids.rw], 'read-only': [ids.ro], admin: [ids.admin] });
    expectStatus(await owner.post('', { 'X-Account-Access-Control': acl }), 204, 'reset acl');
    for (const [m, p] of [['GET', ''], ['GET', '/shared'], ['GET', '/shared/doc'], ['PUT', '/shared/x'], ['PUT', '/c-none'], ['POST', '']] as const) {
      assert.equal((await as.none.call(m, p, {}, m === 'PUT' ? 'x' : undefined)).status, 403, `${m} ${p}`);
    }
    assert.equal((await owner.anonymous().get('/shared/doc')).status, 401);
  });

  test("an invalid ACL: 400 with tempauth's words, nothing changed", async () => {
    const cases: [string, string][] = [
      ['not json', "X-Account-Access-Control invalid: Syntax error in input ('not json')\n\nInput: not json\n"],
      ['["a"]', `X-Account-Access-Control invalid: Syntax error in input ('["a"]')\n\nInput: ["a"]\n`],
      ['{"owner":["a"]}', 'X-Account-Access-Control invalid: Key "owner" not recognized\n\nInput: {"owner":["a"]}\n'],
      ['{"admin":"a"}', 'X-Account-Access-Control invalid: Value for key "admin" must be a list\n\nInput: {"admin":"a"}\n'],
      ['{"read-only":[1]}', 'X-Account-Access-Control invalid: Elements of "read-only" list must be strings\n\nInput: {"read-only":[1]}\n'],
    ];
    for (const [value, body] of cases) {
      const r = await owner.post('', { 'X-Account-Access-Control': value });
      assert.equal(r.status, 400, value);
      assert.equal(r.text, body);
      assert.match(r.headers.get('content-type')!, /^text\/plain/);
    }
    assert.ok(JSON.parse((await owner.head('')).headers.get('x-account-access-control')!).admin);
  });
});
