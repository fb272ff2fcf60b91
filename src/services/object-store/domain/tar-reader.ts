// A streaming tar reader (ustar, GNU long names and pax paths): entries one at a time, each body
// read from the stream as it is consumed, never the whole archive in memory.
export interface TarEntry { path: string; type: 'file' | 'directory' | 'other'; size: number; body: AsyncIterable<Buffer> }

class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private done = false;
  constructor(private readonly source: AsyncIterator<Buffer | string>) {}

  private async fill(n: number): Promise<void> {
    while (this.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) { this.done = true; break; }
      const b = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      this.buffered.push(b);
      this.length += b.length;
    }
  }

  /** Exactly n bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    const out = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(out.length);
    this.buffered = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  /** Up to `max` bytes already arrived (at least one unless the stream ended). */
  async some(max: number): Promise<Buffer> {
    if (this.length === 0) await this.fill(1);
    return this.read(Math.min(max, this.length));
  }
}

export class TarError extends Error {}

const field = (b: Buffer, start: number, len: number) => b.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
const octal = (b: Buffer, start: number, len: number) => {
  const s = field(b, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError('Invalid Tar File: bad number');
  return parseInt(s, 8);
};

export async function* readTar(source: AsyncIterable<Buffer | string>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source[Symbol.asyncIterator]());
  let longName: string | undefined;
  let paxPath: string | undefined;
  for (;;) {
    const header = await r.read(512);
    if (header.length === 0) return;
    if (header.length < 512) throw new TarError('Invalid Tar File: truncated');
    if (header.every((b) => b === 0)) return;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (sum !== octal(header, 148, 8)) throw new TarError('Invalid Tar File: bad checksum');
    const size = octal(header, 124, 12);
    const flag = String.fromCharCode(header[156]!);
    const prefix = field(header, 257, 6).startsWith('ustar') ? field(header, 345, 155) : '';
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const padding = (512 - (size % 512)) % 512;
    if (flag === 'L' || flag === 'x' || flag === 'g') {
      const data = (await r.read(size)).toString('utf8');
      await r.read(padding);
      if (flag === 'L') longName = data.replace(/\0.*$/s, '');
      if (flag === 'x') paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data)?.[1];
      continue;
    }
    const path = paxPath ?? longName ?? name;
    longName = paxPath = undefined;
    const type = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : 'other';
    let left = size;
    async function* body(): AsyncGenerator<Buffer> {
      while (left > 0) {
        const chunk = await r.some(Math.min(left, 256 * 1024));
        if (chunk.length === 0) throw new TarError('Invalid Tar File: truncated');
        left -= chunk.length;
        yield chunk;
      }
    }
    const entry: TarEntry = { path, type, size, body: body() };
    yield entry;
    // NOTE: whatever the consumer left unread is skipped before the next header.
    for await (const _ of body()) { /* skip */ }
    await r.read(padding);
  }
}
