// SQL for compute services (nova-compute, nova-scheduler, nova-conductor rows of os-services) and
// compute nodes (os-hypervisors), filled from the hypervisor driver on start.
import { newTable, type Table } from '../../../core/db/table.js';
import type { ComputeDb } from './database.js';

export interface ComputeServiceRecord {
  id: string; binary: string; host: string; topic: string; disabled: boolean; disabled_reason: string | null;
  forced_down: boolean; created_at: string; updated_at: string;
}

export interface ComputeNodeRecord {
  id: string; seq: number; host: string; hypervisor_hostname: string; service_id: string; vcpus: number; memory_mb: number;
  local_gb: number; hypervisor_type: string; hypervisor_version: number; host_ip: string; cpu_info: string; created_at: string; updated_at: string;
}

export class HostsStore {
  /** compute_services rows. */
  readonly table: Table<ComputeServiceRecord>;
  constructor(readonly db: ComputeDb) { this.table = newTable(db, 'compute_services', { bools: ['disabled', 'forced_down'] }); }

  async services(filter: { host?: string; hosts?: string[]; binary?: string } = {}): Promise<ComputeServiceRecord[]> {
    if (filter.hosts?.length === 0) return [];
    let q = this.db.selectFrom('compute_services').selectAll();
    if (filter.host) q = q.where('host', '=', filter.host);
    if (filter.hosts) q = q.where('host', 'in', filter.hosts);
    if (filter.binary) q = q.where('binary', '=', filter.binary);
    return (await q.orderBy('created_at').orderBy('binary').execute()).map(this.table.decode);
  }
  service(id: string): Promise<ComputeServiceRecord | undefined> { return this.table.get(id); }
  async upsertService(r: ComputeServiceRecord): Promise<ComputeServiceRecord> {
    const existing = (await this.services({ host: r.host, binary: r.binary }))[0];
    if (existing) {
      await this.db.updateTable('compute_services').set({ updated_at: r.updated_at }).where('id', '=', existing.id).execute();
      return { ...existing, updated_at: r.updated_at };
    }
    return this.table.insert(r);
  }
  async updateService(id: string, patch: Partial<ComputeServiceRecord>): Promise<void> {
    await this.table.update(id, patch);
  }
  async deleteService(id: string): Promise<void> {
    await this.db.deleteFrom('compute_nodes').where('service_id', '=', id).execute();
    await this.db.deleteFrom('compute_services').where('id', '=', id).execute();
  }

  async nodes(): Promise<ComputeNodeRecord[]> {
    return await this.db.selectFrom('compute_nodes').selectAll().orderBy('seq').execute();
  }
  async node(id: string): Promise<ComputeNodeRecord | undefined> {
    return await this.db.selectFrom('compute_nodes').selectAll().where((eb) => eb.or([eb('id', '=', id), eb('seq', '=', Number(id) || -1)])).executeTakeFirst();
  }
  async nodeByName(name: string): Promise<ComputeNodeRecord | undefined> {
    return await this.db.selectFrom('compute_nodes').selectAll().where('hypervisor_hostname', '=', name).executeTakeFirst();
  }
  async upsertNode(r: Omit<ComputeNodeRecord, 'seq'>): Promise<ComputeNodeRecord> {
    const existing = await this.nodeByName(r.hypervisor_hostname);
    if (existing) {
      const { id: _id, created_at: _c, ...rest } = r;
      await this.db.updateTable('compute_nodes').set(rest).where('id', '=', existing.id).execute();
      return { ...existing, ...rest };
    }
    const max = await this.db.selectFrom('compute_nodes').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
    const seq = Number(max?.m ?? 0) + 1;
    await this.db.insertInto('compute_nodes').values({ ...r, seq }).execute();
    return { ...r, seq };
  }
}
