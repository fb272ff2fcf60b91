// Swift's constraints (swift/common/constraints.py defaults), served by /info and enforced here.
import { badRequest } from './errors.js';
import type { Meta } from '../store/tables.js';

export const LIMITS = {
  max_file_size: 5368709122,
  max_meta_name_length: 128,
  max_meta_value_length: 256,
  max_meta_count: 90,
  max_meta_overall_size: 4096,
  max_header_size: 8192,
  max_object_name_length: 1024,
  container_listing_limit: 10000,
  account_listing_limit: 10000,
  max_account_name_length: 256,
  max_container_name_length: 256,
  extra_header_count: 0,
  valid_api_versions: ['v1', 'v1.0'],
} as const;

export type Target = 'account' | 'container' | 'object';

/** A header name as swob shows it: `X-Object-Meta-Color` for `x-object-meta-color`. */
export function titleCase(name: string): string {
  return name.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()).join('-');
}

/** check_metadata: the request's own metadata headers (names and values lower-cased names). */
export function checkMetadata(headers: Record<string, string>, target: Target): void {
  const prefix = `x-${target}-meta-`;
  let count = 0;
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (value.length > LIMITS.max_header_size) throw badRequest(`Header value too long: ${titleCase(name).slice(0, LIMITS.max_meta_name_length)}`);
    if (!name.startsWith(prefix)) continue;
    const key = titleCase(name).slice(prefix.length);
    if (!key) throw badRequest('Metadata name cannot be empty');
    count += 1;
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
    if (Buffer.byteLength(key) > LIMITS.max_meta_name_length) throw badRequest(`Metadata name too long: ${prefix}${key}`);
    if (Buffer.byteLength(value) > LIMITS.max_meta_value_length) throw badRequest(`Metadata value longer than ${LIMITS.max_meta_value_length}: ${prefix}${key}`);
    if (count > LIMITS.max_meta_count) throw badRequest(`Too many metadata items; max ${LIMITS.max_meta_count}`);
    if (size > LIMITS.max_meta_overall_size) throw badRequest(`Total metadata too large; max ${LIMITS.max_meta_overall_size}`);
  }
}

/** The account and container servers' check of their whole metadata after an update (db.py validate_metadata). */
export function checkTotalMetadata(meta: Meta, target: 'account' | 'container'): void {
  const prefix = `x-${target}-meta-`;
  let count = 0;
  let size = 0;
  for (const [name, value] of Object.entries(meta)) {
    if (!name.startsWith(prefix)) continue;
    count += 1;
    size += Buffer.byteLength(name.slice(prefix.length)) + Buffer.byteLength(value);
  }
  if (count > LIMITS.max_meta_count) throw badRequest(`Too many metadata items; max ${LIMITS.max_meta_count}`);
  if (size > LIMITS.max_meta_overall_size) throw badRequest(`Total metadata too large; max ${LIMITS.max_meta_overall_size}`);
}

export function checkContainerName(name: string): void {
  const length = Buffer.byteLength(name);
  if (length > LIMITS.max_container_name_length) throw badRequest(`Container name length of ${length} longer than ${LIMITS.max_container_name_length}`);
}

export function checkObjectName(name: string): void {
  const length = Buffer.byteLength(name);
  if (length > LIMITS.max_object_name_length) throw badRequest(`Object name length of ${length} longer than ${LIMITS.max_object_name_length}`);
}

/**
 * X-Delete-At / X-Delete-After of a PUT or POST as the Unix second the object expires
 * (undefined: neither sent; null: X-Delete-At removed).
 */
export function deleteAt(headers: Record<string, string>, nowSeconds: number): number | undefined {
  const after = headers['x-delete-after'];
  if (after !== undefined) {
    if (!/^-?\d+$/.test(after.trim())) throw badRequest('Non-integer X-Delete-After');
    const n = Number(after);
    if (n < 0) throw badRequest('X-Delete-After in past');
    return Math.floor(nowSeconds) + n;
  }
  const at = headers['x-delete-at'];
  if (at === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(at.trim())) throw badRequest('Non-integer X-Delete-At');
  const n = Math.floor(Number(at));
  if (n < nowSeconds) throw badRequest('X-Delete-At in past');
  return n;
}

/** Python's repr() of a str (what tempauth's %r shows). */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
}
