// FormPost (swift/common/middleware/formpost.py): a browser's multipart/form-data POST to a
// container (or a prefix in it), signed with a TempURL key, uploads each file of the form as an
// object `<prefix><filename>`. The form is parsed as it streams; no file is held in memory.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ObjectStoreDomain } from '../domain/object-store-domain.js';
import { SwiftError } from '../domain/errors.js';
import type { SwiftPath } from './request.js';

export const FORMPOST_DIGESTS = ['sha1', 'sha256', 'sha512'];
const HEX: Record<number, string> = { 40: 'sha1', 64: 'sha256', 128: 'sha512' };

export function isFormPost(method: string, contentType: string | undefined): string | undefined {
  if (method !== 'POST' || !contentType) return undefined;
  const m = /^\s*multipart\/form-data\s*;(.*)$/i.exec(contentType);
  if (!m) return undefined;
  return /boundary="?([^";]+)"?/i.exec(m[1]!)?.[1];
}

interface Part { headers: Record<string, string>; body: AsyncGenerator<Buffer> }

class FormInvalid extends Error {}

/** The parts of a multipart body, each body streamed as it arrives. */
async function* multipart(source: AsyncIterable<Buffer | string>, boundary: string): AsyncGenerator<Part> {
  const it = source[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  let ended = false;
  const more = async () => {
    const n = await it.next();
    if (n.done) { ended = true; return false; }
    buf = Buffer.concat([buf, typeof n.value === 'string' ? Buffer.from(n.value) : n.value]);
    return true;
  };
  const first = Buffer.from(`--${boundary}`);
  while (buf.indexOf(first) < 0) if (!(await more())) throw new SwiftError(400, 'FormPost: invalid starting boundary');
  buf = buf.subarray(buf.indexOf(first) + first.length);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  for (;;) {
    while (buf.length < 2) if (!(await more())) return;
    if (buf.subarray(0, 2).toString() === '--') return;
    let end: number;
    while ((end = buf.indexOf('\r\n\r\n')) < 0) if (!(await more())) throw new FormInvalid('unexpected end of the form');
    const headers: Record<string, string> = {};
    for (const line of buf.subarray(2, end).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    buf = buf.subarray(end + 4);
    let done = false;
    async function* body(): AsyncGenerator<Buffer> {
      while (!done) {
        const at = buf.indexOf(delimiter);
        if (at >= 0) {
          const out = buf.subarray(0, at);
          buf = buf.subarray(at + delimiter.length);
          done = true;
          if (out.length) yield out;
          return;
        }
        const keep = Math.max(0, buf.length - delimiter.length + 1);
        if (keep > 0) { const out = buf.subarray(0, keep); buf = buf.subarray(keep); yield out; }
        if (!(await more())) throw new FormInvalid('unexpected end of the form');
      }
    }
    const part = { headers, body: body() };
    yield part;
    for await (const _ of body()) { /* skip what the consumer left */ }
    if (ended && buf.length === 0) return;
  }
}

function disposition(value: string | undefined): { type: string; attrs: Record<string, string> } {
  const [type = '', ...rest] = (value ?? '').split(';');
  const attrs: Record<string, string> = {};
  for (const a of rest) {
    const eq = a.indexOf('=');
    if (eq > 0) attrs[a.slice(0, eq).trim().toLowerCase()] = a.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return { type: type.trim().toLowerCase(), attrs };
}

async function text(body: AsyncGenerator<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) { if (n < 4096) chunks.push(c); n += c.length; }
  return Buffer.concat(chunks).toString('utf8').slice(0, 4096);
}

export interface FormPostAnswer { status: number; headers: Record<string, string>; body: string }

export async function formPost(d: ObjectStoreDomain, path: SwiftPath, rawPath: string, mount: string, source: AsyncIterable<Buffer | string>, boundary: string): Promise<FormPostAnswer> {
  try {
    return await translate(d, path, rawPath, mount, source, boundary);
  } catch (err) {
    if (err instanceof FormInvalid) return { status: 400, headers: { 'Content-Type': 'text/plain' }, body: `FormPost: ${err.message}` };
    throw err;
  }
}

async function translate(d: ObjectStoreDomain, path: SwiftPath, rawPath: string, mount: string, source: AsyncIterable<Buffer | string>, boundary: string): Promise<FormPostAnswer> {
  if (!path.container) throw new SwiftError(401, 'FormPost: Invalid Signature');
  const account = await d.accounts.get(path.account);
  const container = await d.containers.get(path.account, path.container);
  const keys = [account.metadata['x-account-meta-temp-url-key'], account.metadata['x-account-meta-temp-url-key-2'],
    container?.metadata['x-container-meta-temp-url-key'], container?.metadata['x-container-meta-temp-url-key-2']].filter((k): k is string => !!k);
  const attributes: Record<string, string> = {};
  let status = '';
  let message = '';
  let files = 0;
  for await (const part of multipart(source, boundary)) {
    const { type, attrs } = disposition(part.headers['content-disposition']);
    if (type === 'form-data' && attrs.filename !== undefined) {
      files += 1;
      const maxCount = attributes.max_file_count ?? '0';
      if (!/^\d+$/.test(maxCount)) throw new FormInvalid('max_file_count not an integer');
      if (files > Number(maxCount)) { status = '400 Bad Request'; message = 'max file count exceeded'; break; }
      check(attributes, keys, rawPath, mount);
      const maxSize = Number(attributes.max_file_size ?? '0');
      if (!/^\d+$/.test(attributes.max_file_size ?? '0')) throw new FormInvalid('max_file_size not an integer');
      const headers: Record<string, string> = {};
      const ct = attributes['content-type'] ?? part.headers['content-type'];
      if (ct !== undefined) headers['content-type'] = ct || 'application/octet-stream';
      if (attributes.x_delete_at !== undefined) {
        if (!/^-?\d+$/.test(attributes.x_delete_at)) throw new FormInvalid('x_delete_at not an integer: Unix timestamp required.');
        headers['x-delete-at'] = attributes.x_delete_at;
      }
      if (attributes.x_delete_after !== undefined) {
        if (!/^-?\d+$/.test(attributes.x_delete_after)) throw new FormInvalid('x_delete_after not an integer: Number of seconds required.');
        headers['x-delete-after'] = attributes.x_delete_after;
      }
      let exceeded = false;
      async function* capped(): AsyncGenerator<Buffer> {
        let n = 0;
        for await (const c of part.body) {
          n += c.length;
          if (n > maxSize) { exceeded = true; return; }
          yield c;
        }
      }
      const name = `${path.object ?? ''}${attrs.filename || 'filename'}`;
      try {
        await d.objects.put({ account: path.account, container: path.container, name }, { headers, body: capped(), chunked: true }, { resellerAdmin: false });
      } catch (err) {
        if (exceeded) throw new FormInvalid('max_file_size exceeded');
        if (err instanceof SwiftError) { status = `${err.status} ${err.status === 404 ? 'Not Found' : 'Error'}`; break; }
        throw err;
      }
      if (exceeded) throw new FormInvalid('max_file_size exceeded');
      status = '201 Created';
    } else {
      const value = await text(part.body);
      if (attrs.name) attributes[attrs.name.toLowerCase()] = value.replace(/[\r\n-]+$/, '');
    }
  }
  if (!status) { status = '400 Bad Request'; message = 'no files to process'; }
  const code = Number(status.split(' ')[0]);
  const redirect = attributes.redirect;
  if (!redirect) {
    return { status: code, headers: { 'Content-Type': 'text/plain' }, body: message ? `${status}\r\nFormPost: ${titled(message)}` : status };
  }
  const location = `${redirect}${redirect.includes('?') ? '&' : '?'}status=${code}&message=${encodeURIComponent(message)}`;
  return { status: 303, headers: { Location: location }, body: `<html><body><p><a href="${location}">Click to continue...</a></p></body></html>` };
}

const titled = (s: string) => s.replace(/\b\w/g, (c) => c.toUpperCase());

/** The form's expiry and signature (over path, redirect, max_file_size, max_file_count, expires). */
function check(a: Record<string, string>, keys: string[], rawPath: string, mount: string): void {
  if (keys.length === 0) throw new SwiftError(401, 'FormPost: Invalid Signature');
  const expires = a.expires ?? '0';
  if (!/^-?\d+$/.test(expires)) throw new FormInvalid('expired not an integer');
  if (Number(expires) < Date.now() / 1000) throw new SwiftError(401, 'FormPost: Form Expired');
  let sig = a.signature ?? '';
  let algorithm: string | undefined;
  const colon = sig.indexOf(':');
  if (colon > 0) {
    algorithm = sig.slice(0, colon);
    sig = Buffer.from(sig.slice(colon + 1).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('hex');
  } else algorithm = HEX[sig.length];
  if (!algorithm || !FORMPOST_DIGESTS.includes(algorithm)) throw new SwiftError(401, 'FormPost: Invalid Signature');
  const swiftPath = decodeURIComponent(rawPath);
  for (const p of [swiftPath, `${mount}${swiftPath}`]) {
    const body = `${p}\n${a.redirect ?? ''}\n${a.max_file_size ?? '0'}\n${a.max_file_count ?? '0'}\n${expires}`;
    for (const k of keys) {
      const mac = createHmac(algorithm, k).update(body).digest('hex');
      if (mac.length === sig.length && timingSafeEqual(Buffer.from(mac), Buffer.from(sig.toLowerCase()))) return;
    }
  }
  throw new SwiftError(401, 'FormPost: Invalid Signature');
}
