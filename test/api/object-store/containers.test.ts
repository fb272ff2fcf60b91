import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { expectStatus, ObjectStoreClient, startObjectStore } from './object-store-client.js';

// The account and its containers as a Swift user sees them: counters and timestamps in headers,
// container create (201, then 202), metadata set and removed, the limits on metadata (400 with
// constraints.py's words, as text/plain), delete only when empty (409), and swob's pages for 404.

let cloud: TestCloud;
let demo: ObjectStoreClient;
before(async () => { ({ cloud, demo } = await startObjectStore()); });
after(async () => { await cloud?.stop(); });

const NOT_FOUND = '<html><h1>Not Found</h1><p>The resource could not be found.</p></html>';

describe('account', () => {
  test('an account with nothing yet: 204 with zero counters; an empty listing is [] in JSON, 204 in plain text', async () => {
    const r = await demo.head('');
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('x-account-container-count'), '0');
    assert.equal(r.headers.get('x-account-object-count'), '0');
    assert.equal(r.headers.get('x-account-bytes-used'), '0');
    assert.match(r.headers.get('x-timestamp')!, /^\d{10}\.\d{5}$/);
    assert.match(r.headers.get('x-trans-id')!, /^tx[0-9a-f]{21}-[0-9a-f]{10}$/);
    assert.equal(r.headers.get('x-openstack-request-id'), r.headers.get('x-trans-id'));
    const list = await demo.get('?format=json');
    assert.equal(list.status, 200);
    assert.equal(list.text, '[]');
    assert.equal(list.headers.get('content-type'), 'application/json; charset=utf-8');
    const plain = await demo.get('');
    assert.equal(plain.status, 204);
    assert.equal(plain.headers.get('content-type'), 'text/plain; charset=utf-8');
  });

  test('account metadata: set, shown title-cased, removed by an empty value or X-Remove-', async () => {
    expectStatus(await demo.post('', { 'X-Account-Meta-Book': 'Moby Dick', 'X-Account-Meta-Author': 'Melville' }), 204, 'set');
    let h = (await demo.head('')).headers;
    assert.equal(h.get('x-account-meta-book'), 'Moby Dick');
    assert.equal(h.get('x-account-meta-author'), 'Melville');
    expectStatus(await demo.post('', { 'X-Account-Meta-Book': '', 'X-Remove-Account-Meta-Author': 'x' }), 204, 'remove');
    h = (await demo.head('')).headers;
    assert.equal(h.get('x-account-meta-book'), null);
    assert.equal(h.get('x-account-meta-author'), null);
  });

  test('PUT and DELETE of an account: 405 and 403 (no account management; no one deletes their own)', async () => {
    const put = await demo.put('');
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'HEAD, GET, PUT, POST, OPTIONS, DELETE');
    assert.equal((await demo.delete('')).status, 403);
  });
});

