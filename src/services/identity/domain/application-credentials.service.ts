import { randomBytes } from 'node:crypto';
import { BadRequest, Forbidden, Unauthorized } from '../../../core/errors/errors.js';
import type { TokenInfo } from '../../../core/auth/request-context.js';
import { listMatching, nameIs, NULL_DOMAIN, type AccessRuleRecord, type AppCredentialRecord, type IdentityTables, type TextMatch } from '../store/tables.js';
import { newId } from './ids.js';
import { naiveUtc } from './times.js';
import type { PasswordHasher } from './passwords.js';
import { accessRuleInUse, accessRuleNotFound, applicationCredentialMethodNotAllowed, applicationCredentialNotFound, duplicateName, expiresBeforeNow, roleNotFound, timestampNotInFormat, unauthorized } from './errors.js';


export interface AppCredentialInput {
  name: string; description?: string | null; secret?: string | null; expires_at?: string | null;
  roles?: { id?: string; name?: string; domain_id?: string | null }[]; unrestricted?: boolean;
  access_rules?: AccessRuleInput[];
}

/** An access rule as a create request names it: by id (one of the user's), or by what it allows. */
export interface AccessRuleInput { id?: string; service?: string; path?: string; method?: string }

/** What a rule allows, as views and tokens show it (Keystone's _access_rule_to_dict). */
export type AccessRule = Pick<AccessRuleRecord, 'id' | 'service' | 'path' | 'method'>;

export class AppCredentialsService {
  constructor(private readonly t: IdentityTables, private readonly hasher: PasswordHasher) {}

  async get(userId: string, id: string): Promise<AppCredentialRecord> {
    const ac = await this.t.appCredentials.get(id);
    if (!ac || ac.user_id !== userId) throw applicationCredentialNotFound(id);
    return ac;
  }

  find(id: string): Promise<AppCredentialRecord | undefined> { return this.t.appCredentials.get(id); }

  list(userId: string, name?: string, matches?: TextMatch[]): Promise<AppCredentialRecord[]> {
    return listMatching(this.t.appCredentials, { user_id: userId, name }, matches);
  }

  /** Created from the caller's token: its project and, by default, all its roles. */
  async create(userId: string, token: TokenInfo, input: AppCredentialInput): Promise<{ record: AppCredentialRecord; secret: string }> {
    if (!token.project) throw new Forbidden('Application credentials require a project-scoped token.');
    if (token.applicationCredential?.restricted) throw applicationCredentialMethodNotAllowed('additional application credentials');
    if ((await this.t.appCredentials.list({ user_id: userId, name: input.name })).length) {
      throw duplicateName('application_credential', input.name);
    }
    let expires: string | null = null;
    if (input.expires_at) {
      const normalized = naiveUtc(input.expires_at);
      if (normalized === undefined) throw timestampNotInFormat();
      if (Date.parse(`${normalized}Z`) <= Date.now()) throw expiresBeforeNow();
      expires = normalized;
    }
    const roles: AppCredentialRecord['roles'] = [];
    for (const wanted of input.roles?.length ? input.roles : token.roles) {
      let wantedId = wanted.id;
      if (!wantedId) {
        const byName = await listMatching(this.t.roles, { domain_id: NULL_DOMAIN }, [nameIs(wanted.name ?? '')]);
        if (byName.length === 0) throw roleNotFound(wanted.name);
        wantedId = byName[0]!.id;
      }
      const held = token.roles.find((r) => r.id === wantedId);
      if (!held) throw new BadRequest('Invalid application credential: Cannot create an application credential with unassigned role');
      roles.push({ id: held.id, name: held.name, domain_id: null });
    }
    const rules = await this.resolveAccessRules(userId, input.access_rules ?? []);
    const secret = input.secret ?? randomBytes(64).toString('base64url');
    const secretHash = await this.hasher.hash(secret);
    const record = await this.t.db.transaction().execute(async (tx) => {
      const r: AppCredentialRecord = {
        id: newId(), name: input.name, user_id: userId, project_id: token.project!.id, secret_hash: secretHash,
        description: input.description ?? null, expires_at: expires, unrestricted: input.unrestricted ?? false, roles,
      };
      await tx.insertInto('application_credentials').values({ ...r, unrestricted: r.unrestricted ? 1 : 0, roles: JSON.stringify(r.roles) }).execute();
      for (const [position, rule] of rules.entries()) {
        const { isNew, ...row } = rule;
        if (isNew) await tx.insertInto('access_rules').values({ ...row, user_id: userId }).execute();
        await tx.insertInto('application_credential_access_rules').values({ application_credential_id: r.id, access_rule_id: rule.id, position }).execute();
      }
      return r;
    });
    return { record, secret };
  }

