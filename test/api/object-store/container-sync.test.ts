import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientsFor } from '../../support/clients.js';
import { expectStatus, objectStoreFor, ObjectStoreClient } from './object-store-client.js';

// Container sync: X-Container-Sync-To (a realm's //realm/cluster/account/container, or a full URL
// on an allowed host) and X-Container-Sync-Key, validated as Swift's container server does (400
// with its words), then objects copied to the target container when both keys match, as Tempest's
// test_container_sync_middleware does between two projects' accounts.

let cloud: TestCloud;
let demo: ObjectStoreClient;
let alt: ObjectStoreClient;

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'object-store'] });
  demo = await objectStoreFor(cloud, (await clientsFor(cloud, 'demo')).token);
  alt = await objectStoreFor(cloud, (await clientsFor(cloud, 'alt_demo')).token);
});
after(async () => { await cloud?.stop(); });

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const names = async (c: ObjectStoreClient, container: string) => {
  const r = await c.get(`/${container}?format=json`);
  return r.status === 200 ? r.json.map((o: any) => o.name as string).sort() : [];
};

describe('container sync', () => {
  test("/info lists the realm and its cluster (Tempest's realm1/name1)", async () => {
    const info = await (await fetch(`${cloud.url}/object-store/info`)).json() as any;
    assert.deepEqual(info.container_sync, { realms: { REALM1: { clusters: { NAME1: { current: true } } } } });
  });

  test("an invalid X-Container-Sync-To: 400 with the container server's words, nothing stored", async () => {
    expectStatus(await demo.put('/checked'), 201, 'container');
    const cases: [string, string][] = [
      ['//realm1/name1/AUTH_x', "Invalid X-Container-Sync-To format '//realm1/name1/AUTH_x'"],
      ['//nope/name1/AUTH_x/c', "No realm key for 'nope'"],
      ['//realm1/nope/AUTH_x/c', "No cluster endpoint for 'realm1' 'nope'"],
      ['ftp://127.0.0.1/v1/AUTH_x/c', 'Invalid scheme \'ftp\' in X-Container-Sync-To, must be "//", "http", or "https".'],
      ['http://127.0.0.1', 'Path required in X-Container-Sync-To'],
      ['http://127.0.0.1/v1/AUTH_x/c?x=1', 'Params, queries, and fragments not allowed in X-Container-Sync-To'],
      ['http://198.51.100.7/v1/AUTH_x/c', "Invalid host '198.51.100.7' in X-Container-Sync-To"],
    ];
    for (const [value, body] of cases) {
      const r = await demo.post('/checked', { 'X-Container-Sync-To': value });
      assert.equal(r.status, 400, value);
      assert.equal(r.text, body);
      assert.equal((await demo.put('/checked-put', '', { 'X-Container-Sync-To': value })).status, 400, value);
    }
    assert.equal((await demo.head('/checked')).headers.get('x-container-sync-to'), null);
    assert.equal((await demo.head('/checked-put')).status, 404);
    // Valid forms are kept, and shown to the owner only.
    expectStatus(await demo.post('/checked', { 'X-Container-Sync-To': '//REALM1/Name1/AUTH_x/c', 'X-Container-Sync-Key': 'k' }), 204, 'realm form');
    assert.equal((await demo.head('/checked')).headers.get('x-container-sync-to'), '//REALM1/Name1/AUTH_x/c');
    expectStatus(await demo.post('/checked', { 'X-Container-Sync-To': `http://127.0.0.1:8080/v1/${alt.account}/c` }), 204, 'full url');
  });

  test('two containers of two projects syncing to each other end up with the same objects', async () => {
    expectStatus(await demo.put('/sync-a'), 201, 'a');
    expectStatus(await alt.put('/sync-b'), 201, 'b');
    expectStatus(await demo.post('/sync-a', { 'X-Container-Sync-Key': 'sync_key', 'X-Container-Sync-To': `//realm1/name1/${alt.account}/sync-b` }), 204, 'a→b');
    expectStatus(await alt.post('/sync-b', { 'X-Container-Sync-Key': 'sync_key', 'X-Container-Sync-To': `//realm1/name1/${demo.account}/sync-a` }), 204, 'b→a');
    expectStatus(await demo.put('/sync-a/from-a', 'a-bytes', { 'X-Object-Meta-Origin': 'a', 'Content-Type': 'text/a' }), 201, 'from a');
    expectStatus(await alt.put('/sync-b/from-b', 'b-bytes'), 201, 'from b');
    await until('both containers to list both objects', async () => {
      const [a, b] = [await names(demo, 'sync-a'), await names(alt, 'sync-b')];
      return a.length === 2 && b.length === 2 ? true : undefined;
    });
    // As Tempest compares them: the listings are the same, last_modified included (the sync keeps X-Timestamp).
    const listed = async (c: ObjectStoreClient, container: string) => (await c.get(`/${container}?format=json`)).json;
    assert.deepEqual(await listed(demo, 'sync-a'), await listed(alt, 'sync-b'));
    const copied = await alt.get('/sync-b/from-a');
    assert.equal(copied.text, 'a-bytes');
    assert.equal(copied.headers.get('x-object-meta-origin'), 'a');
    assert.equal(copied.headers.get('content-type'), 'text/a');
    assert.equal((await demo.get('/sync-a/from-b')).text, 'b-bytes');
    // A change is synced too (a new version of the object).
    expectStatus(await demo.put('/sync-a/from-a', 'a-bytes v2'), 201, 'overwrite');
    await until('the new version at b', async () => ((await alt.get('/sync-b/from-a')).text === 'a-bytes v2' ? true : undefined));
  });

  test('no sync when the target container does not hold the same key', async () => {
    expectStatus(await demo.put('/lonely', '', { 'X-Container-Sync-Key': 'mine', 'X-Container-Sync-To': `//realm1/name1/${alt.account}/other-key` }), 201, 'src');
    expectStatus(await alt.put('/other-key', '', { 'X-Container-Sync-Key': 'theirs' }), 201, 'dst');
    expectStatus(await demo.put('/lonely/o', 'x'), 201, 'object');
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(await names(alt, 'other-key'), []);
    // Once the keys agree, it flows.
    expectStatus(await alt.post('/other-key', { 'X-Container-Sync-Key': 'mine' }), 204, 'key');
    await until('the object at the target', async () => ((await names(alt, 'other-key')).length === 1 ? true : undefined));
  });

  test('the sync settings are the owner\'s: hidden from others, dropped from their writes', async () => {
    const h = await demo.head('/sync-a');
    assert.equal(h.headers.get('x-container-sync-key'), 'sync_key');
    assert.ok(h.headers.get('x-container-sync-to'));
    assert.equal([...h.headers.keys()].some((k) => k.includes('sysmeta')), false);
  });
});
