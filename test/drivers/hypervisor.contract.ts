// The hypervisor driver contract (src/drivers/hypervisor/hypervisor-driver.ts), as a suite every
// driver runs: spawn → RUNNING, the power transitions, idempotent destroy, snapshot to a path,
// console output, volumes (attach, swap, detach), NICs (attach, detach), inventory and guest listing; moves between hosts
// where the driver has them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GuestNotFound, HypervisorError, type GuestSpec, type HypervisorDriver, POWER_STATE } from '../../src/drivers/hypervisor/hypervisor-driver.js';

export interface HypervisorContractOptions {
  /** An image file the driver can boot (null: the driver boots without one). */
  imagePath: string | null;
  /** The guests' memory (default 64 MiB; a real guest needs what its image needs). */
  memoryMb?: number;
  /** Waits until a spawned guest's operating system runs (a real guest must, to release a hot-plugged volume). */
  ready?(driver: HypervisorDriver, host: string, id: string): Promise<void>;
}

export function hypervisorDriverContract(name: string, opts: HypervisorContractOptions, make: () => Promise<{ driver: HypervisorDriver; cleanup(): Promise<void> }>): void {
  const spec = (host: string, id: string): GuestSpec => ({
    id, host, name: `guest-${id.slice(0, 4)}`, vcpus: 1, memoryMb: opts.memoryMb ?? 64, rootGb: 1, ephemeralGb: 0, swapMb: 0,
    imagePath: opts.imagePath, imageId: null, userData: null, configDrive: false, publicKey: null, metadata: {}, nics: [],
  });
  const ID = '5e1f0000-0000-4000-8000-000000000001';

  test(`${name}: hosts report an inventory and start with no guests of ours`, async () => {
    const { driver, cleanup } = await make();
    try {
      const hosts = driver.hosts();
      assert.ok(hosts.length >= 1);
      for (const h of hosts) {
        const inv = await driver.hostInventory(h);
        assert.equal(inv.host, h);
        assert.ok(inv.vcpus > 0 && inv.memoryMb > 0 && inv.diskGb > 0);
        assert.ok(!(await driver.listGuests(h)).some((g) => g.id === ID));
      }
    } finally { await cleanup(); }
  });

  test(`${name}: spawn runs the guest; the power transitions; destroy is idempotent`, async () => {
    const { driver, cleanup } = await make();
    const host = driver.hosts()[0]!;
    try {
      await driver.spawn(spec(host, ID));
      assert.equal(await driver.powerState(host, ID), POWER_STATE.RUNNING);
      assert.deepEqual((await driver.listGuests(host)).filter((g) => g.id === ID).map((g) => g.powerState), [POWER_STATE.RUNNING]);
      await assert.rejects(driver.spawn(spec(host, ID)), HypervisorError);

      await driver.powerOff(host, ID, 0);
      assert.equal(await driver.powerState(host, ID), POWER_STATE.SHUTDOWN);
      await driver.powerOn(host, ID);
      assert.equal(await driver.powerState(host, ID), POWER_STATE.RUNNING);
      await driver.reboot(host, ID, 'SOFT');
      await driver.reboot(host, ID, 'HARD');
      assert.equal(await driver.powerState(host, ID), POWER_STATE.RUNNING);
      await driver.pause(host, ID);
      assert.equal(await driver.powerState(host, ID), POWER_STATE.PAUSED);
      await assert.rejects(driver.suspend(host, ID), HypervisorError);
      await driver.unpause(host, ID);
      await driver.suspend(host, ID);
      assert.equal(await driver.powerState(host, ID), POWER_STATE.SUSPENDED);
      await driver.resume(host, ID);
      assert.equal(await driver.powerState(host, ID), POWER_STATE.RUNNING);

      await driver.destroy(host, ID);
      await driver.destroy(host, ID);
      assert.ok(!(await driver.listGuests(host)).some((g) => g.id === ID));
      await assert.rejects(driver.powerOn(host, ID), GuestNotFound);
    } finally { await driver.destroy(host, ID).catch(() => {}); await cleanup(); }
  });

  test(`${name}: console output, snapshot to a path, volumes`, async () => {
    const { driver, cleanup } = await make();
    const host = driver.hosts()[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'hv-contract-'));
    try {
      await driver.spawn(spec(host, ID));
      const log = await driver.getConsoleOutput(host, ID);
      assert.equal(typeof log, 'string');
      const tail = await driver.getConsoleOutput(host, ID, 1);
      assert.ok(tail.split('\n').filter(Boolean).length <= 1);
      const file = join(dir, 'snap.qcow2');
      const snap = await driver.snapshot(host, ID, file);
      assert.equal(snap.size, statSync(file).size);
      assert.ok(snap.size > 0);
      writeFileSync(join(dir, 'vol'), Buffer.alloc(1 << 20));
      await opts.ready?.(driver, host, ID);
      await driver.attachVolume(host, ID, '/dev/vdb', join(dir, 'vol'));
      // A swap moves the disk at /dev/vdb onto another file; again onto the same file is a no-op; no volume there is an error.
      writeFileSync(join(dir, 'vol2'), Buffer.alloc(1 << 20));
      await driver.swapVolume(host, ID, '/dev/vdb', join(dir, 'vol2'));
      await driver.swapVolume(host, ID, '/dev/vdb', join(dir, 'vol2'));
      await assert.rejects(driver.swapVolume(host, ID, '/dev/vdc', join(dir, 'vol')), HypervisorError);
      await driver.detachVolume(host, ID, '/dev/vdb');
      await driver.detachVolume(host, ID, '/dev/vdb');
      // A NIC plugged into the running guest (again: a no-op; the same port with another MAC: an error), then unplugged (twice).
      const nic = { portId: '0a1b2c3d-0000-4000-8000-0000000000a1', macAddress: 'fa:16:3e:00:00:a1' };
      const nicsNow = async () => (await driver.listGuests(host)).find((g) => g.id === ID)!.nics;
      await driver.attachInterface(host, ID, nic);
      await driver.attachInterface(host, ID, nic);
      await assert.rejects(driver.attachInterface(host, ID, { ...nic, macAddress: 'fa:16:3e:00:00:a2' }), HypervisorError);
      assert.deepEqual(await nicsNow(), [nic]);
      if (driver.diagnostics) assert.deepEqual((await driver.diagnostics(host, ID)).nics.map((n) => n.macAddress), [nic.macAddress]);
      await driver.detachInterface(host, ID, nic.portId);
      await driver.detachInterface(host, ID, nic.portId);
      assert.deepEqual(await nicsNow(), []);
      await assert.rejects(driver.attachInterface(host, '5e1f0000-0000-4000-8000-00000000dead', nic), GuestNotFound);
      await assert.rejects(driver.getConsoleOutput(host, '5e1f0000-0000-4000-8000-00000000dead'), GuestNotFound);
    } finally { await driver.destroy(host, ID).catch(() => {}); rmSync(dir, { recursive: true, force: true }); await cleanup(); }
  });

  test(`${name}: resize keeps the guest with the new sizes; revert and confirm; rescue and unrescue`, async () => {
    const { driver, cleanup } = await make();
    const host = driver.hosts()[0]!;
    try {
      await driver.spawn(spec(host, ID));
      const sizes = (g: { vcpus: number; memoryMb: number }) => [g.vcpus, g.memoryMb];
      const guest = async () => (await driver.listGuests(host)).find((g) => g.id === ID)!;
      const base = spec(host, ID);
      await driver.resize(host, ID, { vcpus: 2, memoryMb: base.memoryMb + 32, rootGb: 2, ephemeralGb: 0, swapMb: 0 });
      assert.deepEqual(sizes(await guest()), [2, base.memoryMb + 32]);
      assert.equal(await driver.powerState(host, ID), POWER_STATE.RUNNING);
      await driver.revertResize(host, ID, base);
      assert.deepEqual(sizes(await guest()), [1, base.memoryMb]);
      assert.equal(await driver.powerState(host, ID), POWER_STATE.RUNNING);
      await driver.resize(host, ID, { ...base, vcpus: 2 });
      await driver.confirmResize(host, ID);
      assert.deepEqual(sizes(await guest()), [2, base.memoryMb]);

      await driver.rescue(host, ID, opts.imagePath, null);
      assert.equal(await driver.powerState(host, ID), POWER_STATE.RUNNING);
      await driver.unrescue(host, ID);
      assert.equal(await driver.powerState(host, ID), POWER_STATE.RUNNING);
      await assert.rejects(driver.resize(host, '5e1f0000-0000-4000-8000-00000000dead', base), GuestNotFound);
    } finally { await driver.destroy(host, ID).catch(() => {}); await cleanup(); }
  });

  test(`${name}: migrate moves a guest between hosts, cold or live, keeping its power state; same or unknown host refused`, async (t) => {
    const { driver, cleanup } = await make();
    try {
      const [a, b] = driver.hosts();
      if (!driver.migrate || !b) { t.skip('the driver serves one host or does not move guests'); return; }
      await driver.spawn(spec(a!, ID));
      await assert.rejects(driver.migrate(a!, ID, a!, { live: false }), HypervisorError);
      await assert.rejects(driver.migrate(a!, ID, 'no-such-host', { live: true }), HypervisorError);
      await driver.migrate(a!, ID, b, { live: false });
      assert.equal(await driver.powerState(b, ID), POWER_STATE.RUNNING);
      assert.ok(!(await driver.listGuests(a!)).some((g) => g.id === ID));
      await driver.pause(b, ID);
      await driver.migrate(b, ID, a!, { live: true });
      assert.equal(await driver.powerState(a!, ID), POWER_STATE.PAUSED);
      await assert.rejects(driver.forceCompleteMigration!(a!, ID), HypervisorError);
      await assert.rejects(driver.abortMigration!(a!, ID), HypervisorError);
      await driver.destroy(a!, ID);
    } finally { await cleanup(); }
  });
}
