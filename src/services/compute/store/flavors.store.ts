// SQL for flavors, their extra specs and their project access list.
import { sql } from 'kysely';
import { newTable, type Table } from '../../../core/db/table.js';
import type { ComputeDb } from './database.js';

export interface FlavorRecord {
  id: string; name: string; vcpus: number; ram: number; disk: number; ephemeral: number; swap: number;
  rxtx_factor: number; is_public: boolean; disabled: boolean; description: string | null;
  created_at: string; updated_at: string | null;
}

export interface FlavorListQuery {
  /** true: public (plus the project's private ones), false: private only, null: all. */
  isPublic: boolean | null;
  /** The caller's project, whose private flavors count as visible. */
  projectId: string | null;
  includeDisabled: boolean;
  minRam?: number; minDisk?: number;
  sortKey: string; sortDir: 'asc' | 'desc';
}

export class FlavorsStore {
  readonly table: Table<FlavorRecord>;
  constructor(readonly db: ComputeDb) { this.table = newTable(db, 'flavors', { bools: ['is_public', 'disabled'] }); }

  get(id: string) { return this.table.get(id); }
  async byName(name: string) { return (await this.table.list({ name }))[0]; }
  insert(r: FlavorRecord) { return this.table.insert(r); }
  update(id: string, p: Partial<FlavorRecord>) { return this.table.update(id, p); }
  delete(id: string) { return this.table.delete(id); }

  async list(q: FlavorListQuery): Promise<FlavorRecord[]> {
    let s = this.db.selectFrom('flavors').selectAll();
    if (!q.includeDisabled) s = s.where('disabled', '=', 0);
    if (q.minRam !== undefined) s = s.where('ram', '>=', q.minRam);
    if (q.minDisk !== undefined) s = s.where('disk', '>=', q.minDisk);
    if (q.isPublic === true) {
      const pid = q.projectId;
      s = pid
        ? s.where((eb) => eb.or([eb('is_public', '=', 1), eb('id', 'in', eb.selectFrom('flavor_projects').select('flavor_id').where('project_id', '=', pid))]))
        : s.where('is_public', '=', 1);
    } else if (q.isPublic === false) s = s.where('is_public', '=', 0);
    // NOTE: the sort key is a flavor column the domain has checked against Nova's list.
    s = s.orderBy(sql.ref(q.sortKey), q.sortDir).orderBy('id', q.sortDir);
    return (await s.execute()).map(this.table.decode);
  }

  async canAccess(flavorId: string, projectId: string): Promise<boolean> {
    return !!(await this.db.selectFrom('flavor_projects').select('flavor_id').where('flavor_id', '=', flavorId).where('project_id', '=', projectId).executeTakeFirst());
  }

  async extraSpecs(flavorId: string): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('flavor_extra_specs').select(['key', 'value']).where('flavor_id', '=', flavorId).orderBy('key').execute();
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async setExtraSpecs(flavorId: string, specs: Record<string, string>): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const [key, value] of Object.entries(specs)) {
        await tx.insertInto('flavor_extra_specs').values({ flavor_id: flavorId, key, value })
          .onConflict((oc) => oc.columns(['flavor_id', 'key']).doUpdateSet({ value })).execute();
      }
    });
  }

  async deleteExtraSpec(flavorId: string, key: string): Promise<boolean> {
    const r = await this.db.deleteFrom('flavor_extra_specs').where('flavor_id', '=', flavorId).where('key', '=', key).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async projects(flavorId: string): Promise<string[]> {
    return (await this.db.selectFrom('flavor_projects').select('project_id').where('flavor_id', '=', flavorId).orderBy('project_id').execute()).map((r) => r.project_id);
  }

  async addProject(flavorId: string, projectId: string): Promise<void> {
    await this.db.insertInto('flavor_projects').values({ flavor_id: flavorId, project_id: projectId }).execute();
  }

  async removeProject(flavorId: string, projectId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('flavor_projects').where('flavor_id', '=', flavorId).where('project_id', '=', projectId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
