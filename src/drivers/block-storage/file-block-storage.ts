// The file block-storage driver: volumes as qcow2 (or raw) files under `dir`, made, copied and
// resized with qemu-img (Debian qemu-utils). Snapshots are independent qcow2 copies; backups are
// qcow2 copies with a small JSON description in Cinder's posix layout (backups/<id[0:2]>/<id>/).
// Every file is written under a `.tmp-` name, fsynced and renamed into place, so a crash leaves a
// whole file or one `cleanup` removes.
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../host/run-command.js';
import {
  BackupNotFound, BlockStorageError, SnapshotNotFound, VolumeNotFound,
  type BackendInventory, type BackendStats, type BlockStorageDriver, type VolumeConnection, type VolumeSource,
} from './block-storage-driver.js';

const QEMU_IMG = '/usr/bin/qemu-img';
const GiB = 1024 ** 3;
// NOTE: qemu-img on a 1 GiB sparse file takes well under a second; a copy of a large volume longer.
const TIMEOUT_MS = 30 * 60_000;

export interface FileBlockStorageOptions {
  dir: string;
  backupDir?: string;
  /** The capacity reported to the scheduler, in GiB; default: the file system's. */
  capacityGb?: number;
  format?: 'qcow2' | 'raw';
}

interface ImageInfo { 'virtual-size': number; 'actual-size'?: number; format: string }

export class FileBlockStorageDriver implements BlockStorageDriver {
  readonly name = 'file';
  private readonly volumesDir: string;
  private readonly snapshotsDir: string;
  private readonly backupsDir: string;
  private readonly format: 'qcow2' | 'raw';
  private ready: Promise<void> | undefined;

  constructor(private readonly opts: FileBlockStorageOptions) {
    this.volumesDir = join(opts.dir, 'volumes');
    this.snapshotsDir = join(opts.dir, 'snapshots');
    this.backupsDir = opts.backupDir ?? join(opts.dir, 'backups');
    this.format = opts.format ?? 'qcow2';
  }

  private dirs(): Promise<void> {
    this.ready ??= Promise.all([this.volumesDir, this.snapshotsDir, this.backupsDir].map((d) => mkdir(d, { recursive: true }))).then(() => undefined);
    return this.ready;
  }

  private volumePath(id: string) { return join(this.volumesDir, `volume-${id}`); }
  private snapshotPath(id: string) { return join(this.snapshotsDir, `snapshot-${id}`); }
  private backupDir(id: string) { return join(this.backupsDir, id.slice(0, 2), id); }

  private async info(path: string, format?: string): Promise<ImageInfo> {
    const out = await this.qemuImg(['info', '--output=json', ...(format ? ['-f', format] : []), path]);
    return JSON.parse(out) as ImageInfo;
  }

  private async qemuImg(args: string[]): Promise<string> {
    try {
      return await runCommand(QEMU_IMG, args, { timeoutMs: TIMEOUT_MS });
    } catch (err) {
      throw new BlockStorageError(err instanceof Error ? err.message : String(err));
    }
  }

  /** Writes `path` through `make(tmp)`: a temporary name, fsync, rename, fsync of the directory. */
  private async atomically(path: string, make: (tmp: string) => Promise<void>): Promise<void> {
    const dir = join(path, '..');
    const tmp = join(dir, `.tmp-${path.slice(dir.length + 1)}`);
    try {
      await make(tmp);
      await fsync(tmp);
      await rename(tmp, path);
      await fsync(dir);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err instanceof BlockStorageError ? err : new BlockStorageError(err instanceof Error ? err.message : String(err));
    }
  }

  private async exists(path: string): Promise<boolean> {
    return stat(path).then(() => true, () => false);
  }

  private async existingVolume(id: string): Promise<string> {
    const path = this.volumePath(id);
    if (!(await this.exists(path))) throw new VolumeNotFound(id);
    return path;
  }

