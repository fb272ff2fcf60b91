import { changeStamp, type Db } from './database.js';

/**
 * Values kept by key while no row they were read from may have changed (changeStamp: the
 * connection's writes and other processes' commits): a cache of what was read from rows, such as
 * identity's token validations and user lists. Read `stamp()` before the rows and keep the value
 * under it, so that a write racing the read can only make an entry stale, never wrong. A kept value
 * is deep-frozen: every later caller gets that one object and none can change it. At most `size`
 * are kept (all dropped when full), each until its `notAfterMs`.
 */
export class ChangeStampedCache<V> {
  readonly #entries = new Map<string, { stamp: string; notAfterMs: number; value: V }>();
  #stamp?: () => string;

  constructor(private readonly db: Db<any>, private readonly size: number) {}

  stamp(): string {
    return (this.#stamp ??= changeStamp(this.db))();
  }

  /** The value kept for `key` under `stamp` (as `stamp()` read it) and not yet expired. */
  get(key: string, stamp: string, nowMs = Date.now()): V | undefined {
    const hit = this.#entries.get(key);
    return hit && hit.stamp === stamp && nowMs < hit.notAfterMs ? hit.value : undefined;
  }

  /** Keeps `value`, deep-frozen and returned, for `key` under `stamp` (read before the rows were). */
  set(key: string, stamp: string, value: V, notAfterMs = Infinity): V {
    deepFreeze(value);
    if (this.#entries.size >= this.size) this.#entries.clear();
    this.#entries.set(key, { stamp, notAfterMs, value });
    return value;
  }
}

/** Freezes an object and every object and array inside it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
