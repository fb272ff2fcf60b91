// What Swift answers: the response headers of accounts, containers and objects, and listings in
// json, xml or plain text (swift/common/middleware/listing_formats.py).
import type { AccountRecord, ContainerRecord, ObjectRecord } from '../store/tables.js';
import type { Listed } from '../domain/listing.js';
import { httpDate, listingTime } from '../domain/clock.js';
import { titleCase } from '../domain/constraints.js';
import { PROJECT_DOMAIN_SYSMETA, type Grant } from '../domain/access.js';
import { badRequest } from '../domain/errors.js';
import { SwiftError } from '../domain/errors.js';

export type Headers = Record<string, string>;

const OWNER_ONLY = ['x-container-read', 'x-container-write', 'x-container-sync-key', 'x-container-sync-to', 'x-account-access-control'];
const SECRET = /^x-(account|container)-meta-temp-url-key(-2)?$/;

function metaHeaders(meta: Record<string, string>, grant: Grant): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(meta)) {
    if (grant !== 'owner' && (OWNER_ONLY.includes(k) || SECRET.test(k))) continue;
    if (/^x-(account|container|object)-sysmeta-/.test(k)) continue;
    if (k === 'x-account-access-control') { out['X-Account-Access-Control'] = v; continue; }
    out[titleCase(k)] = v;
  }
  return out;
}

export function accountHeaders(a: AccountRecord, grant: Grant): Headers {
  return {
    'X-Account-Container-Count': String(a.container_count),
    'X-Account-Object-Count': String(a.object_count),
    'X-Account-Bytes-Used': String(a.bytes_used),
    'X-Timestamp': a.created_at,
    'X-Put-Timestamp': a.put_timestamp,
    'X-Account-Storage-Policy-Policy-0-Container-Count': String(a.container_count),
    'X-Account-Storage-Policy-Policy-0-Object-Count': String(a.object_count),
    'X-Account-Storage-Policy-Policy-0-Bytes-Used': String(a.bytes_used),
    ...metaHeaders(a.metadata, grant),
    // NOTE: keystoneauth shows the project domain it recorded on the account.
    ...(a.metadata[PROJECT_DOMAIN_SYSMETA] !== undefined ? { 'X-Account-Project-Domain-Id': a.metadata[PROJECT_DOMAIN_SYSMETA] } : {}),
  };
}

export function containerHeaders(c: ContainerRecord, grant: Grant): Headers {
  return {
    'X-Container-Object-Count': String(c.object_count),
    'X-Container-Bytes-Used': String(c.bytes_used),
    'X-Timestamp': c.created_at,
    'X-Put-Timestamp': c.put_timestamp,
    'Last-Modified': httpDate(c.put_timestamp),
    'X-Storage-Policy': c.storage_policy,
    'Accept-Ranges': 'bytes',
    ...metaHeaders(c.metadata, grant),
  };
}

export function objectHeaders(o: ObjectRecord): Headers {
  const h: Headers = {
    'Content-Type': o.content_type,
    'Etag': o.etag,
    'Last-Modified': httpDate(o.timestamp),
    'X-Timestamp': o.timestamp,
    'Accept-Ranges': 'bytes',
    ...metaHeaders(o.metadata, 'owner'),
  };
  if (o.delete_at !== null) h['X-Delete-At'] = String(o.delete_at);
  return h;
}

export type Format = 'text/plain' | 'application/json' | 'application/xml' | 'text/xml';

const FORMATS: Record<string, Format> = { plain: 'text/plain', json: 'application/json', xml: 'application/xml' };

/** get_listing_content_type: `format` beats Accept; 406 when nothing acceptable. */
export function listingFormat(format: string | undefined, accept: string | undefined): Format {
  if (format) return FORMATS[format.toLowerCase()] ?? 'text/plain';
  if (!accept) return 'text/plain';
  let best: { type: Format; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().split(';').map((s) => s.trim());
    if (!range) continue;
    if (!/^[\w.+*-]+\/[\w.+*-]+$/.test(range)) throw badRequest('Invalid Accept header');
    const qp = params.find((p) => p.startsWith('q='));
    const q = qp ? Number(qp.slice(2)) : 1;
    if (Number.isNaN(q)) throw badRequest('Invalid Accept header');
    for (const type of ['text/plain', 'application/json', 'application/xml', 'text/xml'] as Format[]) {
      const [t, s] = type.split('/');
      const [rt, rs] = range.split('/');
      if ((rt === '*' || rt === t) && (rs === '*' || rs === s) && q > 0 && (!best || q > best.q)) { best = { type, q }; break; }
    }
  }
  if (!best) throw new SwiftError(406);
  return best.type;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** JSON as Python's json.dumps writes it: ASCII only, ", " and ": " separators. */
const pyJson = (v: unknown) => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function pyDumps(items: Record<string, unknown>[]): string {
  return `[${items.map((i) => `{${Object.entries(i).map(([k, v]) => `${pyJson(k)}: ${pyJson(v)}`).join(', ')}}`).join(', ')}]`;
}

export function accountListing(account: string, items: Listed<ContainerRecord>[], format: Format): string {
  const records = items.map((i) => ('subdir' in i ? { subdir: i.subdir } : {
    name: i.name, count: i.object_count, bytes: i.bytes_used, last_modified: listingTime(i.put_timestamp),
  }));
  if (format === 'application/json') return pyDumps(records);
  if (format === 'text/plain') return records.map((r) => `${'subdir' in r ? r.subdir : r.name}\n`).join('');
  const body = records.map((r) => ('subdir' in r ? `<subdir name="${xmlEscape(r.subdir!)}" />`
    : `<container><name>${xmlEscape(r.name!)}</name><count>${r.count}</count><bytes>${r.bytes}</bytes><last_modified>${r.last_modified}</last_modified></container>`) + '\n').join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<account name="${xmlEscape(account)}">\n${body}</account>`;
}

export function containerListing(container: string, items: Listed<ObjectRecord>[], format: Format): string {
  const records = items.map((i) => ('subdir' in i ? { subdir: i.subdir } : listedObject(i)));
  if (format === 'application/json') return pyDumps(records);
  if (format === 'text/plain') return records.map((r) => `${'subdir' in r ? r.subdir : r.name}\n`).join('');
  const body = records.map((r) => ('subdir' in r ? `<subdir name="${xmlEscape(r.subdir!)}"><name>${xmlEscape(r.subdir!)}</name></subdir>`
    : `<object><name>${xmlEscape(r.name!)}</name><hash>${r.hash}</hash><bytes>${r.bytes}</bytes><content_type>${xmlEscape(r.content_type!)}</content_type><last_modified>${r.last_modified}</last_modified></object>`)).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<container name="${xmlEscape(container)}">${body}</container>`;
}

function listedObject(o: ObjectRecord): { name: string; hash: string; bytes: number; content_type: string; last_modified: string; subdir?: undefined } {
  // NOTE: Swift lists the fields in this order (hash, last_modified, bytes, name, content_type).
  const slo = o.metadata['x-static-large-object'] !== undefined;
  const entry: any = { hash: o.etag, last_modified: listingTime(o.timestamp), bytes: o.size, name: o.name, content_type: o.content_type };
  if (slo && o.metadata['x-object-sysmeta-slo-etag']) {
    entry.hash = o.metadata['x-object-sysmeta-slo-etag'];
    entry.bytes = Number(o.metadata['x-object-sysmeta-slo-size'] ?? o.size);
    entry.slo_etag = `"${o.metadata['x-object-sysmeta-slo-etag']}"`;
  }
  return entry;
}
