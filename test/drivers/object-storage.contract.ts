// The object-storage driver contract (src/drivers/object-storage/object-storage-driver.ts), as a
// suite every driver runs: writes that stream and report size and MD5, whole and ranged reads,
// BlobNotFound at once for an absent blob, limits (too large, short source, failing source) that
// leave nothing behind, idempotent removes, listing and capacity.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import {
  BlobIncomplete, BlobNotFound, BlobTooLarge, type ObjectStorageDriver,
} from '../../src/drivers/object-storage/object-storage-driver.js';

interface Made { driver: ObjectStorageDriver; cleanup(): Promise<void> }

async function* chunks(...parts: (string | Buffer)[]) { for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p; }
async function* failing() { yield Buffer.from('half'); throw new Error('aborted'); }

async function readAll(s: AsyncIterable<unknown>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of s) out.push(c as Buffer);
  return Buffer.concat(out);
}

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

export function objectStorageDriverContract(name: string, make: () => Promise<Made>): void {
  test(`${name}: a write streams its chunks into one blob with its size and MD5, read whole or by range`, async () => {
    const { driver, cleanup } = await make();
    try {
      const big = Buffer.alloc(3 * 1024 * 1024, 7);
      const b = await driver.write(chunks('hello ', 'world', big), { maxBytes: 10 * 1024 * 1024, expectedBytes: 11 + big.length });
      assert.equal(b.size, 11 + big.length);
      assert.equal(b.md5, md5(Buffer.concat([Buffer.from('hello world'), big])));
      assert.equal((await readAll(driver.read(b.id))).subarray(0, 11).toString(), 'hello world');
      assert.equal((await readAll(driver.read(b.id, { start: 6, end: 10 }))).toString(), 'world');
      const empty = await driver.write(chunks(), { maxBytes: 10 });
      assert.deepEqual([empty.size, empty.md5], [0, md5('')]);
      assert.deepEqual((await driver.list()).map((x) => x.id).sort(), [b.id, empty.id].sort());
      await Promise.all([b.syncName(), empty.syncName()]);
      assert.equal(await driver.exists(b.id), true);
      await driver.remove(b.id);
      assert.equal(await driver.exists(b.id), false);
      assert.equal(await driver.exists('0123456789abcdef0123456789abcdef'), false);
    } finally { await cleanup(); }
  });

  test(`${name}: small and large chunks mixed, more than a few MiB, arrive whole and in order with their MD5`, async () => {
    const { driver, cleanup } = await make();
    try {
      const parts = Array.from({ length: 60 }, (_, i) => Buffer.alloc([1, 4096, 65536, 65537, 300_000][i % 5]!, i));
      const all = Buffer.concat(parts);
      const b = await driver.write(chunks(...parts), { maxBytes: all.length, expectedBytes: all.length });
      await b.syncName();
      assert.deepEqual([b.size, b.md5], [all.length, md5(all)]);
      assert.ok((await readAll(driver.read(b.id))).equals(all));
    } finally { await cleanup(); }
  });

  test(`${name}: reads piped into slow writables at once each deliver their own bytes, whole or by range, and a destroyed one leaves the others intact`, async () => {
    const { driver, cleanup } = await make();
    try {
      const bodies = [0, 1, 2].map((k) => Buffer.from(Array.from({ length: 1024 * 1024 + 333 }, (_, i) => (i * 7 + k * 31) & 0xff)));
      const blobs = await Promise.all(bodies.map((b) => driver.write(chunks(b.subarray(0, 5000), b.subarray(5000)), { maxBytes: 2 * 1024 * 1024 })));
      const sink = (delayMs: number) => {
        const got: Buffer[] = [];
        const w = new Writable({ write(chunk: Buffer, _enc, cb) { got.push(Buffer.from(chunk)); setTimeout(cb, delayMs); } });
        return { w, got, done: new Promise<Buffer>((resolve, reject) => { w.on('finish', () => resolve(Buffer.concat(got))); w.on('error', reject); }) };
      };
      const whole = blobs.map((b, k) => { const s = sink(k); driver.read(b.id).pipe(s.w); return s.done; });
      const part = sink(1);
      driver.read(blobs[1]!.id, { start: 1000, end: 600_000 }).pipe(part.w);
      const got = await Promise.all(whole);
      for (const [k, b] of bodies.entries()) assert.ok(got[k]!.equals(b), `body ${k}`);
      assert.ok((await part.done).equals(bodies[1]!.subarray(1000, 600_001)));
      const gone = sink(5);
      const r = driver.read(blobs[0]!.id);
      r.pipe(gone.w);
      await new Promise((res) => setTimeout(res, 2));
      gone.w.destroy();
      r.destroy();
      if (!r.closed) await new Promise((res) => r.once('close', res));
      assert.ok(bodies[0]!.subarray(0, Buffer.concat(gone.got).length).equals(Buffer.concat(gone.got)));
      assert.ok((await readAll(driver.read(blobs[2]!.id))).equals(bodies[2]!));
    } finally { await cleanup(); }
  });

  test(`${name}: every write is a new blob; remove is idempotent; an absent blob throws BlobNotFound at once`, async () => {
    const { driver, cleanup } = await make();
    try {
      const a = await driver.write(chunks('same'), { maxBytes: 100 });
      const b = await driver.write(chunks('same'), { maxBytes: 100 });
      assert.notEqual(a.id, b.id);
      await driver.remove(a.id);
      await driver.remove(a.id);
      assert.throws(() => driver.read(a.id), BlobNotFound);
      assert.equal((await readAll(driver.read(b.id))).toString(), 'same');
      assert.deepEqual((await driver.list()).map((x) => x.id), [b.id]);
    } finally { await cleanup(); }
  });

  test(`${name}: too many bytes, a short source or a failing one throw and leave no blob`, async () => {
    const { driver, cleanup } = await make();
    try {
      await assert.rejects(driver.write(chunks('0123456789', 'x'), { maxBytes: 10 }), BlobTooLarge);
      await assert.rejects(driver.write(chunks('abc'), { maxBytes: 10, expectedBytes: 5 }), BlobIncomplete);
      await assert.rejects(driver.write(failing(), { maxBytes: 100 }), BlobIncomplete);
      assert.deepEqual(await driver.list(), []);
      await driver.cleanup();
      const s = await driver.stats();
      assert.ok(s.totalBytes > 0 && s.freeBytes > 0 && s.freeBytes <= s.totalBytes);
    } finally { await cleanup(); }
  });
}
