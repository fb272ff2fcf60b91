// The block-storage driver contract (src/drivers/block-storage/block-storage-driver.ts), as a suite
// every driver runs: creates (blank, from raw and qcow2 images, snapshots and volumes) that carry
// content and refuse a source larger than the volume, extend that only grows, snapshots independent
// of later writes, exports, backups that carry content and outlive their volume, idempotent deletes,
// listing, capacity, cleanup, and failures that leave nothing behind.
//
// Content is checked from outside the driver: volumes are filled from raw image files of known
// bytes, and read back through `exportVolume` as raw (the first bytes). The qcow2 sources are the
// driver's own qcow2 exports, so a driver that writes no real disks (the fake) can run it too.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  BackupNotFound, BlockStorageError, type BlockStorageDriver, type ManageableObject, ManageExistingInvalidReference, SnapshotNotFound, VolumeNotFound,
} from '../../src/drivers/block-storage/block-storage-driver.js';

export interface BlockStorageContractHooks {
  /** Whether connection paths are files on this host (the file driver) or names only (the fake). */
  realFiles: boolean;
  /** The temporary files the driver has left behind (always none for a driver that writes none). */
  leftovers(): Promise<string[]>;
  /** Leaves temporary files as a crash in the middle of a create would (absent: the driver writes none). */
  makeLeftover?(): Promise<void>;
}

const GiB = 1024 ** 3;
const V1 = 'b5000000-0000-4000-8000-000000000001';
const V2 = 'b5000000-0000-4000-8000-000000000002';
const V3 = 'b5000000-0000-4000-8000-000000000003';
const V4 = 'b5000000-0000-4000-8000-000000000004';
const S1 = 'b5500000-0000-4000-8000-000000000001';
const S2 = 'b5500000-0000-4000-8000-000000000002';
const B1 = 'b5b00000-0000-4000-8000-000000000001';
const B2 = 'b5b00000-0000-4000-8000-000000000002';
const B3 = 'b5b00000-0000-4000-8000-000000000003';
const ABSENT = 'b5d00000-0000-4000-8000-00000000dead';
const M1 = 'b5a00000-0000-4000-8000-000000000001';
const MS1 = 'b5a50000-0000-4000-8000-000000000001';

/** 8 KiB of known, non-zero bytes; `seed` tells two contents apart. */
function pattern(seed: number): Buffer {
  const buf = Buffer.alloc(8192);
  for (let i = 0; i < buf.length; i++) buf[i] = ((i * 31 + seed * 17) % 251) + 1;
  return buf;
}
const P = pattern(1);
const Q = pattern(2);

async function head(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally { await fh.close(); }
}

type Made = { driver: BlockStorageDriver; hooks: BlockStorageContractHooks; cleanup(): Promise<void> };

