// SQL for host aggregates, their hosts and metadata.
import type { ComputeDb } from './database.js';
import { insertionOrder } from './sqlite.js';

export interface AggregateRecord { id: number; uuid: string; name: string; created_at: string; updated_at: string | null }
export interface Aggregate extends AggregateRecord { hosts: string[]; metadata: Record<string, string> }

export class AggregatesStore {
  constructor(readonly db: ComputeDb) {}

  private async full(r: AggregateRecord): Promise<Aggregate> {
    const hosts = (await this.db.selectFrom('aggregate_hosts').select('host').where('aggregate_id', '=', r.id).orderBy(insertionOrder).execute()).map((h) => h.host);
    const md = await this.db.selectFrom('aggregate_metadata').select(['key', 'value']).where('aggregate_id', '=', r.id).orderBy('key').execute();
    return { ...r, hosts, metadata: Object.fromEntries(md.map((m) => [m.key, m.value])) };
  }

  async get(id: number): Promise<Aggregate | undefined> {
    const r = await this.db.selectFrom('aggregates').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? this.full(r) : undefined;
  }

  async byName(name: string): Promise<AggregateRecord | undefined> {
    return await this.db.selectFrom('aggregates').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async list(): Promise<Aggregate[]> {
    const rows = await this.db.selectFrom('aggregates').selectAll().orderBy('id').execute();
    return Promise.all(rows.map((r) => this.full(r)));
  }

  async insert(r: Omit<AggregateRecord, 'id'>, metadata: Record<string, string>): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const res = await tx.insertInto('aggregates').values(r).executeTakeFirst();
      const id = Number(res.insertId);
      for (const [key, value] of Object.entries(metadata)) await tx.insertInto('aggregate_metadata').values({ aggregate_id: id, key, value }).execute();
      return id;
    });
  }

  async update(id: number, patch: { name?: string; updated_at: string }, metadata: Record<string, string | null> = {}): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('aggregates').set(patch).where('id', '=', id).execute();
      for (const [key, value] of Object.entries(metadata)) {
        if (value === null) await tx.deleteFrom('aggregate_metadata').where('aggregate_id', '=', id).where('key', '=', key).execute();
        else await tx.insertInto('aggregate_metadata').values({ aggregate_id: id, key, value }).onConflict((oc) => oc.columns(['aggregate_id', 'key']).doUpdateSet({ value })).execute();
      }
    });
  }

  async delete(id: number): Promise<void> { await this.db.deleteFrom('aggregates').where('id', '=', id).execute(); }

  async addHost(id: number, host: string): Promise<void> { await this.db.insertInto('aggregate_hosts').values({ aggregate_id: id, host }).execute(); }

  async removeHost(id: number, host: string): Promise<void> {
    await this.db.deleteFrom('aggregate_hosts').where('aggregate_id', '=', id).where('host', '=', host).execute();
  }
}
