// Swift's API at /v1/{account}[/{container}[/{object}]]: one route per method whose handler splits
// the path as Swift does (object names keep their slashes), authorises as keystoneauth does (the
// container's ACL for the method), then makes one domain call and renders headers and body.
import { Readable } from 'node:stream';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { RequestContext } from '../../../core/auth/request-context.js';
import type { ObjectStoreDomain } from '../domain/object-store-domain.js';
import type { Caller } from '../domain/objects.service.js';
import { accountAclGrant, accountAclLevel, accountOf, authorize, PROJECT_DOMAIN_SYSMETA, UNKNOWN_DOMAIN_ID, type AccessRequest, type Grant, type Identity } from '../domain/access.js';
import { LIMITS } from '../domain/constraints.js';
import { httpDate } from '../domain/clock.js';
import { badRequest, methodNotAllowed, notFound, preconditionFailed, SwiftError, unauthorized } from '../domain/errors.js';
import { bulkBody } from '../domain/bulk.js';
import { formPost, isFormPost } from './formpost.js';
import { corsHeaders, preflight } from './cors.js';
import { staticWeb, type WebAnswer, type WebRequest } from './staticweb.js';
import { disposition, isTempUrl, tempUrlScope, type TempUrlScope } from './tempurl.js';
import type { ContainerRecord, ObjectRecord } from '../store/tables.js';
import { copyPath, headersOf, intParam, queryOf, swiftPath, type SwiftPath } from './request.js';
import { accountHeaders, accountListing, containerHeaders, containerListing, listingFormat, objectHeaders, type Headers } from './views.js';
import { conditionalStatus, rangesFor, unsatisfiable } from './conditional.js';
import { POLICY } from '../policies.js';

export const OBJECT_STORE_PATH = '/object-store';

type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' | 'COPY' | 'OPTIONS';

interface Call {
  req: ApiRequest;
  method: Method;
  path: SwiftPath;
  h: Record<string, string>;
  q: Record<string, string | undefined>;
  who: Identity | undefined;
  /** A valid TempURL's scope: it stands in for the caller's identity. */
  temp?: TempUrlScope;
  /** The container of a container or object request, for its CORS settings. */
  container?: ContainerRecord;
  d: ObjectStoreDomain;
}

/** keystoneauth's decision, or the TempURL's when the request carries one. */
async function authorizeCall(call: Call, req: AccessRequest): Promise<Grant> {
  const t = call.temp;
  if (t) {
    if (req.account === t.account && (!t.container || req.container === t.container)) return 'acl';
    throw unauthorized();
  }
  const who = call.who;
  const foreign = !!who && req.account !== (who.projectId && accountOf(who.projectId));
  const account = foreign ? await call.d.accounts.find(req.account) : undefined;
  if (foreign && req.acl) {
    req = { ...req, accountDomain: { exists: !!account, domainId: account?.metadata[PROJECT_DOMAIN_SYSMETA] } };
  }
  try {
    return authorize(who, req);
  } catch (err) {
    // NOTE: the account's own ACL (X-Account-Access-Control) may still allow a caller, as tempauth checks it last.
    if (!who || !account) throw err;
    const grant = accountAclGrant(accountAclLevel(account.metadata['x-account-access-control'], who), req);
    if (!grant) throw err;
    return grant;
  }
}

/** The caller as keystoneauth sees it, its roles judged by policy (policies.ts). */
export function identify(ctx: RequestContext): Identity | undefined {
  const t = ctx.token;
  if (!t) return undefined;
  return {
    projectId: t.project?.id, projectName: t.project?.name, projectDomainId: t.project?.domain.id, userDomainId: t.user.domain.id, userId: t.user.id, userName: t.user.name, roles: t.roles.map((r) => r.name),
    resellerAdmin: ctx.can(POLICY.resellerAdmin), operator: ctx.can(POLICY.operator), projectReader: ctx.can(POLICY.projectReader),
  };
}

export function swiftRoutes(d: ObjectStoreDomain): RouteSpec[] {
  const methods: Method[] = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'COPY', 'OPTIONS'];
  const routes: RouteSpec[] = [];
  for (const version of LIMITS.valid_api_versions) {
    for (const method of methods) {
      routes.push({
        method: method as RouteSpec['method'], url: `/${version}/*`, auth: 'optional',
        ...(['PUT', 'POST', 'COPY', 'DELETE', 'OPTIONS'].includes(method) ? { rawBody: 'stream' as const } : {}),
        handler: (req) => dispatch(d, method, req),
      });
    }
  }
  return routes;
}

