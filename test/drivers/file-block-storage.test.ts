// The file block-storage driver on a temporary directory: the shared contract in both volume
// formats, then what is its own: the files it lays out, no temporary file left by a create that
// succeeds or fails (even halfway through a copy), images refused for safety, a configured capacity.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlockStorageError } from '../../src/drivers/block-storage/block-storage-driver.js';
import { FileBlockStorageDriver, type FileBlockStorageOptions } from '../../src/drivers/block-storage/file-block-storage.js';
import { blockStorageDriverContract } from './block-storage.contract.js';

const QEMU_IMG = '/usr/bin/qemu-img';
const skip = existsSync(QEMU_IMG) ? false : `${QEMU_IMG} is missing (apt-get install qemu-utils)`;
const GiB = 1024 ** 3;
const V1 = 'f1000000-0000-4000-8000-000000000001';
const V2 = 'f1000000-0000-4000-8000-000000000002';
const S1 = 'f1500000-0000-4000-8000-000000000001';
const B1 = 'f1b00000-0000-4000-8000-000000000001';

async function makeDriver(extra: Partial<FileBlockStorageOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'stx-bs-'));
  const driver = new FileBlockStorageDriver({ dir, ...extra });
  return { driver, dir, cleanup: async () => { await driver.close(); await rm(dir, { recursive: true, force: true }); } };
}

/** The first bytes of a file (volumes and exports are GiBs, if sparse: never read whole). */
async function head(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally { await fh.close(); }
}

function info(path: string): { format: string; 'virtual-size': number } {
  return JSON.parse(execFileSync(QEMU_IMG, ['info', '--output=json', path], { encoding: 'utf8' }));
}