  /**
   * As Keystone: a rule named by id is that rule of the user; one naming a service, path and
   * method the user already has a rule for reuses it; any other becomes a new rule of the user.
   */
  private async resolveAccessRules(userId: string, wanted: AccessRuleInput[]): Promise<(AccessRule & { isNew: boolean })[]> {
    const out: (AccessRule & { isNew: boolean })[] = [];
    for (const [i, w] of wanted.entries()) {
      let found = w.id ? await this.t.accessRules.get(w.id) : undefined;
      if (found && found.user_id !== userId) found = undefined;
      if (!found) {
        if (w.service === undefined || w.path === undefined || w.method === undefined) {
          if (w.id) throw accessRuleNotFound(w.id);
          const missing = ['service', 'path', 'method'].find((k) => w[k as keyof AccessRuleInput] === undefined);
          throw new BadRequest(`Invalid input for field/attribute body/application_credential/access_rules/${i} must have required property '${missing}'`);
        }
        found = (await this.t.accessRules.list({ user_id: userId, service: w.service, path: w.path, method: w.method }))[0];
      }
      const rule = found
        ? { id: found.id, service: found.service, path: found.path, method: found.method, isNew: false }
        : { id: w.id && !(await this.t.accessRules.get(w.id)) ? w.id : newId(), service: w.service!, path: w.path!, method: w.method!, isNew: true };
      const same = out.find((r) => r.id === rule.id || (r.service === rule.service && r.path === rule.path && r.method === rule.method));
      if (!same) out.push(rule);
    }
    return out;
  }

  /** The access rules of each credential, in the order each was created with (none: an empty list). */
  async accessRulesOf(ids: string[]): Promise<Map<string, AccessRule[]>> {
    const out = new Map<string, AccessRule[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = await this.t.db.selectFrom('application_credential_access_rules as l')
      .innerJoin('access_rules as r', 'r.id', 'l.access_rule_id')
      .select(['l.application_credential_id as acId', 'r.id', 'r.service', 'r.path', 'r.method'])
      .where('l.application_credential_id', 'in', ids).orderBy('l.position').execute();
    for (const { acId, ...rule } of rows) out.get(acId)!.push(rule);
    return out;
  }

  listAccessRules(userId: string, filters: { service?: string; path?: string; method?: string } = {}): Promise<AccessRuleRecord[]> {
    return this.t.accessRules.list({ user_id: userId, ...filters });
  }

  /** A rule of the user (another user's rule is not found under this one's path). */
  async getAccessRule(userId: string, id: string): Promise<AccessRuleRecord> {
    const rule = await this.t.accessRules.get(id);
    if (!rule || rule.user_id !== userId) throw accessRuleNotFound(id);
    return rule;
  }

  /** Keystone refuses (403) to delete a rule a credential still uses. */
  async deleteAccessRule(userId: string, id: string): Promise<void> {
    await this.getAccessRule(userId, id);
    const used = await this.t.db.selectFrom('application_credential_access_rules').select('access_rule_id').where('access_rule_id', '=', id).executeTakeFirst();
    if (used) throw accessRuleInUse();
    await this.t.accessRules.delete(id);
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
    if (!ac || !(await this.hasher.verify(ref.secret, ac.secret_hash))) throw unauthorized();
    if (ac.expires_at && Date.parse(`${ac.expires_at}Z`) <= Date.now()) throw new Unauthorized('Application credential has expired.');
    return ac;
  }
}