export function blockStorageDriverContract(name: string, make: () => Promise<Made>): void {
  /** A driver, a scratch dir for images and exports, and everything removed afterwards. */
  async function withDriver(fn: (m: Made, scratch: string) => Promise<void>): Promise<void> {
    const m = await make();
    const scratch = await mkdtemp(join(tmpdir(), 'bs-contract-'));
    try {
      await fn(m, scratch);
    } finally {
      await rm(scratch, { recursive: true, force: true });
      await m.cleanup();
    }
  }

  /** A raw image file of `content` (sparse up to `sizeBytes` when given). */
  async function rawImage(scratch: string, name: string, content: Buffer, sizeBytes?: number): Promise<string> {
    const path = join(scratch, name);
    await writeFile(path, content);
    if (sizeBytes !== undefined) await truncate(path, sizeBytes);
    return path;
  }

  /** The first bytes of a volume, exported raw. */
  async function contentOf(driver: BlockStorageDriver, scratch: string, id: string, n = P.length): Promise<Buffer> {
    const path = join(scratch, `export-${id}.raw`);
    const { size } = await driver.exportVolume(id, path, 'raw');
    assert.equal(size, (await stat(path)).size);
    const bytes = await head(path, n);
    await rm(path);
    return bytes;
  }

  test(`${name}: a blank volume is listed, connectable and counted; a second create of its id fails; delete is idempotent`, async () => {
    await withDriver(async ({ driver, hooks }, scratch) => {
      const before = await driver.stats();
      await driver.createVolume(V1, 1);
      assert.deepEqual((await driver.list()).volumes, [V1]);
      const conn = await driver.connection(V1);
      assert.equal(conn.driverVolumeType, 'file');
      assert.ok(conn.format === 'qcow2' || conn.format === 'raw');
      assert.ok(conn.path.length > 0);
      if (hooks.realFiles) assert.ok(existsSync(conn.path), `${conn.path} exists`);
      assert.equal((await driver.stats()).provisionedGb, before.provisionedGb + 1);
      const used = await driver.volumeUsage(V1);
      assert.ok(Number.isFinite(used) && used >= 0 && used < GiB, `thin: ${used} bytes used`);
      assert.ok((await contentOf(driver, scratch, V1)).every((b) => b === 0), 'a blank volume reads zeros');

      await assert.rejects(driver.createVolume(V1, 1), (e: Error) => e instanceof BlockStorageError && /already exists/.test(e.message));
      assert.deepEqual((await driver.list()).volumes, [V1]);

      await driver.deleteVolume(V1);
      await driver.deleteVolume(V1);
      assert.deepEqual((await driver.list()).volumes, []);
      if (hooks.realFiles) assert.ok(!existsSync(conn.path));
      await assert.rejects(driver.connection(V1), VolumeNotFound);
      await assert.rejects(driver.volumeUsage(V1), VolumeNotFound);
      await assert.rejects(driver.exportVolume(V1, join(scratch, 'x'), 'raw'), VolumeNotFound);
      assert.equal((await driver.stats()).provisionedGb, before.provisionedGb);
    });
  });

  test(`${name}: extend only grows, and keeps the content`, async () => {
    await withDriver(async ({ driver }, scratch) => {
      const before = (await driver.stats()).provisionedGb;
      await driver.createVolume(V1, 1, { kind: 'image', path: await rawImage(scratch, 'p.raw', P), format: 'raw' });
      await driver.extendVolume(V1, 2);
      assert.equal((await driver.stats()).provisionedGb, before + 2);
      await assert.rejects(driver.extendVolume(V1, 2), BlockStorageError);
      await assert.rejects(driver.extendVolume(V1, 1), BlockStorageError);
      assert.equal((await driver.stats()).provisionedGb, before + 2);
      assert.deepEqual(await contentOf(driver, scratch, V1), P);
      await assert.rejects(driver.extendVolume(ABSENT, 3), VolumeNotFound);
      await driver.deleteVolume(V1);
    });
  });

  test(`${name}: volumes from raw and qcow2 images carry their bytes; exports in both formats; a larger source is refused`, async () => {
    await withDriver(async ({ driver, hooks }, scratch) => {
      const raw = await rawImage(scratch, 'p.raw', P);
      await driver.createVolume(V1, 1, { kind: 'image', path: raw, format: 'raw' });
      assert.deepEqual(await contentOf(driver, scratch, V1), P);

      const qcow2 = join(scratch, 'v1.qcow2');
      const exported = await driver.exportVolume(V1, qcow2, 'qcow2');
      assert.equal(exported.size, (await stat(qcow2)).size);
      const header = await head(qcow2, 32);
      assert.equal(header.subarray(0, 4).toString('latin1'), 'QFI\xfb');
      assert.equal(header.readBigUInt64BE(24), BigInt(GiB), 'the qcow2 export has the volume\'s virtual size');

      await driver.createVolume(V2, 2, { kind: 'image', path: qcow2, format: 'qcow2' });
      assert.deepEqual(await contentOf(driver, scratch, V2), P);
      assert.deepEqual((await driver.list()).volumes, [V1, V2]);

      // Sources larger than the volume, and sources that are not there: refused, nothing left.
      const big = await rawImage(scratch, 'big.raw', Q, 2 * GiB + 4096);
      await assert.rejects(driver.createVolume(V3, 2, { kind: 'image', path: big, format: 'raw' }), BlockStorageError);
      const bigQcow2 = join(scratch, 'v2.qcow2');
      await driver.exportVolume(V2, bigQcow2, 'qcow2');
      await assert.rejects(driver.createVolume(V3, 1, { kind: 'image', path: bigQcow2, format: 'qcow2' }), BlockStorageError);
      await assert.rejects(driver.createVolume(V3, 1, { kind: 'image', path: join(scratch, 'absent.raw'), format: 'raw' }), BlockStorageError);
      await assert.rejects(driver.createVolume(V3, 1, { kind: 'image', path: join(scratch, 'absent.qcow2'), format: 'qcow2' }), BlockStorageError);
      await assert.rejects(driver.createVolume(V3, 1, { kind: 'image', path: raw, format: 'qcow2' }), BlockStorageError, 'a raw file is not a qcow2 image');
      assert.deepEqual((await driver.list()).volumes, [V1, V2]);
      assert.deepEqual(await hooks.leftovers(), []);

      // The size that fits exactly is taken.
      await driver.createVolume(V3, 3, { kind: 'image', path: big, format: 'raw' });
      assert.deepEqual(await contentOf(driver, scratch, V3), Q);
      for (const id of [V1, V2, V3]) await driver.deleteVolume(id);
    });
  });

  test(`${name}: importVolume overwrites a volume's bytes from a raw or qcow2 file and never shrinks it`, async () => {
    await withDriver(async ({ driver }, scratch) => {
      await driver.createVolume(V1, 2, { kind: 'image', path: await rawImage(scratch, 'p.raw', P), format: 'raw' });
      await driver.importVolume(V1, await rawImage(scratch, 'q.raw', Q, GiB), 'raw');
      assert.deepEqual(await contentOf(driver, scratch, V1), Q);
      const qcow2 = join(scratch, 'back.qcow2');
      await driver.createVolume(V2, 1, { kind: 'image', path: await rawImage(scratch, 'p2.raw', P), format: 'raw' });
      await driver.exportVolume(V2, qcow2, 'qcow2');
      await driver.importVolume(V1, qcow2, 'qcow2');
      assert.deepEqual(await contentOf(driver, scratch, V1), P);
      const head32 = await head(join(scratch, 'back.qcow2'), 4);
      assert.equal(head32.toString('latin1'), 'QFI\xfb');
      const out = join(scratch, 'v1.qcow2');
      await driver.exportVolume(V1, out, 'qcow2');
      assert.equal((await head(out, 32)).readBigUInt64BE(24), BigInt(2 * GiB), 'the 2 GiB volume keeps its size');
      await assert.rejects(driver.importVolume(ABSENT, qcow2, 'qcow2'), VolumeNotFound);
      for (const id of [V1, V2]) await driver.deleteVolume(id);
    });
  });

  test(`${name}: a snapshot is independent of later writes to its volume; volumes from snapshots and from volumes`, async () => {
    await withDriver(async ({ driver, hooks }, scratch) => {
      await driver.createVolume(V1, 1, { kind: 'image', path: await rawImage(scratch, 'p.raw', P), format: 'raw' });
      await driver.createSnapshot(S1, V1);
      await assert.rejects(driver.createSnapshot(S1, V1), (e: Error) => e instanceof BlockStorageError && /already exists/.test(e.message));
      await assert.rejects(driver.createSnapshot(S2, ABSENT), VolumeNotFound);
      assert.deepEqual((await driver.list()).snapshots, [S1]);

      // Overwrite V1 with other bytes (a backup of a volume made from Q), then read both back.
      await driver.createVolume(V2, 1, { kind: 'image', path: await rawImage(scratch, 'q.raw', Q), format: 'raw' });
      await driver.backupVolume(B1, V2);
      await driver.restoreBackup(B1, V1);
      assert.deepEqual(await contentOf(driver, scratch, V1), Q, 'the volume has the new bytes');
      await driver.createVolume(V3, 2, { kind: 'snapshot', id: S1 });
      assert.deepEqual(await contentOf(driver, scratch, V3), P, 'the snapshot kept the old bytes');

      // The snapshot outlives the volume's deletion too (the driver does not check order).
      await driver.deleteVolume(V1);
      await driver.createVolume(V4, 1, { kind: 'snapshot', id: S1 });
      assert.deepEqual(await contentOf(driver, scratch, V4), P);
      await driver.deleteVolume(V4);

      // From a volume: its bytes, grown to the size asked; a larger source volume is refused.
      await driver.createVolume(V4, 3, { kind: 'volume', id: V3 });
      assert.deepEqual(await contentOf(driver, scratch, V4), P);
      await driver.deleteVolume(V4);
      await assert.rejects(driver.createVolume(V4, 1, { kind: 'volume', id: V3 }), BlockStorageError);
      await driver.createSnapshot(S2, V3);
      await assert.rejects(driver.createVolume(V4, 1, { kind: 'snapshot', id: S2 }), BlockStorageError);
      await assert.rejects(driver.createVolume(V4, 1, { kind: 'snapshot', id: ABSENT }), SnapshotNotFound);
      await assert.rejects(driver.createVolume(V4, 1, { kind: 'volume', id: ABSENT }), VolumeNotFound);
      assert.deepEqual((await driver.list()).volumes, [V2, V3]);
      assert.deepEqual(await hooks.leftovers(), []);

      await driver.deleteSnapshot(S1);
      await driver.deleteSnapshot(S1);
      await driver.deleteSnapshot(S2);
      assert.deepEqual((await driver.list()).snapshots, []);
      await assert.rejects(driver.createVolume(V4, 1, { kind: 'snapshot', id: S1 }), SnapshotNotFound);
      await driver.deleteVolume(V2);
      await driver.deleteVolume(V3);
      await driver.deleteBackup(B1);
    });
  });

  test(`${name}: backups carry content, outlive their volume and restore into another; deletes are idempotent`, async () => {
    await withDriver(async ({ driver }, scratch) => {
      await driver.createVolume(V1, 1, { kind: 'image', path: await rawImage(scratch, 'p.raw', P), format: 'raw' });
      const full = await driver.backupVolume(B1, V1);
      assert.ok(Number.isFinite(full.size) && full.size >= 0);
      const incremental = await driver.backupVolume(B2, V1, B1);
      assert.ok(Number.isFinite(incremental.size) && incremental.size >= 0);
      await assert.rejects(driver.backupVolume(B3, V1, ABSENT), BackupNotFound);
      await assert.rejects(driver.backupVolume(B3, ABSENT), VolumeNotFound);
      assert.deepEqual((await driver.list()).backups, [B1, B2]);

      await driver.deleteVolume(V1);
      assert.deepEqual((await driver.list()).backups, [B1, B2], 'backups outlive their volume');

      await driver.createVolume(V2, 1);
      await driver.restoreBackup(B2, V2);
      assert.deepEqual(await contentOf(driver, scratch, V2), P);
      // A larger volume keeps its size; the content is the backup's.
      await driver.createVolume(V3, 2, { kind: 'image', path: await rawImage(scratch, 'q.raw', Q), format: 'raw' });
      const before = (await driver.stats()).provisionedGb;
      await driver.restoreBackup(B1, V3);
      assert.deepEqual(await contentOf(driver, scratch, V3), P);
      assert.equal((await driver.stats()).provisionedGb, before);

      await assert.rejects(driver.restoreBackup(ABSENT, V2), BackupNotFound);
      await assert.rejects(driver.restoreBackup(B1, ABSENT), VolumeNotFound);
      assert.deepEqual((await driver.list()).volumes, [V2, V3]);

      for (const id of [B2, B1, B1]) await driver.deleteBackup(id);
      await driver.deleteBackup(ABSENT);
      assert.deepEqual((await driver.list()).backups, []);
      await assert.rejects(driver.restoreBackup(B1, V2), BackupNotFound);
      await driver.deleteVolume(V2);
      await driver.deleteVolume(V3);
    });
  });

  test(`${name}: list names everything and nothing after deletes; stats are sensible`, async () => {
    await withDriver(async ({ driver }) => {
      const s0 = await driver.stats();
      for (const key of ['backendName', 'driverVersion', 'storageProtocol', 'vendorName'] as const) assert.ok(typeof s0[key] === 'string' && s0[key].length > 0, key);
      assert.equal(typeof s0.thinProvisioning, 'boolean');
      assert.ok(s0.totalGb > 0 && s0.freeGb >= 0 && s0.freeGb <= s0.totalGb && s0.provisionedGb >= 0);
      assert.deepEqual(await driver.list(), { volumes: [], snapshots: [], backups: [] });

      await driver.createVolume(V2, 2);
      await driver.createVolume(V1, 1);
      await driver.createSnapshot(S1, V2);
      await driver.backupVolume(B1, V1);
      assert.deepEqual(await driver.list(), { volumes: [V1, V2], snapshots: [S1], backups: [B1] });
      const s1 = await driver.stats();
      assert.equal(s1.provisionedGb, s0.provisionedGb + 3);
      assert.ok(s1.freeGb >= 0 && s1.freeGb <= s1.totalGb);

      await driver.deleteSnapshot(S1);
      await driver.deleteBackup(B1);
      await driver.deleteVolume(V1);
      await driver.deleteVolume(V2);
      assert.deepEqual(await driver.list(), { volumes: [], snapshots: [], backups: [] });
      assert.equal((await driver.stats()).provisionedGb, s0.provisionedGb);
    });
  });

  test(`${name}: cleanup removes what a crash left and nothing else`, async () => {
    await withDriver(async ({ driver, hooks }) => {
      await driver.createVolume(V1, 1);
      await driver.createSnapshot(S1, V1);
      await driver.backupVolume(B1, V1);
      if (hooks.makeLeftover) {
        await hooks.makeLeftover();
        assert.ok((await hooks.leftovers()).length > 0);
      }
      assert.deepEqual(await driver.list(), { volumes: [V1], snapshots: [S1], backups: [B1] }, 'temporary files are never listed');
      await driver.cleanup();
      assert.deepEqual(await hooks.leftovers(), []);
      assert.deepEqual(await driver.list(), { volumes: [V1], snapshots: [S1], backups: [B1] });
      await driver.deleteBackup(B1);
      await driver.deleteSnapshot(S1);
      await driver.deleteVolume(V1);
      await driver.close();
    });
  });

  test(`${name}: unmanage leaves a volume and a snapshot on the backend, listed as manageable; manage takes them back under new ids with their content`, async () => {
    await withDriver(async ({ driver }, scratch) => {
      await driver.createVolume(V1, 1, { kind: 'image', path: await rawImage(scratch, 'p.raw', P), format: 'raw' });
      await driver.createVolume(V2, 2);
      await driver.createSnapshot(S1, V1);
      const ref = (n: string) => ({ 'source-name': n });
      const byName = (list: ManageableObject[]) => new Map(list.map((x) => [x.reference['source-name'], x]));

      // Everything the backend holds is listed; what the service manages is not safe to manage.
      let volumes = byName(await driver.listManageable('volume', [V1, V2]));
      assert.deepEqual(volumes.get(`volume-${V1}`), { reference: ref(`volume-${V1}`), sizeGb: 1, safeToManage: false, reasonNotSafe: 'already managed', cinderId: V1, extraInfo: null });
      assert.equal(volumes.get(`volume-${V2}`)?.sizeGb, 2);
      let snapshots = byName(await driver.listManageable('snapshot', [S1]));
      assert.deepEqual(snapshots.get(`snapshot-${S1}`), {
        reference: ref(`snapshot-${S1}`), sizeGb: 1, safeToManage: false, reasonNotSafe: 'already managed', cinderId: S1, extraInfo: null,
        sourceReference: ref(`volume-${V1}`),
      });

      // Unmanaged: still there under its name, now safe to manage.
      await driver.unmanage('volume', V1);
      await driver.unmanage('snapshot', S1);
      await driver.unmanage('volume', V1);
      assert.deepEqual((await driver.list()).volumes, [V1, V2]);
      volumes = byName(await driver.listManageable('volume', [V2]));
      assert.deepEqual(volumes.get(`volume-${V1}`), { reference: ref(`volume-${V1}`), sizeGb: 1, safeToManage: true, reasonNotSafe: null, cinderId: null, extraInfo: null });
      snapshots = byName(await driver.listManageable('snapshot', []));
      assert.equal(snapshots.get(`snapshot-${S1}`)?.safeToManage, true);

      // Sizes by name or by id; references that name nothing are Cinder's invalid reference.
      assert.equal(await driver.manageableSize('volume', ref(`volume-${V1}`)), 1);
      assert.equal(await driver.manageableSize('volume', { 'source-id': V2 }), 2);
      assert.equal(await driver.manageableSize('snapshot', ref(`snapshot-${S1}`)), 1);
      await assert.rejects(driver.manageableSize('volume', ref(`volume-${ABSENT}`)), (e: Error) => e instanceof ManageExistingInvalidReference
        && e.message.startsWith(`Manage existing volume failed due to invalid backend reference {'source-name': 'volume-${ABSENT}'}: `));
      await assert.rejects(driver.manageableSize('volume', { 'source-nom': 'x' }), ManageExistingInvalidReference);
      await assert.rejects(driver.manageableSize('volume', ref('../../etc/passwd')), ManageExistingInvalidReference);
      await assert.rejects(driver.manageExisting('volume', M1, ref(`volume-${ABSENT}`)), ManageExistingInvalidReference);
      await assert.rejects(driver.manageExisting('volume', V2, ref(`volume-${V1}`)), (e: Error) => e instanceof BlockStorageError && /already exists/.test(e.message));

      // Managed under a new id: renamed, content kept, the old name gone.
      await driver.manageExisting('volume', M1, ref(`volume-${V1}`));
      assert.deepEqual((await driver.list()).volumes, [M1, V2].sort());
      assert.deepEqual(await contentOf(driver, scratch, M1), P);
      await assert.rejects(driver.connection(V1), VolumeNotFound);
      await driver.manageExisting('snapshot', MS1, ref(`snapshot-${S1}`));
      assert.deepEqual((await driver.list()).snapshots, [MS1]);
      assert.deepEqual(byName(await driver.listManageable('snapshot', [MS1])).get(`snapshot-${MS1}`)?.sourceReference, ref(`volume-${V1}`));
      await driver.createVolume(V3, 1, { kind: 'snapshot', id: MS1 });
      assert.deepEqual(await contentOf(driver, scratch, V3), P);

      for (const id of [M1, V2, V3]) await driver.deleteVolume(id);
      await driver.deleteSnapshot(MS1);
      assert.deepEqual(await driver.list(), { volumes: [], snapshots: [], backups: [] });
    });
  });
}
