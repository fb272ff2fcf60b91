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
