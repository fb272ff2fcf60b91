import { createHash } from 'node:crypto';
import type { ConsumerRecord, IdentityTables } from '../store/tables.js';
import { newId } from './ids.js';
import { consumerNotFound } from './errors.js';

export const hashConsumerSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Keystone's OS-OAUTH1 consumers. The secret is shown once, at creation; it is kept to check signatures (oauth1.service.ts). */
export class ConsumersService {
  constructor(private readonly t: IdentityTables) {}

  async get(id: string): Promise<ConsumerRecord> {
    const c = await this.t.consumers.get(id);
    if (!c) throw consumerNotFound();
    return c;
  }

  list(): Promise<ConsumerRecord[]> { return this.t.consumers.list(); }

  /** Returns the record and the clear secret, which is never available again. */
  async create(input: { description?: string | null; extra: Record<string, unknown> }): Promise<{ record: ConsumerRecord; secret: string }> {
    // NOTE: Keystone's secret is uuid4().hex, as here.
    const secret = newId();
    const record = await this.t.consumers.insert({
      id: newId(), description: input.description ?? null, secret_hash: hashConsumerSecret(secret), secret, extra: input.extra,
    });
    return { record, secret };
  }

  async update(id: string, input: { description?: string | null; extra: Record<string, unknown> }): Promise<ConsumerRecord> {
    const c = await this.get(id);
    await this.t.consumers.update(id, {
      description: input.description, extra: { ...c.extra, ...input.extra },
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.t.consumers.delete(id);
  }
}
