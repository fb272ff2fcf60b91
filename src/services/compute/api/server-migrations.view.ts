// A live migration in progress as /servers/{id}/migrations shows it (nova/api/openstack/compute/
// server_migrations.py output): uuid from 2.59, user and project from 2.80.
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import type { MigrationRecord } from '../store/migrations.store.js';
import { mvCheck } from './common.js';
import { novaTime } from './times.js';

/** A live migration in progress, as GET /servers/{id}/migrations shows it (server_migrations.output). */
export function serverMigrationView(req: ApiRequest, m: MigrationRecord): Record<string, unknown> {
  const mv = mvCheck(req);
  return {
    created_at: novaTime(m.created_at), dest_compute: m.dest_compute, dest_host: m.dest_host, dest_node: m.dest_node,
    disk_processed_bytes: null, disk_remaining_bytes: null, disk_total_bytes: null, id: m.id,
    memory_processed_bytes: null, memory_remaining_bytes: null, memory_total_bytes: null, server_uuid: m.instance_uuid,
    source_compute: m.source_compute, source_node: m.source_node, status: m.status, updated_at: novaTime(m.updated_at),
    ...(mv('2.59') ? { uuid: m.uuid } : {}),
    ...(mv('2.80') ? { user_id: m.user_id, project_id: m.project_id } : {}),
  };
}
