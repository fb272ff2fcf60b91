// Calls to the public APIs with the session's token. Every call that changes something is shown
// in the API drawer (method, URL, body) with the equivalent CLI and curl lines; every failure
// carries the service's own message and request id.
import { endpoint, type Session } from './session';

export class ApiFailure extends Error {
  constructor(readonly status: number, message: string, readonly requestId: string | null) { super(message); }
}

export interface PlannedCall { method: string; url: string; body?: unknown; cli?: string; note?: string }

type Listener = (c: PlannedCall) => void;
const listeners = new Set<Listener>();
export function onCall(l: Listener): () => void { listeners.add(l); return () => listeners.delete(l); }

/** The words a service put in its error body, whatever its shape (Keystone, Nova, Neutron, Cinder, Glance, Swift). */
function messageOf(status: number, text: string): string {
  try {
    const b = JSON.parse(text);
    if (b?.error?.message) return b.error.message;
    if (b?.NeutronError?.message) return b.NeutronError.message;
    if (typeof b?.message === 'string') return b.message;
    const first = b && typeof b === 'object' ? Object.values(b)[0] as { message?: string } : undefined;
    if (first?.message) return first.message;
    if (Array.isArray(b?.errors) && b.errors[0]?.detail) return b.errors[0].detail;
  } catch { /* not JSON */ }
  const plain = text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain || `HTTP ${status}`;
}

export interface CallOptions { headers?: Record<string, string>; raw?: BodyInit; cli?: string; onProgress?: (fraction: number) => void }

export function urlOf(s: Session, service: string, path: string): string {
  const base = endpoint(s, service);
  if (base === undefined) throw new ApiFailure(0, `The ${service} service is not in the catalog.`, null);
  return `${base}${path}`;
}

export async function call<T = any>(s: Session, service: string, method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
  const url = urlOf(s, service, path);
  if (method !== 'GET' && method !== 'HEAD') for (const l of listeners) l({ method, url, body, cli: opts.cli });
  const headers: Record<string, string> = { 'X-Auth-Token': s.token, ...(opts.headers ?? {}) };
  if (body !== undefined) headers['Content-Type'] ??= 'application/json';
  if (service === 'compute') headers['OpenStack-API-Version'] ??= 'compute 2.79';
  const r = await fetch(url, { method, headers, body: opts.raw ?? (body !== undefined ? JSON.stringify(body) : undefined) });
  const text = await r.text();
  if (!r.ok) throw new ApiFailure(r.status, messageOf(r.status, text), r.headers.get('x-openstack-request-id') ?? r.headers.get('x-compute-request-id'));
  if (!text) return undefined as T;
  try { return JSON.parse(text) as T; } catch { return text as T; }
}

/** An upload with progress (fetch has none): XMLHttpRequest, as browsers offer it. */
export function upload(s: Session, service: string, method: string, path: string, file: Blob, headers: Record<string, string>, onProgress: (f: number) => void): Promise<void> {
  const url = urlOf(s, service, path);
  for (const l of listeners) l({ method, url, body: `<${file.size} bytes>` });
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open(method, url);
    x.setRequestHeader('X-Auth-Token', s.token);
    for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v);
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    x.onload = () => (x.status < 400 ? resolve() : reject(new ApiFailure(x.status, messageOf(x.status, x.responseText), x.getResponseHeader('x-openstack-request-id'))));
    x.onerror = () => reject(new ApiFailure(0, 'The upload failed.', null));
    x.send(file);
  });
}
