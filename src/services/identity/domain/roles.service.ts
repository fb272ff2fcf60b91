import { listMatching, nameIs, NULL_DOMAIN, withName, type IdentityTables, type RoleRecord, type TextMatch } from '../store/tables.js';
import { newId } from './ids.js';
import type { Revocations } from './revocations.service.js';
import { domainNotFound, domainSpecificRoleImplied, duplicateName, impliedRoleNotFound, roleImmutable, roleImplicationLoop, roleNotFound, updateNotAllowed } from './errors.js';

export interface RoleInput { name?: string; domain_id?: string | null; description?: string | null; options?: Record<string, unknown>; extra?: Record<string, unknown> }
export interface Inference { prior: RoleRecord; implied: RoleRecord }

export class RolesService {
  /** prior role id → implied role ids; small, read on every token, so kept in memory. */
  private implications = new Map<string, string[]>();
  private loaded = false;

  constructor(private readonly t: IdentityTables, private readonly revocations: Revocations) {}

  async get(id: string): Promise<RoleRecord> {
    const r = await this.t.roles.get(id);
    if (!r) throw roleNotFound(id);
    return r;
  }

  find(id: string): Promise<RoleRecord | undefined> { return this.t.roles.get(id); }

  async byName(name: string, domainId: string | null = null): Promise<RoleRecord | undefined> {
    return (await listMatching(this.t.roles, { domain_id: domainId ?? NULL_DOMAIN }, [nameIs(name)]))[0];
  }

  list(f: { name?: string; domain_id?: string | null; matches?: TextMatch[] }): Promise<RoleRecord[]> {
    return listMatching(this.t.roles, { domain_id: f.domain_id ?? NULL_DOMAIN }, withName(f.name, f.matches));
  }

  async create(input: RoleInput): Promise<RoleRecord> {
    const domainId = input.domain_id ?? NULL_DOMAIN;
    if (domainId !== NULL_DOMAIN && !(await this.t.domains.get(domainId))) throw domainNotFound(domainId);
    if (await this.byName(input.name!, input.domain_id ?? null)) {
      throw duplicateName('role', input.name);
    }
    return this.t.roles.insert({
      id: newId(), name: input.name!, domain_id: domainId, description: input.description ?? null,
      options: input.options ?? {}, extra: input.extra ?? {},
    });
  }

  async update(id: string, input: RoleInput): Promise<RoleRecord> {
    const r = await this.get(id);
    if (input.domain_id !== undefined && (input.domain_id ?? NULL_DOMAIN) !== r.domain_id) throw updateNotAllowed('domain_id');
    if (input.name !== undefined && input.name !== r.name && ![undefined, id].includes((await this.byName(input.name, r.domain_id === NULL_DOMAIN ? null : r.domain_id))?.id)) {
      throw duplicateName('role', input.name);
    }
    if (r.options.immutable === true && input.options?.immutable !== false) throw roleImmutable(id);
    await this.t.roles.update(id, {
      name: input.name, description: input.description === undefined ? undefined : input.description,
      options: input.options ? { ...r.options, ...input.options } : undefined,
      extra: input.extra ? { ...r.extra, ...input.extra } : undefined,
    });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const r = await this.get(id);
    if (r.options.immutable === true) throw roleImmutable(id);
    await this.t.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('assignments').where('role_id', '=', id).execute();
      await tx.deleteFrom('implied_roles').where((eb) => eb.or([eb('prior_role_id', '=', id), eb('implied_role_id', '=', id)])).execute();
      await tx.deleteFrom('roles').where('id', '=', id).execute();
    });
    await this.loadImplications();
    await this.revocations.revoke({ role_id: id });
  }

  // ---- implied roles

  async loadImplications(): Promise<void> {
    const rows = await this.t.db.selectFrom('implied_roles').selectAll().execute();
    this.implications = new Map();
    for (const r of rows) this.implications.set(r.prior_role_id, [...(this.implications.get(r.prior_role_id) ?? []), r.implied_role_id]);
    this.loaded = true;
  }

  async imply(priorId: string, impliedId: string): Promise<Inference> {
    const prior = await this.get(priorId);
    const implied = await this.get(impliedId);
    if (implied.domain_id !== NULL_DOMAIN && prior.domain_id === NULL_DOMAIN) {
      throw domainSpecificRoleImplied(implied.id);
    }
    if (priorId === impliedId || (await this.expand([impliedId])).includes(priorId)) {
      throw roleImplicationLoop(impliedId, priorId);
    }
    await this.t.db.insertInto('implied_roles').values({ prior_role_id: priorId, implied_role_id: impliedId }).onConflict((oc) => oc.doNothing()).execute();
    await this.loadImplications();
    return { prior, implied };
  }

  async getInference(priorId: string, impliedId: string): Promise<Inference> {
    const prior = await this.get(priorId);
    const implied = await this.get(impliedId);
    if (!this.directImplied(priorId).includes(impliedId)) throw impliedRoleNotFound(priorId, impliedId);
    return { prior, implied };
  }

  async unimply(priorId: string, impliedId: string): Promise<void> {
    await this.getInference(priorId, impliedId);
    await this.t.db.deleteFrom('implied_roles').where('prior_role_id', '=', priorId).where('implied_role_id', '=', impliedId).execute();
    await this.loadImplications();
  }

  directImplied(priorId: string): string[] {
    return this.implications.get(priorId) ?? [];
  }

  async listInferences(): Promise<{ prior: RoleRecord; implies: RoleRecord[] }[]> {
    const out = [];
    for (const [priorId, impliedIds] of this.implications) {
      const prior = await this.t.roles.get(priorId);
      if (!prior) continue;
      const implies = [];
      for (const id of impliedIds) { const r = await this.t.roles.get(id); if (r) implies.push(r); }
      out.push({ prior, implies });
    }
    return out;
  }

  /** The given role ids plus every role they imply, transitively. */
  async expand(roleIds: string[]): Promise<string[]> {
    if (!this.loaded) await this.loadImplications();
    const seen = new Set<string>();
    const stack = [...roleIds];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...this.directImplied(id));
    }
    return [...seen];
  }

  /** The role rows for ids, in the order given, skipping ones that vanished. */
  async many(ids: string[]): Promise<RoleRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.t.roles.db.selectFrom('roles').selectAll().where('id', 'in', ids).execute();
    return rows.map((r): RoleRecord => ({ ...(r as RoleRecord), options: JSON.parse(r.options), extra: JSON.parse(r.extra) }));
  }
}

/** The domain of a domain-specific role, or null for a global role. */
export function roleDomainId(r: { domain_id: string | null }): string | null {
  return r.domain_id === null || r.domain_id === NULL_DOMAIN ? null : r.domain_id;
}
