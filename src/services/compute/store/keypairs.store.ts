// SQL for key pairs (per user, unique by name).
import type { ComputeDb } from './database.js';

export interface KeypairRecord {
  id: number; user_id: string; name: string; fingerprint: string; public_key: string; type: 'ssh' | 'x509'; created_at: string;
}

export class KeypairsStore {
  constructor(readonly db: ComputeDb) {}

  async get(userId: string, name: string): Promise<KeypairRecord | undefined> {
    return (await this.db.selectFrom('key_pairs').selectAll().where('user_id', '=', userId).where('name', '=', name).executeTakeFirst());
  }

  async list(userId: string): Promise<KeypairRecord[]> {
    return (await this.db.selectFrom('key_pairs').selectAll().where('user_id', '=', userId).orderBy('name').execute());
  }

  async count(userId: string): Promise<number> {
    const r = await this.db.selectFrom('key_pairs').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', userId).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async insert(r: Omit<KeypairRecord, 'id'>): Promise<KeypairRecord> {
    const res = await this.db.insertInto('key_pairs').values(r).executeTakeFirst();
    return { ...r, id: Number(res.insertId) };
  }

  async delete(userId: string, name: string): Promise<boolean> {
    const r = await this.db.deleteFrom('key_pairs').where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
