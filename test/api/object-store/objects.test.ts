import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { expectStatus, ObjectStoreClient, startObjectStore } from './object-store-client.js';

// Objects as a Swift user sees them: PUT (201 with the ETag), GET/HEAD headers and metadata,
// POST (202), COPY and X-Copy-From, DELETE; conditional requests (If-Match, If-None-Match,
// If-Modified-Since, If-Unmodified-Since) and ranges (206, multipart, 416); and the errors with
// Swift's codes and bodies: 404, 411, 412, 413, 416, 422.

let cloud: TestCloud;
let demo: ObjectStoreClient;
const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');
const BODY = 'abcdefghijklmnopqrstuvwxyz';

before(async () => {
  ({ cloud, demo } = await startObjectStore());
  expectStatus(await demo.put('/obj'), 201, 'container');
  expectStatus(await demo.put('/obj/letters', BODY, { 'Content-Type': 'text/plain', 'X-Object-Meta-Kind': 'alphabet' }), 201, 'letters');
});
after(async () => { await cloud?.stop(); });

/** A request written by hand (no Content-Length, or one no client would send); the status line and body. */
function raw(head: string, body = ''): Promise<{ status: number; text: string; head: string }> {
  const url = new URL(cloud.url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(url.port), url.hostname, () => sock.end(head.replace(/\n/g, '\r\n') + '\r\n' + body));
    const chunks: Buffer[] = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const [h, ...rest] = all.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(h!)?.[1]), head: h!, text: rest.join('\r\n\r\n') });
    });
  });
}

