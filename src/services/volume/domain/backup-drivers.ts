// Where backups keep their bytes: Cinder's backup_driver. `posix` leaves them to the block-storage
// driver (its backup dir); `swift` stores them as objects in the backup project's Swift account
// through the object store's facade, with Cinder's chunked layout (cinder/backup/chunkeddriver.py,
// drivers/swift.py): under the prefix `volume_<volume id>/<YYYYmmddHHMMSS>/az_<az>_backup_<id>`,
// chunks `<prefix>-00001` ... (50 MiB of the volume each, zlib-compressed when that is smaller),
// `<prefix>_sha256file` (a SHA-256 per 32 KiB block) and `<prefix>_metadata` (the chunks, their
// offsets, lengths, md5s and compression). An incremental backup stores only the extents whose
// blocks changed since its parent; a restore applies the chain from the full backup up.
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflate, inflate } from 'node:zlib';
import type { BlockStorageDriver } from '../../../drivers/block-storage/block-storage-driver.js';
import type { ObjectStoreFacade } from '../../object-store/facade.js';
import type { BackupRecord } from '../store/tables.js';

export type BackupDriverName = 'posix' | 'swift';

/** What the manager asks of the backup store; every call runs after the commit, from a task. */
export interface BackupStore {
  /** Cinder's backup service name (export_record's backup_service). */
  readonly service: string;
  /** The container a backup goes to when the request names none. */
  readonly defaultContainer: string;
  /** The name the bytes will go under (service_metadata), chosen when the backup is recorded. */
  key(b: Pick<BackupRecord, 'id' | 'volume_id' | 'availability_zone'>): string;
  /** Copies `sourceVolumeId`'s bytes (only the changes since `parent` when given); the object count. */
  backup(b: BackupRecord, sourceVolumeId: string, parent?: BackupRecord): Promise<{ objectCount: number }>;
  /** Overwrites the volume with the last backup of `chain` (full backup first, then its incrementals). */
  restore(chain: BackupRecord[], volumeId: string): Promise<void>;
  /** Removes the backup's bytes; absent bytes are no error. */
  delete(b: BackupRecord): Promise<void>;
  /** Whether the backup's bytes are all there (a create resumed after a crash). */
  exists(b: BackupRecord): Promise<boolean>;
}

export const POSIX_BACKUP_SERVICE = 'cinder.backup.drivers.posix.PosixBackupDriver';
export const SWIFT_BACKUP_SERVICE = 'cinder.backup.drivers.swift.SwiftBackupDriver';

export class PosixBackups implements BackupStore {
  readonly service = POSIX_BACKUP_SERVICE;
  readonly defaultContainer = 'backups';
  constructor(private readonly driver: BlockStorageDriver) {}
  key(b: Pick<BackupRecord, 'id'>): string { return b.id; }
  async backup(b: BackupRecord, sourceVolumeId: string, parent?: BackupRecord): Promise<{ objectCount: number }> {
    await this.driver.backupVolume(b.backend_key, sourceVolumeId, parent?.backend_key);
    return { objectCount: 1 };
  }
  async restore(chain: BackupRecord[], volumeId: string): Promise<void> { await this.driver.restoreBackup(chain.at(-1)!.backend_key, volumeId); }
  async delete(b: BackupRecord): Promise<void> { await this.driver.deleteBackup(b.backend_key); }
  async exists(b: BackupRecord): Promise<boolean> { return (await this.driver.list()).backups.includes(b.backend_key); }
}

/** Cinder's [DEFAULT] backup_swift_object_size, backup_swift_block_size, backup_compression_algorithm. */
export const SWIFT_BACKUP_SETTINGS = { objectSize: 52_428_800, blockSize: 32_768, compression: 'zlib' };
const DRIVER_VERSION = '1.0.0';
const GiB = 1024 ** 3;
const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

interface ChunkEntry { offset: number; length: number; compression: string; md5: string }
interface SwiftMetadata {
  version: string; backup_id: string; volume_id: string; backup_name: string | null; backup_description: string | null;
  created_at: string; objects: Record<string, ChunkEntry>[]; parent_id: string | null; volume_meta: string | null;
}

export class SwiftBackups implements BackupStore {
  readonly service = SWIFT_BACKUP_SERVICE;
  readonly defaultContainer = 'volumebackups';
  constructor(
    private readonly driver: BlockStorageDriver,
    private readonly objects: () => ObjectStoreFacade | undefined,
    private readonly scratchDir: string,
    private readonly settings = SWIFT_BACKUP_SETTINGS,
  ) {}

  key(b: Pick<BackupRecord, 'id' | 'volume_id' | 'availability_zone'>): string {
    // NOTE: swift.py's _generate_object_name_prefix: timeutils.utcnow().strftime("%Y%m%d%H%M%S").
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    return `volume_${b.volume_id}/${stamp}/az_${b.availability_zone ?? 'nova'}_backup_${b.id}`;
  }

  private where(b: BackupRecord) {
    const store = this.objects();
    if (!store) throw new Error('The object store (swift) is not running: Swift backups cannot be reached.');
    return { store, account: store.account(b.project_id), container: b.container ?? this.defaultContainer };
  }

  private async readJson<T>(b: BackupRecord, suffix: string): Promise<T> {
    const { store, account, container } = this.where(b);
    return JSON.parse((await store.readObject(account, container, `${b.backend_key}${suffix}`)).toString('utf8')) as T;
  }

