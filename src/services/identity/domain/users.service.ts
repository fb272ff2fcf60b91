import { BadRequest } from '../../../core/errors/errors.js';
import type { SecurityCompliance } from '../../../config.js';
import { listMatching, nameIs, withName, type IdentityTables, type UserRecord } from '../store/tables.js';
import { ChangeStampedCache } from '../../../core/db/change-stamped-cache.js';
import { newId } from './ids.js';
import { boundedDomain, type ListFilter } from './list-filters.js';
import type { PasswordHasher } from './passwords.js';
import type { Revocations } from './revocations.service.js';
import { accountDisabled, accountLocked, cannotChangeDomainId, cannotChangeUserId, domainNotFound, duplicateNameInDomain, passwordExpired, projectNotFound, unauthorized, userNotFound } from './errors.js';

export interface UserInput {
  name?: string; domain_id?: string; enabled?: boolean; password?: string | null; default_project_id?: string | null;
  options?: Record<string, unknown>; extra?: Record<string, unknown>; id?: string;
}

/** How many filtered user lists stay cached (the cache empties when full). */
const LISTS_KEPT = 100;

export class UsersService {
  constructor(
    private readonly t: IdentityTables,
    private readonly hasher: PasswordHasher,
    private readonly revocations: Revocations,
    private readonly security: SecurityCompliance,
  ) {
    this.listed = new ChangeStampedCache(t.db, LISTS_KEPT);
  }

  async get(id: string): Promise<UserRecord> {
    const u = await this.t.users.get(id);
    if (!u) throw userNotFound(id);
    return u;
  }

  find(id: string): Promise<UserRecord | undefined> { return this.t.users.get(id); }

  async byName(name: string, domainId: string): Promise<UserRecord | undefined> {
    return (await listMatching(this.t.users, { domain_id: domainId }, [nameIs(name)]))[0];
  }

  /**
   * Lists answered while no row of the database has changed since (the stamp TokensService's
   * validations are kept by), by filter: listing users is what services and dashboards ask most.
   */
  private readonly listed: ChangeStampedCache<readonly UserRecord[]>;

  async list(f: ListFilter): Promise<readonly UserRecord[]> {
    const domainId = boundedDomain(f);
    if (domainId === null) return [];
    const enabled = f.enabled === undefined ? undefined : f.enabled ? 1 : 0;
    const matches = withName(f.name, f.matches);
    const key = JSON.stringify([domainId ?? null, enabled ?? null, matches]);
    const stamp = this.listed.stamp();
    return this.listed.get(key, stamp) ?? this.listed.set(key, stamp, await listMatching(this.t.users, { domain_id: domainId, enabled }, matches));
  }

  /** `passwordHash` lets seeding hash a shared password once instead of once per user. */
  async create(input: UserInput, defaultDomainId: string, passwordHash?: string): Promise<UserRecord> {
    const domainId = input.domain_id ?? defaultDomainId;
    if (!(await this.t.domains.get(domainId))) throw domainNotFound(domainId);
    if (await this.byName(input.name!, domainId)) {
      throw duplicateNameInDomain('user', input.name, domainId);
    }
    if (input.default_project_id) await this.checkDefaultProject(input.default_project_id, domainId);
    const now = new Date().toISOString();
    const user: UserRecord = {
      id: newId(), name: input.name!, domain_id: domainId, enabled: input.enabled ?? true,
      default_project_id: input.default_project_id ?? null, extra: input.extra ?? {}, options: input.options ?? {},
      created_at: now, last_active_at: null, failed_auth_count: 0, failed_auth_at: null,
    };
    const digest = passwordHash ?? (typeof input.password === 'string' ? await this.hasher.hash(input.password) : undefined);
    await this.t.db.transaction().execute(async (tx) => {
      await tx.insertInto('users').values({
        ...user, enabled: user.enabled ? 1 : 0, extra: JSON.stringify(user.extra), options: JSON.stringify(user.options),
      }).execute();
      if (digest) await tx.insertInto('passwords').values({ user_id: user.id, hash: digest, created_at: now }).execute();
    });
    return user;
  }