describe('objects', () => {
  test('PUT answers 201 with the md5 ETag; GET returns the bytes and headers; HEAD the same headers', async () => {
    const put = await demo.put('/obj/hello.txt', 'hello world', { 'Content-Type': 'text/plain', 'X-Object-Meta-Color': 'blue', 'Content-Disposition': 'inline' });
    assert.equal(put.status, 201);
    assert.equal(put.headers.get('etag'), md5('hello world'));
    assert.ok(put.headers.get('last-modified'));
    const get = await demo.get('/obj/hello.txt');
    assert.equal(get.status, 200);
    assert.equal(get.text, 'hello world');
    assert.equal(get.headers.get('content-type'), 'text/plain');
    assert.equal(get.headers.get('content-length'), '11');
    assert.equal(get.headers.get('etag'), md5('hello world'));
    assert.equal(get.headers.get('x-object-meta-color'), 'blue');
    assert.equal(get.headers.get('content-disposition'), 'inline');
    assert.equal(get.headers.get('accept-ranges'), 'bytes');
    assert.match(get.headers.get('x-timestamp')!, /^\d{10}\.\d{5}$/);
    const head = await demo.head('/obj/hello.txt');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers.get('content-length'), '11');
    assert.equal(head.headers.get('x-object-meta-color'), 'blue');
  });

  test('a name with slashes, spaces and unicode round-trips; the content type is guessed from the name', async () => {
    const name = 'dir/sub dir/naïve file.json';
    // NOTE: a Buffer body, so that fetch sends no Content-Type of its own.
    expectStatus(await demo.put(`/obj/${encodeURI(name)}`, Buffer.from('{}')), 201, 'put');
    const r = await demo.get(`/obj/${encodeURI(name)}`);
    assert.equal(r.text, '{}');
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.ok((await demo.get('/obj?format=json&prefix=dir/')).json.some((o: any) => o.name === name));
  });

  test('POST replaces the metadata (202, swob\'s Accepted page); Content-Type changes with it', async () => {
    expectStatus(await demo.put('/obj/post-me', 'x', { 'X-Object-Meta-A': '1', 'X-Object-Meta-B': '2' }), 201, 'put');
    const p = await demo.post('/obj/post-me', { 'X-Object-Meta-C': '3', 'Content-Type': 'text/csv' });
    assert.equal(p.status, 202);
    assert.equal(p.text, '<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>');
    const h = (await demo.head('/obj/post-me')).headers;
    assert.equal(h.get('x-object-meta-a'), null);
    assert.equal(h.get('x-object-meta-c'), '3');
    assert.equal(h.get('content-type'), 'text/csv');
  });

  test('COPY with Destination and PUT with X-Copy-From: the bytes and metadata, X-Copied-From', async () => {
    const c = await demo.copy('/obj/letters', { Destination: '/obj/letters-copy', 'X-Object-Meta-Extra': 'yes' });
    assert.equal(c.status, 201);
    assert.equal(c.headers.get('x-copied-from'), 'obj/letters');
    assert.equal(c.headers.get('etag'), md5(BODY));
    const g = await demo.get('/obj/letters-copy');
    assert.equal(g.text, BODY);
    assert.equal(g.headers.get('x-object-meta-kind'), 'alphabet');
    assert.equal(g.headers.get('x-object-meta-extra'), 'yes');
    const f = await demo.put('/obj/letters-from', '', { 'X-Copy-From': 'obj/letters' });
    assert.equal(f.status, 201);
    assert.equal((await demo.get('/obj/letters-from')).text, BODY);
    const bad = await demo.put('/obj/x', '', { 'X-Copy-From': 'no-slash' });
    assert.equal(bad.status, 412);
    assert.equal(bad.text, 'X-Copy-From header must be of the form <container name>/<object name>');
    assert.equal((await demo.put('/obj/x', '', { 'X-Copy-From': 'obj/missing' })).status, 404);
  });

  test('DELETE: 204, then 404 (swob\'s page); a missing object 404 on GET and HEAD', async () => {
    expectStatus(await demo.put('/obj/doomed', 'x'), 201, 'put');
    assert.equal((await demo.delete('/obj/doomed')).status, 204);
    const again = await demo.delete('/obj/doomed');
    assert.equal(again.status, 404);
    assert.equal(again.text, '<html><h1>Not Found</h1><p>The resource could not be found.</p></html>');
    assert.equal((await demo.get('/obj/doomed')).status, 404);
    assert.equal((await demo.head('/obj/doomed')).status, 404);
    assert.equal((await demo.put('/no-container/o', 'x')).status, 404);
  });

  test('a container deleted while an object\'s bytes come in: the PUT is 404 and keeps nothing', async () => {
    expectStatus(await demo.put('/vanishing'), 201, 'container');
    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start(c) { feed = c; } });
    feed.enqueue(Buffer.from('first half, '));
    const upload = demo.put('/vanishing/late', body);
    await new Promise((r) => setTimeout(r, 200));
    expectStatus(await demo.delete('/vanishing'), 204, 'the container, still empty');
    feed.enqueue(Buffer.from('second half'));
    feed.close();
    expectStatus(await upload, 404, 'the upload');
    expectStatus(await demo.head('/vanishing'), 404, 'the container');
    expectStatus(await demo.head('/vanishing/late'), 404, 'the object');
    const account = expectStatus(await demo.get('?format=json'), 200, 'account');
    assert.ok(!account.json.some((c: { name: string }) => c.name === 'vanishing'));
  });

  test('container quotas: an upload over the count or the bytes is 413 and keeps nothing; raised, it goes in', async () => {
    expectStatus(await demo.put('/quota', '', { 'X-Container-Meta-Quota-Count': '2', 'X-Container-Meta-Quota-Bytes': '10' }), 201, 'container');
    expectStatus(await demo.put('/quota/a', 'aaaa'), 201, 'a');
    const big = expectStatus(await demo.put('/quota/big', 'bbbbbbbbbbbb'), 413, 'over the bytes');
    assert.equal(big.text, 'Upload exceeds quota.');
    expectStatus(await demo.put('/quota/b', 'bb'), 201, 'b');
    expectStatus(await demo.put('/quota/c', 'c'), 413, 'over the count');
    expectStatus(await demo.head('/quota/c'), 404, 'c');
    expectStatus(await demo.post('/quota', { 'X-Container-Meta-Quota-Count': '3' }), 204, 'raised');
    expectStatus(await demo.put('/quota/c', 'c'), 201, 'c, under the new count');
    const head = await demo.head('/quota');
    assert.equal(head.headers.get('x-container-object-count'), '3');
    assert.equal(head.headers.get('x-container-bytes-used'), '7');
  });

  test('X-Delete-After: the object goes when its time comes; bad values are 400 with the words', async () => {
    expectStatus(await demo.put('/obj/brief', 'x', { 'X-Delete-After': '2' }), 201, 'put');
    assert.match((await demo.head('/obj/brief')).headers.get('x-delete-at')!, /^\d+$/);
    await new Promise((r) => setTimeout(r, 3100));
    assert.equal((await demo.get('/obj/brief')).status, 404);
    const bad = await demo.put('/obj/brief', 'x', { 'X-Delete-After': 'soon' });
    assert.equal(bad.status, 400);
    assert.equal(bad.text, 'Non-integer X-Delete-After');
    const past = await demo.put('/obj/brief', 'x', { 'X-Delete-At': '1000' });
    assert.equal(past.text, 'X-Delete-At in past');
  });
});