if (skip) {
  test('file block storage', { skip }, () => {});
} else {
  for (const format of ['qcow2', 'raw'] as const) {
    blockStorageDriverContract(`file block storage (${format})`, async () => {
      const { driver, dir, cleanup } = await makeDriver({ format });
      return {
        driver, cleanup,
        hooks: {
          realFiles: true,
          leftovers: () => driver.leftovers(),
          async makeLeftover() {
            await writeFile(join(dir, 'volumes', '.tmp-volume-f1000000-0000-4000-8000-00000000000f.0badf00d'), 'half a volume');
            await writeFile(join(dir, 'snapshots', '.tmp-snapshot-f1500000-0000-4000-8000-00000000000f.0badf00d'), '');
            await mkdir(join(dir, 'backups', 'f1', '.tmp-backup-f1b00000-0000-4000-8000-00000000000f.0badf00d'), { recursive: true });
            await writeFile(join(dir, 'backups', 'f1', '.tmp-backup-f1b00000-0000-4000-8000-00000000000f.0badf00d', 'data.qcow2'), '');
          },
        },
      };
    });
  }

  test('file block storage: the layout on disk (volumes, independent qcow2 snapshots, posix-like backups elsewhere)', async () => {
    const backupDir = await mkdtemp(join(tmpdir(), 'stx-bs-backups-'));
    const { driver, dir, cleanup } = await makeDriver({ backupDir });
    try {
      await driver.createVolume(V1, 1);
      const vol = join(dir, 'volumes', `volume-${V1}`);
      assert.deepEqual(await driver.connection(V1), { driverVolumeType: 'file', path: vol, format: 'qcow2' });
      assert.equal(info(vol).format, 'qcow2');
      assert.equal(info(vol)['virtual-size'], GiB);
      await driver.extendVolume(V1, 2);
      assert.equal(info(vol)['virtual-size'], 2 * GiB);

      await driver.createSnapshot(S1, V1);
      const snap = join(dir, 'snapshots', `snapshot-${S1}`);
      const snapInfo = JSON.parse(execFileSync(QEMU_IMG, ['info', '--output=json', snap], { encoding: 'utf8' }));
      assert.equal(snapInfo.format, 'qcow2');
      assert.equal(snapInfo['virtual-size'], 2 * GiB);
      assert.equal(snapInfo['backing-filename'], undefined, 'a snapshot is a full copy, no overlay on the volume');

      const { size } = await driver.backupVolume(B1, V1);
      const backup = join(backupDir, 'f1', B1);
      assert.deepEqual((await readdir(backup)).sort(), ['data.qcow2', 'metadata.json']);
      assert.equal(info(join(backup, 'data.qcow2')).format, 'qcow2');
      assert.ok(size > 0);
      const meta = JSON.parse(await readFile(join(backup, 'metadata.json'), 'utf8'));
      assert.equal(meta.volumeId, V1);
      assert.equal(meta.parentId, null);
      assert.equal(meta.sizeGb, 2);
      assert.ok(!existsSync(join(dir, 'backups', 'f1')), 'backups go to backupDir only');
      await driver.backupVolume('f1b00000-0000-4000-8000-000000000002', V1, B1);
      assert.equal(JSON.parse(await readFile(join(backupDir, 'f1', 'f1b00000-0000-4000-8000-000000000002', 'metadata.json'), 'utf8')).parentId, B1);

      assert.ok((await driver.volumeUsage(V1)) > 0 && (await driver.volumeUsage(V1)) < 10 * 1024 * 1024, 'thin: a blank qcow2 uses little');
      const s = await driver.stats();
      assert.equal(s.provisionedGb, 2);
      assert.equal(s.thinProvisioning, true);
      assert.equal(s.storageProtocol, 'file');
      assert.equal(s.backendName, 'file');
      assert.ok(s.totalGb > 0 && s.freeGb > 0, 'from statfs of the directory');

      await driver.deleteVolume(V1);
      assert.ok(!existsSync(vol));
      assert.deepEqual(await readdir(join(dir, 'volumes')), []);
      await driver.deleteBackup(B1);
      assert.ok(!existsSync(backup));
      assert.deepEqual(await readdir(join(backupDir, 'f1')), ['f1b00000-0000-4000-8000-000000000002']);
    } finally {
      await cleanup();
      await rm(backupDir, { recursive: true, force: true });
    }
  });

  test('file block storage: a snapshot keeps its bytes when the volume is written in place', { skip: existsSync('/usr/bin/qemu-io') ? false : '/usr/bin/qemu-io is missing' }, async () => {
    for (const format of ['qcow2', 'raw'] as const) {
      const { driver, dir, cleanup } = await makeDriver({ format });
      try {
        await writeFile(join(dir, 'src.raw'), Buffer.alloc(4096, 0x11));
        await driver.createVolume(V1, 1, { kind: 'image', path: join(dir, 'src.raw'), format: 'raw' });
        await driver.createSnapshot(S1, V1);
        // NOTE: a guest's write, in place in the volume's file (the contract suite can only replace it).
        execFileSync('/usr/bin/qemu-io', ['-f', format, '-c', 'write -P 0xab 0 4k', join(dir, 'volumes', `volume-${V1}`)]);
        await driver.createVolume(V2, 1, { kind: 'snapshot', id: S1 });
        await driver.exportVolume(V1, join(dir, 'v1.raw'), 'raw');
        await driver.exportVolume(V2, join(dir, 'v2.raw'), 'raw');
        assert.deepEqual(await head(join(dir, 'v1.raw'), 4096), Buffer.alloc(4096, 0xab), format);
        assert.deepEqual(await head(join(dir, 'v2.raw'), 4096), Buffer.alloc(4096, 0x11), format);
      } finally { await cleanup(); }
    }
  });

  test('file block storage (raw): volumes are sparse raw files of the size asked', async () => {
    const { driver, dir, cleanup } = await makeDriver({ format: 'raw' });
    try {
      await driver.createVolume(V1, 1);
      const vol = join(dir, 'volumes', `volume-${V1}`);
      assert.equal(info(vol).format, 'raw');
      assert.equal(info(vol)['virtual-size'], GiB);
      assert.ok((await driver.volumeUsage(V1)) < 1024 * 1024, 'sparse');
      assert.equal((await driver.connection(V1)).format, 'raw');
      assert.equal((await driver.stats()).thinProvisioning, false);
    } finally { await cleanup(); }
  });

  test('file block storage: a qcow2 image made by qemu-img is read; one with a backing file is refused', async () => {
    const { driver, dir, cleanup } = await makeDriver({ format: 'raw' });
    try {
      const bytes = Buffer.alloc(4096, 0x5a);
      await writeFile(join(dir, 'src.raw'), bytes);
      execFileSync(QEMU_IMG, ['convert', '-f', 'raw', '-O', 'qcow2', join(dir, 'src.raw'), join(dir, 'src.qcow2')]);
      await driver.createVolume(V1, 1, { kind: 'image', path: join(dir, 'src.qcow2'), format: 'qcow2' });
      const out = join(dir, 'out.raw');
      await driver.exportVolume(V1, out, 'raw');
      assert.deepEqual(await head(out, 4096), bytes);

      execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', join(dir, 'src.raw'), join(dir, 'overlay.qcow2')]);
      await assert.rejects(driver.createVolume(V2, 1, { kind: 'image', path: join(dir, 'overlay.qcow2'), format: 'qcow2' }), /backing file/);
      await writeFile(join(dir, 'broken.qcow2'), Buffer.concat([Buffer.from('QFI\xfb', 'latin1'), Buffer.alloc(508, 0xff)]));
      await assert.rejects(driver.createVolume(V2, 1, { kind: 'image', path: join(dir, 'broken.qcow2'), format: 'qcow2' }), BlockStorageError);
      assert.deepEqual((await driver.list()).volumes, [V1]);
      assert.deepEqual(await driver.leftovers(), []);
    } finally { await cleanup(); }
  });

  test('file block storage: a copy that fails halfway leaves no temporary file and nothing listed', async () => {
    const { driver: plain, dir, cleanup } = await makeDriver();
    try {
      // NOTE: a qemu-img that writes the copy and then fails, as a full disk or a killed copy would.
      const wrapper = join(dir, 'qemu-img-fails');
      await writeFile(wrapper, `#!/bin/sh\nif [ "$1" = convert ]; then ${QEMU_IMG} "$@"; echo "disk on fire" >&2; exit 1; fi\nexec ${QEMU_IMG} "$@"\n`);
      await chmod(wrapper, 0o755);
      const driver = new FileBlockStorageDriver({ dir, qemuImg: wrapper });
      await plain.createVolume(V1, 1);
      await assert.rejects(driver.createVolume(V2, 1, { kind: 'volume', id: V1 }), (e: Error) => e instanceof BlockStorageError && /disk on fire/.test(e.message));
      await assert.rejects(driver.createSnapshot(S1, V1), /disk on fire/);
      await assert.rejects(driver.backupVolume(B1, V1), /disk on fire/);
      await plain.backupVolume(B1, V1);
      await assert.rejects(driver.restoreBackup(B1, V1), /disk on fire/);
      await assert.rejects(driver.exportVolume(V1, join(dir, 'export.qcow2'), 'qcow2'), /disk on fire/);
      assert.ok(!existsSync(join(dir, 'export.qcow2')));
      assert.deepEqual(await plain.list(), { volumes: [V1], snapshots: [], backups: [B1] });
      assert.deepEqual(await plain.leftovers(), []);
      assert.deepEqual(await readdir(join(dir, 'volumes')), [`volume-${V1}`]);
      assert.deepEqual(await readdir(join(dir, 'snapshots')), []);
    } finally { await cleanup(); }
  });

  test('file block storage: a configured capacity is reported and enforced', async () => {
    const { driver, cleanup } = await makeDriver({ capacityGb: 5, backendName: 'lvmdriver-1' });
    try {
      let s = await driver.stats();
      assert.deepEqual([s.backendName, s.totalGb, s.freeGb, s.provisionedGb], ['lvmdriver-1', 5, 5, 0]);
      await driver.createVolume(V1, 3);
      await assert.rejects(driver.createVolume(V2, 3), /Insufficient free space/);
      await driver.createVolume(V2, 2);
      s = await driver.stats();
      assert.deepEqual([s.totalGb, s.freeGb, s.provisionedGb], [5, 0, 5]);
      await assert.rejects(driver.extendVolume(V1, 4), /Insufficient free space/);
      assert.deepEqual((await driver.list()).volumes, [V1, V2]);
      assert.deepEqual(await driver.leftovers(), []);
    } finally { await cleanup(); }
  });

  test('file block storage: ids that are not names are refused', async () => {
    const { driver, cleanup } = await makeDriver();
    try {
      await assert.rejects(driver.createVolume('../escape', 1), BlockStorageError);
      await assert.rejects(driver.deleteVolume('.tmp-volume-x'), BlockStorageError);
      await assert.rejects(driver.deleteBackup('a/b'), BlockStorageError);
    } finally { await cleanup(); }
  });
}
