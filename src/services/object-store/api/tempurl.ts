// TempURL (swift/common/middleware/tempurl.py): an HMAC of method, expiry and path with an account
// or container key lets anyone holding the URL make that one call, until it expires.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SwiftError } from '../domain/errors.js';
import type { ObjectStoreDomain } from '../domain/object-store-domain.js';
import type { SwiftPath } from './request.js';

export const TEMPURL_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'];
export const TEMPURL_DIGESTS = ['sha1', 'sha256', 'sha512'];
const HEX_LENGTHS: Record<number, string> = { 40: 'sha1', 64: 'sha256', 128: 'sha512' };

/** What a valid TempURL allows: calls inside this account (and container, for a container key). */
export interface TempUrlScope { account: string; container?: string; filename?: string; inline: boolean; expires: number }

export function isTempUrl(q: Record<string, string | undefined>): boolean {
  return q.temp_url_sig !== undefined || q.temp_url_expires !== undefined;
}

const invalid = (method: string) => new SwiftError(401, method === 'HEAD' ? '' : '401 Unauthorized: Temp URL invalid\n');

/** The scope a TempURL grants, or a 401 as the middleware answers. `mount`: the store's path prefix. */
export async function tempUrlScope(d: ObjectStoreDomain, method: string, path: SwiftPath, q: Record<string, string | undefined>, mount: string): Promise<TempUrlScope> {
  const expires = normalizeExpires(q.temp_url_expires);
  const rawSig = q.temp_url_sig;
  if (!rawSig || !expires || !TEMPURL_METHODS.includes(method)) throw invalid(method);
  const prefix = q.temp_url_prefix;
  const object = path.object ?? '';
  const containerRoot = (method === 'GET' || method === 'HEAD') && prefix === '';
  if (!path.container || (!object && !containerRoot) || path.version !== 'v1') throw invalid(method);
  const { algorithm, sig } = digestOf(rawSig, method);
  const account = await d.accounts.get(path.account);
  const container = await d.containers.get(path.account, path.container);
  const keys = [
    ...tempUrlKeys(account.metadata, 'account').map((k) => ({ k, scope: 'account' as const })),
    ...tempUrlKeys(container?.metadata ?? {}, 'container').map((k) => ({ k, scope: 'container' as const })),
  ];
  if (keys.length === 0) throw invalid(method);
  let signed: string;
  if (prefix === undefined) signed = `/v1/${path.account}/${path.container}/${object}`;
  else {
    if (!object.startsWith(prefix)) throw invalid(method);
    signed = `prefix:/v1/${path.account}/${path.container}/${prefix}`;
  }
  // NOTE: clients sign the path they were given; behind DevStack's layout that includes the mount.
  const paths = [signed, signed.replace('/v1/', `${mount}/v1/`)];
  const methods = method === 'HEAD' ? ['HEAD', 'GET', 'POST', 'PUT'] : [method];
  for (const { k, scope } of keys) {
    for (const m of methods) {
      for (const p of paths) {
        const mac = createHmac(algorithm, k).update(`${m}\n${q.temp_url_expires}\n${p}`).digest('hex');
        if (mac.length === sig.length && timingSafeEqual(Buffer.from(mac), Buffer.from(sig))) {
          return { account: path.account, container: scope === 'container' ? path.container : undefined, filename: q.filename, inline: q.inline !== undefined, expires };
        }
      }
    }
  }
  throw invalid(method);
}

function tempUrlKeys(meta: Record<string, string>, target: 'account' | 'container'): string[] {
  return [`x-${target}-meta-temp-url-key`, `x-${target}-meta-temp-url-key-2`].map((k) => meta[k]).filter((v): v is string => !!v);
}

/** The signature as hex, and its digest: from its length, or from a `sha256:<base64>` prefix. */
function digestOf(raw: string, method: string): { algorithm: string; sig: string } {
  const colon = raw.indexOf(':');
  if (colon > 0) {
    const algorithm = raw.slice(0, colon);
    if (!TEMPURL_DIGESTS.includes(algorithm)) throw invalid(method);
    const b64 = raw.slice(colon + 1).replace(/-/g, '+').replace(/_/g, '/');
    return { algorithm, sig: Buffer.from(b64, 'base64').toString('hex') };
  }
  const algorithm = HEX_LENGTHS[raw.length];
  if (!algorithm || !/^[0-9a-fA-F]+$/.test(raw)) throw invalid(method);
  return { algorithm, sig: raw.toLowerCase() };
}

/** normalize_temp_url_expires: Unix seconds or ISO 8601 (`2015-01-01T00:00:00Z`); 0 when past or bad. */
function normalizeExpires(value: string | undefined): number {
  if (value === undefined) return 0;
  let t: number;
  if (/^-?\d+$/.test(value)) t = Number(value);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) t = Date.parse(value) / 1000;
  else t = 0;
  return t < Date.now() / 1000 ? 0 : t;
}

/** RFC 6266's form, as disposition_format writes it. */
export function disposition(type: 'inline' | 'attachment', filename: string): string {
  const quoted = encodeURIComponent(filename).replace(/%20/g, ' ').replace(/%2F/g, '/');
  return `${type}; filename="${quoted}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
