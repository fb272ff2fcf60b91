// Static web sites (swift/common/middleware/staticweb.py): for anonymous GET and HEAD (or with
// X-Web-Mode: true) a container with X-Container-Meta-Web-Index / -Web-Listings / -Web-Error /
// -Web-Listings-CSS serves index pages, HTML listings and error pages.
import type { ContainerRecord } from '../store/tables.js';
import type { ObjectStoreDomain } from '../domain/object-store-domain.js';
import type { Listed } from '../domain/listing.js';
import type { ObjectRecord } from '../store/tables.js';
import { listingTime } from '../domain/clock.js';
import { SwiftError } from '../domain/errors.js';
import { swiftPage } from '../faults.js';

export interface WebRequest {
  method: string;
  /** The raw path below the mount (`/v1/AUTH_x/c/dir/`), to tell `c` from `c/`. */
  rawPath: string;
  anonymous: boolean;
  webMode: boolean;
  account: string;
  container: ContainerRecord;
  object?: string;
}

/** What staticweb answers, or undefined when the request is not a static web one. */
export type WebAnswer =
  | { kind: 'object'; object: ObjectRecord; status?: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; status: number; body: string };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
const quote = (s: string) => encodeURIComponent(s).replace(/%2F/g, '/').replace(/\./g, '%2E');

function settings(c: ContainerRecord) {
  const m = c.metadata;
  return {
    index: m['x-container-meta-web-index'], listings: ['true', '1', 'yes', 'on', 't', 'y'].includes((m['x-container-meta-web-listings'] ?? '').toLowerCase()),
    listingsSet: m['x-container-meta-web-listings'] !== undefined, css: m['x-container-meta-web-listings-css'], error: m['x-container-meta-web-error'],
    dirType: m['x-container-meta-web-directory-type'] ?? 'application/directory',
  };
}

export async function staticWeb(d: ObjectStoreDomain, r: WebRequest): Promise<WebAnswer | undefined> {
  if (r.method !== 'GET' && r.method !== 'HEAD') return undefined;
  if (!r.anonymous && !r.webMode) return undefined;
  const s = settings(r.container);
  const find = (name: string) => d.objects.get({ account: r.account, container: r.container.name, name });
  const notFound = () => errorPage(d, r, s.error, 404);
  if (r.object === undefined) {
    if (!s.listingsSet && !s.index) return r.webMode ? { kind: 'page', status: 404, body: swiftPage(404) } : undefined;
    if (!r.rawPath.endsWith('/')) return { kind: 'redirect', location: `${r.rawPath}/` };
    if (s.index) {
      const o = await find(s.index);
      if (o) return { kind: 'object', object: o };
    }
    return listing(d, r, s, '');
  }
  const o = await find(r.object);
  if (o && !(o.content_type === s.dirType && o.size <= 1)) return undefined;
  if (!s.listingsSet && !s.index) return undefined;
  if (s.index) {
    const base = r.object.endsWith('/') ? r.object : `${r.object}/`;
    const index = await find(`${base}${s.index}`);
    if (index) return r.rawPath.endsWith('/') ? { kind: 'object', object: index } : { kind: 'redirect', location: `${r.rawPath}/` };
  }
  if (!r.rawPath.endsWith('/')) {
    const children = await d.containers.list(r.account, r.container.name, { prefix: `${r.object}/`, delimiter: '/', limit: 1 });
    return children.length ? { kind: 'redirect', location: `${r.rawPath}/` } : notFound();
  }
  return listing(d, r, s, r.object);
}

async function errorPage(d: ObjectStoreDomain, r: WebRequest, error: string | undefined, status: number): Promise<WebAnswer> {
  if (error) {
    const page = await d.objects.get({ account: r.account, container: r.container.name, name: `${status}${error}` });
    if (page) return { kind: 'object', object: page, status };
  }
  return { kind: 'page', status, body: swiftPage(status) };
}

async function listing(d: ObjectStoreDomain, r: WebRequest, s: ReturnType<typeof settings>, prefix: string): Promise<WebAnswer> {
  const label = decodeURIComponent(r.rawPath);
  const cssPath = s.css ? (/^(\/|https?:\/\/)/.test(s.css) ? s.css : '../'.repeat((prefix.match(/\//g) ?? []).length) + encodeURIComponent(s.css)) : undefined;
  const style = cssPath ? `  <link rel="stylesheet" type="text/css" href="${cssPath}" />\n`
    : '  <style type="text/css">\n   h1 {font-size: 1em; font-weight: bold;}\n   th {text-align: left; padding: 0px 1em 0px 1em;}\n   td {padding: 0px 1em 0px 1em;}\n   a {text-decoration: none;}\n  </style>\n';
  if (!s.listings) {
    let body = `<!DOCTYPE html>\n<html>\n<head>\n<title>Listing of ${esc(label)}</title>\n${style}</head>\n<body>  <h1>Web Listing Disabled</h1>   <p>The owner of this web site has disabled web listing.   <p>If you are the owner of this web site, you can enable   web listing by setting X-Container-Meta-Web-Listings.</p>`;
    if (s.index) body += `<h1>Index File Not Found</h1> <p>The owner of this web site has set  <b>X-Container-Meta-Web-Index: ${s.index}</b>.  However, this file is not found.</p>`;
    body += ' </body>\n</html>\n';
    return s.error ? errorPage(d, r, s.error, 404) : { kind: 'page', status: 404, body };
  }
  const items: Listed<ObjectRecord>[] = await d.containers.list(r.account, r.container.name, { prefix: prefix || undefined, delimiter: '/', limit: 10000 });
  if (prefix && items.length === 0) return errorPage(d, r, s.error, 404);
  let body = `<!DOCTYPE html>\n<html>\n <head>\n  <title>Listing of ${esc(label)}</title>\n${style} </head>\n <body>\n  <h1 id="title">Listing of ${esc(label)}</h1>\n  <table id="listing">\n   <tr id="heading">\n    <th class="colname">Name</th>\n    <th class="colsize">Size</th>\n    <th class="coldate">Date</th>\n   </tr>\n`;
  if (prefix) body += '   <tr id="parent" class="item">\n    <td class="colname"><a href="../">../</a></td>\n    <td class="colsize">&nbsp;</td>\n    <td class="coldate">&nbsp;</td>\n   </tr>\n';
  for (const i of items) {
    if (!('subdir' in i)) continue;
    const sub = i.subdir.slice(prefix.length);
    body += `   <tr class="item subdir">\n    <td class="colname"><a href="./${quote(sub)}">${esc(sub)}</a></td>\n    <td class="colsize">&nbsp;</td>\n    <td class="coldate">&nbsp;</td>\n   </tr>\n`;
  }
  for (const i of items) {
    if ('subdir' in i) continue;
    const name = i.name.slice(prefix.length);
    const types = i.content_type.split('/').map((t) => `type-${esc(t.toLowerCase())}`).join(' ');
    body += `   <tr class="item ${types}">\n    <td class="colname"><a href="./${quote(name)}">${esc(name)}</a></td>\n    <td class="colsize">${humanReadable(i.size)}</td>\n    <td class="coldate">${listingTime(i.timestamp).split('.')[0]!.replace('T', ' ')}</td>\n   </tr>\n`;
  }
  body += '  </table>\n </body>\n</html>\n';
  return { kind: 'page', status: 200, body };
}

/** Swift's human_readable: 1024-based with one letter (Ki, Mi ... as K, M). */
function humanReadable(n: number): string {
  const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < suffixes.length - 1) { v = Math.round(v / 1024); i += 1; }
  return `${v}${suffixes[i]}`;
}

export { SwiftError };
