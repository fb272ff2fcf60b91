// Placement's one time on the wire: the Last-Modified header (with Cache-Control: no-cache) that
// answers carry from microversion 1.15, an HTTP-date (webob's Response.last_modified). Its value is
// util.pick_last_modified: the latest updated_at (or created_at) of what the answer shows, and now
// for what has no stored time (aggregates, usages, allocation candidates, standard classes). A
// handler that knows its records stamps them with modifiedAt(); the service's onSend hook writes
// the headers (lastModifiedHeader) on every GET, and on the writes that stamp.
import type { ApiRequest } from '../../../core/http/service-plugin.js';

interface Stamped { created_at: string; updated_at: string | null }
const KEY = Symbol('placement.lastModified');
type Holder = { [KEY]?: number | null };

/**
 * The answer's Last-Modified: the latest time of `records`, or now when there are none; with
 * `noneWhenEmpty`, no Last-Modified at all for none (an empty inventory list, as placement's
 * _send_inventories sets last_modified = None).
 */
export function modifiedAt(req: ApiRequest, records: Iterable<Stamped> = [], opts: { noneWhenEmpty?: boolean } = {}): void {
  let latest: number | null = null;
  for (const r of records) {
    const t = Date.parse(r.updated_at ?? r.created_at);
    if (!Number.isNaN(t) && (latest === null || t > latest)) latest = t;
  }
  (req.raw as unknown as Holder)[KEY] = latest ?? (opts.noneWhenEmpty ? null : Date.now());
}

/**
 * The Last-Modified header of a request's answer: undefined when no handler stamped it (a GET then
 * shows now; a write shows none), null for an answer placement sends without one.
 */
export function lastModifiedHeader(request: object): string | null | undefined {
  const t = (request as Holder)[KEY];
  return t === undefined ? undefined : t === null ? null : new Date(t).toUTCString();
}

/** An HTTP-date of now. */
export const httpNow = (): string => new Date().toUTCString();
