import { decode, encode } from '@msgpack/msgpack';
import { Forbidden, Unauthorized } from '../../../core/errors/errors.js';
import type { NamedRef, TokenInfo } from '../../../core/auth/request-context.js';
import { ChangeStampedCache } from '../../../core/db/change-stamped-cache.js';
import { listMatching, nameIs, type IdentityTables, type UserRecord } from '../store/tables.js';
import type { AppCredentialsService } from './application-credentials.service.js';
import type { AssignmentsService, TargetType } from './assignments.service.js';
import { SYSTEM_ALL } from './assignments.service.js';
import type { FernetKeys } from './fernet.js';
import { newAuditId } from './ids.js';
import { isoTime } from './times.js';
import type { Revocations } from './revocations.service.js';
import type { RolesService } from './roles.service.js';
import type { OAuth1Service, SignedRequest } from './oauth1.service.js';
import type { TrustsService } from './trusts.service.js';
import type { UsersService } from './users.service.js';
import { domainDisabled, expectingToFind, noAccess, notAuthorized, projectDisabled, scopeNotFound, tokenNotFound, unauthorized } from './errors.js';

/** The scope a token is for; ids only, resolved against the store at every validation. */
type Scope = { kind: 'unscoped' } | { kind: 'project'; id: string } | { kind: 'domain'; id: string } | { kind: 'system' };

interface Payload {
  userId: string; methods: string[]; scope: Scope; expiresAtMs: number; issuedAtMs: number;
  auditIds: string[]; appCredId?: string; trustId?: string; accessTokenId?: string;
}

export interface IdentityAuth {
  methods: string[];
  // NOTE: a missing password is a wrong one (401), as Keystone's check_password(None, ...).
  password?: { user: { id?: string; name?: string; password?: string; domain?: { id?: string; name?: string } } };
  token?: { id: string };
  application_credential?: { id?: string; name?: string; secret: string; user?: { id?: string; name?: string; domain?: { id?: string; name?: string } } };
  /** OS-OAUTH1: empty; the request's signed Authorization header carries the access token. */
  oauth1?: Record<string, unknown>;
}
export type ScopeRequest = 'unscoped' | { project?: { id?: string; name?: string; domain?: { id?: string; name?: string } }; domain?: { id?: string; name?: string }; system?: { all?: boolean }; 'OS-TRUST:trust'?: { id: string } } | undefined;


const KIND = { unscoped: 0, project: 1, domain: 2, system: 3 } as const;

/** Raised for a token that does not validate; callers turn it into 401 or 404. */
export class InvalidToken extends Error {}

/** How many validations stay cached (the cache empties when full). */
const VALIDATION_CACHE_SIZE = 10_000;

/**
 * A token's user, project and domains come up several times while answering one call; each
 * distinct row is read once per call. (Nothing here writes them, so the call sees one state.)
 */
class Reads {
  private readonly rows = new Map<string, Promise<unknown>>();
  constructor(private readonly t: IdentityTables, private readonly users: UsersService, private readonly assignments: AssignmentsService) {}
  user(id: string) { return this.once(`u:${id}`, () => this.users.find(id)); }
  project(id: string) { return this.once(`p:${id}`, () => this.t.projects.get(id)); }
  domain(id: string) { return this.once(`d:${id}`, () => this.t.domains.get(id)); }
  /** The user's effective role ids on the target (the scope check and the token body both need them). */
  roleIds(userId: string, type: TargetType, id: string): Promise<readonly string[]> {
    return this.once(`r:${userId}:${type}:${id}`, () => this.assignments.effectiveRoleIds(userId, type, id));
  }
  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let row = this.rows.get(key) as Promise<T> | undefined;
    if (!row) { row = load(); this.rows.set(key, row); }
    return row;
  }
}

export class TokensService {
  constructor(
    private readonly t: IdentityTables,
    private readonly keys: FernetKeys,
    private readonly users: UsersService,
    private readonly assignments: AssignmentsService,
    private readonly roles: RolesService,
    private readonly appCreds: AppCredentialsService,
    private readonly revocations: Revocations,
    private readonly trusts: TrustsService,
    private readonly oauth1: OAuth1Service,
    private readonly lifetimeMs: () => number,
  ) {
    this.validated = [new ChangeStampedCache(t.db, VALIDATION_CACHE_SIZE), new ChangeStampedCache(t.db, VALIDATION_CACHE_SIZE)];
  }

