// Image bytes as files under DATA_DIR/images: written to a temp name while hashing, fsynced, then
// renamed, so a crash never leaves a half image under its final name. Never buffered whole.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncPath } from '../../../core/fs/fsync.js';

export interface WrittenFile { size: number; md5: string; sha512: string }

/** Thrown when more than `limit` bytes arrive; the temp file is gone by then. */
export class TooLarge extends Error {
  constructor(readonly limit: number) { super(`stream exceeds ${limit} bytes`); }
}

export class ImageFiles {
  readonly dir: string;
  readonly stagingDir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'images');
    this.stagingDir = join(this.dir, 'staging');
    mkdirSync(this.stagingDir, { recursive: true });
    // NOTE: temp files of uploads cut short by a crash.
    for (const d of [this.dir, this.stagingDir]) {
      for (const f of readdirSync(d)) if (f.endsWith('.part')) void rm(join(d, f), { force: true });
    }
  }

  path(id: string): string { return join(this.dir, id); }
  stagedPath(id: string): string { return join(this.stagingDir, id); }

  /** Streams `data` into the image file (or its staging file), hashing as it goes; at most `limit` bytes. */
  async write(id: string, data: NodeJS.ReadableStream, limit: number, staging = false): Promise<WrittenFile> {
    const final = staging ? this.stagedPath(id) : this.path(id);
    const tmp = `${final}.${process.pid}.${Date.now()}.part`;
    const md5 = createHash('md5');
    const sha512 = createHash('sha512');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) { done(new TooLarge(limit)); return; }
        md5.update(chunk);
        sha512.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(data as Readable, meter, createWriteStream(tmp));
      await fsyncPath(tmp);
      await rename(tmp, final);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return { size, md5: md5.digest('hex'), sha512: sha512.digest('hex') };
  }

  /** Moves a staged file to its final place, hashing it on the way (glance-direct import). */
  async importStaged(id: string): Promise<WrittenFile> {
    const written = await this.write(id, createReadStream(this.stagedPath(id)), Number.MAX_SAFE_INTEGER);
    await rm(this.stagedPath(id), { force: true });
    return written;
  }

  /** A copy of another image's bytes (copy or snapshot of an image). */
  read(id: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(id), range);
  }

  async exists(id: string): Promise<boolean> {
    try { return (await stat(this.path(id))).isFile(); } catch { return false; }
  }

  async stagedExists(id: string): Promise<boolean> {
    try { return (await stat(this.stagedPath(id))).isFile(); } catch { return false; }
  }

  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
    await rm(this.stagedPath(id), { force: true });
  }

  async removeStaged(id: string): Promise<void> {
    await rm(this.stagedPath(id), { force: true });
  }
}
