// CORS for containers (Swift's cors_validation and OPTIONS handling): origins allowed by
// X-Container-Meta-Access-Control-Allow-Origin get the Access-Control headers on their answers,
// and preflight OPTIONS requests are answered from the container's settings.
import type { ContainerRecord } from '../store/tables.js';
import type { Headers } from './views.js';
import { SwiftError } from '../domain/errors.js';

const EXPOSED = ['cache-control', 'content-language', 'content-type', 'expires', 'last-modified', 'pragma', 'etag', 'x-timestamp', 'x-trans-id', 'x-openstack-request-id'];

function allowed(c: ContainerRecord | undefined, origin: string): boolean {
  const list = (c?.metadata['x-container-meta-access-control-allow-origin'] ?? '').split(/\s+/).filter(Boolean);
  return list.includes('*') || list.includes(origin);
}

/** The Access-Control headers of an answer to an allowed origin (none for others). */
export function corsHeaders(c: ContainerRecord | undefined, origin: string | undefined, answer: Headers): Headers {
  if (!origin || !c || !allowed(c, origin)) return {};
  const expose = new Set(EXPOSED);
  for (const k of Object.keys(answer)) if (/^x-(object|container|account)-meta-/i.test(k)) expose.add(k.toLowerCase());
  for (const k of (c.metadata['x-container-meta-access-control-expose-headers'] ?? '').split(/[\s,]+/)) if (k) expose.add(k.toLowerCase());
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': [...expose].join(', ') };
}

/** A preflight OPTIONS: 200 with the allowed methods for an allowed origin, 401 otherwise. */
export function preflight(c: ContainerRecord | undefined, h: Record<string, string>, allow: string): Headers {
  const origin = h['origin'];
  if (!origin) return { Allow: allow };
  const method = h['access-control-request-method'];
  if (!method || !c || !allowed(c, origin) || !allow.split(', ').includes(method)) throw new SwiftError(401);
  const out: Headers = { Allow: allow, 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Methods': allow };
  const maxAge = c.metadata['x-container-meta-access-control-max-age'];
  if (maxAge) out['Access-Control-Max-Age'] = maxAge;
  const requested = h['access-control-request-headers'];
  if (requested) out['Access-Control-Allow-Headers'] = requested;
  return out;
}
