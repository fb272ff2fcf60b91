// A block-storage driver on a directory: volumes are disk files (qcow2 by default, or raw) that a
// hypervisor opens by path, as Cinder's NFS and posix drivers keep them on a mounted share. All
// bytes move through qemu-img (run through runCommand, never a shell), so nothing here reads a
// volume into memory.
//
// Layout under `dir`:
//   volumes/volume-<id>       the volume, in the driver's format
//   snapshots/snapshot-<id>   an independent qcow2 copy of the volume when it was taken
//   snapshot-sources/snapshot-<id>   the name of the volume file it was taken of (for manageable listings)
// Files the service does not manage (unmanaged, or put there by an operator) live beside them
// under any plain name, and manageExisting renames them to `volume-<id>` / `snapshot-<id>`.
// and under `backupDir` (default <dir>/backups), Cinder's posix layout shortened to one level:
//   <first 2 of id>/<id>/data.qcow2 and metadata.json (volume, parent, sizes)
//
// Crash safety: every create writes under a `.tmp-` name in the directory it ends in, is fsynced
// (the file, then after the rename the directory) and only then takes its name, so `list` never
// names a half-made volume, snapshot or backup, and `cleanup` removes the `.tmp-` leftovers.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, runCommand } from '../host/run-command.js';
import {
  type BackendInventory, type BackendStats, BackupNotFound, BlockStorageError, type BlockStorageDriver, type ExistingRef, idInName,
  type ManageableKind, type ManageableObject, ManageExistingInvalidReference, referencedName, SnapshotNotFound,
  type VolumeConnection, type VolumeSource, VolumeNotFound,
} from './block-storage-driver.js';
import { fsyncPath } from '../../core/fs/fsync.js';

const GiB = 1024 ** 3;
const QCOW2_MAGIC = Buffer.from('QFI\xfb', 'latin1');
const TMP = '.tmp-';
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** A name a file the driver may manage can have: a plain file name (no path, not a temporary one). */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export type DiskFormat = 'qcow2' | 'raw';

export interface FileBlockStorageOptions {
  /** Where volumes and snapshots live (made when absent). */
  dir: string;
  /** Where backups live (default <dir>/backups); may be another filesystem. */
  backupDir?: string;
  /** A capacity to report and enforce instead of the filesystem's (thin: what volumes may add up to). */
  capacityGb?: number;
  /** The volumes' format (default qcow2); fixed for the backend's life. */
  format?: DiskFormat;
  /** Cinder's volume_backend_name (default 'file'). */
  backendName?: string;
  qemuImg?: string;
  /** How long a copy (convert) may take (default an hour); other qemu-img calls get a minute. */
  copyTimeoutMs?: number;
}

interface BackupMetadata {
  version: 1;
  backupId: string;
  volumeId: string;
  parentId: string | null;
  /** The volume's virtual size when backed up, in bytes and in GiB. */
  virtualSize: number;
  sizeGb: number;
  format: 'qcow2';
  dataFile: string;
  createdAt: string;
}

interface ImageInfo {
  'virtual-size': number;
  'actual-size'?: number;
  'backing-filename'?: string;
  'format-specific'?: { data?: { 'data-file'?: string } };
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException)?.code === 'ENOENT';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

export class FileBlockStorageDriver implements BlockStorageDriver {
  readonly name = 'file';
  readonly format: DiskFormat;
  readonly volumesDir: string;
  readonly snapshotsDir: string;
  readonly backupsDir: string;
  readonly sourcesDir: string;
  private readonly opts: FileBlockStorageOptions;
  private readonly qemuImgPath: string;
  private readonly copyTimeoutMs: number;
  private ready: Promise<void> | undefined;