  async update(id: string, input: UserInput): Promise<UserRecord> {
    const u = await this.get(id);
    if (input.id !== undefined && input.id !== id) throw cannotChangeUserId();
    if (input.domain_id !== undefined && input.domain_id !== u.domain_id) throw cannotChangeDomainId();
    if (input.name !== undefined && input.name !== u.name && ![undefined, id].includes((await this.byName(input.name, u.domain_id))?.id)) {
      throw duplicateNameInDomain('user', input.name, u.domain_id);
    }
    if (input.default_project_id) await this.checkDefaultProject(input.default_project_id, u.domain_id);
    if (typeof input.password === 'string') await this.setPassword(u, input.password, { checkHistory: false });
    await this.t.users.update(id, {
      name: input.name, enabled: input.enabled,
      default_project_id: input.default_project_id === undefined ? undefined : input.default_project_id,
      extra: input.extra ? { ...u.extra, ...input.extra } : undefined,
      options: input.options ? { ...u.options, ...input.options } : undefined,
    });
    if (input.default_project_id === null) await this.t.db.updateTable('users').set({ default_project_id: null }).where('id', '=', id).execute();
    if (input.enabled === true && !u.enabled) await this.t.users.update(id, { failed_auth_count: 0, failed_auth_at: null });
    if ((input.enabled === false && u.enabled) || typeof input.password === 'string') await this.revocations.revoke({ user_id: id });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.t.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('assignments').where('actor_type', '=', 'user').where('actor_id', '=', id).execute();
      await tx.deleteFrom('credentials').where('user_id', '=', id).execute();
      await tx.deleteFrom('application_credentials').where('user_id', '=', id).execute();
      await tx.deleteFrom('users').where('id', '=', id).execute();
    });
    await this.revocations.revoke({ user_id: id });
  }

  /** Self-service change: the original password authenticates the request. */
  async changePassword(id: string, original: string, password: string): Promise<void> {
    const u = await this.find(id);
    if (!u) throw unauthorized();
    await this.checkPassword(u, original);
    await this.setPassword(u, password);
    await this.revocations.revoke({ user_id: id });
  }

  /** Password authentication with Keystone's lockout rules; throws Unauthorized. */
  async checkPassword(u: UserRecord, password: string | undefined): Promise<void> {
    const { lockoutFailureAttempts: attempts, lockoutDurationSeconds: duration } = this.security;
    if (!u.enabled) throw accountDisabled(u.id);
    const locked = attempts > 0 && u.failed_auth_count >= attempts && u.failed_auth_at !== null &&
      Date.now() < Date.parse(u.failed_auth_at) + duration * 1000;
    if (locked) throw accountLocked(u.id);
    const current = await this.currentPassword(u.id);
    const ok = current !== undefined && (await this.hasher.verify(password, current.hash));
    if (!ok) {
      const expiredLock = attempts > 0 && u.failed_auth_count >= attempts;
      await this.t.users.update(u.id, { failed_auth_count: expiredLock ? 1 : u.failed_auth_count + 1, failed_auth_at: new Date().toISOString() });
      throw unauthorized();
    }
    if (current.expires_at && Date.parse(current.expires_at) < Date.now()) {
      throw passwordExpired(u.id);
    }
    if (u.failed_auth_count > 0) await this.t.users.update(u.id, { failed_auth_count: 0, failed_auth_at: null });
  }

  private async currentPassword(userId: string): Promise<{ hash: string; expires_at: string | null } | undefined> {
    return this.t.db.selectFrom('passwords').select(['hash', 'expires_at']).where('user_id', '=', userId)
      .orderBy('id', 'desc').limit(1).executeTakeFirst();
  }

  /** Self-service changes must not repeat recent passwords; an admin reset is not checked, as in Keystone. */
  private async setPassword(u: UserRecord, password: string, opts = { checkHistory: true }): Promise<void> {
    const keep = this.security.uniqueLastPasswordCount;
    if (keep > 0 && opts.checkHistory) {
      const recent = await this.t.db.selectFrom('passwords').select('hash').where('user_id', '=', u.id)
        .orderBy('id', 'desc').limit(keep).execute();
      for (const r of recent) {
        if (await this.hasher.verify(password, r.hash)) {
          throw new BadRequest(`The new password cannot be identical to a previous password. The total number which includes the new password must be unique is ${keep}.`);
        }
      }
    }
    const digest = await this.hasher.hash(password);
    await this.t.db.transaction().execute(async (tx) => {
      await tx.insertInto('passwords').values({ user_id: u.id, hash: digest, created_at: new Date().toISOString() }).execute();
      const keepIds = await tx.selectFrom('passwords').select('id').where('user_id', '=', u.id).orderBy('id', 'desc').limit(Math.max(keep, 1)).execute();
      await tx.deleteFrom('passwords').where('user_id', '=', u.id).where('id', 'not in', keepIds.map((r) => r.id)).execute();
    });
  }

  private async checkDefaultProject(projectId: string, _domainId: string): Promise<void> {
    if (!(await this.t.projects.get(projectId))) throw projectNotFound(projectId);
  }

  async groupsOf(userId: string): Promise<string[]> {
    const rows = await this.t.db.selectFrom('group_members').select('group_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.group_id);
  }
}
