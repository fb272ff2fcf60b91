import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeHypervisorDriver } from '../../src/drivers/hypervisor/fake-hypervisor.js';
import { HypervisorError, MigrationAborted, POWER_STATE } from '../../src/drivers/hypervisor/hypervisor-driver.js';
import { hypervisorDriverContract } from './hypervisor.contract.js';

hypervisorDriverContract('fake hypervisor', { imagePath: null }, async () => ({ driver: new FakeHypervisorDriver(), cleanup: async () => {} }));
hypervisorDriverContract('fake hypervisor (3 hosts)', { imagePath: null }, async () => ({ driver: new FakeHypervisorDriver({ computeHosts: 3, hostname: 'devstack' }), cleanup: async () => {} }));

test('fake hypervisor: N hosts named after the first, configurable inventory, injected failures', async () => {
  const d = new FakeHypervisorDriver({ computeHosts: 2, hostname: 'devstack', vcpus: 4, memoryMb: 2048, diskGb: 10 });
  assert.deepEqual(d.hosts(), ['devstack', 'devstack-2']);
  assert.equal((await d.hostInventory('devstack-2')).memoryMb, 2048);
  d.failNext('spawn', 'no luck');
  const spec = { id: 'g1', host: 'devstack', name: 'g', vcpus: 1, memoryMb: 64, rootGb: 1, ephemeralGb: 0, swapMb: 0, imagePath: null, imageId: null, userData: null, configDrive: false, publicKey: null, metadata: {}, nics: [] };
  await assert.rejects(d.spawn(spec), (e: Error) => e instanceof HypervisorError && e.message === 'no luck');
  await d.spawn(spec);
  await assert.rejects(d.powerOn('devstack-2', 'g1'));
  d.setPowerState('g1', POWER_STATE.SHUTDOWN);
  assert.equal(await d.powerState('devstack', 'g1'), POWER_STATE.SHUTDOWN);
  assert.match(await d.getConsoleOutput('devstack', 'g1'), /login:/);
});

test('fake hypervisor: held live migrations finish when forced, stay put when aborted', async () => {
  const d = new FakeHypervisorDriver({ computeHosts: 2, hostname: 'devstack' });
  const spec = { id: 'g1', host: 'devstack', name: 'g', vcpus: 1, memoryMb: 64, rootGb: 1, ephemeralGb: 0, swapMb: 0, imagePath: null, imageId: null, userData: null, configDrive: false, publicKey: null, metadata: {}, nics: [] };
  await d.spawn(spec);
  d.holdLiveMigrations();
  const moving = d.migrate('devstack', 'g1', 'devstack-2', { live: true });
  await new Promise((r) => setImmediate(r));
  await d.forceCompleteMigration('devstack', 'g1');
  await moving;
  assert.equal(d.specOf('g1')!.host, 'devstack-2');
  const back = d.migrate('devstack-2', 'g1', 'devstack', { live: true });
  await new Promise((r) => setImmediate(r));
  await d.abortMigration('devstack-2', 'g1');
  await assert.rejects(back, (e: Error) => e instanceof MigrationAborted);
  assert.equal(d.specOf('g1')!.host, 'devstack-2');
  assert.equal(await d.powerState('devstack-2', 'g1'), POWER_STATE.RUNNING);
  d.holdLiveMigrations(false);
});
