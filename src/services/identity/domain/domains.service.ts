import { listMatching, nameIs, withName, type DomainRecord, type IdentityTables, type TextMatch } from '../store/tables.js';
import { newId } from './ids.js';
import type { Revocations } from './revocations.service.js';
import { cannotChangeDomainId, domainNotFound, domainStillEnabled, duplicateName } from './errors.js';

export interface DomainInput { name?: string; description?: string; enabled?: boolean; tags?: string[]; extra?: Record<string, unknown>; id?: string }

export class DomainsService {
  constructor(private readonly t: IdentityTables, private readonly revocations: Revocations) {}

  async get(id: string): Promise<DomainRecord> {
    const d = await this.t.domains.get(id);
    if (!d) throw domainNotFound(id);
    return d;
  }

  async byName(name: string): Promise<DomainRecord | undefined> {
    return (await listMatching(this.t.domains, {}, [nameIs(name)]))[0];
  }

  async list(filters: { name?: string; enabled?: boolean; matches?: TextMatch[] }): Promise<DomainRecord[]> {
    const enabled = filters.enabled === undefined ? undefined : filters.enabled ? 1 : 0;
    return listMatching(this.t.domains, { enabled }, withName(filters.name, filters.matches));
  }

  async create(input: DomainInput): Promise<DomainRecord> {
    const name = input.name!;
    if (await this.byName(name)) throw duplicateName('domain', name);
    return this.t.domains.insert({
      id: input.id ?? newId(), name, description: input.description ?? '', enabled: input.enabled ?? true,
      tags: input.tags ?? [], extra: input.extra ?? {},
    });
  }

  async update(id: string, input: DomainInput): Promise<DomainRecord> {
    const d = await this.get(id);
    if (input.name !== undefined && input.name !== d.name) {
      const same = await this.byName(input.name);
      if (same && same.id !== id) throw duplicateName('domain', input.name);
    }
    if (input.id !== undefined && input.id !== id) throw cannotChangeDomainId();
    await this.t.domains.update(id, {
      name: input.name, description: input.description, enabled: input.enabled, tags: input.tags,
      extra: input.extra ? { ...d.extra, ...input.extra } : undefined,
    });
    if (input.enabled === false && d.enabled) await this.revocations.revoke({ domain_id: id });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const d = await this.get(id);
    if (d.enabled) throw domainStillEnabled();
    const db = this.t.db;
    await db.transaction().execute(async (tx) => {
      const projects = await tx.selectFrom('projects').select('id').where('domain_id', '=', id).execute();
      const users = await tx.selectFrom('users').select('id').where('domain_id', '=', id).execute();
      const groups = await tx.selectFrom('groups').select('id').where('domain_id', '=', id).execute();
      const targets = [id, ...projects.map((p) => p.id)];
      const actors = [...users.map((u) => u.id), ...groups.map((g) => g.id)];
      await tx.deleteFrom('assignments').where('target_id', 'in', targets).execute();
      if (actors.length) await tx.deleteFrom('assignments').where('actor_id', 'in', actors).execute();
      // Children before parents: delete projects deepest first by clearing parents in one go.
      await tx.updateTable('projects').set({ parent_id: null }).where('domain_id', '=', id).execute();
      await tx.deleteFrom('projects').where('domain_id', '=', id).execute();
      await tx.deleteFrom('users').where('domain_id', '=', id).execute();
      await tx.deleteFrom('groups').where('domain_id', '=', id).execute();
      await tx.deleteFrom('roles').where('domain_id', '=', id).execute();
      await tx.deleteFrom('domains').where('id', '=', id).execute();
    });
    await this.revocations.revoke({ domain_id: id });
  }
}