describe('errors with their codes and bodies', () => {
  test('422 when the ETag sent does not match the bytes; nothing is stored', async () => {
    const r = await demo.put('/obj/checked', 'the bytes', { ETag: md5('other bytes') });
    assert.equal(r.status, 422);
    assert.equal(r.text, '<html><h1>Unprocessable Entity</h1><p>Unable to process the contained instructions</p></html>');
    assert.equal((await demo.head('/obj/checked')).status, 404);
    assert.equal((await demo.put('/obj/checked', 'the bytes', { ETag: md5('the bytes') })).status, 201);
  });

  test('411 without Content-Length or chunked encoding, in constraints.py\'s words', async () => {
    const r = await raw(`PUT /object-store/v1/${demo.account}/obj/no-length HTTP/1.1\nHost: x\nX-Auth-Token: ${demo.token}\nConnection: close\n`);
    assert.equal(r.status, 411);
    assert.equal(r.text, 'Missing Content-Length header.');
    assert.match(r.head, /\r\ncontent-type: text\/plain\r\n/i);
  });

  test('413 for a Content-Length over max_file_size, before any byte is read', async () => {
    const r = await raw(`PUT /object-store/v1/${demo.account}/obj/huge HTTP/1.1\nHost: x\nX-Auth-Token: ${demo.token}\nContent-Length: 5368709123\nConnection: close\n`);
    assert.equal(r.status, 413);
    assert.equal(r.text, 'Your request is too large.');
  });

  test('400 for an object name over 1024 bytes and for object metadata over the limits', async () => {
    const long = await demo.put(`/obj/${'o'.repeat(1025)}`, 'x');
    assert.equal(long.status, 400);
    assert.equal(long.text, 'Object name length of 1025 longer than 1024');
    const meta = await demo.put('/obj/m', 'x', { 'X-Object-Meta-Big': 'v'.repeat(257) });
    assert.equal(meta.status, 400);
    assert.equal(meta.text, 'Metadata value longer than 256: x-object-meta-Big');
    assert.equal(meta.headers.get('content-type'), 'text/plain');
  });

  test('412 for If-None-Match: * on an existing object, and for a PUT If-None-Match other than *', async () => {
    const r = await demo.put('/obj/letters', 'replaced', { 'If-None-Match': '*' });
    assert.equal(r.status, 412);
    assert.equal(r.text, '<html><h1>Precondition Failed</h1><p>A precondition for this request was not met.</p></html>');
    assert.equal((await demo.get('/obj/letters')).text, BODY);
    const other = await demo.put('/obj/new-one', 'x', { 'If-None-Match': 'abc' });
    assert.equal(other.status, 400);
    assert.equal(other.text, 'If-None-Match only supports *');
    assert.equal((await demo.put('/obj/new-one', 'x', { 'If-None-Match': '*' })).status, 201);
  });
});

