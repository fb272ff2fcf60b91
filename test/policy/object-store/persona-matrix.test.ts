import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { createPersonas, type PersonaWorld } from '../../support/personas.js';
import { expectStatus, ObjectStoreClient } from '../../api/object-store/object-store-client.js';

// Who may do what in project P's Swift account, as keystoneauth decides: the owner's member
// (operator role: swift_owner) and reader (GET/HEAD), another project's member (nothing unless a
// container ACL names it as project:user or project:*), an admin of another project (admin is an
// operator role of its own account only), a ResellerAdmin (every account), and anonymous callers
// (only where `.r:*` allows: objects, and listings with `.rlistings`). Each row: one persona on one
// container, and the status of each operation.

let cloud: TestCloud;
let w: PersonaWorld;
const who: Record<string, ObjectStoreClient> = {};
let P: string;
let owner: ObjectStoreClient;

/** The containers of P's account, each with its ACLs (set by the owner). */
const containers = (ids: { Q: string; qUser: string; R: string; rUser: string }): Record<string, Record<string, string>> => ({
  private: {},
  'by-user': { 'X-Container-Read': `${ids.Q}:${ids.qUser}`, 'X-Container-Write': `${ids.Q}:${ids.qUser}` },
  'by-project': { 'X-Container-Read': `${ids.Q}:*`, 'X-Container-Write': `${ids.Q}:*` },
  // NOTE: names match only when the user, its project and the account are all in the default domain.
  'by-name': { 'X-Container-Read': 'persona-q:q-member,persona-r:r-member' },
  'by-id-other-domain': { 'X-Container-Read': `${ids.R}:${ids.rUser}` },
  public: { 'X-Container-Read': '.r:*' },
  listable: { 'X-Container-Read': '.r:*,.rlistings' },
});

const OPS = ['listAccount', 'listContainer', 'head', 'get', 'put', 'delete', 'postContainer'] as const;
type Op = typeof OPS[number];

/** The status of each operation, in OPS order. */
type Row = [persona: string, container: string, expected: [number, number, number, number, number, number, number]];

const ROWS: Row[] = [
  //                                    listAcct listCont head get  put  delete postCont
  ['owner member', 'private',            [200, 200, 200, 200, 201, 204, 204]],
  ['owner reader', 'private',            [200, 200, 200, 200, 403, 403, 403]],
  ['owner reader', 'public',             [200, 200, 200, 200, 403, 403, 403]],
  ['other member', 'private',            [403, 403, 403, 403, 403, 403, 403]],
  ['other member', 'by-user',            [403, 200, 200, 200, 201, 204, 403]],
  ['other member', 'by-project',         [403, 200, 200, 200, 201, 204, 403]],
  ['other member', 'by-name',            [403, 200, 200, 200, 403, 403, 403]],
  // .r:* without .rlistings: objects yes, the listing no (keystoneauth's referrer rule denies it).
  ['other member', 'public',             [403, 403, 200, 200, 403, 403, 403]],
  ['other member', 'listable',           [403, 200, 200, 200, 403, 403, 403]],
  ['other admin', 'private',             [403, 403, 403, 403, 403, 403, 403]],
  ['other admin', 'by-project',          [403, 403, 403, 403, 403, 403, 403]],
  ['other-domain member', 'by-name',     [403, 403, 403, 403, 403, 403, 403]],
  ['other-domain member', 'by-id-other-domain', [403, 200, 200, 200, 403, 403, 403]],
  ['reseller admin', 'private',          [200, 200, 200, 200, 201, 204, 204]],
  ['anonymous', 'private',               [401, 401, 401, 401, 401, 401, 401]],
  ['anonymous', 'by-project',            [401, 401, 401, 401, 401, 401, 401]],
  ['anonymous', 'public',                [401, 401, 200, 200, 401, 401, 401]],
  ['anonymous', 'listable',              [401, 200, 200, 200, 401, 401, 401]],
];

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'object-store'] });
  w = await createPersonas(cloud);
  P = w.P;
  const account = `AUTH_${P}`;
  const swift = (token: string | undefined) => new ObjectStoreClient(cloud.url, token, account);
  const admin = w.admin;
  const ok = async (r: Promise<{ status: number; body: any }>, what: string) => {
    const x = await r;
    if (x.status >= 300) throw new Error(`${what}: ${x.status} ${JSON.stringify(x.body)}`);
    return x.body;
  };
  // A ResellerAdmin in project Q; a member of project R in domain D (ids only in ACLs).
  const roleId = async (name: string) => (await ok(admin.get(`/roles?name=${name}`), name)).roles[0].id as string;
  const reseller = (await ok(admin.post('/users', { user: { name: 'reseller', domain_id: 'default', password: 'persona-secret' } }), 'reseller')).user.id;
  await ok(admin.put(`/projects/${w.Q}/users/${reseller}/roles/${await roleId('ResellerAdmin')}`), 'grant ResellerAdmin');
  const R = (await ok(admin.post('/projects', { project: { name: 'persona-r', domain_id: w.D } }), 'project R')).project.id;
  const rUser = (await ok(admin.post('/users', { user: { name: 'r-member', domain_id: w.D, password: 'persona-secret' } }), 'r-member')).user.id;
  await ok(admin.put(`/projects/${R}/users/${rUser}/roles/${w.roles.member}`), 'grant r-member');
  const token = async (user: string, project: string) => (await w.authenticate(user, { project: { id: project } })).token;
  Object.assign(who, {
    'owner member': swift(w.clients.member.token),
    'owner reader': swift(w.clients.reader.token),
    'other member': swift(w.clients.otherMember.token),
    'other admin': swift(w.clients.projectAdmin.token),
    'other-domain member': swift(await token(rUser, R)),
    'reseller admin': swift(await token(reseller, w.Q)),
    anonymous: swift(undefined),
  });
  owner = who['owner member']!;
  for (const [name, acl] of Object.entries(containers({ Q: w.Q, qUser: w.userIds.otherMember, R, rUser }))) {
    expectStatus(await owner.put(`/${name}`, '', acl), 201, `container ${name}`);
    expectStatus(await owner.put(`/${name}/obj`, 'the bytes'), 201, `object in ${name}`);
  }
});
after(async () => { await cloud?.stop(); });

