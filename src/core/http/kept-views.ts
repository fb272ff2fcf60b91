/** A JSON reply body already serialised: the route sends its bytes as they are (application/json). */
export class JsonBody {
  constructor(readonly bytes: Buffer) {}
}

/**
 * Reply bodies serialised once and kept beside the frozen result they show. A domain cache that
 * hands back the same frozen object while nothing it was read from has changed (identity's user
 * lists) lets its view skip building and serialising: the same object asked for at the same URL
 * (the links in a view are built from it) has the same bytes. One body per object, the last URL's.
 */
export class KeptViews<Source extends object> {
  readonly #kept = new WeakMap<Source, { url: string; body: JsonBody }>();

  body(source: Source, url: string, view: () => unknown): JsonBody {
    const hit = this.#kept.get(source);
    if (hit?.url === url) return hit.body;
    const body = new JsonBody(Buffer.from(JSON.stringify(view())));
    this.#kept.set(source, { url, body });
    return body;
  }
}