describe('conditional requests', () => {
  const etag = md5(BODY);

  test('If-Match: the object when it matches, an empty 412 when not', async () => {
    assert.equal((await demo.get('/obj/letters', { 'If-Match': `"${etag}"` })).status, 200);
    assert.equal((await demo.get('/obj/letters', { 'If-Match': '*' })).status, 200);
    const no = await demo.get('/obj/letters', { 'If-Match': '"nope"' });
    assert.equal(no.status, 412);
    assert.equal(no.text, '');
    assert.equal(no.headers.get('etag'), etag);
    assert.equal((await demo.head('/obj/letters', { 'If-Match': '"nope"' })).status, 412);
  });

  test('If-None-Match: 304 when it matches, with the ETag and no body', async () => {
    const r = await demo.get('/obj/letters', { 'If-None-Match': etag });
    assert.equal(r.status, 304);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('etag'), etag);
    assert.equal((await demo.get('/obj/letters', { 'If-None-Match': '"other"' })).status, 200);
  });

  test('If-Modified-Since and If-Unmodified-Since against Last-Modified', async () => {
    const lm = (await demo.head('/obj/letters')).headers.get('last-modified')!;
    const later = new Date(Date.parse(lm) + 1000).toUTCString();
    const earlier = new Date(Date.parse(lm) - 86_400_000).toUTCString();
    assert.equal((await demo.get('/obj/letters', { 'If-Modified-Since': lm })).status, 304);
    assert.equal((await demo.get('/obj/letters', { 'If-Modified-Since': earlier })).status, 200);
    assert.equal((await demo.get('/obj/letters', { 'If-Unmodified-Since': earlier })).status, 412);
    assert.equal((await demo.get('/obj/letters', { 'If-Unmodified-Since': later })).status, 200);
  });
});

describe('ranges', () => {
  test('one range: 206 with Content-Range; suffix and open-ended ranges', async () => {
    const r = await demo.get('/obj/letters', { Range: 'bytes=2-5' });
    assert.equal(r.status, 206);
    assert.equal(r.text, 'cdef');
    assert.equal(r.headers.get('content-range'), 'bytes 2-5/26');
    assert.equal(r.headers.get('content-length'), '4');
    assert.equal((await demo.get('/obj/letters', { Range: 'bytes=-3' })).text, 'xyz');
    assert.equal((await demo.get('/obj/letters', { Range: 'bytes=24-' })).text, 'yz');
    assert.equal((await demo.get('/obj/letters', { Range: 'bytes=20-100' })).text, 'uvwxyz');
  });

  test('several ranges: multipart/byteranges with each part\'s Content-Range', async () => {
    const r = await demo.get('/obj/letters', { Range: 'bytes=0-1,-2' });
    assert.equal(r.status, 206);
    const boundary = /^multipart\/byteranges;boundary=(\S+)$/.exec(r.headers.get('content-type')!)![1]!;
    assert.equal(r.text, `--${boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/26\r\n\r\nab\r\n`
      + `--${boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 24-25/26\r\n\r\nyz\r\n--${boundary}--`);
    assert.equal(Number(r.headers.get('content-length')), Buffer.byteLength(r.text));
  });

  test('416 for a range past the end, with bytes */size and swob\'s page; a malformed Range is ignored', async () => {
    const r = await demo.get('/obj/letters', { Range: 'bytes=30-40' });
    assert.equal(r.status, 416);
    assert.equal(r.headers.get('content-range'), 'bytes */26');
    assert.equal(r.text, '<html><h1>Requested Range Not Satisfiable</h1><p>The Range requested is not available.</p></html>');
    const ignored = await demo.get('/obj/letters', { Range: 'bytes=5-2' });
    assert.equal(ignored.status, 200);
    assert.equal(ignored.text, BODY);
  });
});