  constructor(opts: FileBlockStorageOptions) {
    this.opts = opts;
    this.format = opts.format ?? 'qcow2';
    this.volumesDir = join(opts.dir, 'volumes');
    this.snapshotsDir = join(opts.dir, 'snapshots');
    this.backupsDir = opts.backupDir ?? join(opts.dir, 'backups');
    this.sourcesDir = join(opts.dir, 'snapshot-sources');
    this.qemuImgPath = opts.qemuImg ?? '/usr/bin/qemu-img';
    this.copyTimeoutMs = opts.copyTimeoutMs ?? 3_600_000;
  }

  volumePath(id: string): string { return join(this.volumesDir, `volume-${id}`); }
  snapshotPath(id: string): string { return join(this.snapshotsDir, `snapshot-${id}`); }
  backupPath(id: string): string { return join(this.backupsDir, id.slice(0, 2), id); }

  /** Makes the directories once; a failure is retried on the next call. */
  private dirs(): Promise<void> {
    this.ready ??= (async () => {
      for (const d of [this.volumesDir, this.snapshotsDir, this.backupsDir, this.sourcesDir]) await mkdir(d, { recursive: true });
    })().catch((err) => { this.ready = undefined; throw err; });
    return this.ready;
  }

  /** Runs a call: directories made, ids checked, and any other failure as a BlockStorageError. */
  private async op<T>(what: string, ids: string[], fn: () => Promise<T>): Promise<T> {
    // NOTE: ids become file names; anything but a UUID-like name could walk out of the directory.
    for (const id of ids) if (!ID.test(id)) throw new BlockStorageError(`Invalid id ${JSON.stringify(id)} (${what}).`);
    try {
      await this.dirs();
      return await fn();
    } catch (err) {
      if (err instanceof BlockStorageError) throw err;
      const detail = err instanceof CommandError ? err.stderr.trim() || err.message : (err as Error).message;
      throw new BlockStorageError(`Failed to ${what}: ${detail}`);
    }
  }

  private qemuImg(args: string[], copy = false): Promise<string> {
    return runCommand(this.qemuImgPath, args, { timeoutMs: copy ? this.copyTimeoutMs : 60_000 });
  }

  /** qemu-img info of a file in a known format (never probed: a raw disk may hold a qcow2 header). */
  private async info(path: string, format: DiskFormat): Promise<ImageInfo> {
    // NOTE: -U (force share) lets a volume attached to a running guest be read; qemu holds a lock on it.
    return JSON.parse(await this.qemuImg(['info', '-U', '-f', format, '--output=json', path])) as ImageInfo;
  }

  /**
   * The virtual size of a file this driver wrote: a raw file's length, or a qcow2 header's size
   * field (bytes 24..31), read without a subprocess since stats reads it for every volume.
   */
  private async virtualSize(path: string, format: DiskFormat): Promise<number> {
    if (format === 'raw') return (await stat(path)).size;
    const fh = await open(path, 'r');
    try {
      const header = Buffer.alloc(32);
      const { bytesRead } = await fh.read(header, 0, 32, 0);
      if (bytesRead < 32 || !header.subarray(0, 4).equals(QCOW2_MAGIC)) throw new BlockStorageError(`${path} is not a qcow2 file.`);
      return Number(header.readBigUInt64BE(24));
    } finally {
      await fh.close();
    }
  }

  private temp(dir: string, base: string): string {
    // NOTE: a random tail so two attempts at one id never write the same temporary file.
    return join(dir, `${TMP}${base}.${randomBytes(4).toString('hex')}`);
  }

  /**
   * Gives a finished temporary file its name durably. A create links (failing when the name is
   * taken, so a racing create of the same id cannot replace a volume); a restore renames over it.
   */
  private async commit(tmp: string, final: string, replace: boolean, kind: string, id: string): Promise<void> {
    await fsyncPath(tmp);
    if (replace) {
      await rename(tmp, final);
    } else {
      try {
        await link(tmp, final);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BlockStorageError(`${kind} ${id} already exists.`);
        throw err;
      }
      await unlink(tmp);
    }
    await fsyncPath(join(final, '..'));
  }

