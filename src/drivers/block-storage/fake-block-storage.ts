// A block-storage driver that keeps no volume bytes: volumes, snapshots and backups live in memory
// with their sizes and a content marker (the first bytes of what they were filled from), every call
// is instant, and capacity is a number. The whole cloud runs on it where there is no qemu-img, and
// tests inject failures to see what the service does with a broken backend.
//
// Files it reads and writes, so copies can be checked from outside: an image source is read for
// its first MARKER_BYTES (raw) or for the header and marker of a qcow2 file the fake exported;
// `exportVolume` writes the marker padded to MARKER_BYTES (raw), or a qcow2 header with the volume's
// virtual size followed by the marker (qcow2) — small files whatever the volume's size.
//
// Its objects' backend names are `volume-<key>` and `snapshot-<key>`, the key being the id it was
// made (or managed) under; an unmanaged one keeps its key until it is managed again.
import { open, writeFile, stat } from 'node:fs/promises';
import {
  type BackendInventory, type BackendStats, BackupNotFound, BlockStorageError, type BlockStorageDriver, type ExistingRef, idInName,
  type ManageableKind, type ManageableObject, ManageExistingInvalidReference, referencedName, SnapshotNotFound,
  type VolumeConnection, type VolumeSource, VolumeNotFound,
} from './block-storage-driver.js';

const GiB = 1024 ** 3;
/** How many leading bytes of a source the fake remembers as a volume's content. */
export const MARKER_BYTES = 64 * 1024;
const QCOW2_MAGIC = Buffer.from('QFI\xfb', 'latin1');
const FAKE_TAG = Buffer.from('STRATUS-FAKE', 'latin1');
const TAG_AT = 256;
const HEADER_BYTES = 512;

export interface FakeBlockStorageOptions {
  /** The backend's capacity (default 1000 GiB); creates and extends beyond it fail. */
  totalGb?: number;
  /** Cinder's volume_backend_name (default 'fake'). */
  backendName?: string;
}

interface FakeVolume { sizeGb: number; content: Buffer }
interface FakeBackup { volumeId: string; parentId: string | null; sizeGb: number; content: Buffer }

/** The content without trailing zeros: a blank volume's is empty, and padding does not change it. */
function trimmed(buf: Buffer): Buffer {
  let end = buf.length;
  while (end > 0 && buf[end - 1] === 0) end--;
  return Buffer.from(buf.subarray(0, end));
}

export class FakeBlockStorageDriver implements BlockStorageDriver {
  readonly name = 'fake';
  readonly volumes = new Map<string, FakeVolume>();
  readonly snapshots = new Map<string, FakeVolume & { volumeId: string }>();
  readonly backups = new Map<string, FakeBackup>();
  /** Every call, for tests: op and the resource's id. */
  readonly calls: { op: string; id?: string }[] = [];
  private readonly totalGb: number;
  private readonly backendName: string;
  private readonly failures = new Map<string, { message: string; times: number }>();

  constructor(opts: FakeBlockStorageOptions = {}) {
    this.totalGb = opts.totalGb ?? 1000;
    this.backendName = opts.backendName ?? 'fake';
  }

  /**
   * Failure injection: the next `times` calls of `op` ('createVolume', 'backupVolume', ... or '*')
   * throw BlockStorageError(message) before doing anything.
   */
  failNext(op: string, message = `fake block storage: injected ${op} failure`, times = 1): void {
    this.failures.set(op, { message, times });
  }

  private enter(op: string, id?: string): void {
    // NOTE: the latest calls only, so a long-running cloud on the fake does not grow without bound.
    if (this.calls.length >= 10_000) this.calls.splice(0, this.calls.length - 9_999);
    this.calls.push({ op, id });
    for (const key of [op, '*']) {
      const f = this.failures.get(key);
      if (!f) continue;
      if (--f.times <= 0) this.failures.delete(key);
      throw new BlockStorageError(f.message);
    }
  }

  private volume(id: string): FakeVolume {
    const v = this.volumes.get(id);
    if (!v) throw new VolumeNotFound(id);
    return v;
  }

  private provisionedGb(): number {
    let sum = 0;
    for (const v of this.volumes.values()) sum += v.sizeGb;
    return sum;
  }

  private reserve(extraGb: number, what: string): void {
    const free = this.totalGb - this.provisionedGb();
    if (extraGb > free) throw new BlockStorageError(`Insufficient free space for ${what}: ${extraGb} GiB asked, ${Math.max(0, free)} GiB free.`);
  }

  async stats(): Promise<BackendStats> {
    this.enter('stats');
    const provisionedGb = this.provisionedGb();
    return {
      backendName: this.backendName, driverVersion: '1.0.0', storageProtocol: 'file', vendorName: 'Open Source',
      totalGb: this.totalGb, freeGb: Math.max(0, this.totalGb - provisionedGb), provisionedGb, thinProvisioning: true,
    };
  }

