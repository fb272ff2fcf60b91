import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { expectStatus, ObjectStoreClient, startObjectStore } from './object-store-client.js';

// Bulk middleware: PUT ?extract-archive=tar|tar.gz|tar.bz2 makes an object of every file (its
// first path segment the container, made when absent), answering a summary in the Accept's format;
// a corrupt archive is a 400 in the summary with tarfile's words; bulk-delete removes a list.

const run = promisify(execFile);
let cloud: TestCloud;
let demo: ObjectStoreClient;
let dir: string;
const archive: Record<string, Buffer> = {};

before(async () => {
  ({ cloud, demo } = await startObjectStore());
  dir = mkdtempSync(join(tmpdir(), 'stratus-bulk-'));
  mkdirSync(join(dir, 'tree/photos/2026'), { recursive: true });
  writeFileSync(join(dir, 'tree/photos/2026/jan.txt'), 'january');
  writeFileSync(join(dir, 'tree/photos/feb.txt'), 'february');
  writeFileSync(join(dir, 'tree/docs.txt'), 'not in a container');
  await run('tar', ['-C', join(dir, 'tree'), '-cf', join(dir, 'a.tar'), 'photos']);
  await run('tar', ['-C', join(dir, 'tree'), '-czf', join(dir, 'a.tar.gz'), 'photos']);
  await run('tar', ['-C', join(dir, 'tree'), '-cjf', join(dir, 'a.tar.bz2'), 'photos']);
  for (const f of ['a.tar', 'a.tar.gz', 'a.tar.bz2']) archive[f] = readFileSync(join(dir, f));
});
after(async () => { await cloud?.stop(); rmSync(dir, { recursive: true, force: true }); });

const JSON_ACCEPT = { Accept: 'application/json' };

describe('extract-archive', () => {
  for (const [format, file, container] of [['tar', 'a.tar', 'plain'], ['tar.gz', 'a.tar.gz', 'gz'], ['tar.bz2', 'a.tar.bz2', 'bz']] as const) {
    test(`${format}: every file an object under the URL's container, a 201 summary`, async () => {
      const r = await demo.put(`/${container}?extract-archive=${format}`, archive[file], JSON_ACCEPT);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(r.json, { 'Number Files Created': 2, 'Response Body': '', 'Response Status': '201 Created', Errors: [] });
      const names = (await demo.get(`/${container}?format=json`)).json.map((o: any) => o.name);
      assert.deepEqual(names, ['photos/2026/jan.txt', 'photos/feb.txt']);
      assert.equal((await demo.get(`/${container}/photos/2026/jan.txt`)).text, 'january');
    });
  }

  test('at the account: the first path segment is the container, made when absent', async () => {
    const r = await demo.put('?extract-archive=tar.bz2', archive['a.tar.bz2'], JSON_ACCEPT);
    assert.equal(r.json['Response Status'], '201 Created');
    assert.equal(r.json['Number Files Created'], 2);
    assert.deepEqual((await demo.get('/photos?format=json')).json.map((o: any) => o.name), ['2026/jan.txt', 'feb.txt']);
  });

  test('a corrupt bz2: a 400 summary in tarfile\'s words, nothing created', async () => {
    const bad = Buffer.concat([archive['a.tar.bz2']!.subarray(0, 20), Buffer.alloc(200, 7)]);
    const r = await demo.put('/corrupt-bz?extract-archive=tar.bz2', bad, JSON_ACCEPT);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { 'Number Files Created': 0, 'Response Body': 'Invalid Tar File: invalid compressed data', 'Response Status': '400 Bad Request', Errors: [] });
    const notBz = await demo.put('/corrupt-bz?extract-archive=tar.bz2', archive['a.tar'], JSON_ACCEPT);
    assert.equal(notBz.json['Response Body'], 'Invalid Tar File: invalid compressed data');
    assert.equal((await demo.head('/corrupt-bz')).status, 404);
  });

  test('a corrupt gzip and a corrupt tar: the same summary, in plain text by default', async () => {
    const gz = await demo.put('/corrupt-gz?extract-archive=tar.gz', archive['a.tar']);
    assert.equal(gz.text, 'Number Files Created: 0\nResponse Body: Invalid Tar File: not a gzip file\nResponse Status: 400 Bad Request\nErrors:\n');
    const tar = await demo.put('/corrupt-tar?extract-archive=tar', Buffer.alloc(1024, 1));
    assert.match(tar.text, /Response Body: Invalid Tar File: invalid header\nResponse Status: 400 Bad Request\n/);
  });

  test('an unknown format: 400 "Unsupported archive format"', async () => {
    const r = await demo.put('/x?extract-archive=zip', 'PK');
    assert.equal(r.status, 400);
    assert.equal(r.text, 'Unsupported archive format');
  });

  test('a large bz2 archive streams through in bounded memory', async () => {
    const big = join(dir, 'big');
    mkdirSync(join(big, 'c'), { recursive: true });
    // NOTE: 96 MiB of zeros compress to a few hundred bytes: a decompressor that buffered would show in the heap.
    await run('dd', ['if=/dev/zero', `of=${join(big, 'c/zeros.bin')}`, 'bs=1M', 'count=96'], {});
    await run('tar', ['-C', big, '-cjf', join(dir, 'big.tar.bz2'), 'c']);
    const body = readFileSync(join(dir, 'big.tar.bz2'));
    rmSync(big, { recursive: true, force: true });
    assert.ok(body.length < 10_000);
    let peak = 0;
    const base = process.memoryUsage();
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
    }, 20);
    const r = await demo.put('/big?extract-archive=tar.bz2', body, JSON_ACCEPT);
    clearInterval(sampler);
    assert.equal(r.json['Response Status'], '201 Created', r.text);
    const h = await demo.head('/big/c/zeros.bin');
    assert.equal(h.headers.get('content-length'), String(96 * 1024 * 1024));
    assert.ok(peak < 48 * 1024 * 1024, `peak ${Math.round(peak / 1048576)} MiB`);
  });
});

describe('bulk-delete', () => {
  test('removes the listed objects and empty containers; counts the missing', async () => {
    expectStatus(await demo.put('/bd'), 201, 'container');
    for (const n of ['a', 'b c']) expectStatus(await demo.put(`/bd/${encodeURIComponent(n)}`, 'x'), 201, n);
    const r = await demo.post('?bulk-delete', JSON_ACCEPT, '/bd/a\n/bd/b%20c\n/bd/missing\n/bd\n');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { 'Number Deleted': 3, 'Number Not Found': 1, 'Response Body': '', 'Response Status': '200 OK', Errors: [] });
    assert.equal((await demo.head('/bd')).status, 404);
  });
});
