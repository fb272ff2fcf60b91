import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