  /** Reads an image file's virtual size and content marker (bounded reads only). */
  private async readImage(path: string, format: 'qcow2' | 'raw'): Promise<{ virtualSize: number; content: Buffer }> {
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      throw new BlockStorageError(`Image file ${path} could not be read: ${(err as Error).message}`);
    }
    try {
      if (format === 'raw') {
        const { size } = await fh.stat();
        const buf = Buffer.alloc(Math.min(size, MARKER_BYTES));
        await fh.read(buf, 0, buf.length, 0);
        return { virtualSize: size, content: trimmed(buf) };
      }
      const header = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await fh.read(header, 0, HEADER_BYTES, 0);
      if (bytesRead < 32 || !header.subarray(0, 4).equals(QCOW2_MAGIC)) throw new BlockStorageError(`Image file ${path} is not a qcow2 image.`);
      const virtualSize = Number(header.readBigUInt64BE(24));
      if (bytesRead < HEADER_BYTES || !header.subarray(TAG_AT, TAG_AT + FAKE_TAG.length).equals(FAKE_TAG)) {
        // NOTE: a qcow2 image the fake did not write: its size is real, its content unknown (blank).
        return { virtualSize, content: Buffer.alloc(0) };
      }
      const length = Math.min(header.readUInt32BE(TAG_AT + FAKE_TAG.length), MARKER_BYTES);
      const content = Buffer.alloc(length);
      await fh.read(content, 0, length, HEADER_BYTES);
      return { virtualSize, content: trimmed(content) };
    } finally {
      await fh.close();
    }
  }

  async createVolume(id: string, sizeGb: number, source?: VolumeSource): Promise<void> {
    this.enter('createVolume', id);
    if (this.volumes.has(id)) throw new BlockStorageError(`Volume ${id} already exists.`);
    let from: { virtualSize: number; content: Buffer } = { virtualSize: 0, content: Buffer.alloc(0) };
    if (source?.kind === 'image') from = await this.readImage(source.path, source.format);
    else if (source?.kind === 'snapshot') {
      const s = this.snapshots.get(source.id);
      if (!s) throw new SnapshotNotFound(source.id);
      from = { virtualSize: s.sizeGb * GiB, content: s.content };
    } else if (source?.kind === 'volume') {
      const v = this.volume(source.id);
      from = { virtualSize: v.sizeGb * GiB, content: v.content };
    }
    if (from.virtualSize > sizeGb * GiB) {
      throw new BlockStorageError(`The source of volume ${id} (${from.virtualSize} bytes) is larger than the volume (${sizeGb} GiB).`);
    }
    // NOTE: the image may have been read while another create reserved space; check after the await.
    if (this.volumes.has(id)) throw new BlockStorageError(`Volume ${id} already exists.`);
    this.reserve(sizeGb, `volume ${id}`);
    this.volumes.set(id, { sizeGb, content: Buffer.from(from.content) });
  }

  async deleteVolume(id: string): Promise<void> {
    this.enter('deleteVolume', id);
    this.volumes.delete(id);
  }

  async extendVolume(id: string, newSizeGb: number): Promise<void> {
    this.enter('extendVolume', id);
    const v = this.volume(id);
    if (newSizeGb <= v.sizeGb) throw new BlockStorageError(`Volume ${id} is ${v.sizeGb} GiB: it can only grow (asked ${newSizeGb} GiB).`);
    this.reserve(newSizeGb - v.sizeGb, `extending volume ${id}`);
    v.sizeGb = newSizeGb;
  }

  async volumeUsage(id: string): Promise<number> {
    this.enter('volumeUsage', id);
    // NOTE: thin: only what was written is used, and the fake knows only its marker.
    return this.volume(id).content.length;
  }

  async createSnapshot(snapshotId: string, volumeId: string): Promise<void> {
    this.enter('createSnapshot', snapshotId);
    if (this.snapshots.has(snapshotId)) throw new BlockStorageError(`Snapshot ${snapshotId} already exists.`);
    const v = this.volume(volumeId);
    this.snapshots.set(snapshotId, { volumeId, sizeGb: v.sizeGb, content: Buffer.from(v.content) });
  }

  async deleteSnapshot(snapshotId: string): Promise<void> {
    this.enter('deleteSnapshot', snapshotId);
    this.snapshots.delete(snapshotId);
  }

  async exportVolume(id: string, path: string, format: 'qcow2' | 'raw'): Promise<{ size: number }> {
    this.enter('exportVolume', id);
    const v = this.volume(id);
    if (format === 'raw') {
      const out = Buffer.alloc(Math.max(MARKER_BYTES, v.content.length));
      v.content.copy(out);
      await writeFile(path, out);
    } else {
      // NOTE: a qcow2 header (magic, version 3, virtual size) so tools see a disk; the marker after it.
      const header = Buffer.alloc(HEADER_BYTES);
      QCOW2_MAGIC.copy(header, 0);
      header.writeUInt32BE(3, 4);
      header.writeBigUInt64BE(BigInt(v.sizeGb) * BigInt(GiB), 24);
      FAKE_TAG.copy(header, TAG_AT);
      header.writeUInt32BE(v.content.length, TAG_AT + FAKE_TAG.length);
      await writeFile(path, Buffer.concat([header, v.content]));
    }
    return { size: (await stat(path)).size };
  }

  async backupVolume(backupId: string, volumeId: string, parentId?: string): Promise<{ size: number }> {
    this.enter('backupVolume', backupId);
    if (this.backups.has(backupId)) throw new BlockStorageError(`Backup ${backupId} already exists.`);
    const v = this.volume(volumeId);
    if (parentId !== undefined && !this.backups.has(parentId)) throw new BackupNotFound(parentId);
    this.backups.set(backupId, { volumeId, parentId: parentId ?? null, sizeGb: v.sizeGb, content: Buffer.from(v.content) });
    return { size: v.content.length };
  }

  async importVolume(id: string, path: string, format: 'qcow2' | 'raw'): Promise<void> {
    this.enter('importVolume', id);
    const v = this.volume(id);
    const from = await this.readImage(path, format);
    const sizeGb = Math.ceil(from.virtualSize / GiB);
    if (sizeGb > v.sizeGb) this.reserve(sizeGb - v.sizeGb, `importing into volume ${id}`);
    v.content = Buffer.from(from.content);
    v.sizeGb = Math.max(v.sizeGb, sizeGb);
  }

  async restoreBackup(backupId: string, volumeId: string): Promise<void> {
    this.enter('restoreBackup', backupId);
    const b = this.backups.get(backupId);
    if (!b) throw new BackupNotFound(backupId);
    const v = this.volume(volumeId);
    if (b.sizeGb > v.sizeGb) this.reserve(b.sizeGb - v.sizeGb, `restoring backup ${backupId}`);
    v.content = Buffer.from(b.content);
    v.sizeGb = Math.max(v.sizeGb, b.sizeGb);
  }

  async deleteBackup(backupId: string): Promise<void> {
    this.enter('deleteBackup', backupId);
    this.backups.delete(backupId);
  }

  async connection(volumeId: string): Promise<VolumeConnection> {
    this.enter('connection', volumeId);
    this.volume(volumeId);
    // NOTE: no such file: the fake hypervisor attaches any path it is given.
    return { driverVolumeType: 'file', path: `/dev/fake-block-storage/volume-${volumeId}`, format: 'qcow2' };
  }

  async list(): Promise<BackendInventory> {
    this.enter('list');
    return { volumes: [...this.volumes.keys()].sort(), snapshots: [...this.snapshots.keys()].sort(), backups: [...this.backups.keys()].sort() };
  }

  /** The key of the object a reference names (its backend name without the kind), or Cinder's invalid reference. */
  private referenced(kind: ManageableKind, ref: ExistingRef): string {
    const key = idInName(kind, referencedName(kind, ref));
    if (key === null || !(kind === 'volume' ? this.volumes : this.snapshots).has(key)) {
      throw new ManageExistingInvalidReference(ref, `Specified ${kind} does not exist.`);
    }
    return key;
  }

  async listManageable(kind: ManageableKind, managedIds: readonly string[]): Promise<ManageableObject[]> {
    this.enter('listManageable');
    const managed = new Set(managedIds);
    const all: [string, FakeVolume & { volumeId?: string }][] = [...(kind === 'volume' ? this.volumes : this.snapshots).entries()];
    return all.map(([key, o]) => ({
      reference: { 'source-name': `${kind}-${key}` }, sizeGb: o.sizeGb, safeToManage: !managed.has(key),
      reasonNotSafe: managed.has(key) ? 'already managed' : null, cinderId: managed.has(key) ? key : null, extraInfo: null,
      ...(kind === 'snapshot' ? { sourceReference: { 'source-name': `volume-${o.volumeId!}` } } : {}),
    }));
  }

  async manageableSize(kind: ManageableKind, ref: ExistingRef): Promise<number> {
    this.enter('manageableSize');
    const key = this.referenced(kind, ref);
    return (kind === 'volume' ? this.volumes : this.snapshots).get(key)!.sizeGb;
  }

  async manageExisting(kind: ManageableKind, id: string, ref: ExistingRef): Promise<void> {
    this.enter('manageExisting', id);
    const key = this.referenced(kind, ref);
    if (key === id) return;
    if (kind === 'volume') {
      if (this.volumes.has(id)) throw new BlockStorageError(`Volume ${id} already exists.`);
      this.volumes.set(id, this.volumes.get(key)!);
      this.volumes.delete(key);
    } else {
      if (this.snapshots.has(id)) throw new BlockStorageError(`Snapshot ${id} already exists.`);
      this.snapshots.set(id, this.snapshots.get(key)!);
      this.snapshots.delete(key);
    }
  }

  async unmanage(kind: ManageableKind, id: string): Promise<void> { this.enter('unmanage', id); }

  async cleanup(): Promise<void> { this.enter('cleanup'); }

  async close(): Promise<void> {}
}
