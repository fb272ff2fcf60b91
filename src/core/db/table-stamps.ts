import type { Db } from './database.js';

/**
 * Migration statements giving each of `tables` a stamp (`table_stamps`) that triggers change to a
 * random value on every insert, update or delete of its rows, in the writer's own transaction (a
 * rollback takes the change back with it). What is computed from rarely written tables (the
 * compute nodes, the providers' inventories) can then be kept while their stamps stay the same.
 */
export function tableStampStatements(tables: string[]): string[] {
  const out = ['CREATE TABLE IF NOT EXISTS table_stamps (name TEXT PRIMARY KEY, stamp INTEGER NOT NULL)'];
  for (const t of tables) {
    out.push(`INSERT OR IGNORE INTO table_stamps (name, stamp) VALUES ('${t}', random())`);
    for (const op of ['insert', 'update', 'delete']) {
      out.push(`CREATE TRIGGER ${t}_stamp_${op} AFTER ${op.toUpperCase()} ON ${t} BEGIN UPDATE table_stamps SET stamp = random() WHERE name = '${t}'; END`);
    }
  }
  return out;
}

/**
 * A value loaded from tables with stamps (tableStampStatements), loaded again only when one of
 * their stamps has changed since: one small read instead of every row. The value is shared: its
 * users must not change it.
 */
export class StampedCache<T> {
  private kept?: { stamp: string; value: T };

  constructor(private readonly tables: string[], private readonly load: (db: Db) => Promise<T>) {}

  /** `db`: the caller's transaction, if any (its own writes are seen). */
  async get(db: Db): Promise<T> {
    const rows = await db.selectFrom('table_stamps').select(['name', 'stamp']).where('name', 'in', this.tables).orderBy('name').execute();
    const stamp = rows.map((r: { name: string; stamp: number }) => `${r.name}=${r.stamp}`).join(',');
    if (this.kept?.stamp === stamp) return this.kept.value;
    // NOTE: a write between the stamp's read and the load leaves a newer value under an older stamp,
    // which the next read (stamp changed) replaces: never an older value under a newer stamp.
    const value = await this.load(db);
    this.kept = { stamp, value };
    return value;
  }
}
