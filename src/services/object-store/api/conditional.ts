// Conditional requests and byte ranges on objects, as swob answers them.
import { SwiftError } from '../domain/errors.js';

const MAX_RANGES = 50;
const MAX_RANGE_OVERLAPS = 2;
const MAX_NONASCENDING_RANGES = 8;

const etagList = (v: string) => v.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, '')).filter(Boolean);

/**
 * 304 or 412 for a GET or HEAD when the conditions say so (undefined: answer normally).
 * `lastModified` in whole seconds (Last-Modified's value).
 */
export function conditionalStatus(h: Record<string, string>, etag: string, lastModified: number): 304 | 412 | undefined {
  const inm = h['if-none-match'];
  if (inm !== undefined) {
    const list = etagList(inm);
    if (list.includes('*') || list.includes(etag)) return 304;
  }
  const im = h['if-match'];
  if (im !== undefined) {
    const list = etagList(im);
    if (!list.includes('*') && !list.includes(etag)) return 412;
  }
  const ius = h['if-unmodified-since'];
  if (ius !== undefined && im === undefined) {
    const t = Date.parse(ius);
    if (!Number.isNaN(t) && lastModified > t / 1000) return 412;
  }
  const ims = h['if-modified-since'];
  if (ims !== undefined && inm === undefined) {
    const t = Date.parse(ims);
    if (!Number.isNaN(t) && lastModified <= t / 1000 && t <= Date.now()) return 304;
  }
  return undefined;
}

/** Half-open [start, end) ranges of a Range header for `length` bytes: undefined = whole body; [] = 416. */
export function rangesFor(header: string | undefined, length: number): [number, number][] | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return undefined;
  const parsed: [number | undefined, number | undefined][] = [];
  for (const part of m[1]!.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const r = /^(\d*)-(\d*)$/.exec(p);
    if (!r || (r[1] === '' && r[2] === '')) return undefined;
    const begin = r[1] === '' ? undefined : Number(r[1]);
    const end = r[2] === '' ? undefined : Number(r[2]);
    if (begin !== undefined && end !== undefined && end < begin) return undefined;
    parsed.push([begin, end]);
  }
  if (parsed.length === 0) return undefined;
  const out: [number, number][] = [];
  for (const [begin, end] of parsed) {
    if (begin === undefined) {
      if (end === 0) continue;
      out.push(end! > length ? [0, length] : [length - end!, length]);
    } else if (end === undefined) {
      if (begin < length) out.push([begin, length]);
    } else if (begin < length) out.push([begin, Math.min(end + 1, length)]);
  }
  if (out.length > MAX_RANGES) return [];
  let overlaps = 0;
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 1; j < out.length; j++) {
      const [s1, e1] = out[i]!;
      const [s2, e2] = out[j]!;
      if ((s1 < s2 && s2 < e1) || (s1 < e2 && e2 < e1) || (s2 < s1 && s1 < e2) || (s2 < e1 && e1 < e2)) {
        if (++overlaps > MAX_RANGE_OVERLAPS) return [];
      }
    }
  }
  const ascending = out.every((r, i) => i === 0 || out[i - 1]![0] <= r[0]);
  if (!ascending && out.length >= MAX_NONASCENDING_RANGES) return [];
  return out;
}

export function unsatisfiable(length: number): SwiftError {
  return new SwiftError(416, undefined, { 'Content-Range': `bytes */${length}` });
}
