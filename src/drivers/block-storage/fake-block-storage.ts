// The fake block-storage driver: volumes, snapshots and backups as records in memory, each with a
// small content marker that copies, clones, restores and exports carry, so that the contract suite
// can tell a copy from a fresh volume. Failures can be injected (`failNext`).
import { writeFile } from 'node:fs/promises';
import {
  BackupNotFound, BlockStorageError, SnapshotNotFound, VolumeNotFound,
  type BackendInventory, type BackendStats, type BlockStorageDriver, type VolumeConnection, type VolumeSource,
} from './block-storage-driver.js';

interface Item { sizeGb: number; content: string }

export class FakeBlockStorageDriver implements BlockStorageDriver {
  readonly name = 'fake';
  private readonly volumes = new Map<string, Item>();
  private readonly snapshots = new Map<string, Item>();
  private readonly backups = new Map<string, Item>();
  private readonly failures = new Map<string, string>();
  private readonly totalGb: number;

  constructor(opts: { totalGb?: number } = {}) { this.totalGb = opts.totalGb ?? 1000; }

  /** The next call of `op` (a method name) throws BlockStorageError(message). */
  failNext(op: keyof BlockStorageDriver, message: string): void { this.failures.set(op, message); }

  private check(op: keyof BlockStorageDriver): void {
    const m = this.failures.get(op);
    if (m !== undefined) { this.failures.delete(op); throw new BlockStorageError(m); }
  }

  private volume(id: string): Item {
    const v = this.volumes.get(id);
    if (!v) throw new VolumeNotFound(id);
    return v;
  }

  async stats(): Promise<BackendStats> {
    const provisionedGb = [...this.volumes.values()].reduce((n, v) => n + v.sizeGb, 0);
    return {
      backendName: 'fake', driverVersion: '1.0.0', storageProtocol: 'fake', vendorName: 'Open Source',
      totalGb: this.totalGb, freeGb: Math.max(0, this.totalGb - provisionedGb), provisionedGb, thinProvisioning: true,
    };
  }

  async createVolume(id: string, sizeGb: number, source?: VolumeSource): Promise<void> {
    this.check('createVolume');
    if (this.volumes.has(id)) throw new BlockStorageError(`Volume ${id} already exists.`);
    let content = `blank:${id}`;
    let sourceGb = 0;
    if (source?.kind === 'volume') ({ content, sizeGb: sourceGb } = this.volume(source.id));
    if (source?.kind === 'snapshot') {
      const s = this.snapshots.get(source.id);
      if (!s) throw new SnapshotNotFound(source.id);
      ({ content, sizeGb: sourceGb } = s);
    }
    if (source?.kind === 'image') content = `image:${source.path}`;
    if (sourceGb > sizeGb) throw new BlockStorageError(`The source (${sourceGb} GiB) is larger than the volume (${sizeGb} GiB).`);
    this.volumes.set(id, { sizeGb, content });
  }

  async deleteVolume(id: string): Promise<void> { this.check('deleteVolume'); this.volumes.delete(id); }

  async extendVolume(id: string, newSizeGb: number): Promise<void> {
    this.check('extendVolume');
    const v = this.volume(id);
    if (newSizeGb <= v.sizeGb) throw new BlockStorageError(`Volume ${id} is ${v.sizeGb} GiB: it can only grow.`);
    v.sizeGb = newSizeGb;
  }

  async volumeUsage(id: string): Promise<number> { return this.volume(id).content.length; }

  async createSnapshot(snapshotId: string, volumeId: string): Promise<void> {
    this.check('createSnapshot');
    if (this.snapshots.has(snapshotId)) throw new BlockStorageError(`Snapshot ${snapshotId} already exists.`);
    this.snapshots.set(snapshotId, { ...this.volume(volumeId) });
  }

  async deleteSnapshot(snapshotId: string): Promise<void> { this.check('deleteSnapshot'); this.snapshots.delete(snapshotId); }

  async exportVolume(id: string, path: string): Promise<{ size: number }> {
    this.check('exportVolume');
    const v = this.volume(id);
    await writeFile(path, v.content);
    return { size: Buffer.byteLength(v.content) };
  }

  async backupVolume(backupId: string, volumeId: string): Promise<{ size: number }> {
    this.check('backupVolume');
    if (this.backups.has(backupId)) throw new BlockStorageError(`Backup ${backupId} already exists.`);
    const v = this.volume(volumeId);
    this.backups.set(backupId, { ...v });
    return { size: v.content.length };
  }

  async restoreBackup(backupId: string, volumeId: string): Promise<void> {
    this.check('restoreBackup');
    const b = this.backups.get(backupId);
    if (!b) throw new BackupNotFound(backupId);
    const v = this.volume(volumeId);
    v.content = b.content;
    v.sizeGb = Math.max(v.sizeGb, b.sizeGb);
  }

  async deleteBackup(backupId: string): Promise<void> { this.check('deleteBackup'); this.backups.delete(backupId); }

  async connection(volumeId: string): Promise<VolumeConnection> {
    this.volume(volumeId);
    return { driverVolumeType: 'file', path: `/dev/fake/volume-${volumeId}`, format: 'raw' };
  }

  async list(): Promise<BackendInventory> {
    return { volumes: [...this.volumes.keys()], snapshots: [...this.snapshots.keys()], backups: [...this.backups.keys()] };
  }

  async cleanup(): Promise<void> {}
  async close(): Promise<void> {}
}
