// The hypervisor contract on the QEMU driver: real qemu-system-x86_64 processes (TCG here), as
// root, booting the CirrOS-like guest image; then what only a real guest shows: a config drive the
// guest reads (hostname, key, user data), a hot-plugged volume the guest sees as /dev/vdb, a
// suspend that keeps the guest's memory, a restart of the driver that finds its running guests,
// a killed QEMU reported as a lifecycle event, and a NIC hot-plugged on a bridged tap that the
// guest sends and receives through, counted in the diagnostics.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type GuestLifecycleEvent, type GuestSpec, type HypervisorDriver, POWER_STATE } from '../../src/drivers/hypervisor/hypervisor-driver.js';
import { QemuHypervisorDriver } from '../../src/drivers/hypervisor/qemu/qemu-hypervisor.js';
import { runCommand } from '../../src/drivers/host/run-command.js';
import { hypervisorDriverContract } from './hypervisor.contract.js';
import { guestImage, serialRun, waitConsole } from '../support/guest.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const skip = process.getuid?.() !== 0 ? 'needs root (QEMU with taps runs as root)' : !existsSync(QEMU) ? 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)' : false;

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'stratus-qemu-')); dirs.push(d); return d; };

const options = (stateDir: string) => ({ stateDir, accel: 'tcg' as const, nicMode: 'user' as const, softRebootSeconds: 5, shutdownTimeoutSeconds: 3, detachSeconds: 20, watchIntervalMs: 200 });

const stateDirOf = new Map<QemuHypervisorDriver, string>();

async function make(): Promise<{ driver: QemuHypervisorDriver; cleanup(): Promise<void> }> {
  const stateDir = tempDir();
  const driver = await QemuHypervisorDriver.create(options(stateDir));
  stateDirOf.set(driver, stateDir);
  return { driver, cleanup: () => driver.close() };
}

const booted = (d: HypervisorDriver, host: string, id: string) => waitConsole(() => d.getConsoleOutput(host, id), /STRATUS-GUEST-READY[\s\S]*login: *$/m);