  async backup(b: BackupRecord, sourceVolumeId: string, parent?: BackupRecord): Promise<{ objectCount: number }> {
    const { store, account, container } = this.where(b);
    const { objectSize, blockSize } = this.settings;
    let parentShas: string[] | undefined;
    if (parent) {
      const shafile = await this.readJson<{ chunk_size: number; sha256s: string[] }>(parent, '_sha256file');
      if (shafile.chunk_size !== blockSize) {
        throw new Error(`Hash block size has changed since the last backup. New hash block size: ${blockSize}. Old hash block size: ${shafile.chunk_size}. Do a full backup.`);
      }
      if (b.size > parent.size) throw new Error('Volume size increased since the last backup. Do a full backup.');
      parentShas = shafile.sha256s;
    }
    await store.ensureContainer(account, container);
    const dir = await mkdtemp(join(this.scratchDir, `backup-${b.id}-`));
    const objects: Record<string, ChunkEntry>[] = [];
    const shas: string[] = [];
    let nextId = 1;
    const putChunk = async (data: Buffer, offset: number) => {
      const name = `${b.backend_key}-${String(nextId).padStart(5, '0')}`;
      const compressed = await deflateAsync(data);
      const [compression, body] = compressed.length < data.length ? [this.settings.compression, compressed] : ['none', data];
      await store.putObject(account, container, name, body);
      objects.push({ [name]: { offset, length: data.length, compression, md5: createHash('md5').update(data).digest('hex') } });
      nextId += 1;
    };
    try {
      const file = join(dir, 'volume.raw');
      await this.driver.exportVolume(sourceVolumeId, file, 'raw');
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.alloc(objectSize);
        for (let offset = 0; ; offset += objectSize) {
          const { bytesRead } = await fh.read(buf, 0, objectSize, offset);
          if (bytesRead === 0) break;
          const data = buf.subarray(0, bytesRead);
          const first = shas.length;
          for (let off = 0; off < data.length; off += blockSize) shas.push(createHash('sha256').update(data.subarray(off, off + blockSize)).digest('hex'));
          if (!parentShas) { await putChunk(data, offset); continue; }
          // NOTE: as chunkeddriver.backup: runs of blocks whose hash differs from the parent's go as one object each.
          let start = -1;
          for (let i = first; i <= shas.length; i++) {
            const changed = i < shas.length && shas[i] !== parentShas[i];
            if (changed && start < 0) start = i;
            if (!changed && start >= 0) {
              const from = (start - first) * blockSize;
              await putChunk(data.subarray(from, Math.min((i - first) * blockSize, data.length)), offset + from);
              start = -1;
            }
          }
        }
      } finally {
        await fh.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const common = { version: DRIVER_VERSION, backup_id: b.id, volume_id: b.volume_id, backup_name: b.name, backup_description: b.description, created_at: b.created_at };
    await store.putObject(account, container, `${b.backend_key}_sha256file`, json({ ...common, chunk_size: blockSize, sha256s: shas }), 'application/json');
    const metadata: SwiftMetadata = { ...common, objects, parent_id: parent?.id ?? null, volume_meta: b.volume_state ? JSON.stringify(b.volume_state) : null };
    await store.putObject(account, container, `${b.backend_key}_metadata`, json(metadata), 'application/json');
    // NOTE: Cinder records the next object id as object_count.
    return { objectCount: nextId };
  }

  async restore(chain: BackupRecord[], volumeId: string): Promise<void> {
    const last = chain.at(-1)!;
    const dir = await mkdtemp(join(this.scratchDir, `restore-${last.id}-`));
    try {
      const file = join(dir, 'volume.raw');
      const fh = await open(file, 'w');
      try {
        await fh.truncate(last.size * GiB);
        for (const [index, b] of chain.entries()) {
          const { store, account, container } = this.where(b);
          const meta = await this.readJson<SwiftMetadata>(b, '_metadata');
          const named = meta.objects.map((o) => Object.keys(o)[0]!);
          const held = (await store.listObjects(account, container, b.backend_key)).filter((n) => n !== `${b.backend_key}_metadata` && n !== `${b.backend_key}_sha256file`);
          if ([...held].sort().join('\n') !== [...named].sort().join('\n')) throw new Error('restore_backup aborted, actual object list does not match object list stored in metadata.');
          for (const entry of meta.objects) {
            const [name, o] = Object.entries(entry)[0]!;
            const body = await store.readObject(account, container, name);
            const data = o.compression === 'none' ? body : o.compression === 'zlib' ? await inflateAsync(body) : undefined;
            if (!data) throw new Error(`Backup ${b.id}: compression ${o.compression} is not supported.`);
            // NOTE: the file starts sparse (zeros): the full backup's zero chunks need no write.
            if (index === 0 && isZero(data)) continue;
            await fh.write(data, 0, data.length, o.offset);
          }
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.driver.importVolume(volumeId, file, 'raw');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async delete(b: BackupRecord): Promise<void> {
    const { store, account, container } = this.where(b);
    for (const name of await store.listObjects(account, container, b.backend_key)) await store.deleteObject(account, container, name);
  }

  async exists(b: BackupRecord): Promise<boolean> {
    const { store, account, container } = this.where(b);
    return (await store.listObjects(account, container, b.backend_key)).includes(`${b.backend_key}_metadata`);
  }
}

function isZero(data: Buffer): boolean {
  const zeros = Buffer.alloc(Math.min(data.length, 1 << 20));
  for (let off = 0; off < data.length; off += zeros.length) {
    const part = data.subarray(off, off + zeros.length);
    if (!part.equals(zeros.subarray(0, part.length))) return false;
  }
  return true;
}

/** Cinder writes its JSON files with json.dumps(..., sort_keys=True, indent=2). */
function json(value: unknown): Buffer {
  const sorted = (v: unknown): unknown => Array.isArray(v) ? v.map(sorted)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return Buffer.from(JSON.stringify(sorted(value), null, 2), 'utf8');
}