async function dispatch(d: ObjectStoreDomain, method: Method, req: ApiRequest): Promise<unknown> {
  const path = swiftPath(req.raw.url, OBJECT_STORE_PATH);
  if (!path) throw notFound();
  const call: Call = { req, method, path, h: headersOf(req.headers), q: queryOf(req.query), who: identify(req.ctx), d };
  if (method !== 'OPTIONS' && isTempUrl(call.q)) {
    call.temp = await tempUrlScope(d, method, path, call.q, OBJECT_STORE_PATH);
    call.who = undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      for (const h of ['x-object-manifest', 'x-symlink-target', 'x-symlink-target-account']) {
        if (h in call.h) throw badRequest(`The header '${h.replace(/(^|-)\w/g, (c) => c.toUpperCase())}' is not allowed in this tempurl`);
      }
    }
  }
  const boundary = isFormPost(method, call.h['content-type']);
  if (boundary && path.container) {
    const rawPath = req.raw.url.split('?', 1)[0]!.slice(OBJECT_STORE_PATH.length);
    const body = (req.body as Readable | undefined) ?? Readable.from([]);
    const r = await formPost(d, path, rawPath, OBJECT_STORE_PATH, body, boundary);
    return send(call, r.status, r.headers, r.body);
  }
  if (method === 'PUT' && call.q['extract-archive'] !== undefined) return extractArchive(d, call);
  if ((method === 'POST' || method === 'DELETE') && call.q['bulk-delete'] !== undefined) return bulkDelete(d, call);
  if (path.object !== undefined) return objectCall(d, call);
  if (path.container !== undefined) return containerCall(d, call);
  return accountCall(d, call);
}

/**
 * The caller as the domain sees it: reseller admin or not, and the project domain an account it
 * creates records (its own project's domain, or unknown for another project's account).
 */
function caller(call: Call): Caller {
  const who = call.who;
  const own = !!who?.projectId && call.path.account === accountOf(who.projectId);
  return { resellerAdmin: who?.resellerAdmin ?? false, accountDomainId: own ? who!.projectDomainId ?? UNKNOWN_DOMAIN_ID : UNKNOWN_DOMAIN_ID };
}

function send(call: Call, status: number, headers: Headers, body?: unknown): unknown {
  call.req.reply.code(status).headers({ ...headers, ...corsHeaders(call.container, call.h.origin, headers) });
  return body;
}

// Accounts

async function accountCall(d: ObjectStoreDomain, call: Call): Promise<unknown> {
  const { method, path, h, who } = call;
  const grant = await authorizeCall(call, { method, account: path.account, referer: h.referer });
  switch (method) {
    case 'HEAD':
    case 'GET': {
      const account = await d.accounts.get(path.account);
      const headers = accountHeaders(account, grant);
      const format = listingFormat(call.q.format, h.accept);
      if (method === 'HEAD') return send(call, 204, { ...headers, 'Content-Type': `${format}; charset=utf-8` });
      const items = await d.accounts.list(path.account, listQuery(call, LIMITS.account_listing_limit));
      return listingReply(call, headers, format, accountListing(path.account, items, format));
    }
    case 'POST':
      await d.accounts.update(path.account, h, grant, caller(call));
      return send(call, 204, {});
    case 'OPTIONS':
      return send(call, 200, { Allow: 'HEAD, GET, PUT, POST, OPTIONS, DELETE' });
    default:
      throw methodNotAllowed('HEAD, GET, PUT, POST, OPTIONS, DELETE');
  }
}