if (skip) {
  test('the QEMU hypervisor driver', { skip }, () => {});
} else {
  const image = await guestImage();
  hypervisorDriverContract('qemu', { imagePath: image, memoryMb: 128, ready: async (d, h, id) => { await booted(d, h, id); } }, make);

  const spec = (host: string, id: string, more: Partial<GuestSpec> = {}): GuestSpec => ({
    id, host, name: 'g', vcpus: 1, memoryMb: 128, rootGb: 1, ephemeralGb: 0, swapMb: 0, imagePath: image, imageId: null,
    userData: null, configDrive: false, publicKey: null, metadata: {}, nics: [{ portId: '0a1b2c3d-0000-4000-8000-000000000001', macAddress: 'fa:16:3e:12:34:56' }], ...more,
  });

  test('qemu: the guest reads its config drive: hostname, key, user data run once; a volume appears as /dev/vdb and keeps its data', { timeout: 300_000 }, async () => {
    const { driver, cleanup } = await make();
    const host = driver.hosts()[0]!;
    const id = '5e1f0000-0000-4000-8000-0000000000c1';
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB5tratusTestKeyOnlyForThisTest0000000000 test@stratus';
    const meta = { uuid: id, name: 'cd', hostname: 'cd-guest', public_keys: { k1: key } };
    try {
      await driver.spawn(spec(host, id, {
        configDrive: true,
        configDriveFiles: { 'openstack/latest/meta_data.json': JSON.stringify(meta), 'openstack/latest/user_data': '#!/bin/sh\necho "USER-DATA-RAN as $(id -u)" > /run/user-data-ran\n' },
      }));
      const log = await booted(driver, host, id);
      assert.match(log, /STRATUS-DATASOURCE: config drive/);
      assert.match(log, /cd-guest login:/);
      const sock = join(stateDirOf.get(driver)!, id, 'serial.sock');
      const inside = await serialRun(sock, 'cat /run/user-data-ran; cat /run/cirros/datasource/data/meta_data.json');
      assert.match(inside, /USER-DATA-RAN as 0/);
      assert.ok(inside.includes(`"uuid":"${id}"`), inside);
      assert.equal((await serialRun(sock, 'cat /home/cirros/.ssh/authorized_keys')).trim(), key, 'the key is installed for cirros');

      const vol = join(tempDir(), 'vol.raw');
      writeFileSync(vol, Buffer.alloc(8 << 20));
      await driver.attachVolume(host, id, '/dev/vdb', vol);
      const seen = await serialRun(sock, 'for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vdb ] && break; sleep 0.5; done; cat /sys/block/vdb/size; echo stratus-volume-data | dd of=/dev/vdb bs=512 conv=sync,fsync 2>/dev/null; sync');
      assert.match(seen, /^16384$/m, 'the guest sees the 8 MiB volume as /dev/vdb');
      // A swap while the guest runs: /dev/vdb now reads and writes the new file, which holds a copy of the old.
      const vol2 = join(tempDir(), 'vol2.raw');
      writeFileSync(vol2, Buffer.alloc(16 << 20));
      await driver.swapVolume(host, id, '/dev/vdb', vol2);
      const after = await serialRun(sock, 'echo 3 > /proc/sys/vm/drop_caches; cat /sys/block/vdb/size; dd if=/dev/vdb bs=19 count=1 2>/dev/null; echo; echo swapped-data | dd of=/dev/vdb bs=512 seek=1 conv=sync,fsync 2>/dev/null; sync');
      assert.match(after, /^16384$/m, 'the larger new volume is seen at the old size until the next start');
      assert.match(after, /^stratus-volume-data$/m, 'the guest reads the copied data after the swap');
      await driver.detachVolume(host, id, '/dev/vdb');
      assert.equal(readFileSync(vol).subarray(0, 19).toString(), 'stratus-volume-data', 'what the guest wrote is in the volume file');
      assert.equal(readFileSync(vol2).subarray(0, 19).toString(), 'stratus-volume-data', 'the new volume holds the copy');
      assert.equal(readFileSync(vol2).subarray(512, 524).toString(), 'swapped-data', 'what the guest wrote after the swap is in the new volume');
      assert.equal(readFileSync(vol).subarray(512, 524).toString('hex'), Buffer.alloc(12).toString('hex'), 'the old volume is left as it was');
      // A guest that is not running: the copy is made with qemu-img, the new file used from the next start.
      await driver.powerOff(host, id, 1);
      await driver.attachVolume(host, id, '/dev/vdc', vol);
      const vol3 = join(tempDir(), 'vol3.raw');
      writeFileSync(vol3, Buffer.alloc(8 << 20));
      await driver.swapVolume(host, id, '/dev/vdc', vol3);
      assert.equal(readFileSync(vol3).subarray(0, 19).toString(), 'stratus-volume-data', 'the stopped guest\'s new volume holds the copy');
      await driver.detachVolume(host, id, '/dev/vdc');
    } finally { await driver.destroy(host, id).catch(() => {}); await cleanup(); }
  });

  test('qemu: guests outlive the driver; a new driver finds them; a killed QEMU is a lifecycle event', { timeout: 300_000 }, async () => {
    const stateDir = tempDir();
    const first = await QemuHypervisorDriver.create(options(stateDir));
    const host = first.hosts()[0]!;
    const id = '5e1f0000-0000-4000-8000-0000000000c2';
    let second: QemuHypervisorDriver | undefined;
    try {
      await first.spawn(spec(host, id));
      await first.close();
      second = await QemuHypervisorDriver.create(options(stateDir));
      assert.deepEqual((await second.listGuests(host)).map((g) => [g.id, g.powerState]), [[id, POWER_STATE.RUNNING]]);
      await second.pause(host, id);
      assert.equal(await second.powerState(host, id), POWER_STATE.PAUSED);
      await second.unpause(host, id);
      const events: GuestLifecycleEvent[] = [];
      second.onLifecycle((e) => events.push(e));
      await new Promise((r) => setTimeout(r, 500));
      const pid = Number(readFileSync(join(stateDir, id, 'pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 50 && !events.length; i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(events, [{ host, id, powerState: POWER_STATE.SHUTDOWN }]);
      assert.equal(await second.powerState(host, id), POWER_STATE.SHUTDOWN);
      await second.powerOn(host, id);
      assert.equal(await second.powerState(host, id), POWER_STATE.RUNNING);
    } finally {
      await (second ?? first).destroy(host, id).catch(() => {});
      await second?.close();
    }
  });

  test('qemu: a NIC hot-plugged on a bridged tap: the guest sees it and pings through it, diagnostics count it; unplugged, it is gone', { timeout: 300_000 }, async () => {
    // NOTE: the test's own netns, bridge, veth and tap, as the linux network driver plugs a port
    // (tap<port[:11]> on the network's bridge); no address in the root namespace.
    const tag = randomBytes(2).toString('hex');
    const ns = `stratus-nic-${tag}`, br = `stnicbr${tag}`, veth = `stnicv${tag}`;
    const port = `feed${tag}-0000-4000-8000-000000000001`;
    const tap = `tap${port.slice(0, 11)}`;
    const mac = 'fa:16:3e:77:00:02';
    const ip = (...args: string[]) => runCommand('ip', args);
    const noIpv6 = (dev: string) => writeFileSync(`/proc/sys/net/ipv6/conf/${dev}/disable_ipv6`, '1');
    const stateDir = tempDir();
    const driver = await QemuHypervisorDriver.create({ ...options(stateDir), nicMode: 'tap' });
    const host = driver.hosts()[0]!;
    const id = '5e1f0000-0000-4000-8000-0000000000c3';
    try {
      await ip('netns', 'add', ns);
      await ip('link', 'add', br, 'type', 'bridge');
      await ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'peer0', 'netns', ns);
      await ip('tuntap', 'add', 'dev', tap, 'mode', 'tap');
      for (const dev of [br, veth, tap]) noIpv6(dev);
      await ip('link', 'set', veth, 'master', br, 'up');
      await ip('link', 'set', tap, 'master', br, 'up');
      await ip('link', 'set', br, 'up');
      await ip('-n', ns, 'addr', 'add', '10.77.0.1/24', 'dev', 'peer0');
      await ip('-n', ns, 'link', 'set', 'peer0', 'up');

      await driver.spawn(spec(host, id, { nics: [] }));
      await booted(driver, host, id);
      const sock = join(stateDir, id, 'serial.sock');
      assert.doesNotMatch(await serialRun(sock, 'ls /sys/class/net'), /eth0/, 'no NIC before the attach');
      const t0 = Date.now();
      await driver.attachInterface(host, id, { portId: port, macAddress: mac });
      const attachMs = Date.now() - t0;
      const inside = await serialRun(sock, 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -e /sys/class/net/eth0 ] && break; sleep 0.5; done; '
        + 'ip link show eth0; ip addr add 10.77.0.2/24 dev eth0; ip link set eth0 up; sleep 1; ping -c 3 -W 3 10.77.0.1');
      assert.match(inside, new RegExp(`link/ether ${mac}`), inside);
      assert.match(inside, /3 packets transmitted, 3 packets received/, inside);

      const nic = (await driver.diagnostics(host, id)).nics.find((n) => n.macAddress === mac);
      assert.ok(nic, 'the hot-plugged NIC is in the diagnostics');
      assert.ok(nic.txPackets >= 3 && nic.txOctets >= 3 * 98, `the guest sent its pings: ${JSON.stringify(nic)}`);
      assert.ok(nic.rxPackets >= 3 && nic.rxOctets >= 3 * 98, `the guest received the replies: ${JSON.stringify(nic)}`);
      const tapStat = (name: string) => Number(readFileSync(`/sys/class/net/${tap}/statistics/${name}`, 'utf8'));
      assert.ok(tapStat('rx_packets') >= nic.txPackets && tapStat('tx_packets') >= nic.rxPackets, 'the tap\'s rx is the guest\'s tx');
      assert.deepEqual((await driver.listGuests(host)).find((g) => g.id === id)!.nics, [{ portId: port, macAddress: mac }]);

      const t1 = Date.now();
      await driver.detachInterface(host, id, port);
      const detachMs = Date.now() - t1;
      assert.doesNotMatch(await serialRun(sock, 'ls /sys/class/net'), /eth0/, 'the NIC is gone from the guest');
      assert.deepEqual((await driver.listGuests(host)).find((g) => g.id === id)!.nics, []);
      console.log(`# NIC hot-plug: attach ${attachMs} ms, detach ${detachMs} ms; counters ${JSON.stringify(nic)}`);
    } finally {
      await driver.destroy(host, id).catch(() => {});
      await driver.close();
      for (const dev of [tap, veth, br]) await ip('link', 'del', dev).catch(() => {});
      await ip('netns', 'del', ns).catch(() => {});
    }
  });
}
