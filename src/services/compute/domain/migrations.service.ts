// Migrations (os-migrations): the record each resize leaves, as Nova's migrations table keeps it.
// Resizes stay on the server's host; cold migrations (type 'migration') follow the same statuses
// (migrating → finished → confirmed | reverted, or error); live migrations go queued → preparing →
// running → completed (or error, cancelled); evacuations accepted → done (or error).
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../core/db/database.js';
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

  async setStatus(id: number, status: string): Promise<void> { await this.store.setStatus(id, status, at()); }

  /** A cold or live migration or an evacuation starts: its record (destination unknown until scheduled). */
  async begin(s: InstanceRecord, type: 'migration' | 'live-migration' | 'evacuation', status: string, destHost: string | null, tx?: Db): Promise<MigrationRecord> {
    const r: Omit<MigrationRecord, 'id'> = {
      uuid: randomUUID(), instance_uuid: s.id, migration_type: type, status,
      source_compute: s.host, source_node: s.node, dest_compute: destHost, dest_node: null, dest_host: null,
      old_flavor_id: s.flavor.id, new_flavor_id: s.flavor.id, project_id: s.project_id, user_id: s.user_id, created_at: at(), updated_at: null,
    };
    return { ...r, id: await this.store.insert(r, tx) };
  }

  /** The destination the scheduler chose (dest_host is the host's address, as Nova records it). */
  async setDestination(id: number, dest: { host: string; node: string; hostIp: string | null }, status?: string): Promise<void> {
    await this.store.update(id, { dest_compute: dest.host, dest_node: dest.node, dest_host: dest.hostIp, ...(status ? { status } : {}), updated_at: at() });
  }

  get(id: number): Promise<MigrationRecord | undefined> { return this.store.get(id); }

  /** The instance's latest migration in one of `statuses`. */
  latest(instanceUuid: string, statuses: string[]): Promise<MigrationRecord | undefined> { return this.store.latest(instanceUuid, statuses); }

  /** Confirm or revert closes the instance's finished resize. */
  async close(instanceUuid: string, status: 'confirmed' | 'reverted'): Promise<void> {
    const m = await this.store.latest(instanceUuid, ['finished']);
    if (m) await this.store.setStatus(m.id, status, at());
  }
}