function listQuery(call: Call, max: number) {
  const q = call.q;
  let limit = intParam(q, 'limit') ?? max;
  if (limit < 0) throw preconditionFailed('Value of limit must be a positive integer.');
  if (limit > max) throw preconditionFailed(`Maximum limit is ${max}`);
  for (const name of ['prefix', 'delimiter', 'marker', 'end_marker', 'path'] as const) {
    if (q[name] !== undefined && q[name]!.includes('\0')) throw preconditionFailed('Invalid UTF8 or contains NULL');
  }
  const delimiter = q.delimiter;
  if (delimiter !== undefined && delimiter.length > 1 && Buffer.byteLength(delimiter) > 1) throw preconditionFailed('Bad delimiter');
  limit = Math.min(limit, max);
  return {
    prefix: q.prefix || undefined, delimiter: delimiter || undefined, path: q.path, marker: q.marker || undefined,
    endMarker: q.end_marker || undefined, reverse: ['true', '1', 'yes', 'on', 't', 'y'].includes((q.reverse ?? '').toLowerCase()), limit,
  };
}

function listingReply(call: Call, headers: Headers, format: string, body: string): unknown {
  const type = { 'Content-Type': `${format}; charset=utf-8` };
  if (body === '') return send(call, 204, { ...headers, ...type });
  return send(call, 200, { ...headers, ...type }, body);
}

// Containers

async function containerCall(d: ObjectStoreDomain, call: Call): Promise<unknown> {
  const { method, path, h, who } = call;
  const account = path.account;
  const name = path.container!;
  const c = await d.containers.get(account, name);
  call.container = c;
  const acl = method === 'GET' || method === 'HEAD' ? c?.metadata['x-container-read'] : undefined;
  const grant = await authorizeCall(call, { method, account, container: name, acl, referer: h.referer });
  switch (method) {
    case 'HEAD':
    case 'GET': {
      if (!c) throw notFound();
      const web = await staticWeb(d, webRequest(call, c));
      if (web) return webAnswer(call, d, web);
      const headers = containerHeaders(c, grant);
      const format = listingFormat(call.q.format, h.accept);
      if (method === 'HEAD') return send(call, 204, { ...headers, 'Content-Type': `${format}; charset=utf-8` });
      const items = await d.containers.list(account, name, listQuery(call, LIMITS.container_listing_limit));
      return listingReply(call, headers, format, containerListing(name, items, format));
    }
    case 'PUT': {
      const created = await d.containers.put(account, name, h, grant, caller(call).accountDomainId);
      return send(call, created ? 201 : 202, {});
    }
    case 'POST':
      await d.containers.update(account, name, h, grant);
      return send(call, 204, {});
    case 'DELETE':
      await d.containers.delete(account, name);
      return send(call, 204, {});
    case 'OPTIONS':
      return send(call, 200, preflight(c, h, 'HEAD, GET, PUT, POST, OPTIONS, DELETE'));
    default:
      throw methodNotAllowed('HEAD, GET, PUT, POST, OPTIONS, DELETE');
  }
}

// Objects

const ACL_FOR: Record<string, 'x-container-read' | 'x-container-write'> = {
  GET: 'x-container-read', HEAD: 'x-container-read', PUT: 'x-container-write', POST: 'x-container-write', DELETE: 'x-container-write', COPY: 'x-container-write',
};

