// A Swift request as the handlers see it: the path split as swift's split_path does (from the raw
// URL, so that object names keep their slashes and encoded characters), the query, and the
// headers by lower-case name.
import { randomUUID } from 'node:crypto';
import { badRequest, preconditionFailed } from '../domain/errors.js';
import { LIMITS } from '../domain/constraints.js';

export interface SwiftPath {
  version: string;
  account: string;
  container?: string;
  object?: string;
}

/** `/v1/AUTH_x/c/o/with/slashes` under the mount prefix, decoded segment by segment. */
export function swiftPath(rawUrl: string, prefix: string): SwiftPath | undefined {
  const path = rawUrl.split('?', 1)[0]!.slice(prefix.length);
  const m = /^\/([^/]+)\/([^/]+)(?:\/([^/]*)(?:\/(.*))?)?$/s.exec(path);
  if (!m) return undefined;
  const [, version, account, container, object] = m.map((s, i) => (i === 0 || s === undefined ? s : decode(s)));
  if (!(LIMITS.valid_api_versions as readonly string[]).includes(version!)) return undefined;
  return { version: version!, account: account!, container: container || undefined, object: object || undefined };
}

function decode(s: string): string {
  let out: string;
  try { out = decodeURIComponent(s); } catch { throw preconditionFailed('Invalid UTF8 or contains NULL'); }
  if (out.includes('\0')) throw preconditionFailed('Invalid UTF8 or contains NULL');
  return out;
}

/**
 * The request's headers by lower-case name, one value each; `_` reads as `-`, as it does behind
 * Swift's WSGI server (X-Object-Meta-A_B is X-Object-Meta-A-B).
 */
export function headersOf(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.replace(/_/g, '-')] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

/**
 * Swift's transaction id: `tx` + 21 hex digits + `-` + the time in 10 hex digits. NOTE: the digits
 * are a random UUID's (node draws those from a pool it refills every 128), not a randomBytes call's
 * (a getrandom system call on every request).
 */
export function transId(): string {
  const u = randomUUID();
  return `tx${u.slice(0, 8)}${u.slice(9, 13)}${u.slice(15, 18)}${u.slice(19, 23)}${u.slice(24, 26)}-${Math.floor(Date.now() / 1000).toString(16).padStart(10, '0')}`;
}

/** `container/object` of X-Copy-From or Destination (URL-encoded, optional leading slash). */
export function copyPath(value: string, header: string): { container: string; object: string } {
  let v: string;
  try { v = decodeURIComponent(value); } catch { throw preconditionFailed('Invalid UTF8 or contains NULL'); }
  if (v.startsWith('/')) v = v.slice(1);
  const slash = v.indexOf('/');
  if (slash <= 0 || slash === v.length - 1) throw preconditionFailed(`${header} header must be of the form <container name>/<object name>`);
  return { container: v.slice(0, slash), object: v.slice(slash + 1) };
}

export const queryOf = (q: unknown) => (q ?? {}) as Record<string, string | undefined>;

export function intParam(q: Record<string, string | undefined>, name: string): number | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw preconditionFailed(`Value of ${name} must be a positive integer.`);
  return Number(v);
}

export { badRequest };
