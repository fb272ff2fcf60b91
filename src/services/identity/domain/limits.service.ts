// Keystone's unified limits (keystone/limit/core.py and backends/sql.py) with the flat enforcement
// model: registered limits (a service's default for a resource, in a region or none) and limits
// (one project's or one domain's value for a registered limit). Keystone stores the limits only;
// services (Glance through oslo.limit) enforce them: effective() is oslo.limit's lookup.
import { sql } from 'kysely';
import type { IdentityDb } from '../store/database.js';
import type { DomainRecord, IdentityTables, LimitRecord, ProjectRecord, RegisteredLimitRecord } from '../store/tables.js';
import { newId } from './ids.js';
import {
  duplicateEntry, expectingToFind, limitNotFound, noLimitReference, registeredLimitInUse, registeredLimitNotFound,
} from './errors.js';

/** keystone/limit/models/flat.py, the default enforcement_model. */
export const LIMIT_MODEL = {
  name: 'flat',
  description: 'Limit enforcement and validation does not take project hierarchy into consideration.',
};

export interface RegisteredLimitInput {
  service_id: string; region_id?: string | null; resource_name: string; default_limit: number; description?: string | null;
}
export type RegisteredLimitPatch = Partial<RegisteredLimitInput>;
export interface LimitInput {
  project_id?: string; domain_id?: string; service_id: string; region_id?: string; resource_name: string; resource_limit: number;
  description?: string | null;
}
export interface LimitPatch { resource_limit?: number; description?: string | null }

export interface RegisteredLimitFilters { service_id?: string; region_id?: string; resource_name?: string }
export interface LimitFilters extends RegisteredLimitFilters { project_id?: string; domain_id?: string }

/**
 * Whose limits a list may show, from the token's scope (keystone/api/limits.py _list_limits): a
 * system token every limit; a domain token the domain's own and those of its projects; a project
 * token its project's; an unscoped token none.
 */
export type LimitScope = { kind: 'system' } | { kind: 'domain'; id: string } | { kind: 'project'; id: string } | { kind: 'none' };

/** What a request names that must exist, and the 400 Keystone answers when it does not. */
type Target = 'registered_limit' | 'limit';

export class LimitsService {
  constructor(private readonly t: IdentityTables) {}

  // ---- registered limits

  async getRegistered(id: string): Promise<RegisteredLimitRecord> {
    const r = await this.t.registeredLimits.get(id);
    if (!r) throw registeredLimitNotFound(id);
    return r;
  }

  async listRegistered(f: RegisteredLimitFilters): Promise<RegisteredLimitRecord[]> {
    let q = this.t.db.selectFrom('registered_limits').selectAll();
    if (f.service_id !== undefined) q = q.where('service_id', '=', f.service_id);
    if (f.region_id !== undefined) q = q.where('region_id', '=', f.region_id);
    if (f.resource_name !== undefined) q = q.where('resource_name', '=', f.resource_name);
    return q.orderBy(sql`rowid`).execute();
  }

  /** All or none: an unknown service or region is a 400, a second (service, region, resource) a 409. */
  async createRegistered(inputs: RegisteredLimitInput[]): Promise<RegisteredLimitRecord[]> {
    for (const r of inputs) await this.assertExist(r, 'registered_limit');
    return this.t.db.transaction().execute(async (tx) => {
      const out: RegisteredLimitRecord[] = [];
      for (const r of inputs) {
        const record: RegisteredLimitRecord = {
          id: newId(), service_id: r.service_id, region_id: r.region_id ?? null, resource_name: r.resource_name,
          default_limit: r.default_limit, description: r.description ?? null,
        };
        if (await findRegistered(tx, record)) throw duplicateEntry('registered_limit');
        out.push(await this.t.registeredLimits.insert(record, tx));
      }
      return out;
    });
  }

  /** A registered limit that limits refer to cannot change (403), nor become another one's duplicate (409). */
  async updateRegistered(id: string, patch: RegisteredLimitPatch): Promise<RegisteredLimitRecord> {
    await this.assertExist(patch, 'registered_limit');
    const current = await this.getRegistered(id);
    if (await this.inUse(id)) throw registeredLimitInUse(id);
    const next: RegisteredLimitRecord = { ...current, ...definedOf(patch) };
    if (patch.service_id !== undefined || 'region_id' in patch || patch.resource_name !== undefined) {
      // NOTE: Keystone also finds the limit itself here (a PATCH repeating its resource_name is a
      // 409 there); only another registered limit is a duplicate here.
      const other = await findRegistered(this.t.db, next);
      if (other && other.id !== id) throw duplicateEntry('registered_limit');
    }
    await this.t.registeredLimits.update(id, {
      service_id: next.service_id, region_id: next.region_id, resource_name: next.resource_name,
      default_limit: next.default_limit, description: next.description,
    });
    return this.getRegistered(id);
  }