async function objectCall(d: ObjectStoreDomain, call: Call): Promise<unknown> {
  const { method, path, h, who } = call;
  const where = { account: path.account, container: path.container!, name: path.object! };
  const c = await d.containers.get(where.account, where.container);
  call.container = c;
  const aclName = ACL_FOR[method];
  const grant = await authorizeCall(call, { method, account: where.account, container: where.container, object: where.name, acl: aclName && c?.metadata[aclName], referer: h.referer });
  if (method === 'OPTIONS') return send(call, 200, preflight(c, h, 'HEAD, GET, PUT, POST, OPTIONS, DELETE, COPY'));
  if (!c) throw notFound();
  switch (method) {
    case 'HEAD':
    case 'GET': {
      const web = await staticWeb(d, webRequest(call, c, where.name));
      if (web) return webAnswer(call, d, web);
      const o = await d.objects.require(where);
      const manifestGet = call.q['multipart-manifest'] === 'get';
      if (d.large.isSlo(o) && manifestGet) return readManifest(call, d, o);
      if ((d.large.isSlo(o) || d.large.isDlo(o)) && !manifestGet) return readLarge(call, d, o);
      return readObject(call, d, o);
    }
    case 'PUT': {
      if (h['x-copy-from'] !== undefined) {
        const from = copyPath(h['x-copy-from'], 'X-Copy-From');
        const src = await copySource(d, call, { account: h['x-copy-from-account'] ?? where.account, ...from });
        const o = await d.objects.copy(src, where, h, caller(call));
        return send(call, 201, { ...copiedHeaders(src, h['x-copy-from-account'], o), 'Etag': o.etag, 'Last-Modified': httpDate(o.timestamp) });
      }
      const length = h['content-length'] !== undefined ? contentLength(h['content-length']) : undefined;
      const chunked = /chunked/i.test(h['transfer-encoding'] ?? '');
      const body = (call.req.body as Readable | undefined) ?? Readable.from([]);
      if (call.q['multipart-manifest'] === 'put') {
        const o = await d.large.putSlo(where, body, h, caller(call), canRead(call));
        return send(call, 201, { 'Etag': `"${o.metadata['x-object-sysmeta-slo-etag']}"`, 'Last-Modified': httpDate(o.timestamp) });
      }
      const o = await d.objects.put(where, { headers: h, body, length: chunked ? undefined : length, chunked, container: c }, caller(call));
      return send(call, 201, { 'Etag': o.etag, 'Last-Modified': httpDate(o.timestamp) });
    }
    case 'COPY': {
      const dest = h['destination'];
      if (dest === undefined) throw preconditionFailed('Destination header required');
      const to = copyPath(dest, 'Destination');
      const toAccount = h['destination-account'] ?? where.account;
      const src = await copySource(d, call, { account: where.account, container: where.container, object: where.name });
      const dc = await d.containers.get(toAccount, to.container);
      await authorizeCall(call, { method: 'PUT', account: toAccount, container: to.container, object: to.object, acl: dc?.metadata['x-container-write'], referer: h.referer });
      if (!dc) throw notFound();
      const o = await d.objects.copy(src, { account: toAccount, container: to.container, name: to.object }, h, caller(call));
      return send(call, 201, { ...copiedHeaders(src, h['destination-account'] ? where.account : undefined, o), 'Etag': o.etag, 'Last-Modified': httpDate(o.timestamp) });
    }
    case 'POST':
      await d.objects.update(where, h);
      return send(call, 202, {}, swiftAccepted());
    case 'DELETE': {
      if (call.q['multipart-manifest'] === 'delete') {
        const o = await d.objects.require(where);
        if (d.large.isSlo(o)) {
          const r = await d.large.deleteSlo(o, canWrite(call));
          const status = r.errors.length ? '400 Bad Request' : '200 OK';
          const body = `Number Deleted: ${r.deleted}\nNumber Not Found: ${r.notFound}\nResponse Body: \nResponse Status: ${status}\nErrors:\n${r.errors.map(([n, e]) => `${n}, ${e}`).join('\n')}`;
          return send(call, 200, { 'Content-Type': 'text/plain; charset=utf-8' }, body);
        }
      }
      await d.objects.delete(where);
      return send(call, 204, {});
    }
  }
  void grant;
  throw methodNotAllowed('HEAD, GET, PUT, POST, OPTIONS, DELETE, COPY');
}

const swiftAccepted = () => '<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>';

function contentLength(v: string): number {
  if (!/^\d+$/.test(v.trim())) throw badRequest('Invalid Content-Length header value');
  return Number(v);
}

/** The object a copy reads: the caller must be allowed to GET it. */
async function copySource(d: ObjectStoreDomain, call: Call, src: { account: string; container: string; object: string }): Promise<ObjectRecord> {
  const c = await d.containers.get(src.account, src.container);
  await authorizeCall(call, { method: 'GET', account: src.account, container: src.container, object: src.object, acl: c?.metadata['x-container-read'], referer: call.h.referer });
  if (!c) throw notFound();
  return d.objects.require({ account: src.account, container: src.container, name: src.object });
}

function copiedHeaders(src: ObjectRecord, account: string | undefined, copy?: ObjectRecord): Headers {
  const h: Headers = {
    // NOTE: the copy's own metadata answers a copy, as Swift's copy middleware returns it.
    ...Object.fromEntries(Object.entries(copy ? objectHeaders(copy) : {}).filter(([k]) => /^x-object-meta-/i.test(k))),
    'X-Copied-From': `${encodeURIComponent(src.container)}/${encodeURI(src.name)}`,
    'X-Copied-From-Last-Modified': httpDate(src.timestamp),
  };
  if (account) h['X-Copied-From-Account'] = encodeURIComponent(src.account);
  return h;
}