  async stats(): Promise<BackendStats> {
    await this.dirs();
    let provisioned = 0;
    for (const f of await readdir(this.volumesDir)) {
      if (!f.startsWith('volume-')) continue;
      provisioned += await this.virtualSize(join(this.volumesDir, f)).catch(() => 0);
    }
    const provisionedGb = Math.ceil(provisioned / GiB);
    let totalGb: number;
    let freeGb: number;
    if (this.opts.capacityGb !== undefined) {
      totalGb = this.opts.capacityGb;
      freeGb = Math.max(0, totalGb - provisionedGb);
    } else {
      const fs = await statfs(this.opts.dir);
      totalGb = Math.floor((fs.blocks * fs.bsize) / GiB);
      freeGb = Math.floor((fs.bavail * fs.bsize) / GiB);
    }
    // NOTE: 'file' as the storage protocol: the hypervisor opens the file itself (os-brick's
    // local file connector); Cinder's NFS driver says 'nfs' for the same kind of volume.
    return { backendName: 'file', driverVersion: '1.0.0', storageProtocol: 'file', vendorName: 'Open Source', totalGb, freeGb, provisionedGb, thinProvisioning: this.format === 'qcow2' };
  }

  /**
   * A volume's virtual size without running qemu-img (the scheduler asks for stats on every
   * create): a qcow2 header holds it big-endian at byte 24; a raw file is its own size.
   */
  private async virtualSize(path: string): Promise<number> {
    if (this.format === 'raw') return (await stat(path)).size;
    const fh = await open(path, 'r');
    try {
      const header = Buffer.alloc(32);
      await fh.read(header, 0, 32, 0);
      if (header.readUInt32BE(0) !== 0x514649fb) throw new BlockStorageError(`${path} is not a qcow2 file.`);
      return Number(header.readBigUInt64BE(24));
    } finally {
      await fh.close();
    }
  }

  async createVolume(id: string, sizeGb: number, source?: VolumeSource): Promise<void> {
    await this.dirs();
    const path = this.volumePath(id);
    if (await this.exists(path)) throw new BlockStorageError(`Volume ${id} already exists.`);
    let from: { path: string; format: string } | undefined;
    if (source?.kind === 'image') {
      if (!(await this.exists(source.path))) throw new BlockStorageError(`Image file ${source.path} does not exist.`);
      from = { path: source.path, format: source.format };
    } else if (source?.kind === 'volume') from = { path: await this.existingVolume(source.id), format: this.format };
    else if (source?.kind === 'snapshot') {
      const sp = this.snapshotPath(source.id);
      if (!(await this.exists(sp))) throw new SnapshotNotFound(source.id);
      from = { path: sp, format: 'qcow2' };
    }
    const bytes = sizeGb * GiB;
    await this.atomically(path, async (tmp) => {
      if (!from) {
        await this.qemuImg(['create', '-q', '-f', this.format, tmp, String(bytes)]);
        return;
      }
      const virtual = (await this.info(from.path, from.format))['virtual-size'];
      if (virtual > bytes) throw new BlockStorageError(`The source is ${Math.ceil(virtual / GiB)} GiB, larger than the volume's ${sizeGb} GiB.`);
      await this.qemuImg(['convert', '-q', '-f', from.format, '-O', this.format, from.path, tmp]);
      if (virtual < bytes) await this.qemuImg(['resize', '-q', '-f', this.format, tmp, String(bytes)]);
    });
  }

  async deleteVolume(id: string): Promise<void> { await rm(this.volumePath(id), { force: true }); }

  async extendVolume(id: string, newSizeGb: number): Promise<void> {
    const path = await this.existingVolume(id);
    const current = (await this.info(path, this.format))['virtual-size'];
    if (newSizeGb * GiB <= current) throw new BlockStorageError(`Volume ${id} is ${Math.ceil(current / GiB)} GiB: it can only grow.`);
    await this.qemuImg(['resize', '-q', '-f', this.format, path, String(newSizeGb * GiB)]);
    await fsync(path);
  }

  async volumeUsage(id: string): Promise<number> {
    const s = await stat(await this.existingVolume(id));
    return s.blocks * 512;
  }

  async createSnapshot(snapshotId: string, volumeId: string): Promise<void> {
    await this.dirs();
    const path = this.snapshotPath(snapshotId);
    if (await this.exists(path)) throw new BlockStorageError(`Snapshot ${snapshotId} already exists.`);
    const source = await this.existingVolume(volumeId);
    await this.atomically(path, (tmp) => this.qemuImg(['convert', '-q', '-f', this.format, '-O', 'qcow2', source, tmp]).then(() => undefined));
  }

