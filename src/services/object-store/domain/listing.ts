// Account and container listings: Swift's list_objects_iter (swift/container/backend.py) over any
// store of named rows: prefix, delimiter (rolled up into `subdir` entries), path, marker,
// end_marker, reverse and limit, in SQL's byte order.
import type { ListWindow } from '../store/tables.js';

export interface ListQuery {
  prefix?: string;
  delimiter?: string;
  /** Only the direct children of this pseudo-directory (containers only). */
  path?: string;
  marker?: string;
  endMarker?: string;
  reverse?: boolean;
  limit: number;
}

export type Listed<T> = T | { subdir: string };

/** The code point after `c`'s last one (Python's chr(ord(c[-1]) + 1) on the last character). */
function bump(s: string): string {
  const cps = Array.from(s);
  const last = cps.pop()!.codePointAt(0)!;
  return cps.join('') + String.fromCodePoint(last + 1);
}

export async function listing<T extends { name: string }>(fetch: (w: ListWindow) => Promise<T[]>, q: ListQuery): Promise<Listed<T>[]> {
  let { prefix, delimiter, marker, endMarker } = q;
  const { limit, reverse } = q;
  let path = q.path;
  if (reverse) [marker, endMarker] = [endMarker, marker];
  if (path !== undefined) {
    prefix = path;
    if (path) prefix = path = `${path.replace(/\/+$/, '')}/`;
    delimiter = '/';
  } else if (delimiter && !prefix) prefix = '';
  const endPrefix = prefix ? bump(prefix) : undefined;
  const origMarker = marker;
  let forceGte = false;
  const results: Listed<T>[] = [];
  while (results.length < limit) {
    const w: ListWindow = { reverse, limit: limit - results.length };
    if (endMarker && (!prefix || endMarker < endPrefix!)) w.lt = endMarker;
    else if (prefix) w.lt = endPrefix;
    if (forceGte) { w.gte = marker; forceGte = false; } else if (marker && (!prefix || marker >= prefix)) w.gt = marker;
    else if (prefix) w.gte = prefix;
    const rows = await fetch(w);
    if (prefix === undefined || !delimiter) return rows;
    if (rows.length === 0) break;
    let rolled = false;
    for (const row of rows) {
      const name = row.name;
      if (reverse) endMarker = name; else marker = name;
      if (results.length >= limit) return results;
      const end = name.indexOf(delimiter, prefix.length);
      if (path !== undefined) {
        if (name === path) continue;
        if (end >= 0 && name.length > end + delimiter.length) {
          if (reverse) endMarker = name.slice(0, end + delimiter.length);
          else marker = name.slice(0, end) + bump(delimiter);
          rolled = true;
          break;
        }
      } else if (end >= 0) {
        if (reverse) endMarker = name.slice(0, end + delimiter.length);
        else { marker = name.slice(0, end) + bump(delimiter); forceGte = true; }
        const dir = name.slice(0, end + delimiter.length);
        if (dir !== origMarker) results.push({ subdir: dir });
        rolled = true;
        break;
      }
      results.push(row);
    }
    if (!rolled && rows.length < w.limit) break;
  }
  return results;
}