async function run(c: ObjectStoreClient, op: Op, container: string, n: number): Promise<number> {
  switch (op) {
    case 'listAccount': return (await c.get('', { Accept: 'application/json' })).status;
    case 'listContainer': return (await c.get(`/${container}?format=json`)).status;
    case 'head': return (await c.head(`/${container}/obj`)).status;
    case 'get': return (await c.get(`/${container}/obj`)).status;
    case 'put': return (await c.put(`/${container}/new-${n}`, 'written')).status;
    case 'delete': {
      // NOTE: each row deletes an object of its own, made by the owner first.
      expectStatus(await owner.put(`/${container}/victim-${n}`, 'x'), 201, 'victim');
      return (await c.delete(`/${container}/victim-${n}`)).status;
    }
    case 'postContainer': return (await c.post(`/${container}`, { 'X-Container-Meta-Touched': String(n) })).status;
  }
}

describe("keystoneauth's decisions on P's account", () => {
  ROWS.forEach(([persona, container, expected], i) => {
    test(`${persona} on ${container}`, async () => {
      const got: Record<string, number> = {};
      for (const [j, op] of OPS.entries()) got[op] = await run(who[persona]!, op, container, i * 10 + j);
      assert.deepEqual(got, Object.fromEntries(OPS.map((op, j) => [op, expected[j]])));
    });
  });

  test('what a write allowed by an ACL left behind is there; a refused one changed nothing', async () => {
    const listed = (await owner.get('/by-user?format=json')).json.map((o: any) => o.name);
    assert.ok(listed.some((n: string) => n.startsWith('new-')), 'the ACL user wrote an object');
    const priv = (await owner.get('/private?format=json')).json.map((o: any) => o.name);
    const allowedWriters = ROWS.map(([p, c], i) => (c === 'private' && (p === 'owner member' || p === 'reseller admin') ? `new-${i * 10 + 4}` : undefined)).filter(Boolean);
    assert.deepEqual(priv.filter((n: string) => n.startsWith('new-')).sort(), allowedWriters.sort());
    assert.ok(priv.includes(`victim-${ROWS.findIndex(([p, c]) => p === 'other member' && c === 'private') * 10 + 5}`), 'a refused delete left the object');
  });

  test("a 401 or 403 is swob's HTML page; owner-only headers are hidden from ACL readers", async () => {
    const anon = await who.anonymous!.get('/private/obj');
    assert.equal(anon.status, 401);
    assert.equal(anon.text, '<html><h1>Unauthorized</h1><p>This server could not verify that you are authorized to access the document you requested.</p></html>');
    const other = await who['other member']!.get('/private/obj');
    assert.equal(other.text, '<html><h1>Forbidden</h1><p>Access was denied to this resource.</p></html>');
    const byOwner = await owner.head('/by-user');
    assert.equal(byOwner.headers.get('x-container-read'), `${w.Q}:${w.userIds.otherMember}`);
    const byAcl = await who['other member']!.head('/by-user');
    assert.equal(byAcl.status, 204);
    assert.equal(byAcl.headers.get('x-container-read'), null);
    assert.equal(byAcl.headers.get('x-container-write'), null);
  });

  test('the account records its project domain, shown to the owner as X-Account-Project-Domain-Id', async () => {
    const r = await owner.head('');
    assert.equal(r.headers.get('x-account-project-domain-id'), 'default');
  });

  test("an account made by another project's caller records an unknown domain; DELETE of an account is refused even to its owner", async () => {
    assert.equal((await owner.delete('')).status, 403);
    const elsewhere = who['reseller admin']!.at(`AUTH_${w.D}`);
    assert.equal((await elsewhere.put('/made-by-reseller')).status, 201);
    assert.equal((await elsewhere.head('')).headers.get('x-account-project-domain-id'), '_unknown');
  });
});
