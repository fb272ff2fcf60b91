import type { IdentityDb } from '../store/database.js';

/** A revocation event as Keystone keeps them: every set field must match the token, and the
 *  token must have been issued at or before `issued_before`. */
export interface RevocationEvent {
  user_id?: string; project_id?: string; domain_id?: string; role_id?: string;
  audit_id?: string; audit_chain_id?: string; trust_id?: string;
  issued_before: string;
}

/** What a token offers to the matcher. */
export interface TokenFacts {
  userId: string; userDomainId: string; projectId?: string; projectDomainId?: string; domainId?: string;
  roleIds: string[]; auditId: string; auditChainId: string; trustId?: string; issuedAtMs: number;
}

const FIELDS = ['user_id', 'project_id', 'domain_id', 'role_id', 'audit_id', 'audit_chain_id', 'trust_id'] as const;

export class Revocations {
  private events: (RevocationEvent & { beforeMs: number })[] = [];
  constructor(private readonly db: IdentityDb, private readonly maxTokenLifetimeMs: number) {}

  /** Loads the events still relevant (younger than the longest token lifetime). */
  async load(): Promise<void> {
    const cutoff = new Date(Date.now() - this.maxTokenLifetimeMs - 60_000).toISOString();
    await this.db.deleteFrom('revocation_events').where('issued_before', '<', cutoff).execute();
    const rows = await this.db.selectFrom('revocation_events').selectAll().execute();
    this.events = rows.map((r) => {
      const e: RevocationEvent = { issued_before: r.issued_before };
      for (const f of FIELDS) if (r[f]) e[f] = r[f];
      return { ...e, beforeMs: Date.parse(e.issued_before) };
    });
  }

  async revoke(fields: Omit<RevocationEvent, 'issued_before'>, at = Date.now()): Promise<void> {
    const event: RevocationEvent = { ...fields, issued_before: new Date(at).toISOString() };
    await this.db.insertInto('revocation_events').values({ ...event, revoked_at: event.issued_before }).execute();
    this.events.push({ ...event, beforeMs: at });
  }

  isRevoked(t: TokenFacts): boolean {
    return this.events.some((e) => t.issuedAtMs <= e.beforeMs && matches(e, t));
  }

  list(): RevocationEvent[] {
    return this.events.map(({ beforeMs: _, ...e }) => e);
  }
}

function matches(e: RevocationEvent, t: TokenFacts): boolean {
  if (e.user_id && e.user_id !== t.userId) return false;
  if (e.project_id && e.project_id !== t.projectId) return false;
  if (e.domain_id && ![t.userDomainId, t.projectDomainId, t.domainId].includes(e.domain_id)) return false;
  if (e.role_id && !t.roleIds.includes(e.role_id)) return false;
  if (e.audit_id && e.audit_id !== t.auditId) return false;
  if (e.audit_chain_id && e.audit_chain_id !== t.auditChainId) return false;
  if (e.trust_id && e.trust_id !== t.trustId) return false;
  return true;
}