function webRequest(call: Call, container: ContainerRecord, object?: string): WebRequest {
  return {
    method: call.method, rawPath: call.req.raw.url.split('?', 1)[0]!.slice(OBJECT_STORE_PATH.length), anonymous: !call.req.ctx.token || !!call.temp,
    webMode: (call.h['x-web-mode'] ?? '').toLowerCase() === 'true', account: call.path.account, container, object,
  };
}

function webAnswer(call: Call, d: ObjectStoreDomain, web: WebAnswer): unknown {
  if (web.kind === 'object') return readObject(call, d, web.object, web.status);
  if (web.kind === 'redirect') {
    return send(call, 301, { Location: `${OBJECT_STORE_PATH}${web.location}`, 'Content-Type': 'text/html; charset=UTF-8' }, '<html><h1>Moved Permanently</h1><p>The resource has moved permanently.</p></html>');
  }
  return send(call, web.status, { 'Content-Type': 'text/html; charset=UTF-8' }, call.method === 'HEAD' ? undefined : web.body);
}

function readObject(call: Call, d: ObjectStoreDomain, o: ObjectRecord, okStatus = 200): unknown {
  const headers = objectHeaders(o);
  if (call.temp) tempUrlHeaders(call.temp, o, headers);
  const status = conditionalStatus(call.h, o.etag, Math.ceil(Number(o.timestamp)));
  // NOTE: swob's conditional response: the object's headers, no body, for a 304 and a 412 alike.
  if (status === 412 || status === 304) return send(call, status, { ...headers, 'Content-Length': '0' }, status === 412 ? '' : undefined);
  const ranges = call.method === 'GET' ? rangesFor(call.h.range, o.size) : undefined;
  if (ranges && ranges.length === 0) throw unsatisfiable(o.size);
  if (!ranges) {
    const body = call.method === 'GET' ? (o.size === 0 ? '' : d.objects.driver.read(o.blob)) : undefined;
    return send(call, okStatus, { ...headers, 'Content-Length': String(o.size) }, body);
  }
  if (ranges.length === 1) {
    const [start, end] = ranges[0]!;
    return send(call, 206, { ...headers, 'Content-Length': String(end - start), 'Content-Range': `bytes ${start}-${end - 1}/${o.size}` },
      end > start ? d.objects.driver.read(o.blob, { start, end: end - 1 }) : '');
  }
  const boundary = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('')).toString();
  const type = o.content_type;
  const parts = ranges.map(([start, end]) => ({
    head: `--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${start}-${end - 1}/${o.size}\r\n\r\n`, start, end,
  }));
  const total = parts.reduce((n, p) => n + Buffer.byteLength(p.head) + (p.end - p.start) + 2, 0) + boundary.length + 4;
  async function* body() {
    for (const p of parts) {
      yield Buffer.from(p.head);
      for await (const chunk of d.objects.driver.read(o.blob, { start: p.start, end: p.end - 1 })) yield chunk as Buffer;
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--`);
  }
  return send(call, 206, { ...headers, 'Content-Type': `multipart/byteranges;boundary=${boundary}`, 'Content-Length': String(total) }, Readable.from(body()));
}

/** What a TempURL's GET or HEAD adds (Content-Disposition, Expires) and hides (private metadata). */
function tempUrlHeaders(t: TempUrlScope, o: ObjectRecord, headers: Headers): void {
  for (const k of Object.keys(headers)) if (/^x-object-meta-/i.test(k) && !/^x-object-meta-public-/i.test(k)) delete headers[k];
  const existing = headers['Content-Disposition'];
  delete headers['Content-Disposition'];
  headers['Content-Disposition'] = t.inline ? (t.filename ? disposition('inline', t.filename) : 'inline')
    : t.filename ? disposition('attachment', t.filename) : existing ?? disposition('attachment', o.name.replace(/\/+$/, '').split('/').pop() ?? '');
  headers['Expires'] = new Date(t.expires * 1000).toUTCString();
}

/** The caller may read (GET) an object of this account: segments of a manifest it writes. */
function canRead(call: Call) {
  return async (account: string, container: string, object: string) => {
    const c = await call.d.containers.get(account, container);
    await authorizeCall(call, { method: 'GET', account, container, object, acl: c?.metadata['x-container-read'], referer: call.h.referer });
  };
}

function canWrite(call: Call) {
  return async (account: string, container: string, object: string) => {
    const c = await call.d.containers.get(account, container);
    await authorizeCall(call, { method: 'DELETE', account, container, object, acl: c?.metadata['x-container-write'], referer: call.h.referer });
  };
}

/** GET ?multipart-manifest=get of an SLO: its stored manifest (or, with format=raw, the PUT's form). */
async function readManifest(call: Call, d: ObjectStoreDomain, o: ObjectRecord): Promise<unknown> {
  const manifest = await d.large.manifest(o);
  const raw = call.q.format === 'raw';
  const body = JSON.stringify(raw ? manifest.map((s) => ({ path: s.name, etag: s.hash, size_bytes: s.bytes, ...(s.range ? { range: s.range } : {}) })) : manifest);
  const headers: Headers = { ...objectHeaders(o), 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) };
  if (raw) delete headers['X-Static-Large-Object'];
  return send(call, 200, headers, call.method === 'HEAD' ? undefined : body);
}

/** GET or HEAD of a large object: its segments as one body (a single Range within it). */
async function readLarge(call: Call, d: ObjectStoreDomain, o: ObjectRecord): Promise<unknown> {
  const { parts, size, etag } = await d.large.parts(o);
  const headers: Headers = { ...objectHeaders(o), 'Etag': etag };
  if (d.large.isSlo(o)) headers['X-Manifest-Etag'] = o.etag;
  if (call.temp) tempUrlHeaders(call.temp, o, headers);
  const status = conditionalStatus(call.h, etag.replace(/"/g, ''), Math.ceil(Number(o.timestamp)));
  if (status === 412 || status === 304) return send(call, status, { ...headers, 'Content-Length': '0' }, status === 412 ? '' : undefined);
  const ranges = call.method === 'GET' ? rangesFor(call.h.range, size) : undefined;
  if (ranges && ranges.length === 0) throw unsatisfiable(size);
  if (ranges && ranges.length >= 1) {
    const [start, end] = ranges[0]!;
    return send(call, 206, { ...headers, 'Content-Length': String(end - start), 'Content-Range': `bytes ${start}-${end - 1}/${size}` }, d.large.stream(parts, start, end));
  }
  return send(call, 200, { ...headers, 'Content-Length': String(size) }, call.method === 'GET' ? d.large.stream(parts) : undefined);
}

/** A GrantFor of the bulk operations: the caller's grant on a container (and object) of the account. */
function grantsOf(call: Call) {
  return async (method: string, container: string, object?: string): Promise<Grant> => {
    const c = await call.d.containers.get(call.path.account, container);
    const acl = object ? c?.metadata[ACL_FOR[method] ?? 'x-container-write'] : undefined;
    return await authorizeCall(call, { method, account: call.path.account, container, object, acl, referer: call.h.referer });
  };
}

/** PUT ?extract-archive=tar|tar.gz: every file of the archive as an object. */
async function extractArchive(d: ObjectStoreDomain, call: Call): Promise<unknown> {
  const format = listingFormat(undefined, call.h.accept);
  const base = [call.path.container, call.path.object].filter(Boolean).join('/') || undefined;
  const body = (call.req.body as Readable | undefined) ?? Readable.from([]);
  const r = await d.bulk.extract(call.path.account, base, body, call.q['extract-archive']!.toLowerCase(), caller(call), grantsOf(call));
  return send(call, 200, { 'Content-Type': `${format}; charset=utf-8` }, bulkBody(r, format, 'extract'));
}

/** POST or DELETE ?bulk-delete: the newline-separated objects and containers of the body. */
async function bulkDelete(d: ObjectStoreDomain, call: Call): Promise<unknown> {
  const format = listingFormat(undefined, call.h.accept);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of (call.req.body as Readable | undefined) ?? []) {
    size += (c as Buffer).length;
    if (size > 10000 * 1100) throw new SwiftError(413);
    chunks.push(c as Buffer);
  }
  const paths = Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const r = await d.bulk.delete(call.path.account, paths, grantsOf(call));
  return send(call, 200, { 'Content-Type': `${format}; charset=utf-8` }, bulkBody(r, format, 'delete'));
}
