// Cinder's list queries (cinder/api/common.py and the v3 controllers): filters, sort keys and
// directions, offset, marker and limit, as every list of volumes and snapshots reads them.
import { pageAfter } from '../../../core/pagination/pagination.js';
import { invalidInput, invalidFilters, markerNotFound } from './errors.js';

export interface ListQuery {
  filters: Record<string, string>;
  sort: { key: string; dir: 'asc' | 'desc' }[];
  marker?: string;
  limit?: number;
  offset: number;
  allProjects: boolean;
  /** With all_tenants: only this project's (an admin's `project_id` filter). */
  projectId?: string;
  withCount: boolean;
}

/** osapi_max_limit: the most items one page holds. */
export const MAX_LIMIT = 1000;
const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];
export const isTrue = (v: string | undefined) => v !== undefined && TRUE.includes(v.trim().toLowerCase());

const PAGING = new Set(['marker', 'limit', 'offset', 'sort', 'sort_key', 'sort_dir', 'all_tenants', 'with_count']);

/**
 * Reads a list's query. `allowed`: the filters a non-admin may use (Cinder's resource_filters);
 * an admin may filter on anything, and names a project with `project_id` under all_tenants.
 */
export function parseListQuery(query: Record<string, string | string[] | undefined>, isAdmin: boolean, allowed: readonly string[]): ListQuery {
  const one = (k: string) => { const v = query[k]; return Array.isArray(v) ? v[v.length - 1] : v; };
  const filters: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (PAGING.has(k) || v === undefined) continue;
    filters[k] = Array.isArray(v) ? v[v.length - 1]! : v;
  }
  const allProjects = isAdmin && isTrue(one('all_tenants'));
  let projectId: string | undefined;
  if (allProjects && filters.project_id !== undefined) { projectId = filters.project_id; delete filters.project_id; }
  if (!isAdmin) {
    const bad = Object.keys(filters).filter((k) => !allowed.includes(k.replace(/~$/, '')));
    if (bad.length) throw invalidFilters(bad);
  }
  return {
    filters, sort: sortOf(one('sort'), one('sort_key'), one('sort_dir')), marker: one('marker'),
    limit: limitOf(one('limit')), offset: offsetOf(one('offset')), allProjects, projectId, withCount: isTrue(one('with_count')),
  };
}

export function limitOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\s*[+-]?\d+\s*$/.test(v)) throw invalidInput('limit param must be an integer');
  const n = Number(v);
  if (n < 0) throw invalidInput('limit param must be positive');
  return Math.min(n, MAX_LIMIT);
}

export function offsetOf(v: string | undefined): number {
  if (v === undefined) return 0;
  if (!/^\s*[+-]?\d+\s*$/.test(v)) throw invalidInput('offset param must be an integer');
  const n = Number(v);
  if (n < 0) throw invalidInput('offset param must be positive');
  return n;
}

function sortOf(sort: string | undefined, key: string | undefined, dir: string | undefined): ListQuery['sort'] {
  const direction = (d: string | undefined): 'asc' | 'desc' => {
    const x = (d ?? 'desc').trim().toLowerCase();
    if (x !== 'asc' && x !== 'desc') throw invalidInput(`Unknown sort direction, must be 'desc' or 'asc'`);
    return x;
  };
  if (sort !== undefined) {
    if (key !== undefined || dir !== undefined) throw invalidInput("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
    return sort.split(',').map((part) => {
      const [k, d] = part.split(':');
      if (!k?.trim()) throw invalidInput('sort key must not be empty');
      return { key: k.trim(), dir: direction(d) };
    });
  }
  if (key !== undefined) return [{ key: key.trim(), dir: direction(dir) }];
  return [];
}

/** Python's literal dict as Cinder's ast.literal_eval reads `metadata={'k': 'v'}` (JSON too). */
export function literalDict(text: string): Record<string, string> | undefined {
  const attempts = [text, text.replace(/'/g, '"').replace(/\bNone\b/g, 'null').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false')];
  for (const a of attempts) {
    try {
      const v = JSON.parse(a) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
    } catch { /* the next reading */ }
  }
  return undefined;
}

/** Orders by the sort keys (then created_at and id, newest first), then offset/marker/limit. */
export function orderAndPage<T extends { id: string; created_at: string }>(items: T[], q: ListQuery, value: (item: T, key: string) => unknown, validKeys: readonly string[]): T[] {
  for (const s of q.sort) if (!validKeys.includes(s.key)) throw invalidInput(`Invalid sort key ${s.key}`);
  const keys = [...q.sort];
  if (!keys.some((k) => k.key === 'created_at')) keys.push({ key: 'created_at', dir: 'desc' });
  if (!keys.some((k) => k.key === 'id')) keys.push({ key: 'id', dir: 'desc' });
  const sorted = [...items].sort((a, b) => {
    for (const { key, dir } of keys) {
      const x = value(a, key);
      const y = value(b, key);
      const c = compareValues(x, y);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  });
  if (q.limit === 0) return [];
  const after = sorted.slice(q.offset);
  return pageAfter(after, { marker: q.marker, limit: q.limit ?? MAX_LIMIT }, (i) => i.id, markerNotFound);
}

function compareValues(x: unknown, y: unknown): number {
  if (x === y) return 0;
  // NOTE: NULLs sort first ascending, as MySQL orders them.
  if (x === null || x === undefined) return -1;
  if (y === null || y === undefined) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x) < String(y) ? -1 : 1;
}
