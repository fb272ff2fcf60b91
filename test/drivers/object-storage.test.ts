import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { FakeObjectStorageDriver } from '../../src/drivers/object-storage/fake-object-storage.js';
import { FsObjectStorageDriver } from '../../src/drivers/object-storage/fs-object-storage.js';
import { objectStorageDriverContract } from './object-storage.contract.js';

objectStorageDriverContract('fake object storage', async () => ({ driver: new FakeObjectStorageDriver(), cleanup: async () => {} }));
objectStorageDriverContract('fs object storage', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stratus-objects-'));
  return { driver: new FsObjectStorageDriver(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

test('fs object storage: a crash mid-write leaves a temporary file that cleanup removes, and no blob', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stratus-objects-'));
  try {
    const driver = new FsObjectStorageDriver(dir);
    await writeFile(join(dir, 'tmp', '0123456789abcdef0123456789abcdef'), 'partial upload');
    assert.deepEqual(await driver.list(), []);
    await driver.cleanup();
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  } finally { await rm(dir, { recursive: true, force: true }); }
});

test('fs object storage: writes leave only empty spare temp files, which the next start\'s cleanup removes; every blob is whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stratus-objects-'));
  try {
    const driver = new FsObjectStorageDriver(dir);
    const bodies = ['', 'one', 'two two', 'x'.repeat(200_000)];
    const written = await Promise.all(bodies.map((b) => driver.write(Readable.from([Buffer.from(b)]), { maxBytes: 1 << 20, expectedBytes: b.length })));
    for (const [i, w] of written.entries()) {
      await w.syncName();
      assert.equal(w.size, bodies[i]!.length);
      const chunks: Buffer[] = [];
      for await (const c of driver.read(w.id)) chunks.push(c as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), bodies[i]);
    }
    const spares = await readdir(join(dir, 'tmp'));
    assert.ok(spares.length <= 2, `spares: ${spares.join()}`);
    for (const name of spares) assert.equal((await readFile(join(dir, 'tmp', name))).length, 0, 'a spare is empty');
    assert.equal(new Set([...written.map((w) => w.id), ...spares]).size, written.length + spares.length, 'no id twice');
    const next = new FsObjectStorageDriver(dir);
    await next.cleanup();
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
    assert.deepEqual((await next.list()).map((b) => b.id).sort(), written.map((w) => w.id).sort());
  } finally { await rm(dir, { recursive: true, force: true }); }
});
