// Bulk operations (swift/common/middleware/bulk.py): extract-archive uploads every file of a tar
// (plain, gzipped or bzip2ed, read as a stream) as an object, creating containers as needed; bulk-delete removes a list of
// objects and containers. Both answer a summary and the per-item errors, as Swift does.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContainersService } from './containers.service.js';
import type { Caller, ObjectsService } from './objects.service.js';
import type { Grant } from './access.js';
import { readTar, TarError } from './tar-reader.js';
import { badRequest, SwiftError } from './errors.js';
import { LIMITS } from './constraints.js';

export const BULK_LIMITS = { max_containers_per_extraction: 10000, max_failed_extractions: 1000, max_deletes_per_request: 10000, max_failed_deletes: 1000 };

export interface BulkResult {
  /** The summary's status line ("201 Created", "400 Bad Request" ...). */
  status: string;
  counts: Record<string, number>;
  errors: [string, string][];
  body?: string;
}

/** Which grant the caller has on a container of the account, for a method (throws when none). */
export type GrantFor = (method: string, container: string, object?: string) => Promise<Grant>;

const statusLine = (e: unknown) => (e instanceof SwiftError ? `${e.status} ${REASONS[e.status] ?? 'Error'}` : '500 Internal Error');
const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Request Entity Too Large', 422: 'Unprocessable Entity', 507: 'Insufficient Storage' };

/**
 * Decompressors the host provides (bzip2 runs as a command): each streams its output as the
 * reader pulls; a corrupt input fails the iteration with an error.
 */
export interface Decompressors {
  bunzip2(source: AsyncIterable<Buffer | string>): AsyncIterable<Buffer>;
}

/** Compressed data the decompressor refused, in Python tarfile's words ("invalid compressed data" ...). */
export class CompressionError extends Error {}

/** The archive's bytes, decompressed as they are read; zlib's failures as tarfile names them. */
async function* decompressed(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
  try {
    yield* input;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    // NOTE: zlib calls a stream that does not start as gzip "incorrect header check" (tarfile: "not a gzip file").
    if (code === 'Z_DATA_ERROR' && /incorrect header check/.test((err as Error).message)) throw new CompressionError('not a gzip file');
    if (code === 'Z_BUF_ERROR') throw new CompressionError('unexpected end of data');
    if (code.startsWith('Z_')) throw new CompressionError('invalid compressed data');
    throw err;
  }
}

/** gunzip over a source whose own failure (a client gone) ends the stream with that error. */
function gunzip(source: AsyncIterable<Buffer | string>): AsyncIterable<Buffer> {
  const gz = createGunzip();
  pipeline(Readable.from(source), gz).catch(() => {});
  return gz;
}

export class BulkService {
  constructor(private readonly containers: ContainersService, private readonly objects: ObjectsService, private readonly decompressors: Decompressors) {}