  /**
   * Validations answered while no row of the database has changed since: a validation depends
   * only on the token, the stored rows (users, projects, domains, assignments, roles, revocation
   * events) and the clock (expiry, checked at every hit). Frozen: a copy a hit was 4-5 µs of every
   * authenticated request. By allow_expired (0 or 1), then by token.
   * Tokens of trusts and application credentials (which expire on their own) are not cached.
   */
  private readonly validated: readonly [ChangeStampedCache<TokenInfo>, ChangeStampedCache<TokenInfo>];

  /** POST /v3/auth/tokens: authenticates, resolves the scope, returns the token id and its body. */
  async issue(identity: IdentityAuth, scopeRequest: ScopeRequest, signed?: SignedRequest): Promise<{ id: string; info: TokenInfo }> {
    const methods = identity.methods;
    const now = Date.now();
    let user: UserRecord | undefined;
    let expiresAtMs = now + this.lifetimeMs();
    let auditIds = [newAuditId()];
    let appCredId: string | undefined;
    let accessTokenId: string | undefined;
    let scope: Scope | undefined;
    let priorMethods: string[] = [];
    const reads = new Reads(this.t, this.users, this.assignments);
    for (const method of methods) {
      if (method === 'password' && identity.password) {
        const u = await this.findUser(identity.password.user);
        await this.users.checkPassword(u, identity.password.user.password);
        user = this.sameUser(user, u);
      } else if (method === 'token' && identity.token) {
        // NOTE: Keystone answers 404 for an invalid token given as a method, 401 for a bad X-Auth-Token.
        const prior = await this.decodeValid(identity.token.id, false, reads).catch((e) => {
          if (e instanceof InvalidToken) throw tokenNotFound(identity.token!.id);
          throw e;
        });
        if (prior.appCredId) throw new Forbidden('Application credential tokens cannot be rescoped.');
        if (prior.accessTokenId) {
          throw notAuthorized('Using OAuth-scoped token to create another token. Create a new OAuth-scoped token instead.');
        }
        user = this.sameUser(user, await this.users.get(prior.userId));
        expiresAtMs = prior.expiresAtMs;
        auditIds = [newAuditId(), prior.auditIds[prior.auditIds.length - 1]!];
        priorMethods = prior.methods;
      } else if (method === 'application_credential' && identity.application_credential) {
        const ac = await this.appCreds.authenticate(identity.application_credential);
        if (scopeRequest !== undefined) throw new Unauthorized('Application credentials cannot request a scope.');
        user = this.sameUser(user, await this.users.get(ac.user_id));
        if (!user.enabled) throw unauthorized();
        appCredId = ac.id;
        scope = { kind: 'project', id: ac.project_id };
        if (ac.expires_at) expiresAtMs = Math.min(expiresAtMs, Date.parse(`${ac.expires_at}Z`));
      } else if (method === 'oauth1' && signed) {
        if (!identity.oauth1) throw expectingToFind('oauth1', 'identity');
        // NOTE: as Keystone: the access token's project is the scope, whatever the body asks.
        const access = await this.oauth1.authenticate(signed);
        user = this.sameUser(user, await this.users.get(access.authorizing_user_id));
        accessTokenId = access.id;
        scope = { kind: 'project', id: access.project_id };
      } else {
        throw new Unauthorized(`Attempted to authenticate with an unsupported method.`);
      }
    }
    if (!user) throw unauthorized();
    await this.checkUserDomain(user, reads);
    let trustId: string | undefined;
    const trustRef = typeof scopeRequest === 'object' ? scopeRequest['OS-TRUST:trust'] : undefined;
    if (trustRef && !accessTokenId) {
      const trust = await this.trusts.consume(trustRef.id, user.id);
      trustId = trust.id;
      if (!trust.project_id) throw new Forbidden('Trusts without a project cannot scope a token.');
      scope = { kind: 'project', id: trust.project_id };
      if (trust.impersonation) user = await this.users.get(trust.trustor_user_id);
      if (trust.expires_at) expiresAtMs = Math.min(expiresAtMs, Date.parse(`${trust.expires_at}Z`));
    }
    scope ??= await this.resolveScope(user, scopeRequest, reads);
    const payload: Payload = {
      userId: user.id, methods: [...new Set([...priorMethods, ...methods])], scope, expiresAtMs, issuedAtMs: now, auditIds, appCredId, trustId, accessTokenId,
    };
    const info = await this.describe(payload, reads);
    // NOTE: Keystone keeps last_active_at as a date; written once a day per user, a token issue
    // costs no durable write (an fsync on the event loop) otherwise.
    const nowIso = new Date(now).toISOString();
    if (user.last_active_at?.slice(0, 10) !== nowIso.slice(0, 10)) await this.t.users.update(user.id, { last_active_at: nowIso });
    return { id: this.keys.encrypt(this.pack(payload), now), info };
  }