  async deleteRegistered(id: string): Promise<void> {
    await this.getRegistered(id);
    if (await this.inUse(id)) throw registeredLimitInUse(id);
    await this.t.registeredLimits.delete(id);
  }

  // ---- limits

  async getLimit(id: string): Promise<LimitRecord> {
    const l = await this.findLimit(id);
    if (!l) throw limitNotFound(id);
    return l;
  }

  async findLimit(id: string): Promise<LimitRecord | undefined> {
    return this.limitsQuery().where('l.id', '=', id).executeTakeFirst();
  }

  /** The limit with its project (or domain) record, as Keystone's get_limit policy target has it. */
  async findWithOwner(id: string): Promise<(LimitRecord & { project?: ProjectRecord; domain?: DomainRecord }) | undefined> {
    const limit = await this.findLimit(id);
    if (!limit) return undefined;
    if (limit.project_id) return { ...limit, project: await this.t.projects.get(limit.project_id) };
    if (limit.domain_id) return { ...limit, domain: await this.t.domains.get(limit.domain_id) };
    return limit;
  }

  async listLimits(scope: LimitScope, f: LimitFilters): Promise<LimitRecord[]> {
    if (scope.kind === 'none') return [];
    let q = this.limitsQuery();
    if (f.service_id !== undefined) q = q.where('r.service_id', '=', f.service_id);
    if (f.region_id !== undefined) q = q.where('r.region_id', '=', f.region_id);
    if (f.resource_name !== undefined) q = q.where('r.resource_name', '=', f.resource_name);
    if (f.project_id !== undefined) q = q.where('l.project_id', '=', f.project_id);
    if (f.domain_id !== undefined) q = q.where('l.domain_id', '=', f.domain_id);
    if (scope.kind === 'project') q = q.where('l.project_id', '=', scope.id);
    if (scope.kind === 'domain') {
      const inDomain = this.t.db.selectFrom('projects').select('id').where('domain_id', '=', scope.id);
      q = q.where((eb) => eb.or([eb('l.project_id', 'in', inDomain), eb('l.domain_id', '=', scope.id)]));
    }
    return q.orderBy(sql`l.rowid`).execute();
  }

  /**
   * All or none. Each names its service, region (optional) and resource, which must match a
   * registered limit (403 otherwise), and a project or a domain; a project id that is a domain's
   * makes a domain limit, as Keystone's domains are projects. A second limit of the same project
   * (or domain) for the same registered limit is a 409.
   */
  async createLimits(inputs: LimitInput[]): Promise<LimitRecord[]> {
    const normalized: LimitInput[] = [];
    for (const l of inputs) normalized.push(await this.assertExist({ ...l }, 'limit'));
    return this.t.db.transaction().execute(async (tx) => {
      const ids: string[] = [];
      for (const l of normalized) {
        const registered = await findRegistered(tx, { service_id: l.service_id, region_id: l.region_id ?? null, resource_name: l.resource_name });
        if (!registered) throw noLimitReference();
        let dup = tx.selectFrom('limits').select('id').where('registered_limit_id', '=', registered.id);
        dup = l.project_id !== undefined ? dup.where('project_id', '=', l.project_id) : dup.where('domain_id', '=', l.domain_id ?? null);
        if (await dup.executeTakeFirst()) throw duplicateEntry('limit');
        const id = newId();
        await tx.insertInto('limits').values({
          id, registered_limit_id: registered.id, project_id: l.project_id ?? null, domain_id: l.domain_id ?? null,
          resource_limit: l.resource_limit, description: l.description ?? null,
        }).execute();
        ids.push(id);
      }
      const rows = await this.limitsQuery(tx).where('l.id', 'in', ids).execute();
      return ids.map((id) => rows.find((r) => r.id === id)!);
    });
  }

