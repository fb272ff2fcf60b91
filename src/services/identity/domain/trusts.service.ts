import { BadRequest, Forbidden } from '../../../core/errors/errors.js';
import type { IdentityTables, TrustRecord } from '../store/tables.js';
import type { AssignmentsService } from './assignments.service.js';
import { newId } from './ids.js';
import type { Revocations } from './revocations.service.js';
import type { RolesService } from './roles.service.js';
import { normalizeUtc } from './application-credentials.service.js';
import { expiresBeforeNow, notAuthorized, projectNotFound, roleNotFound, timestampNotInFormat, trustNotFound, userNotFound } from './errors.js';


export interface TrustInput {
  trustor_user_id: string; trustee_user_id: string; project_id?: string | null; impersonation: boolean;
  expires_at?: string | null; remaining_uses?: number | null; roles?: { id?: string; name?: string }[];
}

/** OS-TRUST: a trustor delegates some of its roles on a project to a trustee. */
export class TrustsService {
  constructor(
    private readonly t: IdentityTables, private readonly roles: RolesService,
    private readonly assignments: AssignmentsService, private readonly revocations: Revocations,
  ) {}

  async get(id: string): Promise<TrustRecord> {
    const trust = await this.t.trusts.get(id);
    if (!trust || trust.deleted_at || this.expired(trust)) throw trustNotFound(id);
    return trust;
  }

  async list(f: { trustor_user_id?: string; trustee_user_id?: string }): Promise<TrustRecord[]> {
    const rows = await this.t.trusts.list({ trustor_user_id: f.trustor_user_id, trustee_user_id: f.trustee_user_id, deleted_at: null });
    return rows.filter((t) => !this.expired(t));
  }

  async create(callerId: string, input: TrustInput): Promise<TrustRecord> {
    if (input.project_id && !input.roles?.length) throw notAuthorized('At least one role should be specified.');
    if (input.trustor_user_id !== callerId) throw notAuthorized('The authenticated user should match the trustor.');
    if (!(await this.t.users.get(input.trustee_user_id))) throw userNotFound(input.trustee_user_id);
    let expires: string | null = null;
    if (input.expires_at) {
      const normalized = normalizeUtc(input.expires_at);
      if (!normalized) throw timestampNotInFormat();
      if (Date.parse(`${normalized}Z`) < Date.now()) throw expiresBeforeNow();
      expires = normalized;
    }
    if (input.remaining_uses !== undefined && input.remaining_uses !== null && input.remaining_uses <= 0) {
      throw new BadRequest('remaining_uses must be a positive integer or null.');
    }
    const roles: { id: string; name: string }[] = [];
    if (input.project_id) {
      if (!(await this.t.projects.get(input.project_id))) throw projectNotFound(input.project_id);
      const held = new Set(await this.assignments.effectiveRoleIds(callerId, 'project', input.project_id));
      for (const wanted of input.roles ?? []) {
        const role = wanted.id ? await this.roles.find(wanted.id) : await this.roles.byName(wanted.name ?? '');
        if (!role) throw roleNotFound(wanted.id ?? wanted.name);
        // NOTE: Keystone answers a role the trustor does not hold on the project as an unknown role.
        if (!held.has(role.id)) throw roleNotFound(role.id);
        roles.push({ id: role.id, name: role.name });
      }
    } else if (input.roles?.length) {
      const first = input.roles[0]!;
      const role = first.id ? await this.roles.find(first.id) : await this.roles.byName(first.name ?? '');
      throw roleNotFound(role?.id ?? first.id ?? first.name);
    }
    return this.t.trusts.insert({
      id: newId(), trustor_user_id: input.trustor_user_id, trustee_user_id: input.trustee_user_id, project_id: input.project_id ?? null,
      impersonation: input.impersonation, expires_at: expires, remaining_uses: input.remaining_uses ?? null, redelegation_count: 0,
      roles, extra: {}, deleted_at: null,
    });
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.t.trusts.update(id, { deleted_at: new Date().toISOString() });
    await this.revocations.revoke({ trust_id: id });
  }

  /** Consumes one use of a trust for a token; returns the trust or throws NotFound/Forbidden. */
  async consume(id: string, trusteeId: string): Promise<TrustRecord> {
    const trust = await this.get(id);
    if (trust.trustee_user_id !== trusteeId) throw new Forbidden('The user is not the trustee of this trust.');
    if (trust.remaining_uses !== null) {
      if (trust.remaining_uses <= 0) throw new Forbidden('The trust has no uses left.');
      await this.t.trusts.update(id, { remaining_uses: trust.remaining_uses - 1 });
    }
    return trust;
  }

  private expired(t: TrustRecord): boolean {
    return t.expires_at !== null && Date.parse(`${t.expires_at}Z`) <= Date.now();
  }
}