describe('containers', () => {
  test('PUT creates (201), again is 202; HEAD shows counters, policy and metadata', async () => {
    const made = await demo.put('/books', '', { 'X-Container-Meta-Shelf': 'top' });
    assert.equal(made.status, 201);
    assert.equal(made.text, '');
    assert.equal((await demo.put('/books', '', { 'X-Container-Meta-Shelf': 'middle' })).status, 202);
    const h = await demo.head('/books');
    assert.equal(h.status, 204);
    assert.equal(h.headers.get('x-container-object-count'), '0');
    assert.equal(h.headers.get('x-container-bytes-used'), '0');
    assert.equal(h.headers.get('x-storage-policy'), 'Policy-0');
    assert.equal(h.headers.get('x-container-meta-shelf'), 'middle');
    assert.ok(h.headers.get('last-modified'));
    assert.equal((await demo.head('')).headers.get('x-account-container-count'), '1');
  });

  test('a missing container: 404 with swob\'s page on GET, no body on HEAD', async () => {
    const g = await demo.get('/nowhere');
    assert.equal(g.status, 404);
    assert.equal(g.text, NOT_FOUND);
    assert.equal(g.headers.get('content-type'), 'text/html; charset=UTF-8');
    const h = await demo.head('/nowhere');
    assert.equal(h.status, 404);
    assert.equal(h.text, '');
    assert.equal((await demo.post('/nowhere', { 'X-Container-Meta-A': 'b' })).status, 404);
    assert.equal((await demo.delete('/nowhere')).status, 404);
  });

  test('metadata by POST: set, replace, remove; the read and write ACLs round-trip for the owner', async () => {
    expectStatus(await demo.put('/meta'), 201, 'container');
    expectStatus(await demo.post('/meta', { 'X-Container-Meta-Color': 'red', 'X-Container-Read': '.r:*,.rlistings', 'X-Container-Write': 'proj:user' }), 204, 'post');
    let h = (await demo.head('/meta')).headers;
    assert.equal(h.get('x-container-meta-color'), 'red');
    assert.equal(h.get('x-container-read'), '.r:*,.rlistings');
    assert.equal(h.get('x-container-write'), 'proj:user');
    expectStatus(await demo.post('/meta', { 'X-Remove-Container-Meta-Color': '1', 'X-Remove-Container-Read': '1' }), 204, 'remove');
    h = (await demo.head('/meta')).headers;
    assert.equal(h.get('x-container-meta-color'), null);
    assert.equal(h.get('x-container-read'), null);
    assert.equal(h.get('x-container-write'), 'proj:user');
  });

  test('a bad ACL is 400 and changes nothing', async () => {
    const r = await demo.post('/meta', { 'X-Container-Write': '.r:*' });
    assert.equal(r.status, 400);
    assert.equal(r.text, 'Referrers not allowed in write ACL: ".r:*"');
    assert.equal((await demo.head('/meta')).headers.get('x-container-write'), 'proj:user');
  });

  test("metadata limits: 400 with constraints.py's words, text/plain; nothing stored", async () => {
    expectStatus(await demo.put('/limits'), 201, 'container');
    const cases: [Record<string, string>, string][] = [
      [{ 'X-Container-Meta-': 'v' }, 'Metadata name cannot be empty'],
      [{ [`X-Container-Meta-${'n'.repeat(129)}`]: 'v' }, `Metadata name too long: x-container-meta-N${'n'.repeat(128)}`],
      [{ 'X-Container-Meta-Long': 'v'.repeat(257) }, 'Metadata value longer than 256: x-container-meta-Long'],
      [Object.fromEntries(Array.from({ length: 91 }, (_, i) => [`X-Container-Meta-K${i}`, 'v'])), 'Too many metadata items; max 90'],
      [Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`X-Container-Meta-K${i}`, 'v'.repeat(250)])), 'Total metadata too large; max 4096'],
    ];
    for (const [headers, body] of cases) {
      const r = await demo.post('/limits', headers);
      assert.equal(r.status, 400, body);
      assert.equal(r.text, body);
      assert.equal(r.headers.get('content-type'), 'text/plain');
    }
    const h = (await demo.head('/limits')).headers;
    assert.equal([...h.keys()].filter((k) => k.startsWith('x-container-meta-')).length, 0);
    // The limit is on the container's whole metadata, not only one request's.
    for (let i = 0; i < 9; i++) expectStatus(await demo.post('/limits', Object.fromEntries(Array.from({ length: 10 }, (_, j) => [`X-Container-Meta-K${i}-${j}`, 'v']))), 204, `batch ${i}`);
    const over = await demo.post('/limits', { 'X-Container-Meta-One-More': 'v' });
    assert.equal(over.status, 400);
    assert.equal(over.text, 'Too many metadata items; max 90');
  });

  test('a container name over 256 bytes: 400; an unknown storage policy: 400', async () => {
    const long = await demo.put(`/${'c'.repeat(257)}`);
    assert.equal(long.status, 400);
    assert.equal(long.text, 'Container name length of 257 longer than 256');
    const policy = await demo.put('/gold', '', { 'X-Storage-Policy': 'gold' });
    assert.equal(policy.status, 400);
    assert.equal((await demo.head('/gold')).status, 404);
  });

  test('DELETE: 409 while it holds objects (swob\'s Conflict page), 204 when empty, then 404', async () => {
    expectStatus(await demo.put('/full'), 201, 'container');
    expectStatus(await demo.put('/full/o', 'x'), 201, 'object');
    const busy = await demo.delete('/full');
    assert.equal(busy.status, 409);
    assert.equal(busy.text, '<html><h1>Conflict</h1><p>There was a conflict when trying to complete your request.</p></html>');
    assert.equal((await demo.head('/full')).status, 204);
    expectStatus(await demo.delete('/full/o'), 204, 'object delete');
    assert.equal((await demo.delete('/full')).status, 204);
    assert.equal((await demo.head('/full')).status, 404);
    assert.equal((await demo.delete('/full')).status, 404);
  });

  test('the account counts containers, objects and bytes as they change', async () => {
    expectStatus(await demo.put('/count'), 201, 'container');
    const before = (await demo.head('')).headers;
    expectStatus(await demo.put('/count/a', '12345'), 201, 'a');
    expectStatus(await demo.put('/count/b', '123'), 201, 'b');
    const c = (await demo.head('/count')).headers;
    assert.equal(c.get('x-container-object-count'), '2');
    assert.equal(c.get('x-container-bytes-used'), '8');
    const a = (await demo.head('')).headers;
    assert.equal(Number(a.get('x-account-object-count')) - Number(before.get('x-account-object-count')), 2);
    assert.equal(Number(a.get('x-account-bytes-used')) - Number(before.get('x-account-bytes-used')), 8);
    expectStatus(await demo.put('/count/a', '1'), 201, 'overwrite');
    assert.equal((await demo.head('/count')).headers.get('x-container-bytes-used'), '4');
  });
});
