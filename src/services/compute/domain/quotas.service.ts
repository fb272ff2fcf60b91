// Quotas as Nova counts them (no reservations): limits are defaults overridden per project and per
// user; usage is counted from what exists (instances, cores, ram from servers; key pairs per user;
// server groups per project).
import type { ApiError } from '../../../core/errors/errors.js';
import { QuotasStore } from '../store/quotas.store.js';
import { quotaExceeded, quotaLimitAboveMaximum, quotaLimitBelowUsage } from './errors.js';

/** Nova's quota resources in its view order, with [quota] defaults (nova/conf/quota.py). */
export const QUOTA_DEFAULTS: Record<string, number> = {
  instances: 10, cores: 20, ram: 51200, floating_ips: 10, fixed_ips: -1, metadata_items: 128,
  injected_files: 5, injected_file_content_bytes: 10240, injected_file_path_bytes: 255, key_pairs: 100,
  security_groups: 10, security_group_rules: 20, server_groups: 10, server_group_members: 10,
};
export const NETWORK_QUOTAS = ['floating_ips', 'fixed_ips', 'security_groups', 'security_group_rules'];
export const INJECTED_QUOTAS = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'];

// NOTE: quota classes share the quotas table under a project id no Keystone id can take.
const CLASS_PREFIX = 'quota-class:';

export interface Usage { instances: number; cores: number; ram: number; key_pairs: number; server_groups: number }

export interface QuotaCounters {
  servers(projectId: string): Promise<{ instances: number; cores: number; ram: number }>;
  keypairs(userId: string): Promise<number>;
  serverGroups(projectId: string): Promise<number>;
}

export class QuotasService {
  constructor(readonly store: QuotasStore, private readonly counters: QuotaCounters) {}

  /** The defaults: the config's, overridden by the 'default' quota class. */
  async defaults(): Promise<Record<string, number>> { return { ...QUOTA_DEFAULTS, ...(await this.store.limits(CLASS_PREFIX + 'default')) }; }

  async classLimits(name: string): Promise<Record<string, number>> {
    return name === 'default' ? this.defaults() : { ...(await this.defaults()), ...(await this.store.limits(CLASS_PREFIX + name)) };
  }

  async updateClass(name: string, values: Record<string, number>): Promise<Record<string, number>> {
    await this.store.set(CLASS_PREFIX + name, '', values);
    return this.classLimits(name);
  }

  /** The limits in force for a project, or for one user of it. */
  async limits(projectId: string, userId?: string): Promise<Record<string, number>> {
    const project = { ...(await this.defaults()), ...(await this.store.limits(projectId)) };
    return userId ? { ...project, ...(await this.store.limits(projectId, userId)) } : project;
  }

  async usage(projectId: string, userId?: string): Promise<Record<string, number>> {
    const s = await this.counters.servers(projectId);
    const out: Record<string, number> = Object.fromEntries(Object.keys(QUOTA_DEFAULTS).map((k) => [k, 0]));
    out.instances = s.instances; out.cores = s.cores; out.ram = s.ram;
    out.server_groups = await this.counters.serverGroups(projectId);
    if (userId) out.key_pairs = await this.counters.keypairs(userId);
    return out;
  }

  /** Sets limits; below what is used is refused unless forced. */
  async update(projectId: string, userId: string | undefined, values: Record<string, number>, force: boolean): Promise<Record<string, number>> {
    if (!force) {
      const used = await this.usage(projectId, userId);
      for (const [resource, limit] of Object.entries(values)) {
        const minimum = used[resource] ?? 0;
        if (limit !== -1 && limit < minimum) {
          throw quotaLimitBelowUsage(limit, resource, minimum);
        }
      }
    }
    if (userId) {
      const project = await this.limits(projectId);
      for (const [resource, limit] of Object.entries(values)) {
        const max = project[resource]!;
        if (max !== -1 && (limit === -1 || limit > max)) throw quotaLimitAboveMaximum(limit, resource, max);
      }
    }
    await this.store.set(projectId, userId ?? '', values);
    return this.limits(projectId, userId);
  }

  async reset(projectId: string, userId?: string): Promise<void> { await this.store.clear(projectId, userId ?? undefined); }

  /**
   * Throws Nova's 403 ("Quota exceeded for cores: Requested 2, but already used 19 of 20 cores")
   * when adding the deltas would pass a project's (or its user's) limit. Counts, does not reserve.
   */
  async checkAndReserve(projectId: string, userId: string, deltas: { instances: number; cores: number; ram: number }): Promise<void> {
    const limits = await this.limits(projectId, userId);
    // NOTE: nothing to count when no resource asked for has a limit (-1: unlimited).
    if ((['instances', 'cores', 'ram'] as const).every((r) => !(deltas[r] > 0) || limits[r]! < 0)) return;
    const used = await this.counters.servers(projectId);
    const overs: string[] = [];
    for (const r of ['instances', 'cores', 'ram'] as const) {
      const limit = limits[r]!;
      if (deltas[r] > 0 && limit >= 0 && used[r] + deltas[r] > limit) overs.push(r);
    }
    if (overs.length === 0) return;
    const r = overs[0] as 'instances' | 'cores' | 'ram';
    throw quotaExceeded(overs.join(', '), deltas[r], used[r], limits[r]!, r);
  }

  /** For the per-user/per-project counted resources (key pairs, server groups, members). */
  async check(resource: string, projectId: string, userId: string | undefined, wanted: number, overQuota: () => ApiError): Promise<void> {
    const limit = (await this.limits(projectId, userId))[resource]!;
    if (limit >= 0 && wanted > limit) throw overQuota();
  }
}