  async extract(account: string, base: string | undefined, source: AsyncIterable<Buffer | string>, format: string, caller: Caller, grantFor: GrantFor): Promise<BulkResult> {
    let input: AsyncIterable<Buffer | string>;
    if (format === 'tar') input = source;
    else if (format === 'tar.gz' || format === 'tgz') input = decompressed(gunzip(source));
    else if (format === 'tar.bz2') input = decompressed(this.decompressors.bunzip2(source));
    else throw badRequest('Unsupported archive format');
    const errors: [string, string][] = [];
    let created = 0;
    const made = new Set<string>();
    try {
      for await (const entry of readTar(input)) {
        if (entry.type !== 'file') continue;
        const rel = entry.path.replace(/^\.?\/+/, '');
        const full = base ? `${base}/${rel}` : rel;
        const slash = full.indexOf('/');
        const container = slash < 0 ? full : full.slice(0, slash);
        const object = slash < 0 ? '' : full.slice(slash + 1);
        if (!container || !object) continue;
        try {
          if (!made.has(container)) {
            if (!(await this.containers.get(account, container))) {
              if (made.size >= BULK_LIMITS.max_containers_per_extraction) throw badRequest(`More than ${BULK_LIMITS.max_containers_per_extraction} containers to create from tar.`);
              await this.containers.put(account, container, {}, await grantFor('PUT', container), caller.accountDomainId);
            }
            made.add(container);
          }
          await grantFor('PUT', container, object);
          if (entry.size > LIMITS.max_file_size) throw new SwiftError(413);
          await this.objects.put({ account, container, name: object }, { headers: {}, body: entry.body, length: entry.size, chunked: false }, caller);
          created += 1;
        } catch (err) {
          errors.push([encodeURI(`/${container}/${object}`), statusLine(err)]);
          if (errors.length >= BULK_LIMITS.max_failed_extractions) break;
        }
      }
    } catch (err) {
      if (!(err instanceof TarError) && !(err instanceof CompressionError)) throw err;
      const why = err instanceof CompressionError ? err.message : 'invalid header';
      return { status: '400 Bad Request', counts: { 'Number Files Created': created }, errors, body: `Invalid Tar File: ${why}` };
    }
    return { status: errors.length ? '400 Bad Request' : created ? '201 Created' : '400 Bad Request', counts: { 'Number Files Created': created }, errors,
      body: created || errors.length ? '' : 'Invalid Tar File: No Valid Files' };
  }

  async delete(account: string, paths: string[], grantFor: GrantFor): Promise<BulkResult> {
    if (paths.length > BULK_LIMITS.max_deletes_per_request) throw new SwiftError(413, `Maximum Bulk Deletes: ${BULK_LIMITS.max_deletes_per_request} per request`);
    const errors: [string, string][] = [];
    let deleted = 0;
    let notFound = 0;
    for (const raw of paths) {
      let path: string;
      try { path = decodeURIComponent(raw.trim()).replace(/^\/+/, ''); } catch { errors.push([raw, '412 Precondition Failed']); continue; }
      if (!path) continue;
      const slash = path.indexOf('/');
      const container = slash < 0 ? path : path.slice(0, slash);
      const object = slash < 0 ? undefined : path.slice(slash + 1);
      try {
        await grantFor('DELETE', container, object);
        if (object) await this.objects.delete({ account, container, name: object });
        else await this.containers.delete(account, container);
        deleted += 1;
      } catch (err) {
        if (err instanceof SwiftError && err.status === 404) notFound += 1;
        else errors.push([encodeURI(`/${path}`), statusLine(err)]);
        if (errors.length >= BULK_LIMITS.max_failed_deletes) break;
      }
    }
    return { status: errors.length ? '400 Bad Request' : '200 OK', counts: { 'Number Deleted': deleted, 'Number Not Found': notFound }, errors };
  }
}

/** get_response_body: the summary in the format asked (text/plain, application/json or xml). */
export function bulkBody(r: BulkResult, format: string, root: 'delete' | 'extract'): string {
  const fields: Record<string, string | number> = { ...r.counts, 'Response Body': r.body ?? '', 'Response Status': r.status };
  const keys = Object.keys(fields).sort();
  if (format === 'application/json') {
    return JSON.stringify({ ...Object.fromEntries(keys.map((k) => [k, fields[k]])), Errors: r.errors });
  }
  if (format.endsWith('/xml')) {
    const tag = (k: string) => k.toLowerCase().replace(/ /g, '_');
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>\n${keys.map((k) => `<${tag(k)}>${esc(String(fields[k]))}</${tag(k)}>\n`).join('')}<errors>\n${r.errors.map(([n, s]) => `<object><name>${esc(n)}</name><status>${esc(s)}</status></object>\n`).join('')}</errors>\n</${root}>\n`;
  }
  return `${keys.map((k) => `${k}: ${fields[k]}\n`).join('')}Errors:\n${r.errors.map(([n, s]) => `${n}, ${s}\n`).join('')}`;
}
