import { randomBytes } from 'node:crypto';
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from '../../../core/errors/errors.js';
import type { TokenInfo } from '../../../core/auth/request-context.js';
import { listMatching, nameIs, NULL_DOMAIN, type AppCredentialRecord, type IdentityTables, type TextMatch } from '../store/tables.js';
import { newId } from './ids.js';
import type { PasswordHasher } from './passwords.js';

const CLIENT_ERROR = ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

export interface AppCredentialInput {
  name: string; description?: string | null; secret?: string | null; expires_at?: string | null;
  roles?: { id?: string; name?: string; domain_id?: string | null }[]; unrestricted?: boolean;
}

export class AppCredentialsService {
  constructor(private readonly t: IdentityTables, private readonly hasher: PasswordHasher) {}

  async get(userId: string, id: string): Promise<AppCredentialRecord> {
    const ac = await this.t.appCredentials.get(id);
    if (!ac || ac.user_id !== userId) throw new NotFound(`Could not find Application Credential: ${id}.`);
    return ac;
  }

  find(id: string): Promise<AppCredentialRecord | undefined> { return this.t.appCredentials.get(id); }

  list(userId: string, name?: string, matches?: TextMatch[]): Promise<AppCredentialRecord[]> {
    return listMatching(this.t.appCredentials, { user_id: userId, name }, matches);
  }

  /** Created from the caller's token: its project and, by default, all its roles. */
  async create(userId: string, token: TokenInfo, input: AppCredentialInput): Promise<{ record: AppCredentialRecord; secret: string }> {
    if (!token.project) throw new Forbidden('Application credentials require a project-scoped token.');
    if (token.applicationCredential?.restricted) throw new Forbidden("You are not authorized to perform the requested action: Using method 'application_credential' is not allowed for managing additional application credentials.");
    if ((await this.t.appCredentials.list({ user_id: userId, name: input.name })).length) {
      throw new Conflict(`Conflict occurred attempting to store application_credential - Duplicate entry found with name ${input.name}.`);
    }
    let expires: string | null = null;
    if (input.expires_at) {
      const normalized = normalizeUtc(input.expires_at);
      if (normalized === undefined) throw new BadRequest(`Timestamp not in expected format.${CLIENT_ERROR}`);
      if (Date.parse(`${normalized}Z`) <= Date.now()) throw new BadRequest(`The 'expires_at' must not be before now.${CLIENT_ERROR}`);
      expires = normalized;
    }
    const roles = [];
    for (const wanted of input.roles?.length ? input.roles : token.roles) {
      let wantedId = wanted.id;
      if (!wantedId) {
        const byName = await listMatching(this.t.roles, { domain_id: NULL_DOMAIN }, [nameIs(wanted.name ?? '')]);
        if (byName.length === 0) throw new NotFound(`Could not find role: ${wanted.name}.`);
        wantedId = byName[0]!.id;
      }
      const held = token.roles.find((r) => r.id === wantedId);
      if (!held) throw new BadRequest('Invalid application credential: Cannot create an application credential with unassigned role');
      roles.push({ id: held.id, name: held.name, domain_id: null });
    }
    const secret = input.secret ?? randomBytes(64).toString('base64url');
    const record = await this.t.appCredentials.insert({
      id: newId(), name: input.name, user_id: userId, project_id: token.project.id, secret_hash: await this.hasher.hash(secret),
      description: input.description ?? null, expires_at: expires, unrestricted: input.unrestricted ?? false, roles,
    });
    return { record, secret };
  }

  async delete(userId: string, id: string): Promise<void> {
    await this.get(userId, id);
    await this.t.appCredentials.delete(id);
  }

  async authenticate(ref: { id?: string; name?: string; secret: string; user?: { id?: string; name?: string; domain?: { id?: string; name?: string } } }): Promise<AppCredentialRecord> {
    let ac: AppCredentialRecord | undefined;
    if (ref.id) ac = await this.t.appCredentials.get(ref.id);
    else if (ref.name && ref.user) {
      let userId = ref.user.id;
      if (!userId && ref.user.name) {
        const domainId = ref.user.domain?.id ?? (ref.user.domain?.name ? (await listMatching(this.t.domains, {}, [nameIs(ref.user.domain.name)]))[0]?.id : undefined);
        userId = domainId ? (await listMatching(this.t.users, { domain_id: domainId }, [nameIs(ref.user.name)]))[0]?.id : undefined;
      }
      if (userId) ac = (await this.t.appCredentials.list({ user_id: userId, name: ref.name }))[0];
    }
    if (!ac || !(await this.hasher.verify(ref.secret, ac.secret_hash))) throw new Unauthorized('The request you have made requires authentication.');
    if (ac.expires_at && Date.parse(`${ac.expires_at}Z`) <= Date.now()) throw new Unauthorized('Application credential has expired.');
    return ac;
  }
}

/** Keystone keeps expiry as naive UTC with microseconds ("2026-11-22T17:35:01.374488") and echoes it. */
export function normalizeUtc(text: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:?\d\d)?$/.exec(text);
  if (!m) return undefined;
  const [, base, frac = '', zone] = m;
  if (zone && zone !== 'Z') {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return undefined;
    return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
  }
  if (Number.isNaN(Date.parse(`${base}Z`))) return undefined;
  return `${base}.${frac.padEnd(6, '0')}`;
}
