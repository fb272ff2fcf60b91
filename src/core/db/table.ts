import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from './database.js';

export type Row = Record<string, any>;

/** The plain row operations most stores need, on one table keyed by `id`. */
export class Table<R extends Row> {
  constructor(readonly db: Db, readonly name: string, readonly decode: (row: Row) => R, private readonly encode: (r: Partial<R>) => Row) {}

  async get(id: string, tx: Db = this.db): Promise<R | undefined> {
    const row = await tx.selectFrom(this.name).selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.decode(row) : undefined;
  }

  async list(where: Row = {}): Promise<R[]> {
    let q = this.db.selectFrom(this.name).selectAll();
    for (const [col, value] of Object.entries(where)) {
      if (value === undefined) continue;
      q = value === null ? q.where(col, 'is', null) : q.where(col, '=', value);
    }
    return (await q.execute()).map(this.decode);
  }

  /** `tx`: inside the caller's transaction. */
  async insert(r: R, tx: Db = this.db): Promise<R> {
    await tx.insertInto(this.name).values(this.encode(r)).execute();
    return r;
  }

  async update(id: string, patch: Partial<R>, tx: Db = this.db): Promise<void> {
    const values = this.encode(patch);
    if (Object.keys(values).length === 0) return;
    await tx.updateTable(this.name).set(values).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom(this.name).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

/** Which fields of a record are booleans (0/1 in SQL) and which are JSON documents (text in SQL). */
export interface CodecSpec<R> { bools?: (keyof R & string)[]; json?: (keyof R & string)[] }

/**
 * A record ⇄ row mapping. With a table interface as `T` (a service's typed tables), a whole record
 * encodes to a whole row (for inserts) and a partial one to a partial row (for updates).
 */
export interface Codec<R, T = Row> {
  decode(row: Selectable<T>): R;
  encode(r: R): Insertable<T>;
  encode(r: Partial<R>): Updateable<T>;
}

/** encode/decode helpers: booleans as 0/1 and JSON columns as text. */
export function codec<R extends Row, T extends Row = Row>(spec: CodecSpec<R>): Codec<R, T> {
  const bools: string[] = spec.bools ?? [];
  const json: string[] = spec.json ?? [];
  const decode = (row: Selectable<T>): R => {
    const out: Row = { ...row };
    for (const b of bools) if (b in out) out[b] = Boolean(out[b]);
    for (const j of json) if (typeof out[j] === 'string') out[j] = JSON.parse(out[j]);
    return out as R;
  };
  const encode = (r: Partial<R>): Insertable<T> & Updateable<T> => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === undefined) continue;
      if (bools.includes(k)) out[k] = v ? 1 : 0;
      else if (json.includes(k)) out[k] = JSON.stringify(v);
      else out[k] = v;
    }
    return out as Insertable<T> & Updateable<T>;
  };
  return { decode, encode };
}

/** A `Table<R>` on one of the service's tables (`name` is checked against its table interfaces). */
export function newTable<R extends Row, Tables = any>(db: Db<Tables>, name: keyof Tables & string, spec: CodecSpec<R>): Table<R> {
  const { decode, encode } = codec<R>(spec);
  return new Table<R>(db, name, decode, encode);
}
