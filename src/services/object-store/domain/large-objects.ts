// Large objects: static (SLO, a JSON manifest of segments checked when it is stored) and dynamic
// (DLO, X-Object-Manifest: every object under a container/prefix at read time), read as one body.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ObjectRecord, ObjectStoreTables } from '../store/tables.js';
import type { Caller, ObjectPath, ObjectsService } from './objects.service.js';
import { listingTime } from './clock.js';
import { badRequest, SwiftError, tooLarge } from './errors.js';

export const SLO_LIMITS = { max_manifest_segments: 1000, max_manifest_size: 8388608, min_segment_size: 1 };
const SLO_KEYS = ['path', 'etag', 'size_bytes', 'range'];

/** One stored segment, as the manifest keeps it. */
export interface StoredSegment { name: string; bytes: number; hash: string; content_type: string; last_modified: string; range?: string; sub_slo?: boolean }

/** A part of a large object's body: `length` bytes of an object's blob from `offset`. */
export interface Part { blob: string; offset: number; length: number }

/** May the caller read this container's objects (the manifest's segments)? Throws when not. */
export type ReadCheck = (account: string, container: string, object: string) => Promise<void>;

export class LargeObjects {
  constructor(private readonly tables: ObjectStoreTables, private readonly objects: ObjectsService) {}

  isSlo(o: ObjectRecord): boolean { return (o.metadata['x-static-large-object'] ?? '').toLowerCase() === 'true'; }
  isDlo(o: ObjectRecord): boolean { return o.metadata['x-object-manifest'] !== undefined && !this.isSlo(o); }

