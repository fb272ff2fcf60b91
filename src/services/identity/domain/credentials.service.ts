import { createHash } from 'node:crypto';
import { BadRequest } from '../../../core/errors/errors.js';
import type { TokenInfo } from '../../../core/auth/request-context.js';
import { listMatching, type CredentialRecord, type IdentityTables, type TextMatch } from '../store/tables.js';
import { newId } from './ids.js';
import { credentialNotFound, duplicateId } from './errors.js';

export interface CredentialInput { user_id?: string; project_id?: string | null; type?: string; blob?: string; extra?: Record<string, unknown> }

/** The delegation a caller's token carries (ids), for EC2 credentials it creates. */
export interface Ec2Delegation { trustId?: string; appCredId?: string; accessTokenId?: string }

/** What a token was delegated through, as EC2 credentials record it. */
export function delegationOf(token: TokenInfo | undefined): Ec2Delegation {
  return { trustId: token?.trust?.id, appCredId: token?.applicationCredential?.id, accessTokenId: token?.oauth1?.accessTokenId };
}

export class CredentialsService {
  constructor(private readonly t: IdentityTables) {}

  async get(id: string): Promise<CredentialRecord> {
    const c = await this.t.credentials.get(id);
    if (!c) throw credentialNotFound(id);
    return c;
  }

  find(id: string): Promise<CredentialRecord | undefined> { return this.t.credentials.get(id); }

  list(f: { user_id?: string; type?: string; matches?: TextMatch[] }): Promise<CredentialRecord[]> {
    return listMatching(this.t.credentials, { user_id: f.user_id, type: f.type }, f.matches);
  }

  /**
   * `delegation`: what the caller's token was delegated through; an EC2 credential keeps it in its
   * blob (as Keystone), so that the tokens ec2tokens makes with it are delegated the same way.
   */
  async create(input: CredentialInput, delegation: Ec2Delegation = {}): Promise<CredentialRecord> {
    let id = newId();
    let blobText = input.blob!;
    if (input.type === 'ec2') {
      // NOTE: Keystone names an EC2 credential by the sha256 of its access key.
      let access: unknown;
      let blob: Record<string, unknown> = {};
      try { blob = JSON.parse(input.blob!) as Record<string, unknown>; access = blob.access; } catch { access = undefined; }
      const marks = { trust_id: delegation.trustId, app_cred_id: delegation.appCredId, access_token_id: delegation.accessTokenId };
      const given = Object.fromEntries(Object.entries(marks).filter(([, v]) => v !== undefined));
      if (Object.keys(given).length) blobText = JSON.stringify({ ...blob, ...given });
      if (typeof access !== 'string' || !access) throw new BadRequest('Invalid blob in credential: an ec2 blob needs an "access" key.');
      if (!input.project_id) throw new BadRequest('Invalid blob in credential: an ec2 credential needs a project_id.');
      id = createHash('sha256').update(access).digest('hex');
      if (await this.t.credentials.get(id)) throw duplicateId('credential', id);
    }
    // NOTE: Keystone does not check that the user exists (credentials go with the user on delete).
    return this.t.credentials.insert({
      id, user_id: input.user_id!, project_id: input.project_id ?? null, type: input.type!, blob: blobText, extra: input.extra ?? {},
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
