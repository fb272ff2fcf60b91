// The QEMU driver applies a volume's QoS limits: after attachVolume with `qos`, QEMU's own
// query-block shows the throttle values on the device, and after a restart of the guest too.
// One TCG guest, not booted to a prompt (QMP answers from the start).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { HypervisorError, type GuestSpec } from '../../src/drivers/hypervisor/hypervisor-driver.js';
import { QemuHypervisorDriver } from '../../src/drivers/hypervisor/qemu/qemu-hypervisor.js';
import { QmpClient } from '../../src/drivers/hypervisor/qemu/qmp.js';
import { guestImage } from '../support/guest.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const skip = process.getuid?.() !== 0 ? 'needs root (QEMU with taps runs as root)' : !existsSync(QEMU) ? 'qemu-system-x86_64 is not installed' : false;
const run = promisify(execFile);

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

test('qemu: a volume attached with QoS limits is throttled (query-block), and stays so after a restart', { skip, timeout: 180_000 }, async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'stratus-qemu-qos-'));
  dirs.push(stateDir);
  const options = { stateDir, accel: 'tcg' as const, nicMode: 'user' as const, softRebootSeconds: 5, shutdownTimeoutSeconds: 3, detachSeconds: 20, watchIntervalMs: 200 };
  let driver = await QemuHypervisorDriver.create(options);
  const host = driver.hosts()[0]!;
  const id = '5e1f0000-0000-4000-8000-0000000000d7';
  const vol = join(stateDir, 'vol.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', vol, '64M']);
  const spec: GuestSpec = {
    id, host, name: 'q', vcpus: 1, memoryMb: 128, rootGb: 1, ephemeralGb: 0, swapMb: 0, imagePath: await guestImage(), imageId: null,
    userData: null, configDrive: false, publicKey: null, metadata: {}, nics: [],
  };
  /** The throttle values QEMU reports for the device at /dev/vdb (through a QMP connection of the test's own). */
  const throttle = async () => {
    await driver.close();
    const q = await QmpClient.connect(join(stateDir, id, 'qmp.sock'));
    try {
      const blocks = await q.execute<{ qdev?: string; inserted?: Record<string, unknown> }[]>('query-block');
      const b = blocks.find((x) => x.qdev?.includes('vdb'));
      assert.ok(b?.inserted, JSON.stringify(blocks.map((x) => x.qdev)));
      const { bps, bps_rd, bps_wr, iops, iops_rd, iops_wr, iops_rd_max, iops_size } = b.inserted;
      return { bps, bps_rd, bps_wr, iops, iops_rd, iops_wr, iops_rd_max, iops_size };
    } finally {
      q.close();
      driver = await QemuHypervisorDriver.create(options);
    }
  };
  try {
    await driver.spawn(spec);
    await assert.rejects(driver.attachVolume(host, id, '/dev/vdb', vol, { total_iops_sec: 10, read_iops_sec: 5 }), HypervisorError, 'QEMU\'s rules: total and per-direction exclude each other');
    await driver.attachVolume(host, id, '/dev/vdb', vol, { total_bytes_sec: 1048576, read_iops_sec: 100, write_iops_sec: 200, read_iops_sec_max: 300, size_iops_sec: 4096 });
    const want = { bps: 1048576, bps_rd: 0, bps_wr: 0, iops: 0, iops_rd: 100, iops_wr: 200, iops_rd_max: 300, iops_size: 4096 };
    assert.deepEqual(await throttle(), want);
    await driver.powerOff(host, id, 0);
    await driver.powerOn(host, id);
    assert.deepEqual(await throttle(), want, 'the limits come back with the guest');
  } finally {
    await driver.destroy(host, id).catch(() => {});
    await driver.close();
  }
});
