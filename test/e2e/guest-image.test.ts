// The CirrOS-like guest image (scripts/build-guest-image.sh), as root, on a bare
// qemu-system-x86_64 under TCG with no Stratus around it: the build and its cache
// (ensureGuestImage, `stratus image build-cirros`), then boots with a config drive as Nova makes
// one (iso9660 by genisoimage; vfat too), where the console shows the hostname, the user data's
// output and the login prompt; inside, the metadata copy, the key, sudo and a hot-plugged
// /dev/vdb; user data runs once per instance across a reboot; the ACPI power button (QMP
// system_powerdown) ends QEMU. One guest at a time; no networking (other tests do that).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { QmpClient } from '../../src/drivers/hypervisor/qemu/qmp.js';
import { ensureGuestImage, GUEST_IMAGE_SCRIPT } from '../../src/guest-image.js';
import { serialRun, waitConsole } from '../support/guest.js';
import { ROOT } from '../support/server.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const skip = process.getuid?.() !== 0 ? 'needs root (the image build runs apt-get download and depmod)'
  : !existsSync(QEMU) ? 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)'
  : !existsSync('/usr/bin/genisoimage') ? 'genisoimage is not installed (apt-get install genisoimage)' : false;

const INSTANCE = '7a3c0c1e-5b1d-4c1e-9d55-0123456789ab';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGuestImageTestKeyOnlyForThisTest000000000 test@stratus';
const metaData = (hostname: string) => JSON.stringify({
  uuid: INSTANCE, name: hostname, hostname: `${hostname}.novalocal`, launch_index: 0, availability_zone: 'nova',
  // NOTE: a user's metadata may hold a "hostname" too; the guest must take the top-level one.
  meta: { hostname: 'not-this-one', role: 'test' },
  public_keys: { mykey: `${KEY}\n` }, keys: [{ name: 'mykey', type: 'ssh', data: `${KEY}\n` }],
});
const USER_DATA = '#!/bin/sh\necho "USER-DATA-MARKER ran as $(id -u) on $(hostname)"\n';

let work: string;
let image: string;
before(() => { if (!skip) work = mkdtempSync(join(tmpdir(), 'stratus-guest-image-')); });
after(() => { if (work) rmSync(work, { recursive: true, force: true }); });

const sh = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** openstack/latest/{meta_data.json,user_data} in a tree, as Nova's config drive holds them. */
function configTree(dir: string, hostname: string): string {
  const latest = join(dir, 'openstack', 'latest');
  mkdirSync(latest, { recursive: true });
  writeFileSync(join(latest, 'meta_data.json'), metaData(hostname));
  writeFileSync(join(latest, 'user_data'), USER_DATA);
  return dir;
}

interface Guest { qemu: ChildProcess; dir: string; log(): Promise<string>; exited: Promise<number | null> }