  /** PUT ?multipart-manifest=put: checks every segment, stores the manifest; the SLO's etag and size. */
  async putSlo(p: ObjectPath, body: AsyncIterable<Buffer | string>, headers: Record<string, string>, caller: Caller, canRead: ReadCheck): Promise<ObjectRecord> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of body) {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > SLO_LIMITS.max_manifest_size) throw tooLarge(`Manifest File > ${SLO_LIMITS.max_manifest_size} bytes`);
      chunks.push(b);
    }
    const input = parseManifest(Buffer.concat(chunks).toString('utf8'), p);
    const problems: [string, string][] = [];
    const stored: StoredSegment[] = [];
    let total = 0;
    for (const [i, seg] of input.entries()) {
      const path = seg.path.replace(/^\/+/, '');
      const slash = path.indexOf('/');
      const [container, object] = [path.slice(0, slash), path.slice(slash + 1)];
      const quoted = encodeURI(`/${path}`);
      let o: ObjectRecord | undefined;
      try {
        await canRead(p.account, container, object);
        o = await this.objects.get({ account: p.account, container, name: object });
      } catch (err) {
        problems.push([quoted, err instanceof SwiftError && err.status === 403 ? '403 Forbidden' : '401 Unauthorized']);
        continue;
      }
      if (!o) { problems.push([quoted, '404 Not Found']); continue; }
      const sub = this.isSlo(o);
      const length = sub ? Number(o.metadata['x-object-sysmeta-slo-size'] ?? o.size) : o.size;
      const etag = sub ? o.metadata['x-object-sysmeta-slo-etag'] ?? o.etag : o.etag;
      let segLength = length;
      if (seg.range !== undefined) {
        const r = byteRange(seg.range, length);
        if (!r) { problems.push([quoted, 'Unsatisfiable Range']); continue; }
        segLength = r[1] - r[0];
      }
      if (segLength < SLO_LIMITS.min_segment_size && i < input.length - 1) problems.push([quoted, `Too small; each segment must be at least 1 byte.`]);
      if (seg.size_bytes !== undefined && seg.size_bytes !== null && Number(seg.size_bytes) !== length) problems.push([quoted, 'Size Mismatch']);
      if (seg.etag !== undefined && seg.etag !== null && seg.etag !== etag) problems.push([quoted, 'Etag Mismatch']);
      total += segLength;
      const entry: StoredSegment = { name: `/${path}`, bytes: length, hash: etag, content_type: o.content_type, last_modified: listingTime(o.timestamp) };
      if (seg.range !== undefined) entry.range = seg.range;
      if (sub) entry.sub_slo = true;
      stored.push(entry);
    }
    if (problems.length > 0) throw new SwiftError(400, `Errors:\n${problems.map(([n, s]) => `${n}, ${s}`).join('\n')}`);
    const sloEtag = createHash('md5').update(stored.map((s) => (s.range ? `${s.hash}:${s.range};` : s.hash)).join('')).digest('hex');
    const client = headers['etag']?.replace(/^"|"$/g, '');
    if (client && client !== sloEtag) throw new SwiftError(422);
    const json = pyJson(stored);
    const { etag: _etag, 'content-length': _len, ...rest } = headers;
    return this.objects.put(p, { headers: rest, body: Readable.from([Buffer.from(json)]), length: Buffer.byteLength(json), chunked: false }, caller, {
      sysmeta: { 'x-static-large-object': 'True', 'x-object-sysmeta-slo-etag': sloEtag, 'x-object-sysmeta-slo-size': String(total) },
    });
  }

  /** The stored manifest of an SLO. */
  async manifest(o: ObjectRecord): Promise<StoredSegment[]> {
    const chunks: Buffer[] = [];
    for await (const c of this.objects.driver.read(o.blob)) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  /** A large object's body as parts of its segments' blobs, with its size and etag. */
  async parts(o: ObjectRecord, depth = 0): Promise<{ parts: Part[]; size: number; etag: string }> {
    if (this.isSlo(o)) {
      const parts: Part[] = [];
      for (const seg of await this.manifest(o)) {
        const path = seg.name.replace(/^\//, '');
        const slash = path.indexOf('/');
        const s = await this.objects.get({ account: o.account, container: path.slice(0, slash), name: path.slice(slash + 1) });
        if (!s) throw new SwiftError(409, `Object ${seg.name} of the manifest is gone.`);
        let segParts: Part[];
        if (seg.sub_slo && depth < 10) segParts = (await this.parts(s, depth + 1)).parts;
        else segParts = [{ blob: s.blob, offset: 0, length: s.size }];
        const whole = segParts.reduce((n, p) => n + p.length, 0);
        const r = seg.range ? byteRange(seg.range, whole) : undefined;
        parts.push(...(r ? slice(segParts, r[0], r[1]) : segParts));
      }
      return { parts, size: Number(o.metadata['x-object-sysmeta-slo-size'] ?? 0), etag: `"${o.metadata['x-object-sysmeta-slo-etag'] ?? ''}"` };
    }
    const manifest = o.metadata['x-object-manifest']!.replace(/^\//, '');
    const slash = manifest.indexOf('/');
    const container = decodeURIComponent(manifest.slice(0, slash));
    const prefix = decodeURIComponent(manifest.slice(slash + 1));
    const segments: ObjectRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const batch = await this.tables.listObjects(o.account, container, { gte: after === undefined ? prefix : undefined, gt: after, limit: 1000 });
      const mine = batch.filter((s) => s.name.startsWith(prefix));
      segments.push(...mine.filter((s) => s.delete_at === null || s.delete_at > Date.now() / 1000));
      if (batch.length < 1000 || mine.length < batch.length) break;
      after = batch[batch.length - 1]!.name;
    }
    const etag = createHash('md5').update(segments.map((s) => s.etag).join('')).digest('hex');
    return { parts: segments.map((s) => ({ blob: s.blob, offset: 0, length: s.size })), size: segments.reduce((n, s) => n + s.size, 0), etag: `"${etag}"` };
  }

  /** The bytes [start, end) of a large object's parts, streamed segment after segment. */
  stream(parts: Part[], start = 0, end?: number): Readable {
    const driver = this.objects.driver;
    const chosen = slice(parts, start, end ?? parts.reduce((n, p) => n + p.length, 0));
    async function* body() {
      for (const p of chosen) {
        if (p.length === 0) continue;
        for await (const chunk of driver.read(p.blob, { start: p.offset, end: p.offset + p.length - 1 })) yield chunk as Buffer;
      }
    }
    return Readable.from(body());
  }

  /** DELETE ?multipart-manifest=delete: the segments, then the manifest. */
  async deleteSlo(o: ObjectRecord, canDelete: ReadCheck): Promise<{ deleted: number; notFound: number; errors: [string, string][] }> {
    if (!this.isSlo(o)) throw badRequest('Not an SLO manifest');
    const out = { deleted: 0, notFound: 0, errors: [] as [string, string][] };
    for (const seg of await this.manifest(o)) {
      const path = seg.name.replace(/^\//, '');
      const slash = path.indexOf('/');
      const where = { account: o.account, container: path.slice(0, slash), name: path.slice(slash + 1) };
      try {
        await canDelete(where.account, where.container, where.name);
        const s = await this.objects.get(where);
        if (s && seg.sub_slo && this.isSlo(s)) {
          const sub = await this.deleteSlo(s, canDelete);
          out.deleted += sub.deleted; out.notFound += sub.notFound; out.errors.push(...sub.errors);
          continue;
        }
        await this.objects.delete(where);
        out.deleted += 1;
      } catch (err) {
        if (err instanceof SwiftError && err.status === 404) out.notFound += 1;
        else out.errors.push([encodeURI(seg.name), err instanceof SwiftError && err.status === 403 ? '403 Forbidden' : '401 Unauthorized']);
      }
    }
    try { await this.objects.delete(o); out.deleted += 1; } catch (err) {
      if (err instanceof SwiftError && err.status === 404) out.notFound += 1; else throw err;
    }
    return out;
  }
}

interface InputSegment { path: string; etag?: string | null; size_bytes?: number | string | null; range?: string }

function parseManifest(text: string, p: ObjectPath): InputSegment[] {
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { throw badRequest('Manifest must be valid JSON.\n'); }
  if (!Array.isArray(parsed)) throw badRequest('Manifest must be a list.\n');
  const errors: string[] = [];
  const out: InputSegment[] = [];
  parsed.forEach((seg: any, i: number) => {
    if (typeof seg !== 'object' || seg === null || Array.isArray(seg)) { errors.push(`Index ${i}: not a JSON object`); return; }
    if (!('path' in seg)) { errors.push(`Index ${i}: expected keys to include one of 'path' or 'data'`); return; }
    const extra = Object.keys(seg).filter((k) => !SLO_KEYS.includes(k)).sort();
    if (extra.length) { errors.push(`Index ${i}: extraneous keys ${extra.map((k) => JSON.stringify(k)).join(', ')}`); return; }
    if (typeof seg.path !== 'string') { errors.push(`Index ${i}: "path" must be a string`); return; }
    if (!(seg.etag === undefined || seg.etag === null || typeof seg.etag === 'string')) { errors.push(`Index ${i}: "etag" must be a string or null (if provided)`); return; }
    const path = seg.path.replace(/^\/+/, '');
    const slash = path.indexOf('/');
    if (slash <= 0 || slash === path.length - 1) { errors.push(`Index ${i}: path does not refer to an object. Path must be of the form /container/object.`); return; }
    if (seg.size_bytes !== undefined && seg.size_bytes !== null && !/^\d+$/.test(String(seg.size_bytes))) { errors.push(`Index ${i}: invalid size_bytes`); return; }
    if (`/${path}` === `/${p.container}/${p.name}`) { errors.push(`Index ${i}: manifest must not include itself as a segment`); return; }
    if (seg.range !== undefined && (typeof seg.range !== 'string' || !/^\d*-\d*$/.test(seg.range) || seg.range === '-')) { errors.push(`Index ${i}: invalid range`); return; }
    out.push(seg);
  });
  if (out.length + errors.length > SLO_LIMITS.max_manifest_segments) throw badRequest(`Too many segments; maximum is ${SLO_LIMITS.max_manifest_segments}`);
  if (errors.length) throw badRequest(errors.join('\n') + '\n');
  if (out.length === 0) throw badRequest('Manifest must have at least one segment.\n');
  return out;
}

/** A single `M-N`, `M-` or `-N` range as half-open bounds within `length`, or undefined if unsatisfiable. */
function byteRange(range: string, length: number): [number, number] | undefined {
  const [a, b] = range.split('-');
  if (a === '') { const n = Number(b); return n > 0 ? [Math.max(0, length - n), length] : undefined; }
  const start = Number(a);
  const end = b === '' ? length : Math.min(Number(b) + 1, length);
  return start < length && start < end ? [start, end] : undefined;
}

function slice(parts: Part[], start: number, end: number): Part[] {
  const out: Part[] = [];
  let pos = 0;
  for (const p of parts) {
    const s = Math.max(start, pos);
    const e = Math.min(end, pos + p.length);
    if (s < e) out.push({ blob: p.blob, offset: p.offset + (s - pos), length: e - s });
    pos += p.length;
    if (pos >= end) break;
  }
  return out;
}

/** JSON as Python's json.dumps writes it (", " and ": "), for the stored manifest. */
function pyJson(items: object[]): string {
  return `[${items.map((i) => `{${Object.entries(i).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`).join(', ')}]`;
}
