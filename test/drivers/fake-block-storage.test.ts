import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockStorageError } from '../../src/drivers/block-storage/block-storage-driver.js';
import { FakeBlockStorageDriver } from '../../src/drivers/block-storage/fake-block-storage.js';
import { blockStorageDriverContract } from './block-storage.contract.js';

const noFiles = { realFiles: false, leftovers: async () => [] };
blockStorageDriverContract('fake block storage', async () => ({ driver: new FakeBlockStorageDriver(), hooks: noFiles, cleanup: async () => {} }));

test('fake block storage: configurable capacity, creates and extends beyond it fail', async () => {
  const d = new FakeBlockStorageDriver({ totalGb: 10 });
  assert.deepEqual(await d.stats(), {
    backendName: 'fake', driverVersion: '1.0.0', storageProtocol: 'file', vendorName: 'Open Source',
    totalGb: 10, freeGb: 10, provisionedGb: 0, thinProvisioning: true,
  });
  await d.createVolume('v1', 6);
  await assert.rejects(d.createVolume('v2', 5), /Insufficient free space/);
  assert.deepEqual((await d.list()).volumes, ['v1']);
  await d.createVolume('v2', 4);
  await assert.rejects(d.extendVolume('v2', 5), BlockStorageError);
  const s = await d.stats();
  assert.equal(s.freeGb, 0);
  assert.equal(s.provisionedGb, 10);
});

test('fake block storage: injected failures fail the next calls of an op and do nothing', async () => {
  const d = new FakeBlockStorageDriver();
  d.failNext('createVolume', 'no luck');
  await assert.rejects(d.createVolume('v1', 1), (e: Error) => e instanceof BlockStorageError && e.message === 'no luck');
  assert.deepEqual((await d.list()).volumes, []);
  await d.createVolume('v1', 1);
  d.failNext('*', 'backend down', 2);
  await assert.rejects(d.deleteVolume('v1'), /backend down/);
  await assert.rejects(d.stats(), /backend down/);
  await d.deleteVolume('v1');
  assert.deepEqual(d.calls.map((c) => c.op), ['createVolume', 'list', 'createVolume', 'deleteVolume', 'stats', 'deleteVolume']);
});