/** One QEMU as the brief's bare command line, with a serial socket logged to console.log and QMP. */
function boot(dir: string, drives: string[][]): Guest {
  const overlay = join(dir, 'disk.qcow2');
  sh('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', image, '-F', 'qcow2', overlay]);
  const qemu = spawn(QEMU, [
    '-accel', 'tcg', '-machine', 'pc', '-m', '128', '-nodefaults', '-display', 'none',
    '-drive', `file=${overlay},if=none,id=disk0,format=qcow2`, '-device', 'virtio-blk-pci,drive=disk0,bootindex=1',
    ...drives.flat(),
    '-chardev', `socket,id=serial0,path=${join(dir, 'serial.sock')},server=on,wait=off,logfile=${join(dir, 'console.log')}`,
    '-serial', 'chardev:serial0',
    '-qmp', `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  qemu.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => qemu.once('exit', (code) => resolve(code)));
  const log = () => readFile(join(dir, 'console.log'), 'latin1').catch(() => '');
  void exited.then((code) => { if (code) console.error(`qemu exited ${code}: ${stderr}`); });
  return { qemu, dir, log, exited };
}

/** Kills QEMU by its PID unless it already exited, and waits for it. */
async function stop(g: Guest | undefined): Promise<void> {
  if (!g || g.qemu.exitCode !== null || g.qemu.signalCode !== null) return;
  process.kill(g.qemu.pid!, 'SIGKILL');
  await g.exited;
}

const booted = (g: Guest, hostname: string) => waitConsole(g.log, new RegExp(`STRATUS-GUEST-READY[^\\n]*hostname=${hostname}[\\s\\S]*${hostname} login: *$`), 120_000);
const count = (s: string, re: RegExp) => (s.match(new RegExp(re.source, 'g')) ?? []).length;

async function powerOff(g: Guest, qmp: QmpClient): Promise<void> {
  const started = Date.now();
  await qmp.execute('system_powerdown');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([g.exited, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), 30_000); })]);
  clearTimeout(timer);
  assert.notEqual(code, 'timeout', `QEMU still runs 30 s after system_powerdown; console:\n${(await g.log()).slice(-1500)}`);
  assert.equal(code, 0);
  assert.match(await g.log(), /STRATUS-ACPI: power button/);
  console.log(`# powered off in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (skip) {
  test('the CirrOS-like guest image', { skip }, () => {});
} else {
  test('build-guest-image.sh names what is missing and how to get it', () => {
    const r = spawnSync('/bin/bash', [GUEST_IMAGE_SCRIPT, join(work, 'never')], { encoding: 'utf8', env: { PATH: join(work, 'no-tools') } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /'apt-get' is missing: apt-get install -y apt/);
    const usage = spawnSync('/bin/bash', [GUEST_IMAGE_SCRIPT], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /usage: .*OUTDIR/);
  });

  test('the image builds from Debian packages, is cached, and the CLI prints its path', { timeout: 300_000 }, async () => {
    const cache = join(work, 'cache');
    const started = Date.now();
    image = await ensureGuestImage(cache);
    const seconds = (Date.now() - started) / 1000;
    console.log(`# built in ${seconds.toFixed(1)} s`);
    assert.equal(image, join(cache, 'cirros.qcow2'));
    assert.ok(seconds < 60, `the build took ${seconds} s`);
    const info = JSON.parse(sh('qemu-img', ['info', '--output=json', image])) as { format: string; 'virtual-size': number };
    assert.equal(info.format, 'qcow2');
    assert.equal(info['virtual-size'], 64 << 20);
    for (const f of ['vmlinuz', 'initrd.img']) assert.ok(statSync(join(cache, f)).size > 1 << 20, f);
    assert.deepEqual(sh('/bin/ls', ['-A', cache]).split('\n').filter(Boolean).sort(), ['cirros.qcow2', 'cirros.qcow2.recipe', 'initrd.img', 'vmlinuz'], 'no temp dir is left');

    const built = statSync(image).mtimeMs;
    assert.equal(await ensureGuestImage(cache), image);
    assert.equal(statSync(image).mtimeMs, built, 'a current cached image is not rebuilt');

    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), 'image', 'build-cirros', '--output', cache],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(cli.stdout, `${image}\n`);
    assert.equal(statSync(image).mtimeMs, built);
  });

  test('an iso9660 config drive: hostname, key, user data once, sudo, a hot-plugged /dev/vdb (lsblk, mke2fs, mount), /mnt kept across a reboot, ACPI power off', { timeout: 300_000 }, async () => {
    assert.ok(image, 'the image was built');
    const dir = join(work, 'iso');
    mkdirSync(dir);
    const iso = join(dir, 'config.iso');
    // NOTE: the command line Nova's configdrive.py runs.
    sh('genisoimage', ['-o', iso, '-ldots', '-allow-lowercase', '-allow-multidot', '-l', '-publisher', 'Stratus test', '-quiet', '-J', '-r', '-V', 'config-2', configTree(join(dir, 'tree'), 'iso-guest')]);
    let g: Guest | undefined;
    let qmp: QmpClient | undefined;
    try {
      g = boot(dir, [['-drive', `file=${iso},if=none,id=config,format=raw,readonly=on,media=cdrom`, '-device', 'ide-cd,drive=config,bus=ide.1']]);
      const started = Date.now();
      const log = await booted(g, 'iso-guest');
      console.log(`# ready and at the login prompt in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      assert.match(log, /STRATUS-DATASOURCE: config drive \/dev\/sr0/);
      assert.match(log, /USER-DATA-MARKER ran as 0 on iso-guest/);
      assert.match(log, /login as 'cirros' user\. default password: 'gocubsgo'\. use 'sudo' for root\./);
      assert.match(log, /[\r\n]iso-guest login: *$/);
      assert.doesNotMatch(log, /not-this-one/);

      const sock = join(dir, 'serial.sock');
      const inside = await serialRun(sock, 'hostname; sudo id -u; cat /run/cirros/datasource/data/meta_data.json; echo; cat /run/cirros/datasource/data/instance-id; cat /home/cirros/.ssh/authorized_keys; netstat -ltn; grep -E " /mnt | /run/cirros/boot " /proc/mounts');
      assert.match(inside, /^iso-guest$/m);
      assert.match(inside, /^0$/m, 'sudo runs its command');
      assert.ok(inside.includes(`"uuid":"${INSTANCE}"`), inside);
      assert.match(inside, new RegExp(`^${INSTANCE}$`, 'm'));
      assert.ok(inside.split('\n').includes(KEY), inside);
      assert.match(inside, /0\.0\.0\.0:22 .*LISTEN/, 'dropbear listens on :22');
      assert.match(inside, /^\S+ \/mnt vfat /m, `/mnt is on the boot partition: ${inside}`);

      qmp = await QmpClient.connect(join(dir, 'qmp.sock'));
      const volume = join(dir, 'volume.raw');
      writeFileSync(volume, Buffer.alloc(8 << 20));
      await qmp.execute('blockdev-add', { 'node-name': 'vol1', driver: 'raw', file: { driver: 'file', filename: volume } });
      await qmp.execute('device_add', { driver: 'virtio-blk-pci', id: 'vol1-dev', drive: 'vol1', serial: 'vol-0001' });
      const seen = await serialRun(sock, 'for i in $(seq 40); do [ -b /dev/vdb ] && break; sleep 0.25; done; cat /sys/block/vdb/size /sys/block/vdb/serial; '
        // NOTE: what Tempest's scenarios run in a guest: lsblk's disks, mke2fs -t ext4, a mount at /mnt.
        + 'echo; lsblk -lb --nodeps; sudo mke2fs -t ext4 /dev/vdb >/dev/null 2>&1 && sudo mount /dev/vdb /mnt 2>&1 && echo on-the-volume > /mnt/f && sync && cat /mnt/f && sudo umount /mnt; '
        + 'echo kept-on-disk > /mnt/stamp; sync; echo hot-plugged | dd of=/dev/vdb conv=sync,fsync 2>/dev/null');
      assert.match(seen, /^16384$/m, `the guest sees the 8 MiB volume as /dev/vdb: ${seen}`);
      assert.match(seen, /^vol-0001$/m);
      const lines = seen.split(/\r?\n/);
      const header = lines.find((l) => /^NAME\s+MAJ:MIN/.test(l));
      const vdb = lines.find((l) => /^vdb\s/.test(l));
      assert.ok(header && vdb, `lsblk lists /dev/vdb: ${seen}`);
      // NOTE: Tempest's get_disks reads the type at the TYPE header's column.
      assert.equal(vdb.slice(header.indexOf('TYPE'), header.indexOf('TYPE') + 4), 'disk', seen);
      assert.match(vdb, /\s8388608\s/, 'sizes in bytes with -b');
      assert.match(seen, /^on-the-volume$/m, `an ext file system made and mounted on the volume: ${seen}`);
      const deleted = qmp.waitEvent('DEVICE_DELETED', 30_000, (e) => e.data?.device === 'vol1-dev');
      await qmp.execute('device_del', { id: 'vol1-dev' });
      await deleted;
      await qmp.execute('blockdev-del', { 'node-name': 'vol1' });
      assert.equal(readFileSync(volume).subarray(0, 11).toString(), 'hot-plugged');

      // A reboot (hard, as `openstack server reboot --hard`): the same instance's user data does not run again.
      await qmp.execute('system_reset');
      const again = await waitConsole(g.log, /(STRATUS-GUEST-READY[\s\S]*){2}iso-guest login: *$/, 120_000);
      assert.equal(count(again, /USER-DATA-MARKER/), 1, 'user data ran once');
      assert.match(again, new RegExp(`STRATUS-USER-DATA: already ran for instance ${INSTANCE}`));
      // NOTE: /mnt is on the disk, as CirrOS's is: it outlives the reboot (and goes into a snapshot).
      assert.match(await serialRun(sock, 'cat /mnt/stamp'), /^kept-on-disk$/m);

      await powerOff(g, qmp);
    } finally {
      qmp?.close();
      await stop(g);
    }
  });

  test('a vfat config drive (config_drive_format=vfat) works the same', { timeout: 300_000 }, async () => {
    assert.ok(image, 'the image was built');
    const dir = join(work, 'vfat');
    mkdirSync(dir);
    const drive = join(dir, 'config.vfat');
    const tree = configTree(join(dir, 'tree'), 'vfat-guest');
    writeFileSync(drive, Buffer.alloc(0));
    sh('truncate', ['-s', '64M', drive]);
    sh('mkfs.fat', ['-n', 'config-2', drive]);
    const m = spawnSync('mcopy', ['-s', '-i', drive, join(tree, 'openstack'), '::/'], { encoding: 'utf8', env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
    assert.equal(m.status, 0, m.stderr);
    let g: Guest | undefined;
    let qmp: QmpClient | undefined;
    try {
      // NOTE: Nova attaches a vfat config drive as a disk, not a CD-ROM.
      g = boot(dir, [['-drive', `file=${drive},if=none,id=config,format=raw,readonly=on`, '-device', 'virtio-blk-pci,drive=config']]);
      const log = await booted(g, 'vfat-guest');
      assert.match(log, /STRATUS-DATASOURCE: config drive \/dev\/vdb/);
      assert.match(log, /USER-DATA-MARKER ran as 0 on vfat-guest/);
      assert.match(log, /[\r\n]vfat-guest login: *$/);
      qmp = await QmpClient.connect(join(dir, 'qmp.sock'));
      await powerOff(g, qmp);
    } finally {
      qmp?.close();
      await stop(g);
    }
  });
}