  async deleteSnapshot(snapshotId: string): Promise<void> { await rm(this.snapshotPath(snapshotId), { force: true }); }

  async exportVolume(id: string, path: string, format: 'qcow2' | 'raw'): Promise<{ size: number }> {
    const source = await this.existingVolume(id);
    await this.qemuImg(['convert', '-q', '-f', this.format, '-O', format, source, path]);
    return { size: (await stat(path)).size };
  }

  async backupVolume(backupId: string, volumeId: string, parentId?: string): Promise<{ size: number }> {
    await this.dirs();
    const dir = this.backupDir(backupId);
    if (await this.exists(dir)) throw new BlockStorageError(`Backup ${backupId} already exists.`);
    const source = await this.existingVolume(volumeId);
    const info = await this.info(source, this.format);
    await mkdir(join(dir, '..'), { recursive: true });
    const tmpDir = join(dir, '..', `.tmp-${backupId}`);
    try {
      await mkdir(tmpDir, { recursive: true });
      // NOTE: an incremental backup is stored whole (the contract allows it); its parent is recorded.
      await this.qemuImg(['convert', '-q', '-f', this.format, '-O', 'qcow2', source, join(tmpDir, 'data')]);
      await writeFile(join(tmpDir, 'metadata.json'), JSON.stringify({ backup_id: backupId, volume_id: volumeId, parent_id: parentId ?? null, virtual_size: info['virtual-size'] }));
      await fsync(join(tmpDir, 'data'));
      await fsync(join(tmpDir, 'metadata.json'));
      await rename(tmpDir, dir);
      await fsync(join(dir, '..'));
    } catch (err) {
      await rm(tmpDir, { recursive: true, force: true });
      throw err instanceof BlockStorageError ? err : new BlockStorageError(String(err));
    }
    return { size: (await stat(join(dir, 'data'))).size };
  }

  async restoreBackup(backupId: string, volumeId: string): Promise<void> {
    const dir = this.backupDir(backupId);
    if (!(await this.exists(join(dir, 'data')))) throw new BackupNotFound(backupId);
    const path = await this.existingVolume(volumeId);
    const meta = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as { virtual_size: number };
    const current = (await this.info(path, this.format))['virtual-size'];
    const size = Math.max(current, meta.virtual_size);
    await this.atomically(path, async (tmp) => {
      await this.qemuImg(['convert', '-q', '-f', 'qcow2', '-O', this.format, join(dir, 'data'), tmp]);
      if (size > meta.virtual_size) await this.qemuImg(['resize', '-q', '-f', this.format, tmp, String(size)]);
    });
  }

  async deleteBackup(backupId: string): Promise<void> { await rm(this.backupDir(backupId), { recursive: true, force: true }); }

  async connection(volumeId: string): Promise<VolumeConnection> {
    return { driverVolumeType: 'file', path: await this.existingVolume(volumeId), format: this.format };
  }

  async list(): Promise<BackendInventory> {
    await this.dirs();
    const ids = async (dir: string, prefix: string) => (await readdir(dir)).filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
    const backups: string[] = [];
    for (const shard of await readdir(this.backupsDir)) {
      if (shard.startsWith('.tmp-')) continue;
      for (const id of await readdir(join(this.backupsDir, shard)).catch(() => [] as string[])) if (!id.startsWith('.tmp-')) backups.push(id);
    }
    return { volumes: await ids(this.volumesDir, 'volume-'), snapshots: await ids(this.snapshotsDir, 'snapshot-'), backups };
  }

  async cleanup(): Promise<void> {
    await this.dirs();
    for (const dir of [this.volumesDir, this.snapshotsDir]) {
      for (const f of await readdir(dir)) if (f.startsWith('.tmp-')) await rm(join(dir, f), { recursive: true, force: true });
    }
    for (const shard of await readdir(this.backupsDir)) {
      for (const f of await readdir(join(this.backupsDir, shard)).catch(() => [] as string[])) {
        if (f.startsWith('.tmp-')) await rm(join(this.backupsDir, shard, f), { recursive: true, force: true });
      }
    }
  }

  async close(): Promise<void> {}
}

/** fsync of a file or a directory (so that a rename survives a crash). */
async function fsync(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}
