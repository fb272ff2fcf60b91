import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { expectStatus, ObjectStoreClient, startObjectStore } from './object-store-client.js';

// Listings of containers and of accounts in Swift's three formats (plain, json, xml; `format`
// beats Accept), and the query: prefix, delimiter (subdir entries), marker, end_marker, reverse,
// limit (over 10000 is 412), path.

let cloud: TestCloud;
let demo: ObjectStoreClient;
const NAMES = ['a/1.txt', 'a/2.txt', 'a/b/3.txt', 'b.txt', 'c/4.txt', 'z'];

before(async () => {
  ({ cloud, demo } = await startObjectStore());
  expectStatus(await demo.put('/lst'), 201, 'container');
  for (const n of NAMES) expectStatus(await demo.put(`/lst/${n}`, `body of ${n}`, { 'Content-Type': 'text/plain' }), 201, n);
  for (const c of ['alpha', 'beta', 'gamma']) expectStatus(await demo.put(`/${c}`), 201, c);
});
after(async () => { await cloud?.stop(); });

const names = async (q: string) => {
  const r = await demo.get(`/lst?format=json${q}`);
  if (r.status === 204) return [];
  assert.equal(r.status, 200, q);
  return r.json.map((e: any) => e.subdir ?? e.name);
};

describe('container listings', () => {
  test('plain text by default: one name a line', async () => {
    const r = await demo.get('/lst');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(r.text, NAMES.map((n) => `${n}\n`).join(''));
    assert.equal(r.headers.get('x-container-object-count'), '6');
  });

  test('json: hash, last_modified, bytes, name, content_type', async () => {
    const r = await demo.get('/lst?format=json&limit=1');
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    const [o] = r.json;
    assert.deepEqual(Object.keys(o), ['hash', 'last_modified', 'bytes', 'name', 'content_type']);
    assert.equal(o.name, 'a/1.txt');
    assert.equal(o.bytes, 'body of a/1.txt'.length);
    assert.equal(o.content_type, 'text/plain');
    assert.match(o.last_modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.match(o.hash, /^[0-9a-f]{32}$/);
  });

  test('xml by format=xml or by Accept; format wins over Accept', async () => {
    const r = await demo.get('/lst?format=xml&prefix=z');
    assert.equal(r.headers.get('content-type'), 'application/xml; charset=utf-8');
    assert.match(r.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<container name="lst"><object><name>z<\/name><hash>[0-9a-f]{32}<\/hash><bytes>9<\/bytes><content_type>text\/plain<\/content_type><last_modified>[^<]+<\/last_modified><\/object><\/container>$/);
    const byAccept = await demo.get('/lst?prefix=z', { Accept: 'text/xml' });
    assert.equal(byAccept.headers.get('content-type'), 'text/xml; charset=utf-8');
    const both = await demo.get('/lst?format=json&prefix=z', { Accept: 'application/xml' });
    assert.equal(both.headers.get('content-type'), 'application/json; charset=utf-8');
    const sub = await demo.get('/lst?format=xml&delimiter=/&prefix=a/');
    assert.match(sub.text, /<subdir name="a\/b\/"><name>a\/b\/<\/name><\/subdir>/);
    assert.equal((await demo.get('/lst', { Accept: 'image/png' })).status, 406);
  });

  test('prefix and delimiter roll names up into subdirs', async () => {
    assert.deepEqual(await names('&delimiter=/'), ['a/', 'b.txt', 'c/', 'z']);
    assert.deepEqual(await names('&prefix=a/&delimiter=/'), ['a/1.txt', 'a/2.txt', 'a/b/']);
    assert.deepEqual(await names('&prefix=a/'), ['a/1.txt', 'a/2.txt', 'a/b/3.txt']);
    assert.deepEqual(await names('&prefix=nothing'), []);
    assert.deepEqual(await names('&path=a'), ['a/1.txt', 'a/2.txt']);
  });

  test('marker, end_marker, limit and reverse', async () => {
    assert.deepEqual(await names('&marker=a/2.txt'), ['a/b/3.txt', 'b.txt', 'c/4.txt', 'z']);
    assert.deepEqual(await names('&end_marker=b.txt'), ['a/1.txt', 'a/2.txt', 'a/b/3.txt']);
    assert.deepEqual(await names('&marker=a/1.txt&end_marker=c'), ['a/2.txt', 'a/b/3.txt', 'b.txt']);
    assert.deepEqual(await names('&limit=2'), ['a/1.txt', 'a/2.txt']);
    assert.deepEqual(await names('&limit=2&marker=a/2.txt'), ['a/b/3.txt', 'b.txt']);
    assert.deepEqual(await names('&reverse=true'), [...NAMES].reverse());
    assert.deepEqual(await names('&reverse=true&marker=b.txt&limit=2'), ['a/b/3.txt', 'a/2.txt']);
    assert.deepEqual(await names('&reverse=on&end_marker=b.txt'), ['z', 'c/4.txt']);
    assert.deepEqual(await names('&reverse=true&delimiter=/'), ['z', 'c/', 'b.txt', 'a/']);
    assert.deepEqual(await names('&limit=0'), []);
  });

  test('a limit over 10000 or not a number: 412 with the words', async () => {
    const big = await demo.get('/lst?limit=10001');
    assert.equal(big.status, 412);
    assert.equal(big.text, 'Maximum limit is 10000');
    const nan = await demo.get('/lst?limit=ten');
    assert.equal(nan.status, 412);
    assert.equal(nan.text, 'Value of limit must be a positive integer.');
  });

  test('an empty container: 204 in plain text, [] in JSON', async () => {
    expectStatus(await demo.put('/empty'), 201, 'container');
    assert.equal((await demo.get('/empty')).status, 204);
    const j = await demo.get('/empty?format=json');
    assert.equal(j.status, 200);
    assert.equal(j.text, '[]');
  });
});

describe('account listings', () => {
  test('the containers with their counts, in each format, with prefix/marker/limit/reverse', async () => {
    const j = await demo.get('?format=json');
    const lst = j.json.find((c: any) => c.name === 'lst');
    assert.deepEqual(Object.keys(lst), ['name', 'count', 'bytes', 'last_modified']);
    assert.equal(lst.count, 6);
    assert.equal((await demo.get('?prefix=a')).text, 'alpha\n');
    assert.equal((await demo.get('?marker=beta&limit=1')).text, 'empty\n');
    assert.equal((await demo.get('?reverse=true&limit=2')).text, 'lst\ngamma\n');
    const x = await demo.get('?format=xml&prefix=gamma');
    assert.match(x.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<account name="AUTH_[0-9a-f]+">\n<container><name>gamma<\/name><count>0<\/count><bytes>0<\/bytes><last_modified>[^<]+<\/last_modified><\/container>\n<\/account>$/);
  });
});