  /**
   * A project-scoped token for a user a credential other than a password has already proven
   * (POST /v3/ec2tokens, /v3/s3tokens), delegated as that credential was; Unauthorized when
   * nothing is left to scope it with.
   */
  async issueVerified(r: {
    userId: string; projectId: string; methods: string[]; appCredId?: string; trustId?: string; accessTokenId?: string;
  }): Promise<{ id: string; info: TokenInfo }> {
    const now = Date.now();
    let expiresAtMs = now + this.lifetimeMs();
    const ac = r.appCredId ? await this.t.appCredentials.get(r.appCredId) : undefined;
    if (ac?.expires_at) expiresAtMs = Math.min(expiresAtMs, Date.parse(`${ac.expires_at}Z`));
    const trust = r.trustId ? await this.t.trusts.get(r.trustId) : undefined;
    if (trust?.expires_at) expiresAtMs = Math.min(expiresAtMs, Date.parse(`${trust.expires_at}Z`));
    const payload: Payload = {
      userId: r.userId, methods: r.methods, scope: { kind: 'project', id: r.projectId }, expiresAtMs, issuedAtMs: now,
      auditIds: [newAuditId()], appCredId: r.appCredId, trustId: r.trustId, accessTokenId: r.accessTokenId,
    };
    const info = await this.describe(payload).catch((e) => {
      if (e instanceof InvalidToken) throw unauthorized();
      throw e;
    });
    return { id: this.keys.encrypt(this.pack(payload), now), info };
  }

  /** Validates a token and describes it (frozen when it may be cached); throws InvalidToken. */
  async validate(token: string, allowExpired = false): Promise<TokenInfo> {
    const cache = this.validated[allowExpired ? 1 : 0];
    const stamp = cache.stamp();
    const hit = cache.get(token, stamp);
    if (hit) return hit;
    const reads = new Reads(this.t, this.users, this.assignments);
    const p = await this.decodeValid(token, allowExpired, reads);
    const info = await this.describe(p, reads);
    if (p.appCredId || p.trustId || p.accessTokenId) return info;
    return cache.set(token, stamp, info, p.expiresAtMs + this.grace(allowExpired));
  }

  async revoke(token: string): Promise<void> {
    const p = await this.decodeValid(token, false);
    await this.revocations.revoke({ audit_id: p.auditIds[0] });
  }

  // NOTE: allow_expired gives services a 2-day window, Keystone's default allow_expired_window.
  private grace(allowExpired: boolean): number { return allowExpired ? 2 * 86400_000 : 0; }

  private async decodeValid(token: string, allowExpired: boolean, reads = new Reads(this.t, this.users, this.assignments)): Promise<Payload> {
    const plain = this.keys.decrypt(token);
    if (!plain) throw new InvalidToken('token does not decrypt');
    const p = this.unpack(plain);
    if (p.expiresAtMs + this.grace(allowExpired) <= Date.now()) throw new InvalidToken('token expired');
    const user = await reads.user(p.userId);
    if (!user || !user.enabled) throw new InvalidToken('user gone or disabled');
    const project = p.scope.kind === 'project' ? await reads.project(p.scope.id) : undefined;
    const facts = {
      userId: p.userId, userDomainId: user.domain_id, projectId: project?.id, projectDomainId: project?.domain_id,
      domainId: p.scope.kind === 'domain' ? p.scope.id : undefined, roleIds: [] as string[],
      auditId: p.auditIds[0]!, auditChainId: p.auditIds[p.auditIds.length - 1]!, issuedAtMs: p.issuedAtMs, trustId: p.trustId,
    };
    if (this.revocations.isRevoked(facts)) throw new InvalidToken('token revoked');
    return p;
  }

