// A typed client for Swift v1 at /object-store/v1/{account}: text (or bytes) in and out, headers
// as the server sent them. Paths are relative to the caller's own account unless they start with
// `/AUTH_` (another account); `anonymous()` is the same client without a token.
import { Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientsFor, projectOf, type Clients } from '../../support/clients.js';

export interface SwiftReply {
  status: number;
  headers: Headers;
  /** The body as text (empty for HEAD and 204). */
  text: string;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json: any;
  bytes: Buffer;
}

export type Body = string | Buffer | Uint8Array | ReadableStream | undefined;

export class ObjectStoreClient {
  constructor(readonly root: string, readonly token: string | undefined, readonly account: string) {}

  /** The account URL (`…/v1/AUTH_<project>`). */
  get url(): string { return `${this.root}/object-store/v1/${this.account}`; }

  /** This caller's client aimed at another account (paths then start there). */
  at(account: string): ObjectStoreClient { return new ObjectStoreClient(this.root, this.token, account); }

  anonymous(): ObjectStoreClient { return new ObjectStoreClient(this.root, undefined, this.account); }

  async call(method: string, path = '', headers: Record<string, string> = {}, body?: Body): Promise<SwiftReply> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h['X-Auth-Token'] = this.token;
    const target = path.startsWith('/AUTH_') ? `${this.root}/object-store/v1${path}` : `${this.url}${path}`;
    const init: RequestInit & { duplex?: string } = { method, headers: h, body: body as BodyInit | undefined };
    if (body instanceof ReadableStream) init.duplex = 'half';
    const res = await fetch(target, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let json: any;
    if (/json/.test(res.headers.get('content-type') ?? '')) { try { json = JSON.parse(text); } catch { json = undefined; } }
    return { status: res.status, headers: res.headers, text, json, bytes };
  }

  get(p = '', h?: Record<string, string>) { return this.call('GET', p, h); }
  head(p = '', h?: Record<string, string>) { return this.call('HEAD', p, h); }
  put(p: string, body?: Body, h?: Record<string, string>) { return this.call('PUT', p, h, body ?? ''); }
  post(p = '', h?: Record<string, string>, body?: Body) { return this.call('POST', p, h, body); }
  delete(p: string, h?: Record<string, string>) { return this.call('DELETE', p, h); }
  copy(p: string, h?: Record<string, string>) { return this.call('COPY', p, h); }
}

/** A client for the caller behind `token`, aimed at its own project's account. */
export async function objectStoreFor(cloud: { url: string }, token: string, projectId?: string): Promise<ObjectStoreClient> {
  const project = projectId ?? await projectOf({ token, identity: new Client(`${cloud.url}/identity/v3`, token) } as Clients);
  return new ObjectStoreClient(cloud.url, token, `AUTH_${project}`);
}

/** A cloud with identity and the object store, and the admin's and demo's object-store clients. */
export async function startObjectStore(): Promise<{ cloud: TestCloud; admin: ObjectStoreClient; demo: ObjectStoreClient }> {
  const cloud = await startTestCloud({ services: ['identity', 'object-store'] });
  const [a, d] = await Promise.all([clientsFor(cloud, 'admin'), clientsFor(cloud, 'demo')]);
  return { cloud, admin: await objectStoreFor(cloud, a.token), demo: await objectStoreFor(cloud, d.token) };
}

/** Throws unless the reply has `status` (with the body, to read a failure). */
export function expectStatus(r: SwiftReply, status: number, what: string): SwiftReply {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}
