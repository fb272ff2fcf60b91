import type { ApiRequest } from '../../../core/http/service-plugin.js';

/** The identity root as the client reached it, so links work through HOST_IP or a proxy. */
export function identityRoot(req: ApiRequest): string {
  const proto = (req.headers['x-forwarded-proto'] as string | undefined) ?? req.raw.protocol;
  return `${proto}://${req.headers.host}/identity`;
}

export const v3 = (req: ApiRequest) => `${identityRoot(req)}/v3`;

/** The URL the client called, as OAuth1 signs it (with the query unless told otherwise). */
export function requestUrl(req: ApiRequest, withQuery = true): string {
  const url = withQuery ? req.raw.url : req.raw.url.split('?')[0]!;
  return `${identityRoot(req).replace(/\/identity$/, '')}${url}`;
}

export function collectionLinks(req: ApiRequest) {
  return { self: `${identityRoot(req)}${req.raw.url.replace(/^\/identity/, '')}`, previous: null, next: null };
}

/** Query flags as Keystone reads them: present and not "0"/"false" (a bare ?flag counts). */
export function flag(value: unknown): boolean {
  if (value === undefined) return false;
  const s = String(value).toLowerCase();
  return s !== '0' && s !== 'false';
}

export function boolFilter(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  const s = String(value).toLowerCase();
  return !(s === '0' || s === 'false' || s === 'no' || s === 'off');
}