  private async provisionedBytes(): Promise<number> {
    let sum = 0;
    for (const id of await this.names(this.volumesDir, 'volume-')) {
      try {
        sum += await this.virtualSize(this.volumePath(id), this.format);
      } catch (err) {
        if (!isMissing(err)) throw err; // NOTE: deleted while we counted.
      }
    }
    return sum;
  }

  /** Refuses growth beyond a configured capacity; without one the filesystem says when it is full. */
  private async reserve(extraBytes: number, what: string): Promise<void> {
    if (this.opts.capacityGb === undefined || extraBytes <= 0) return;
    const free = this.opts.capacityGb * GiB - (await this.provisionedBytes());
    if (extraBytes > free) {
      throw new BlockStorageError(`Insufficient free space for ${what}: ${round2(extraBytes / GiB)} GiB asked, ${round2(Math.max(0, free) / GiB)} GiB free.`);
    }
  }

  private async volumeFile(id: string): Promise<string> {
    const path = this.volumePath(id);
    if (!(await exists(path))) throw new VolumeNotFound(id);
    return path;
  }

  private async names(dir: string, prefix: string): Promise<string[]> {
    try {
      return (await readdir(dir)).filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length)).sort();
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }

  async stats(): Promise<BackendStats> {
    return this.op('read the backend\'s capacity', [], async () => {
      const provisionedGb = round2((await this.provisionedBytes()) / GiB);
      let totalGb: number;
      let freeGb: number;
      if (this.opts.capacityGb !== undefined) {
        totalGb = this.opts.capacityGb;
        freeGb = Math.max(0, round2(totalGb - provisionedGb));
      } else {
        const fs = await statfs(this.opts.dir);
        totalGb = round2((fs.blocks * fs.bsize) / GiB);
        freeGb = round2((fs.bavail * fs.bsize) / GiB);
      }
      return {
        backendName: this.opts.backendName ?? 'file', driverVersion: '1.0.0',
        // NOTE: not Cinder's 'NFS': this driver mounts nothing, it is handed a directory (local, or a
        // share mounted by the host), and hypervisors open its volumes as files; 'file' is what its
        // connections say too (driver_volume_type), so stats and connections tell the same story.
        storageProtocol: 'file', vendorName: 'Open Source',
        totalGb, freeGb, provisionedGb,
        // NOTE: qcow2 allocates on write; raw files are sparse too, but a copy may fill them.
        thinProvisioning: this.format === 'qcow2',
      };
    });
  }

  /** Where a new volume's bytes come from, its format and virtual size (the source checked for safety). */
  private async resolveSource(source: VolumeSource): Promise<{ path: string; format: DiskFormat; virtualSize: number; shared: boolean }> {
    if (source.kind === 'snapshot') {
      if (!ID.test(source.id)) throw new SnapshotNotFound(source.id);
      const path = this.snapshotPath(source.id);
      if (!(await exists(path))) throw new SnapshotNotFound(source.id);
      return { path, format: 'qcow2', virtualSize: await this.virtualSize(path, 'qcow2'), shared: false };
    }
    if (source.kind === 'volume') {
      if (!ID.test(source.id)) throw new VolumeNotFound(source.id);
      const path = await this.volumeFile(source.id);
      return { path, format: this.format, virtualSize: await this.virtualSize(path, this.format), shared: true };
    }
    if (!(await exists(source.path))) throw new BlockStorageError(`Image file ${source.path} does not exist.`);
    const info = await this.info(source.path, source.format);
    // NOTE: an image is untrusted: a qcow2 backing or data file would make qemu-img read any file on the host into the volume.
    if (info['backing-filename'] !== undefined) throw new BlockStorageError(`Image file ${source.path} has a backing file; refusing it.`);
    if (info['format-specific']?.data?.['data-file'] !== undefined) throw new BlockStorageError(`Image file ${source.path} has an external data file; refusing it.`);
    return { path: source.path, format: source.format, virtualSize: info['virtual-size'], shared: false };
  }

  async createVolume(id: string, sizeGb: number, source?: VolumeSource): Promise<void> {
    return this.op(`create volume ${id}`, [id], async () => {
      const final = this.volumePath(id);
      if (await exists(final)) throw new BlockStorageError(`Volume ${id} already exists.`);
      const size = sizeGb * GiB;
      if (!Number.isInteger(sizeGb) || sizeGb <= 0) throw new BlockStorageError(`Invalid size ${sizeGb} GiB for volume ${id}.`);
      const from = source ? await this.resolveSource(source) : undefined;
      if (from && from.virtualSize > size) {
        throw new BlockStorageError(`The source of volume ${id} (${round2(from.virtualSize / GiB)} GiB) is larger than the volume (${sizeGb} GiB).`);
      }
      await this.reserve(size, `volume ${id}`);
      const tmp = this.temp(this.volumesDir, `volume-${id}`);
      try {
        if (!from) {
          await this.qemuImg(['create', '-q', '-f', this.format, tmp, String(size)]);
        } else {
          await this.qemuImg(['convert', ...(from.shared ? ['-U'] : []), '-f', from.format, '-O', this.format, from.path, tmp], true);
          if (from.virtualSize < size) await this.qemuImg(['resize', '-q', '-f', this.format, tmp, String(size)]);
        }
        await this.commit(tmp, final, false, 'Volume', id);
      } finally {
        await rm(tmp, { force: true });
      }
    });
  }

  async deleteVolume(id: string): Promise<void> {
    return this.op(`delete volume ${id}`, [id], async () => { await rm(this.volumePath(id), { force: true }); });
  }

  async extendVolume(id: string, newSizeGb: number): Promise<void> {
    return this.op(`extend volume ${id}`, [id], async () => {
      const path = await this.volumeFile(id);
      const current = await this.virtualSize(path, this.format);
      const size = newSizeGb * GiB;
      if (!Number.isInteger(newSizeGb) || size <= current) {
        throw new BlockStorageError(`Volume ${id} is ${round2(current / GiB)} GiB: it can only grow (asked ${newSizeGb} GiB).`);
      }
      await this.reserve(size - current, `extending volume ${id}`);
      await this.qemuImg(['resize', '-q', '-f', this.format, path, String(size)]);
      await fsyncPath(path);
    });
  }

  async volumeUsage(id: string): Promise<number> {
    return this.op(`read the usage of volume ${id}`, [id], async () => {
      try {
        const s = await stat(this.volumePath(id));
        return s.blocks * 512;
      } catch (err) {
        if (isMissing(err)) throw new VolumeNotFound(id);
        throw err;
      }
    });
  }

  async createSnapshot(snapshotId: string, volumeId: string): Promise<void> {
    return this.op(`create snapshot ${snapshotId}`, [snapshotId, volumeId], async () => {
      const final = this.snapshotPath(snapshotId);
      if (await exists(final)) throw new BlockStorageError(`Snapshot ${snapshotId} already exists.`);
      const source = await this.volumeFile(volumeId);
      const tmp = this.temp(this.snapshotsDir, `snapshot-${snapshotId}`);
      // NOTE: written before the snapshot takes its name, so a listed snapshot knows its volume.
      await writeFile(join(this.sourcesDir, `snapshot-${snapshotId}`), `volume-${volumeId}\n`);
      try {
        // NOTE: a full copy, not a qcow2 overlay: the snapshot must not depend on the volume's file,
        // which later writes, restores and deletes change. An attached volume copies crash-consistent.
        await this.qemuImg(['convert', '-U', '-f', this.format, '-O', 'qcow2', source, tmp], true);
        await this.commit(tmp, final, false, 'Snapshot', snapshotId);
      } finally {
        await rm(tmp, { force: true });
      }
    });
  }

  async deleteSnapshot(snapshotId: string): Promise<void> {
    return this.op(`delete snapshot ${snapshotId}`, [snapshotId], async () => {
      await rm(this.snapshotPath(snapshotId), { force: true });
      await rm(join(this.sourcesDir, `snapshot-${snapshotId}`), { force: true });
    });
  }

  async exportVolume(id: string, path: string, format: DiskFormat): Promise<{ size: number }> {
    return this.op(`export volume ${id}`, [id], async () => {
      const source = await this.volumeFile(id);
      try {
        await this.qemuImg(['convert', '-U', '-f', this.format, '-O', format, source, path], true);
      } catch (err) {
        await rm(path, { force: true }); // NOTE: the service owns the path, but a half-written file is of no use to it.
        throw err;
      }
      return { size: (await stat(path)).size };
    });
  }

  private async readBackup(backupId: string): Promise<BackupMetadata> {
    let text: string;
    try {
      const fh = await open(join(this.backupPath(backupId), 'metadata.json'), 'r');
      try { text = await fh.readFile('utf8'); } finally { await fh.close(); }
    } catch (err) {
      if (isMissing(err)) throw new BackupNotFound(backupId);
      throw err;
    }
    return JSON.parse(text) as BackupMetadata;
  }

  async backupVolume(backupId: string, volumeId: string, parentId?: string): Promise<{ size: number }> {
    const ids = parentId === undefined ? [backupId, volumeId] : [backupId, volumeId, parentId];
    return this.op(`back up volume ${volumeId} to backup ${backupId}`, ids, async () => {
      const final = this.backupPath(backupId);
      if (await exists(final)) throw new BlockStorageError(`Backup ${backupId} already exists.`);
      const source = await this.volumeFile(volumeId);
      // NOTE: an incremental backup is stored whole (the contract allows it); its parent must still exist.
      if (parentId !== undefined) await this.readBackup(parentId);
      const parentDir = join(final, '..');
      await mkdir(parentDir, { recursive: true });
      const tmp = this.temp(parentDir, `backup-${backupId}`);
      try {
        await mkdir(tmp);
        const data = join(tmp, 'data.qcow2');
        await this.qemuImg(['convert', '-U', '-f', this.format, '-O', 'qcow2', source, data], true);
        const virtualSize = await this.virtualSize(data, 'qcow2');
        const meta: BackupMetadata = {
          version: 1, backupId, volumeId, parentId: parentId ?? null, virtualSize, sizeGb: Math.ceil(virtualSize / GiB),
          format: 'qcow2', dataFile: 'data.qcow2', createdAt: new Date().toISOString(),
        };
        await writeFile(join(tmp, 'metadata.json'), `${JSON.stringify(meta, null, 2)}\n`);
        await fsyncPath(data);
        await fsyncPath(join(tmp, 'metadata.json'));
        await fsyncPath(tmp);
        try {
          await rename(tmp, final);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new BlockStorageError(`Backup ${backupId} already exists.`);
          throw err;
        }
        await fsyncPath(parentDir);
        return { size: (await stat(join(final, 'data.qcow2'))).size };
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });
  }

  async restoreBackup(backupId: string, volumeId: string): Promise<void> {
    return this.op(`restore backup ${backupId} to volume ${volumeId}`, [backupId, volumeId], async () => {
      const meta = await this.readBackup(backupId);
      await this.overwrite(volumeId, join(this.backupPath(backupId), meta.dataFile), 'qcow2', `restoring backup ${backupId}`);
    });
  }

  async importVolume(id: string, path: string, format: 'qcow2' | 'raw'): Promise<void> {
    return this.op(`import ${path} into volume ${id}`, [id], () => this.overwrite(id, path, format, `importing into volume ${id}`));
  }

  /** Replaces a volume's bytes with a file's, converted to the volume's format; never shrinks it. */
  private async overwrite(volumeId: string, data: string, format: 'qcow2' | 'raw', why: string): Promise<void> {
    const final = await this.volumeFile(volumeId);
    const current = await this.virtualSize(final, this.format);
    const dataSize = await this.virtualSize(data, format);
    await this.reserve(dataSize - current, why);
    const tmp = this.temp(this.volumesDir, `volume-${volumeId}`);
    try {
      await this.qemuImg(['convert', '-f', format, '-O', this.format, data, tmp], true);
      // NOTE: the volume keeps its size when larger than the data (its table may be bigger than the data's disk).
      if (dataSize < current) await this.qemuImg(['resize', '-q', '-f', this.format, tmp, String(current)]);
      // NOTE: a rename over the volume; the service overwrites only an available (unattached) volume.
      await this.commit(tmp, final, true, 'Volume', volumeId);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async deleteBackup(backupId: string): Promise<void> {
    return this.op(`delete backup ${backupId}`, [backupId], async () => {
      const path = this.backupPath(backupId);
      const doomed = this.temp(join(path, '..'), `delete-${backupId}`);
      // NOTE: renamed away first, so a crash halfway leaves a `.tmp-` dir for cleanup, not a listed half-backup.
      try {
        await rename(path, doomed);
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
      await rm(doomed, { recursive: true, force: true });
    });
  }

  async connection(volumeId: string): Promise<VolumeConnection> {
    return this.op(`connect volume ${volumeId}`, [volumeId], async () => ({
      driverVolumeType: 'file', path: await this.volumeFile(volumeId), format: this.format,
    }));
  }

  private async backupIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const shard of await this.names(this.backupsDir, '')) {
      if (shard.startsWith(TMP)) continue;
      const entries = await this.names(join(this.backupsDir, shard), '');
      ids.push(...entries.filter((n) => !n.startsWith(TMP) && ID.test(n)));
    }
    return ids.sort();
  }

  async list(): Promise<BackendInventory> {
    return this.op('list the backend', [], async () => ({
      volumes: await this.names(this.volumesDir, 'volume-'),
      snapshots: await this.names(this.snapshotsDir, 'snapshot-'),
      backups: await this.backupIds(),
    }));
  }

  // ---- manage and unmanage

  private kindDir(kind: ManageableKind): string { return kind === 'volume' ? this.volumesDir : this.snapshotsDir; }
  private kindFormat(kind: ManageableKind): DiskFormat { return kind === 'volume' ? this.format : 'qcow2'; }

  /** The file a reference names, checked to exist and to be a disk in the kind's format; its size in bytes. */
  private async referenced(kind: ManageableKind, ref: ExistingRef): Promise<{ name: string; path: string; bytes: number }> {
    const name = referencedName(kind, ref);
    const missing = () => new ManageExistingInvalidReference(ref, `Specified ${kind} file does not exist.`);
    // NOTE: the name becomes a path: only a plain file name in the kind's directory.
    if (!FILE_NAME.test(name)) throw missing();
    const path = join(this.kindDir(kind), name);
    if (!(await exists(path))) throw missing();
    try {
      return { name, path, bytes: await this.virtualSize(path, this.kindFormat(kind)) };
    } catch (err) {
      throw new ManageExistingInvalidReference(ref, `Specified ${kind} file is not a ${this.kindFormat(kind)} disk: ${(err as Error).message}`);
    }
  }

  /** Whether a guest holds the file open: QEMU holds a write lock on the disks it runs. */
  private async inUse(path: string, format: DiskFormat): Promise<boolean> {
    try {
      await this.qemuImg(['info', '-f', format, '--output=json', path]);
      return false;
    } catch (err) {
      return err instanceof CommandError && /lock/i.test(err.stderr);
    }
  }

  private async readSource(name: string): Promise<string | null> {
    try {
      const fh = await open(join(this.sourcesDir, name), 'r');
      try { return (await fh.readFile('utf8')).trim() || null; } finally { await fh.close(); }
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async listManageable(kind: ManageableKind, managedIds: readonly string[]): Promise<ManageableObject[]> {
    return this.op(`list manageable ${kind}s`, [], async () => {
      const managed = new Set(managedIds);
      const out: ManageableObject[] = [];
      for (const name of await this.names(this.kindDir(kind), '')) {
        if (!FILE_NAME.test(name)) continue;
        const path = join(this.kindDir(kind), name);
        let bytes: number;
        try {
          bytes = await this.virtualSize(path, this.kindFormat(kind));
        } catch (err) {
          if (isMissing(err)) continue; // NOTE: removed while we listed.
          out.push({ reference: { 'source-name': name }, sizeGb: 0, safeToManage: false, reasonNotSafe: `not a ${this.kindFormat(kind)} disk`, cinderId: null, extraInfo: null, ...(kind === 'snapshot' ? { sourceReference: null } : {}) });
          continue;
        }
        const id = idInName(kind, name);
        const entry: ManageableObject = { reference: { 'source-name': name }, sizeGb: Math.ceil(bytes / GiB), safeToManage: true, reasonNotSafe: null, cinderId: null, extraInfo: null };
        if (id !== null && managed.has(id)) Object.assign(entry, { safeToManage: false, reasonNotSafe: 'already managed', cinderId: id });
        else if (kind === 'volume' && (await this.inUse(path, this.format))) Object.assign(entry, { safeToManage: false, reasonNotSafe: 'volume in use' });
        if (kind === 'snapshot') {
          const source = await this.readSource(name);
          entry.sourceReference = source ? { 'source-name': source } : null;
        }
        out.push(entry);
      }
      return out;
    });
  }

  async manageableSize(kind: ManageableKind, ref: ExistingRef): Promise<number> {
    return this.op(`size the ${kind} to manage`, [], async () => Math.ceil((await this.referenced(kind, ref)).bytes / GiB));
  }

  async manageExisting(kind: ManageableKind, id: string, ref: ExistingRef): Promise<void> {
    return this.op(`manage an existing ${kind} as ${id}`, [id], async () => {
      const from = await this.referenced(kind, ref);
      const final = kind === 'volume' ? this.volumePath(id) : this.snapshotPath(id);
      if (from.path === final) return;
      try {
        // NOTE: a link then an unlink, as creates commit: a taken name is refused, never replaced.
        await link(from.path, final);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BlockStorageError(`${kind === 'volume' ? 'Volume' : 'Snapshot'} ${id} already exists.`);
        throw err;
      }
      await unlink(from.path);
      await fsyncPath(this.kindDir(kind));
      if (kind === 'snapshot') {
        try {
          await rename(join(this.sourcesDir, from.name), join(this.sourcesDir, `snapshot-${id}`));
        } catch (err) {
          if (!isMissing(err)) throw err;
        }
      }
    });
  }

  async unmanage(kind: ManageableKind, id: string): Promise<void> {
    // NOTE: nothing to do: the file keeps its name and stays, as Cinder's file-based drivers leave it.
    return this.op(`unmanage ${kind} ${id}`, [id], async () => {});
  }

  /** The temporary files and directories a crash left (also for tests). */
  async leftovers(): Promise<string[]> {
    await this.dirs();
    const found: string[] = [];
    const scan = async (dir: string) => {
      for (const n of await this.names(dir, TMP)) found.push(join(dir, `${TMP}${n}`));
    };
    await scan(this.volumesDir);
    await scan(this.snapshotsDir);
    await scan(this.backupsDir);
    for (const shard of await this.names(this.backupsDir, '')) {
      if (!shard.startsWith(TMP)) await scan(join(this.backupsDir, shard));
    }
    return found.sort();
  }

  async cleanup(): Promise<void> {
    // NOTE: run on start, before any work: a create in flight in this process would lose its temporary file.
    return this.op('clean up temporary files', [], async () => {
      for (const path of await this.leftovers()) await rm(path, { recursive: true, force: true });
    });
  }

  async close(): Promise<void> {}
}
