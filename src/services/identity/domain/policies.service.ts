import { listMatching, type IdentityTables, type PolicyRecord, type TextMatch } from '../store/tables.js';
import { newId } from './ids.js';
import { policyNotFound } from './errors.js';

/** Keystone's /v3/policies: opaque policy blobs stored for other services. */
export class PoliciesService {
  constructor(private readonly t: IdentityTables) {}

  async get(id: string): Promise<PolicyRecord> {
    const p = await this.t.policies.get(id);
    if (!p) throw policyNotFound(id);
    return p;
  }
  list(f: { type?: string; matches?: TextMatch[] }): Promise<PolicyRecord[]> { return listMatching(this.t.policies, { type: f.type }, f.matches); }
  create(input: { type: string; blob: string; extra: Record<string, unknown> }): Promise<PolicyRecord> {
    return this.t.policies.insert({ id: newId(), type: input.type, blob: input.blob, extra: input.extra });
  }
  async update(id: string, input: { type?: string; blob?: string; extra?: Record<string, unknown> }): Promise<PolicyRecord> {
    const p = await this.get(id);
    await this.t.policies.update(id, { type: input.type, blob: input.blob, extra: input.extra ? { ...p.extra, ...input.extra } : undefined });
    return this.get(id);
  }
  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.t.policies.delete(id);
  }
}
