// Object bytes as files: DIR/data/<xx>/<id>, written to DIR/tmp/<id>, fsynced, then renamed into
// place and its directory fsynced; what a crash leaves in DIR/tmp is emptied at start (cleanup).
import { createHash, randomUUID } from 'node:crypto';
import { close as closeFd, closeSync, fsync as fsyncFd, mkdirSync, open as openFd, openSync, read as readFd, rename as renameFd, writev as writevFd, writevSync } from 'node:fs';
import { access, readdir, rm, stat, statfs } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { join } from 'node:path';
import {
  BlobIncomplete, BlobNotFound, BlobTooLarge, ObjectStorageError, StorageFull,
  type ObjectStorageDriver, type ObjectStorageStats, type WriteLimits, type WrittenBlob,
} from './object-storage-driver.js';
import { noteBufferBytes } from '../../core/memory/young-buffers.js';

export class FsObjectStorageDriver implements ObjectStorageDriver {
  readonly name = 'fs';
  private readonly dataDir: string;
  private readonly tmpDir: string;
  private readonly dirFds = new Map<string, number>();

  constructor(dir: string) {
    this.dataDir = join(dir, 'data');
    this.tmpDir = join(dir, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true });
    mkdirSync(this.dataDir, { recursive: true });
  }

  /**
   * The directory, made if need be, and a descriptor of it kept open to fsync it (one per blob
   * directory, at most 256), so that a write's directory fsync is one thread-pool trip, not three.
   */
  private dirFd(dir: string): number {
    let fd = this.dirFds.get(dir);
    if (fd === undefined) {
      mkdirSync(dir, { recursive: true });
      fd = openSync(dir, 'r');
      this.dirFds.set(dir, fd);
    }
    return fd;
  }

  private pathOf(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new BlobNotFound(id);
    return join(this.dataDir, id.slice(0, 2), id);
  }

  /**
   * Empty temp files made ahead, each with its blob id and open descriptor: a write takes one and
   * another is made while it runs, so that a create is not in an upload's wait (a create waits for
   * the journal while other PUTs' fsyncs commit it: 0.5 ms at 16 concurrent PUTs). In the thread
   * pool, never on the loop (where such a wait stalled every request). Those left at exit are
   * removed by the next start's cleanup, with the rest of DIR/tmp.
   */
  private readonly spares: Promise<{ id: string; fd: number }>[] = [];

  private makeSpare(): Promise<{ id: string; fd: number }> {
    const id = randomUUID().replace(/-/g, '');
    const made = fsCall<number>((cb) => openFd(join(this.tmpDir, id), 'wx', cb)).then((fd) => ({ id, fd }));
    made.catch(() => undefined); // NOTE: its error is the write's that takes it.
    return made;
  }

  private takeSpare(): Promise<{ id: string; fd: number }> {
    const taken = this.spares.shift() ?? this.makeSpare();
    while (this.spares.length < SPARE_FILES) this.spares.push(this.makeSpare());
    return taken;
  }

  async write(source: AsyncIterable<Buffer | string>, limits: WriteLimits): Promise<WrittenBlob> {
    const hash = new TrailingMd5();
    let size = 0;
    let id: string;
    let fd: number;
    try {
      ({ id, fd } = await this.takeSpare());
    } catch (err) { throw storageError(err); }
    // NOTE: a temp name, fsynced, then renamed (the design's rule for bytes): a file under the
    // data dir is always whole, whatever the service's rows say.
    const dir = join(this.dataDir, id.slice(0, 2));
    const path = join(dir, id);
    const tmp = join(this.tmpDir, id);
    const out = new BatchedWriter(fd);
    try {
      const dirFd = this.dirFd(dir);
      for await (const chunk of source) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        if (size > limits.maxBytes) throw new BlobTooLarge(`more than ${limits.maxBytes} bytes`);
        noteBufferBytes(buf.length);
        hash.add(buf);
        await out.push(buf);
      }
      if (limits.expectedBytes !== undefined && size < limits.expectedBytes) throw new BlobIncomplete(`${size} of ${limits.expectedBytes} bytes arrived`);
      const fileFd = fd;
      const synced = out.flush().then(() => fsCall<void>((cb) => fsyncFd(fileFd, cb)));
      // NOTE: the MD5 of the bytes not hashed yet (a body's last MiB) is computed while the thread
      // pool writes and fsyncs them, not before.
      const md5 = hash.digest();
      await synced;
      // NOTE: close(2) of a file already fsynced does no I/O: on the loop, not a thread-pool trip.
      fd = -1;
      closeSync(fileFd);
      // NOTE: in the thread pool too, for the journal as the file's creation.
      await fsCall<void>((cb) => renameFd(tmp, path, cb));
      // NOTE: the name becomes durable with the directory's fsync, which the caller starts once it
      // has committed the row that names the blob: one journal commit then carries both.
      return { id, size, md5, syncName: () => fsCall<void>((cb) => fsyncFd(dirFd, cb)) };
    } catch (err) {
      await out.settle();
      if (fd >= 0) { try { closeSync(fd); } catch { /* closed */ } }
      await rm(tmp, { force: true });
      throw storageError(err);
    }
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    let fd: number;
    // NOTE: opened at once so that an absent blob throws here, before a response starts.
    try { fd = openSync(this.pathOf(id), 'r'); } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof BlobNotFound) throw new BlobNotFound(id);
      throw storageError(err);
    }
    return new BlobReadStream(fd, range?.start ?? 0, range ? range.end + 1 : Infinity);
  }

  async exists(id: string): Promise<boolean> {
    try { await access(this.pathOf(id)); return true; } catch { return false; }
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

/** A callback-style fs call as a promise (without FileHandle's objects and its close's pool trip). */
function fsCall<T>(call: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value))));
}

