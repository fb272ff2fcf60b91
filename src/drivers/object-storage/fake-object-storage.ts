// Object bytes in memory: the contract without a disk, for tests that need no files.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  BlobIncomplete, BlobNotFound, BlobTooLarge, type ObjectStorageDriver, type WrittenBlob, type ObjectStorageStats, type WriteLimits,
} from './object-storage-driver.js';

export class FakeObjectStorageDriver implements ObjectStorageDriver {
  readonly name = 'fake';
  private readonly blobs = new Map<string, { bytes: Buffer; writtenAt: number }>();

  constructor(private readonly capacity = 1024 ** 4) {}

  async write(source: AsyncIterable<Buffer | string>, limits: WriteLimits): Promise<WrittenBlob> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of source) {
        const buf = typeof c === 'string' ? Buffer.from(c) : c;
        size += buf.length;
        if (size > limits.maxBytes) throw new BlobTooLarge(`more than ${limits.maxBytes} bytes`);
        chunks.push(buf);
      }
    } catch (err) {
      if (err instanceof BlobTooLarge) throw err;
      throw new BlobIncomplete(`the source failed: ${(err as Error).message}`);
    }
    if (limits.expectedBytes !== undefined && size < limits.expectedBytes) throw new BlobIncomplete(`${size} of ${limits.expectedBytes} bytes arrived`);
    const bytes = Buffer.concat(chunks);
    const id = randomUUID().replace(/-/g, '');
    this.blobs.set(id, { bytes, writtenAt: Date.now() });
    return { id, size, md5: createHash('md5').update(bytes).digest('hex'), syncName: async () => {} };
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    const b = this.blobs.get(id);
    if (!b) throw new BlobNotFound(id);
    return Readable.from([range ? b.bytes.subarray(range.start, range.end + 1) : b.bytes]);
  }

  async exists(id: string): Promise<boolean> { return this.blobs.has(id); }

  async remove(id: string): Promise<void> { this.blobs.delete(id); }

  async list() { return [...this.blobs].map(([id, b]) => ({ id, writtenAt: b.writtenAt })); }

  async cleanup(): Promise<void> {}

  async stats(): Promise<ObjectStorageStats> {
    let used = 0;
    for (const b of this.blobs.values()) used += b.bytes.length;
    return { totalBytes: this.capacity, freeBytes: this.capacity - used };
  }
}
