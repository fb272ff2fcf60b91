/** A JSON reply body already serialised: the route sends its bytes as they are (application/json). */
export class JsonBody {
  constructor(readonly bytes: Buffer) {}
}

/**
 * Reply bodies serialised once and kept beside the frozen result they show. A domain cache that
 * hands back the same frozen object while nothing it was read from has changed (identity's user
 * lists, token validations) lets its view skip building and serialising: the same object shown with
 * the same `key` (what else the view is built from, compared with ===: the request URL its links
 * come from, a catalog) has the same bytes. One body per object, the last key's.
 */
export class KeptViews<Source extends object> {
  readonly #kept = new WeakMap<Source, { key: unknown; body: JsonBody }>();

  body(source: Source, key: unknown, view: () => unknown): JsonBody {
    const hit = this.#kept.get(source);
    if (hit && hit.key === key) return hit.body;
    const body = new JsonBody(Buffer.from(JSON.stringify(view())));
    this.#kept.set(source, { key, body });
    return body;
  }
}
