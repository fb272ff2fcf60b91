import { nameIs, type TextMatch } from '../store/tables.js';

/**
 * What a list of users, groups or projects is filtered by: the exact filters of its query
 * (`name` compares without regard to case, as DevStack's collation), Keystone's inexact text
 * matches, and `withinDomain`, the domain of a domain-scoped token, which bounds what its caller
 * sees whatever `domain_id` asks for.
 */
export interface ListFilter {
  name?: string;
  domain_id?: string;
  enabled?: boolean;
  matches?: TextMatch[];
  withinDomain?: string;
}

/** The domain a list reads: any (undefined), the one asked for or the token's, or none (null)
 *  when a domain-scoped caller asks for another domain. */
export function boundedDomain(f: ListFilter): string | undefined | null {
  if (f.withinDomain && f.domain_id && f.domain_id !== f.withinDomain) return null;
  return f.domain_id ?? f.withinDomain;
}

/** The filter on records already in memory (a user's projects or groups, a group's users). */
export function filterRecords<R extends { domain_id: string; enabled?: boolean }>(records: R[], f: ListFilter = {}): R[] {
  const domainId = boundedDomain(f);
  if (domainId === null) return [];
  const matches = [...(f.name === undefined ? [] : [nameIs(f.name)]), ...(f.matches ?? [])];
  return matchAll(records, matches).filter((r) =>
    (domainId === undefined || r.domain_id === domainId) && (f.enabled === undefined || r.enabled === f.enabled));
}

/** Records that satisfy every match (a missing or non-text attribute never matches). */
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
