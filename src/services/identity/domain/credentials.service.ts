import { createHash } from 'node:crypto';
import { BadRequest, Conflict, NotFound } from '../../../core/errors/errors.js';
import { listMatching, type CredentialRecord, type IdentityTables, type TextMatch } from '../store/tables.js';
import { newId } from './ids.js';

export interface CredentialInput { user_id?: string; project_id?: string | null; type?: string; blob?: string; extra?: Record<string, unknown> }

export class CredentialsService {
  constructor(private readonly t: IdentityTables) {}

  async get(id: string): Promise<CredentialRecord> {
    const c = await this.t.credentials.get(id);
    if (!c) throw new NotFound(`Could not find credential: ${id}.`);
    return c;
  }

  find(id: string): Promise<CredentialRecord | undefined> { return this.t.credentials.get(id); }

  list(f: { user_id?: string; type?: string; matches?: TextMatch[] }): Promise<CredentialRecord[]> {
    return listMatching(this.t.credentials, { user_id: f.user_id, type: f.type }, f.matches);
  }

  async create(input: CredentialInput): Promise<CredentialRecord> {
    let id = newId();
    if (input.type === 'ec2') {
      // NOTE: Keystone names an EC2 credential by the sha256 of its access key.
      let access: unknown;
      try { access = (JSON.parse(input.blob!) as { access?: unknown }).access; } catch { access = undefined; }
      if (typeof access !== 'string' || !access) throw new BadRequest('Invalid blob in credential: an ec2 blob needs an "access" key.');
      if (!input.project_id) throw new BadRequest('Invalid blob in credential: an ec2 credential needs a project_id.');
      id = createHash('sha256').update(access).digest('hex');
      if (await this.t.credentials.get(id)) throw new Conflict(`Conflict occurred attempting to store credential - Duplicate ID, ${id}.`);
    }
    // NOTE: Keystone does not check that the user exists (credentials go with the user on delete).
    return this.t.credentials.insert({
      id, user_id: input.user_id!, project_id: input.project_id ?? null, type: input.type!, blob: input.blob!, extra: input.extra ?? {},
    });
  }

  async update(id: string, input: CredentialInput): Promise<CredentialRecord> {
    const c = await this.get(id);
    await this.t.credentials.update(id, {
      user_id: input.user_id, project_id: input.project_id, type: input.type, blob: input.blob,
      extra: input.extra ? { ...c.extra, ...input.extra } : undefined,
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.t.credentials.delete(id);
  }
}