  private async describe(p: Payload, reads = new Reads(this.t, this.users, this.assignments)): Promise<TokenInfo> {
    const user = await reads.user(p.userId);
    if (!user || !user.enabled) throw new InvalidToken('user gone or disabled');
    const userDomain = await reads.domain(user.domain_id);
    if (!userDomain || !userDomain.enabled) throw new InvalidToken('user domain disabled');
    const info: TokenInfo = {
      methods: p.methods,
      user: { id: user.id, name: user.name, domain: { id: userDomain.id, name: userDomain.name }, passwordExpiresAt: null },
      roles: [], auditIds: p.auditIds, issuedAt: isoTime(p.issuedAtMs), expiresAt: isoTime(p.expiresAtMs), isAdminProject: true,
    };
    let target: { type: TargetType; id: string } | undefined;
    if (p.scope.kind === 'project') {
      const project = await reads.project(p.scope.id);
      if (!project || !project.enabled) throw new InvalidToken('project gone or disabled');
      const domain = await reads.domain(project.domain_id);
      if (!domain || !domain.enabled) throw new InvalidToken('project domain disabled');
      info.project = { id: project.id, name: project.name, domain: { id: domain.id, name: domain.name } };
      target = { type: 'project', id: project.id };
    } else if (p.scope.kind === 'domain') {
      const domain = await reads.domain(p.scope.id);
      if (!domain || !domain.enabled) throw new InvalidToken('domain gone or disabled');
      info.domain = { id: domain.id, name: domain.name };
      target = { type: 'domain', id: domain.id };
    } else if (p.scope.kind === 'system') {
      info.system = true;
      target = { type: 'system', id: SYSTEM_ALL };
    }
    if (target) {
      let roleIds = [...(await reads.roleIds(user.id, target.type, target.id))];
      if (p.appCredId) {
        const ac = await this.t.appCredentials.get(p.appCredId);
        if (!ac) throw new InvalidToken('application credential deleted');
        const granted = new Set(await this.roles.expand(ac.roles.map((r) => r.id)));
        roleIds = roleIds.filter((id) => granted.has(id));
        info.applicationCredential = { id: ac.id, name: ac.name, restricted: !ac.unrestricted };
        const rules = (await this.appCreds.accessRulesOf([ac.id])).get(ac.id)!;
        if (rules.length) info.applicationCredential.accessRules = rules;
      }
      if (p.trustId) {
        const trust = await this.trusts.get(p.trustId).catch(() => { throw new InvalidToken('trust deleted or expired'); });
        const delegated = new Set(await this.roles.expand(trust.roles.map((r) => r.id)));
        roleIds = (await this.assignments.effectiveRoleIds(trust.trustor_user_id, target.type, target.id)).filter((id) => delegated.has(id));
        info.trust = { id: trust.id, impersonation: trust.impersonation, trustorUserId: trust.trustor_user_id, trusteeUserId: trust.trustee_user_id };
      }
      if (p.accessTokenId) {
        const access = await this.t.accessTokens.get(p.accessTokenId);
        if (!access) throw new InvalidToken('access token deleted');
        const delegated = new Set(await this.roles.expand(access.role_ids));
        roleIds = roleIds.filter((id) => delegated.has(id));
        info.oauth1 = { accessTokenId: access.id, consumerId: access.consumer_id };
      }
      if (roleIds.length === 0) throw new InvalidToken('no roles left on the scope');
      info.roles = (await this.roles.many(roleIds)).map((r): NamedRef => ({ id: r.id, name: r.name }));
    }
    return info;
  }

