import { Forbidden, Unauthorized } from '../errors/errors.js';
import { type Credentials, type RuleSet, enforce, type Target } from '../policy/policy-engine.js';

export interface NamedRef { id: string; name: string }

/** An application credential access rule: a service type, a method and a path template. */
export interface AccessRule { id: string; service: string; method: string; path: string }

/** What a validated token says about its bearer: Keystone's token body in plain values. */
export interface TokenInfo {
  methods: string[];
  user: NamedRef & { domain: NamedRef; passwordExpiresAt: string | null };
  project?: NamedRef & { domain: NamedRef };
  domain?: NamedRef;
  system?: boolean;
  roles: NamedRef[];
  auditIds: string[];
  issuedAt: string;
  expiresAt: string;
  /** accessRules: what the credential's tokens may call (absent: anything its roles allow). */
  applicationCredential?: { id: string; name: string; restricted: boolean; accessRules?: AccessRule[] };
  trust?: { id: string; impersonation: boolean; trustorUserId: string; trusteeUserId: string };
  /** A token a consumer got with an OS-OAUTH1 access token. */
  oauth1?: { accessTokenId: string; consumerId: string };
  isAdminProject?: boolean;
}

export interface TokenValidator {
  /** Throws Unauthorized or NotFound when the token is invalid, expired or revoked. */
  validate(token: string): Promise<TokenInfo>;
}

export class RequestContext {
  constructor(
    readonly rules: RuleSet,
    readonly token: TokenInfo | undefined,
    readonly authToken: string | undefined,
    readonly requestId: string,
  ) {}

  get userId(): string | undefined { return this.token?.user.id; }
  get projectId(): string | undefined { return this.token?.project?.id; }
  get isSystemScoped(): boolean { return this.token?.system === true; }

  credentials(): Credentials {
    const t = this.token;
    if (!t) return { roles: [] };
    return {
      roles: t.roles.map((r) => r.name),
      user_id: t.user.id,
      user_domain_id: t.user.domain.id,
      project_id: t.project?.id,
      project_domain_id: t.project?.domain.id,
      domain_id: t.domain?.id,
      system_scope: t.system ? 'all' : undefined,
      'token.user.domain.id': t.user.domain.id,
      'token.domain.id': t.domain?.id,
      'token.project.domain.id': t.project?.domain.id,
      'token.project.id': t.project?.id,
      is_admin_project: t.isAdminProject ?? true,
    };
  }

  can(policyName: string, target: Target = {}): boolean {
    return enforce(this.rules, policyName, target, this.credentials());
  }

  /** Throws Forbidden (or Unauthorized without a token) when the policy denies. */
  authorize(policyName: string, target: Target = {}): void {
    if (this.can(policyName, target)) return;
    if (!this.token) throw new Unauthorized();
    throw new Forbidden(`You are not authorized to perform the requested action: ${policyName}.`);
  }
}
