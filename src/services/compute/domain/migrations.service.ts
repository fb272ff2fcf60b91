// Migrations (os-migrations): the record each resize leaves, as Nova's migrations table keeps it.
// Same-host resizes only for now: source and destination are the server's host. Statuses follow
// Nova's resize: migrating → finished → confirmed | reverted, or error.
import { randomUUID } from 'node:crypto';
import type { MigrationListQuery, MigrationRecord, MigrationsStore } from '../store/migrations.store.js';
import type { InstanceRecord } from '../store/servers.store.js';

/** Nova's migration timestamps (DB datetimes; seconds, no zone until the view formats them). */
const at = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class MigrationsService {
  constructor(readonly store: MigrationsStore) {}

  list(q: MigrationListQuery): Promise<MigrationRecord[]> { return this.store.list(q); }

  /** A resize starts: its record, in 'migrating'. */
  async beginResize(s: InstanceRecord, newFlavorId: string): Promise<number> {
    return this.store.insert({
      uuid: randomUUID(), instance_uuid: s.id, migration_type: 'resize', status: 'migrating',
      source_compute: s.host, source_node: s.node, dest_compute: s.host, dest_node: s.node, dest_host: null,
      old_flavor_id: s.flavor.id, new_flavor_id: newFlavorId, project_id: s.project_id, user_id: s.user_id, created_at: at(), updated_at: null,
    });
  }

  async setStatus(id: number, status: 'finished' | 'error'): Promise<void> { await this.store.setStatus(id, status, at()); }

  /** Confirm or revert closes the instance's finished resize. */
  async close(instanceUuid: string, status: 'confirmed' | 'reverted'): Promise<void> {
    const m = await this.store.latest(instanceUuid, ['finished']);
    if (m) await this.store.setStatus(m.id, status, at());
  }
}
