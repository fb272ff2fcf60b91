// How request headers change stored metadata, as Swift's account, container and object servers
// apply them. Header names are lower case throughout.
import { SYNC_POINT, type Meta } from '../store/tables.js';
import { checkMetadata, checkTotalMetadata } from './constraints.js';
import { cleanAcl } from './access.js';
import { badRequest } from './errors.js';

/** Headers an object keeps besides X-Object-Meta-* (the object server's allowed_headers). */
export const OBJECT_HEADERS = [
  'content-disposition', 'content-encoding', 'content-language', 'cache-control', 'expires', 'x-robots-tag',
  'x-object-manifest', 'x-static-large-object',
];

/** Container headers kept as metadata besides X-Container-Meta-* (only an owner sets them). */
export const CONTAINER_SYSTEM = [
  'x-container-read', 'x-container-write', 'x-versions-location', 'x-history-location', 'x-container-sync-to', 'x-container-sync-key',
];

/** TempURL keys: swift_owner_headers, like the ACLs. */
const OWNER_SECRETS = /^x-(account|container)-meta-temp-url-key(-2)?$/;

/**
 * The account's or container's metadata after a PUT or POST: `X-<T>-Meta-K: v` sets, an empty
 * value or `X-Remove-<T>-Meta-K` removes; an owner's system headers likewise.
 */
export function updatedMeta(current: Meta, headers: Record<string, string>, target: 'account' | 'container', owner: boolean): Meta {
  checkMetadata(headers, target);
  const out: Meta = { ...current };
  const prefix = `x-${target}-meta-`;
  const removePrefix = `x-remove-${target}-`;
  const system = target === 'container' ? CONTAINER_SYSTEM : ['x-account-access-control'];
  for (const [name, value] of Object.entries(headers)) {
    let key: string | undefined;
    let remove = false;
    if (name.startsWith(prefix)) key = name;
    else if (name.startsWith(`${removePrefix}meta-`)) { key = `x-${target}-${name.slice(removePrefix.length)}`; remove = true; }
    else if (system.includes(name)) key = name;
    else if (name.startsWith(removePrefix) && system.includes(`x-${target}-${name.slice(removePrefix.length)}`)) { key = `x-${target}-${name.slice(removePrefix.length)}`; remove = true; }
    if (!key) continue;
    // NOTE: the proxy drops swift_owner_headers from a request that is not the owner's.
    if (!owner && (system.includes(key) || OWNER_SECRETS.test(key))) continue;
    const v = remove ? '' : value.trim();
    if (v === '') { delete out[key]; continue; }
    if (key === 'x-container-read' || key === 'x-container-write') out[key] = cleanAcl(key, v);
    else if (key === 'x-versions-location' || key === 'x-history-location') out[key] = versionsLocation(v);
    else out[key] = v;
  }
  // NOTE: a new X-Container-Sync-To starts the sync over (the container server resets its sync points).
  if (current['x-container-sync-to'] !== out['x-container-sync-to']) delete out[SYNC_POINT];
  if (out['x-versions-location'] && out['x-history-location']) {
    throw badRequest('Only one of X-Versions-Location or X-History-Location may be specified');
  }
  checkTotalMetadata(out, target);
  return out;
}

function versionsLocation(v: string): string {
  let name: string;
  try { name = decodeURIComponent(v); } catch { throw badRequest('Invalid UTF8 or contains NULL'); }
  if (name.includes('/')) throw badRequest(`Container name cannot contain "/"`);
  return name;
}

/** An object's metadata from a PUT or POST: user metadata and the allowed headers, all replaced. */
export function objectMeta(headers: Record<string, string>): Meta {
  checkMetadata(headers, 'object');
  const out: Meta = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-object-meta-') || OBJECT_HEADERS.includes(name)) {
      if (name === 'x-static-large-object') continue;
      if (value !== '' || name.startsWith('x-object-meta-')) out[name] = value;
    }
  }
  return out;
}

/** The user metadata and allowed headers of `meta` (what a copy carries over). */
export function userMeta(meta: Meta): Meta {
  const out: Meta = {};
  for (const [k, v] of Object.entries(meta)) if (k.startsWith('x-object-meta-') || OBJECT_HEADERS.includes(k)) out[k] = v;
  return out;
}
