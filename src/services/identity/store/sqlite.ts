// The SQL of identity that only SQLite understands, in one place: a PostgreSQL engine replaces
// these. The upserts (Kysely's onConflict) are the same SQL on PostgreSQL and stay where they are.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { TextMatch } from './tables.js';

/** `extra`'s attribute `attr` as a column (services keep their name there, as Keystone does). */
export const extraAttr = (attr: string): RawBuilder<unknown> => sql`json_extract(extra, ${`$.${attr}`})`;

/** LIKE's wildcards and the escape character taken literally. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One text match as SQL. Case-insensitive: `lower(column) = lower(value)` for equality (the form
 * migration 003's unique indexes are on, so the lookup uses them) and LIKE with its wildcards
 * escaped (SQLite's LIKE ignores ASCII case). Case-sensitive: instr/substr, which compare bytes
 * (LIKE would not).
 */
export function textCondition(column: RawBuilder<unknown>, m: TextMatch): RawBuilder<SqlBool> {
  const v = m.value;
  const chars = [...v].length; // NOTE: SQLite's substr counts characters, not UTF-16 units.
  if (!m.caseSensitive) {
    if (m.comparator === 'equals') return sql<SqlBool>`lower(${column}) = lower(${v})`;
    const pattern = m.comparator === 'contains' ? `%${likeEscape(v)}%` : m.comparator === 'startswith' ? `${likeEscape(v)}%` : `%${likeEscape(v)}`;
    return sql<SqlBool>`${column} LIKE ${pattern} ESCAPE '\\'`;
  }
  switch (m.comparator) {
    case 'equals': return sql<SqlBool>`${column} = ${v} COLLATE BINARY`;
    case 'contains': return sql<SqlBool>`instr(${column}, ${v}) > 0`;
    case 'startswith': return sql<SqlBool>`substr(${column}, 1, ${chars}) = ${v} COLLATE BINARY`;
    case 'endswith': return chars === 0 ? sql<SqlBool>`${column} IS NOT NULL` : sql<SqlBool>`substr(${column}, ${-chars}) = ${v} COLLATE BINARY`;
  }
}
