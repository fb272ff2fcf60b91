// Marker and limit paging as the OpenStack APIs share it: a page is the items after the marker's
// item, at most `limit` of them, and a full page links to the next with the last item as marker.

export interface PageRequest {
  marker?: string;
  /** At most this many; undefined means the service's own maximum (or all). */
  limit?: number;
}

/**
 * The page of already-ordered `items` after the one whose key is `marker`. A marker that names no
 * item throws `missing(marker)`: each service words that 400 (or 404) itself.
 */
export function pageAfter<T>(items: readonly T[], req: PageRequest, key: (item: T) => string, missing: (marker: string) => Error): T[] {
  let start = 0;
  if (req.marker !== undefined) {
    const at = items.findIndex((i) => key(i) === req.marker);
    if (at < 0) throw missing(req.marker);
    start = at + 1;
  }
  return items.slice(start, req.limit === undefined ? undefined : start + req.limit);
}

/** The query string of `query` with `marker` set to `marker` (repeated parameters kept, in order). */
export function withMarker(query: Record<string, unknown>, marker: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'marker' || v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) params.append(k, String(x));
  }
  params.set('marker', marker);
  return params.toString();
}

/**
 * The `next` link of a page: present when the page is full (it has `limit` items), pointing at
 * `url` with the request's query and the last item's key as marker, as Nova and Cinder link.
 */
export function nextLink<T>(page: readonly T[], limit: number | undefined, url: string, query: Record<string, unknown>, key: (item: T) => string): { rel: 'next'; href: string }[] {
  if (limit === undefined || limit <= 0 || page.length < limit) return [];
  return [{ rel: 'next', href: `${url}?${withMarker(query, key(page[page.length - 1]!))}` }];
}