/** Empty temp files kept made ahead of the writes that take them. */
const SPARE_FILES = 2;

/** How many bytes of a body may wait for the disk before the source is read again. */
const WRITE_BUFFER = 1024 * 1024;
/**
 * A batch up to this size is copied into the page cache on the loop (a few microseconds) rather
 * than through the thread pool (a trip that costs more than the copy).
 */
const WRITE_ON_LOOP = 64 * 1024;
/** How many bytes may wait to be hashed: a body up to this size is hashed while its fsync runs. */
const HASH_LAG = 1024 * 1024;

/** An MD5 that trails the bytes by up to HASH_LAG, so that most of it overlaps the disk's work. */
class TrailingMd5 {
  private readonly md5 = createHash('md5');
  private waiting: Buffer[] = [];
  private waitingBytes = 0;

  add(buf: Buffer): void {
    this.waiting.push(buf);
    this.waitingBytes += buf.length;
    while (this.waitingBytes > HASH_LAG) {
      const first = this.waiting.shift()!;
      this.md5.update(first);
      this.waitingBytes -= first.length;
    }
  }

  digest(): string {
    for (const b of this.waiting) this.md5.update(b);
    this.waiting = [];
    this.waitingBytes = 0;
    return this.md5.digest('hex');
  }
}

/**
 * Appends chunks to a file, each batch in one writev: the chunks that arrive while a write is in
 * the thread pool go together in the next one (one pool trip for many 64 KiB socket chunks), and
 * `push` waits (so the source is not read) while more than WRITE_BUFFER bytes wait.
 */
class BatchedWriter {
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private writing?: Promise<void>;
  private failed?: unknown;

  constructor(private readonly fd: number) {}

  async push(buf: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    if (buf.length === 0) return;
    if (!this.writing && this.queued.length === 0 && buf.length <= WRITE_ON_LOOP) {
      try {
        const n = writevSync(this.fd, [buf]);
        if (n === buf.length) return;
        buf = buf.subarray(n);
      } catch (err) { this.failed = err; throw err; }
    }
    this.queued.push(buf);
    this.queuedBytes += buf.length;
    this.writing ??= this.drain();
    if (this.queuedBytes >= WRITE_BUFFER) await this.writing;
    if (this.failed) throw this.failed;
  }

  /** Resolves once every pushed byte is written (throws the write's error). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.failed) throw this.failed;
  }

  /** Waits for a write in flight, ignoring its outcome (before closing after a failure). */
  async settle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queued.length > 0) {
        let batch = this.queued;
        this.queued = [];
        this.queuedBytes = 0;
        while (batch.length > 0) {
          let n = await fsCall<number>((cb) => writevFd(this.fd, batch, cb));
          while (n > 0 && batch.length > 0) {
            const first = batch[0]!;
            if (n >= first.length) { n -= first.length; batch.shift(); } else { batch[0] = first.subarray(n); n = 0; }
          }
        }
      }
    } catch (err) {
      this.failed = err;
      this.queued = [];
      this.queuedBytes = 0;
    } finally {
      this.writing = undefined;
    }
  }
}

