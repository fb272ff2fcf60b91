import type { TextMatch } from '../store/tables.js';

// Keystone's inexact list filters (`build_driver_hints`): `<attr>__contains`, `__startswith`,
// `__endswith`, case-sensitive, and their `i` variants (`__icontains` ...), case-insensitive, on
// the attributes a list filters by. Repeated, they all apply; an unknown comparator is ignored.

const COMPARATORS = new Set(['contains', 'startswith', 'endswith']);

/** The inexact filters of a query string on the given text attributes. */
export function textFilters(query: Record<string, unknown>, attrs: readonly string[]): TextMatch[] {
  const out: TextMatch[] = [];
  for (const [key, raw] of Object.entries(query)) {
    const sep = key.indexOf('__');
    if (sep < 0) continue;
    const attr = key.slice(0, sep);
    let comparator = key.slice(sep + 2);
    if (!attrs.includes(attr)) continue;
    const caseSensitive = !comparator.startsWith('i');
    if (!caseSensitive) comparator = comparator.slice(1);
    if (!COMPARATORS.has(comparator)) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      out.push({ attr, comparator: comparator as TextMatch['comparator'], value: String(value), caseSensitive });
    }
  }
  return out;
}

/** An exact filter, when its value is given, for `matchAll`. */
export function equalsFilter(attr: string, value: string | undefined, caseSensitive: boolean): TextMatch[] {
  return value === undefined ? [] : [{ attr, comparator: 'equals', value, caseSensitive }];
}

/** The same filters on a list already in memory (a user's projects or groups, a group's users). */
export function matchAll<R>(records: R[], matches: TextMatch[]): R[] {
  if (matches.length === 0) return records;
  return records.filter((r) => matches.every((m) => {
    const v = (r as Record<string, unknown>)[m.attr];
    if (typeof v !== 'string') return false;
    const [have, want] = m.caseSensitive ? [v, m.value] : [v.toLowerCase(), m.value.toLowerCase()];
    switch (m.comparator) {
      case 'equals': return have === want;
      case 'contains': return have.includes(want);
      case 'startswith': return have.startsWith(want);
      case 'endswith': return have.endsWith(want);
    }
  }));
}
