// Object bytes as files: DIR/data/<xx>/<id>, written under DIR/tmp first (see the contract).
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, openSync, type ReadStream } from 'node:fs';
import { open, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BlobIncomplete, BlobNotFound, BlobTooLarge, ObjectStorageError, StorageFull,
  type Blob, type ObjectStorageDriver, type ObjectStorageStats, type WriteLimits,
} from './object-storage-driver.js';
import { fsyncPath } from '../../core/fs/fsync.js';

export class FsObjectStorageDriver implements ObjectStorageDriver {
  readonly name = 'fs';
  private readonly dataDir: string;
  private readonly tmpDir: string;
  private readonly made = new Set<string>();

  constructor(dir: string) {
    this.dataDir = join(dir, 'data');
    this.tmpDir = join(dir, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true });
    mkdirSync(this.dataDir, { recursive: true });
  }

  private pathOf(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new BlobNotFound(id);
    return join(this.dataDir, id.slice(0, 2), id);
  }

  async write(source: AsyncIterable<Buffer | string>, limits: WriteLimits): Promise<Blob> {
    const id = randomUUID().replace(/-/g, '');
    const tmp = join(this.tmpDir, id);
    const hash = createHash('md5');
    let size = 0;
    const fh = await open(tmp, 'wx').catch((e) => { throw storageError(e); });
    try {
      for await (const chunk of source) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        if (size > limits.maxBytes) throw new BlobTooLarge(`more than ${limits.maxBytes} bytes`);
        hash.update(buf);
        let off = 0;
        while (off < buf.length) off += (await fh.write(buf, off)).bytesWritten;
      }
      if (limits.expectedBytes !== undefined && size < limits.expectedBytes) throw new BlobIncomplete(`${size} of ${limits.expectedBytes} bytes arrived`);
      await fh.sync();
      await fh.close();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw storageError(err);
    }
    const dir = join(this.dataDir, id.slice(0, 2));
    try {
      if (!this.made.has(dir)) { mkdirSync(dir, { recursive: true }); this.made.add(dir); }
      await rename(tmp, join(dir, id));
      await fsyncPath(dir);
    } catch (err) {
      await rm(tmp, { force: true });
      throw storageError(err);
    }
    return { id, size, md5: hash.digest('hex') };
  }

  read(id: string, range?: { start: number; end: number }): ReadStream {
    let fd: number;
    // NOTE: opened at once so that an absent blob throws here, before a response starts.
    try { fd = openSync(this.pathOf(id), 'r'); } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof BlobNotFound) throw new BlobNotFound(id);
      throw storageError(err);
    }
    return createReadStream('', { fd, start: range?.start, end: range?.end, highWaterMark: 256 * 1024 });
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }

  async list(): Promise<{ id: string; writtenAt: number }[]> {
    const out: { id: string; writtenAt: number }[] = [];
    for (const sub of await readdir(this.dataDir)) {
      for (const id of await readdir(join(this.dataDir, sub)).catch(() => [] as string[])) {
        const s = await stat(join(this.dataDir, sub, id)).catch(() => undefined);
        if (s) out.push({ id, writtenAt: s.mtimeMs });
      }
    }
    return out;
  }

  async cleanup(): Promise<void> {
    for (const name of await readdir(this.tmpDir)) await rm(join(this.tmpDir, name), { force: true });
  }

  async stats(): Promise<ObjectStorageStats> {
    const s = await statfs(this.dataDir);
    return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  }
}

function storageError(err: unknown): Error {
  if (err instanceof ObjectStorageError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StorageFull('no space left on the device');
  if (code?.startsWith('E') && code !== 'ECONNRESET' && code !== 'ERR_STREAM_PREMATURE_CLOSE') return err as Error;
  // NOTE: anything else failed in the source (the client went away, a bad chunk, a broken archive).
  return new BlobIncomplete(`the source failed: ${(err as Error)?.message ?? String(err)}`);
}