/** The size of the buffers a blob is read into. */
const READ_CHUNK = 256 * 1024;
/** Read buffers kept for reuse (RSS when idle: at most READ_POOL × READ_CHUNK). */
const READ_POOL = 16;
const readPool: Buffer[] = [];
const takeBuffer = () => readPool.pop() ?? Buffer.allocUnsafeSlow(READ_CHUNK);
const giveBuffer = (buf: Buffer) => { if (readPool.length < READ_POOL) readPool.push(buf); };

const readAt = (fd: number, buf: Buffer, length: number, position: number) => new Promise<number>((resolve, reject) => {
  readFd(fd, buf, 0, length, position, (err, n) => (err ? reject(err) : resolve(n)));
});

/**
 * A blob's bytes [start, end) from an open file. Piped (how a response sends it), it reads into
 * two pooled buffers in turn, the next read while the socket sends the last one, each reused once
 * the socket has taken its bytes: no new memory per GET, so no garbage to collect. Read any other
 * way (for await, events), a new buffer a chunk, as fs.createReadStream does.
 */
class BlobReadStream extends Readable {
  private pos: number;
  private pumping = false;
  private fdOpen = true;
  /** The read in the thread pool: the file is closed only after it (never under a read). */
  private reading?: Promise<number>;

  constructor(private readonly fd: number, start: number, private readonly end: number) {
    super({ highWaterMark: READ_CHUNK });
    this.pos = start;
  }

  private readInto(buf: Buffer, length: number): Promise<number> {
    const r = readAt(this.fd, buf, length, this.pos);
    this.reading = r;
    return r.finally(() => { if (this.reading === r) this.reading = undefined; });
  }

  override _read(): void {
    if (this.pumping) return;
    const want = Math.min(READ_CHUNK, this.end - this.pos);
    if (want <= 0) { this.push(null); return; }
    const buf = Buffer.allocUnsafe(want);
    noteBufferBytes(want);
    this.readInto(buf, want).then((n) => {
      if (this.destroyed) return;
      this.pos += n;
      this.push(n === 0 ? null : n < want ? buf.subarray(0, n) : buf);
    }, (err) => this.destroy(err as Error));
  }

  override pipe<T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T {
    // NOTE: the pooled pump only for a stream nobody has read yet, into a plain writable.
    if (this.pumping || this.readableFlowing !== null || this.readableLength > 0 || !('write' in dest)) return super.pipe(dest, options);
    this.pumping = true;
    this.pump(dest as unknown as Writable, options?.end !== false).then(() => {
      if (this.destroyed) return;
      this.pumping = false;
      this.push(null);
      this.resume();
    }, (err) => this.destroy(err as Error));
    return dest;
  }

  private async pump(dest: Writable, end: boolean): Promise<void> {
    const bufs = [takeBuffer(), takeBuffer()];
    // NOTE: a buffer goes back to the pool only once the socket has taken its bytes.
    const free = [true, true];
    const sent: (Promise<void> | undefined)[] = [undefined, undefined];
    let turn = 0;
    try {
      while (this.pos < this.end && !this.destroyed && !dest.destroyed) {
        await sent[turn];
        if (this.destroyed || dest.destroyed) break;
        const buf = bufs[turn]!;
        const n = await this.readInto(buf, Math.min(READ_CHUNK, this.end - this.pos));
        if (n === 0 || this.destroyed || dest.destroyed) break;
        this.pos += n;
        const i = turn;
        free[i] = false;
        sent[i] = new Promise<void>((resolve) => { dest.write(buf.subarray(0, n), () => { free[i] = true; resolve(); }); });
        turn ^= 1;
      }
      if (!dest.destroyed) await Promise.all(sent);
      if (end && !dest.destroyed && !this.destroyed) dest.end();
    } finally {
      for (let i = 0; i < 2; i++) if (free[i]) giveBuffer(bufs[i]!);
    }
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    if (!this.fdOpen) { cb(err); return; }
    this.fdOpen = false;
    const closeIt = () => closeFd(this.fd, () => cb(err));
    if (this.reading) this.reading.then(closeIt, closeIt); else closeIt();
  }
}