  private async resolveScope(user: UserRecord, req: ScopeRequest, reads: Reads): Promise<Scope> {
    if (req === 'unscoped') return { kind: 'unscoped' };
    if (req === undefined) {
      if (user.default_project_id) {
        const p = await this.t.projects.get(user.default_project_id);
        if (p && p.enabled && (await this.assignments.effectiveRoleIds(user.id, 'project', p.id)).length > 0) return { kind: 'project', id: p.id };
      }
      return { kind: 'unscoped' };
    }
    const set = [req.project, req.domain, req.system].filter((x) => x !== undefined);
    if (set.length === 0) return { kind: 'unscoped' };
    if (set.length > 1) throw new Unauthorized('Specifying more than one of project, domain or system as scope is not allowed.');
    if (req.project) {
      let project;
      if (req.project.id) project = await this.t.projects.get(req.project.id);
      else {
        const domain = await this.findDomain(req.project.domain);
        project = domain ? (await listMatching(this.t.projects, { domain_id: domain.id }, [nameIs(req.project.name ?? '')]))[0] : undefined;
      }
      if (!project) throw scopeNotFound('project', req.project.id ?? req.project.name);
      if (!project.enabled) throw projectDisabled(project.id);
      const domain = await reads.domain(project.domain_id);
      if (!domain?.enabled) throw domainDisabled(project.domain_id);
      if ((await reads.roleIds(user.id, 'project', project.id)).length === 0) {
        throw noAccess(user.id, `project ${project.id}`);
      }
      return { kind: 'project', id: project.id };
    }
    if (req.domain) {
      const domain = await this.findDomain(req.domain);
      if (!domain) throw scopeNotFound('domain', req.domain.id ?? req.domain.name);
      if (!domain.enabled) throw domainDisabled(domain.id);
      if ((await this.assignments.effectiveRoleIds(user.id, 'domain', domain.id)).length === 0) {
        throw noAccess(user.id, `domain ${domain.id}`);
      }
      return { kind: 'domain', id: domain.id };
    }
    if (req.system) {
      if ((await this.assignments.effectiveRoleIds(user.id, 'system', SYSTEM_ALL)).length === 0) {
        throw noAccess(user.id, 'the system');
      }
      return { kind: 'system' };
    }
    return { kind: 'unscoped' };
  }

  private async findUser(ref: { id?: string; name?: string; domain?: { id?: string; name?: string } }): Promise<UserRecord> {
    let user: UserRecord | undefined;
    if (ref.id) user = await this.users.find(ref.id);
    else if (ref.name) {
      if (!ref.domain) throw unauthorized();
      const domain = await this.findDomain(ref.domain);
      if (domain) user = await this.users.byName(ref.name, domain.id);
    }
    // NOTE: an unknown user gets the same answer as a wrong password, so names cannot be probed.
    if (!user) throw unauthorized();
    return user;
  }

  private async findDomain(ref: { id?: string; name?: string } | undefined) {
    if (!ref) return undefined;
    if (ref.id) return this.t.domains.get(ref.id);
    return (await listMatching(this.t.domains, {}, [nameIs(ref.name ?? '')]))[0];
  }

  private async checkUserDomain(user: UserRecord, reads: Reads): Promise<void> {
    const d = await reads.domain(user.domain_id);
    if (!d?.enabled) throw domainDisabled(user.domain_id);
  }

  private sameUser(prev: UserRecord | undefined, next: UserRecord): UserRecord {
    if (prev && prev.id !== next.id) throw new Unauthorized('Authentication methods disagree on the user.');
    return next;
  }

  private pack(p: Payload): Buffer {
    const scopeId = p.scope.kind === 'project' || p.scope.kind === 'domain' ? p.scope.id : null;
    return Buffer.from(encode([
      KIND[p.scope.kind], p.userId, p.methods, scopeId, p.expiresAtMs, p.issuedAtMs, p.auditIds, p.appCredId ?? null, p.trustId ?? null,
      ...(p.accessTokenId ? [p.accessTokenId] : []),
    ]));
  }

  private unpack(buf: Buffer): Payload {
    try {
      const [kind, userId, methods, scopeId, expiresAtMs, issuedAtMs, auditIds, appCredId, trustId, accessTokenId] = decode(buf) as any[];
      const scope: Scope = kind === KIND.project ? { kind: 'project', id: scopeId } : kind === KIND.domain ? { kind: 'domain', id: scopeId }
        : kind === KIND.system ? { kind: 'system' } : { kind: 'unscoped' };
      return {
        userId, methods, scope, expiresAtMs, issuedAtMs, auditIds, appCredId: appCredId ?? undefined, trustId: trustId ?? undefined,
        accessTokenId: accessTokenId ?? undefined,
      };
    } catch {
      throw new InvalidToken('payload does not decode');
    }
  }
}

