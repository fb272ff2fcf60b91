// SQL for migrations (Nova's migrations table): one row per resize (and, later, cold or live
// migration), its status moving as the work goes.
import type { Db } from '../../../core/db/database.js';
import { computeDb, type ComputeDb } from './database.js';

export interface MigrationRecord {
  id: number; uuid: string; instance_uuid: string; migration_type: 'resize' | 'migration' | 'live-migration' | 'evacuation';
  status: string; source_compute: string | null; source_node: string | null; dest_compute: string | null; dest_node: string | null;
  dest_host: string | null; old_flavor_id: string | null; new_flavor_id: string | null; project_id: string; user_id: string;
  created_at: string; updated_at: string | null;
}

export interface MigrationListQuery {
  status?: string; host?: string; instanceUuid?: string; migrationType?: string; sourceCompute?: string;
  projectId?: string; userId?: string; changesSince?: string; changesBefore?: string;
}

export class MigrationsStore {
  constructor(readonly db: ComputeDb) {}

  async insert(r: Omit<MigrationRecord, 'id'>, tx: Db = this.db): Promise<number> {
    const res = await computeDb(tx).insertInto('migrations').values(r).executeTakeFirst();
    return Number(res.insertId);
  }

  async setStatus(id: number, status: string, at: string, tx: Db = this.db): Promise<void> {
    await computeDb(tx).updateTable('migrations').set({ status, updated_at: at }).where('id', '=', id).execute();
  }

  async update(id: number, patch: Partial<Omit<MigrationRecord, 'id' | 'uuid'>>, tx: Db = this.db): Promise<void> {
    await computeDb(tx).updateTable('migrations').set(patch).where('id', '=', id).execute();
  }

  async get(id: number): Promise<MigrationRecord | undefined> {
    return await this.db.selectFrom('migrations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The instance's latest migration in one of `statuses`. */
  async latest(instanceUuid: string, statuses: string[]): Promise<MigrationRecord | undefined> {
    return await this.db.selectFrom('migrations').selectAll().where('instance_uuid', '=', instanceUuid).where('status', 'in', statuses)
      .orderBy('id', 'desc').executeTakeFirst();
  }

  /** Newest first (Nova's created_at desc, id desc). */
  async list(q: MigrationListQuery): Promise<MigrationRecord[]> {
    let s = this.db.selectFrom('migrations').selectAll();
    if (q.status) s = s.where('status', '=', q.status);
    if (q.host) s = s.where((eb) => eb.or([eb('source_compute', '=', q.host!), eb('dest_compute', '=', q.host!)]));
    if (q.sourceCompute) s = s.where('source_compute', '=', q.sourceCompute);
    if (q.instanceUuid) s = s.where('instance_uuid', '=', q.instanceUuid);
    // NOTE: the filter is the client's text: a type Nova does not have matches no row.
    if (q.migrationType) s = s.where('migration_type', '=', q.migrationType as MigrationRecord['migration_type']);
    if (q.projectId) s = s.where('project_id', '=', q.projectId);
    if (q.userId) s = s.where('user_id', '=', q.userId);
    if (q.changesSince) s = s.where((eb) => eb.fn.coalesce('updated_at', 'created_at'), '>=', q.changesSince);
    if (q.changesBefore) s = s.where((eb) => eb.fn.coalesce('updated_at', 'created_at'), '<=', q.changesBefore);
    return await s.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  }
}