  // NOTE: Keystone's driver skips a resource_limit of 0 and an empty or null description
  // (`if limit.get(...)`), answering 200 with the old values; here what the request gives is set.
  async updateLimit(id: string, patch: LimitPatch): Promise<LimitRecord> {
    await this.getLimit(id);
    const values: { resource_limit?: number; description?: string | null } = {};
    if (patch.resource_limit !== undefined) values.resource_limit = patch.resource_limit;
    if (patch.description !== undefined) values.description = patch.description;
    if (Object.keys(values).length > 0) await this.t.db.updateTable('limits').set(values).where('id', '=', id).execute();
    return this.getLimit(id);
  }

  async deleteLimit(id: string): Promise<void> {
    await this.getLimit(id);
    await this.t.db.deleteFrom('limits').where('id', '=', id).execute();
  }

  // ---- for services (oslo.limit's view)

  /**
   * oslo.limit's flat lookup for each resource of a service in a region: the project's limit, else
   * the registered default, else 0 (a resource nobody registered allows nothing). -1 is unlimited.
   */
  async effective(serviceId: string, regionId: string | null, projectId: string | undefined, resources: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of resources) {
      const registered = await findRegistered(this.t.db, { service_id: serviceId, region_id: regionId, resource_name: name });
      let value = registered?.default_limit ?? 0;
      if (registered && projectId) {
        const own = await this.t.db.selectFrom('limits').select('resource_limit')
          .where('registered_limit_id', '=', registered.id).where('project_id', '=', projectId).executeTakeFirst();
        if (own) value = own.resource_limit;
      }
      out[name] = value;
    }
    return out;
  }

  /**
   * A deployment's registered limits (DevStack's `registered limit create` for a service):
   * `defaults` are created when missing, `values` are created or set to what they say.
   */
  async ensureRegistered(serviceId: string, regionId: string | null, defaults: Record<string, number>, values: Record<string, number>): Promise<void> {
    for (const [name, value] of Object.entries({ ...defaults, ...values })) {
      const current = await findRegistered(this.t.db, { service_id: serviceId, region_id: regionId, resource_name: name });
      if (!current) {
        await this.t.registeredLimits.insert({ id: newId(), service_id: serviceId, region_id: regionId, resource_name: name, default_limit: value, description: null });
      } else if (name in values && current.default_limit !== value) {
        await this.t.registeredLimits.update(current.id, { default_limit: value });
      }
    }
  }

  // ---- helpers

  /**
   * keystone's _assert_resource_exist: the service, region, project and domain a request names
   * exist (400 "Expecting to find <attr> in <target>" otherwise). Returns the input with a
   * project id that is a domain's moved to domain_id.
   */
  private async assertExist<T extends { service_id?: string; region_id?: string | null; project_id?: string; domain_id?: string }>(input: T, target: Target): Promise<T> {
    if (input.service_id !== undefined && !(await this.t.services.get(input.service_id))) throw expectingToFind('service_id', target);
    if (input.region_id !== undefined && input.region_id !== null && !(await this.t.regions.get(input.region_id))) throw expectingToFind('region_id', target);
    if (input.project_id !== undefined && !(await this.t.projects.get(input.project_id))) {
      if (!(await this.t.domains.get(input.project_id))) throw expectingToFind('project_id', target);
      const { project_id: domainId, ...rest } = input;
      input = { ...rest, domain_id: domainId } as T;
    }
    if (input.domain_id !== undefined && !(await this.t.domains.get(input.domain_id))) throw expectingToFind('domain_id', target);
    return input;
  }

  private async inUse(registeredLimitId: string): Promise<boolean> {
    return (await this.t.db.selectFrom('limits').select('id').where('registered_limit_id', '=', registeredLimitId).executeTakeFirst()) !== undefined;
  }

  private limitsQuery(db: IdentityDb = this.t.db) {
    return db.selectFrom('limits as l').innerJoin('registered_limits as r', 'r.id', 'l.registered_limit_id').select([
      'l.id', 'l.registered_limit_id', 'l.project_id', 'l.domain_id', 'l.resource_limit', 'l.description',
      'r.service_id', 'r.region_id', 'r.resource_name',
    ]);
  }
}

/** The registered limit of a service, region (null: none) and resource. */
async function findRegistered(db: IdentityDb, k: { service_id: string; region_id: string | null; resource_name: string }): Promise<RegisteredLimitRecord | undefined> {
  let q = db.selectFrom('registered_limits').selectAll().where('service_id', '=', k.service_id).where('resource_name', '=', k.resource_name);
  q = k.region_id === null ? q.where('region_id', 'is', null) : q.where('region_id', '=', k.region_id);
  return q.executeTakeFirst();
}

function definedOf<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
