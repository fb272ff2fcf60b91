// os-migrations' view (nova/api/openstack/compute/migrations.py _output): migration_type and the
// links of a live migration in progress from 2.23, uuid from 2.59, user and project from 2.80.
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { LIVE_IN_PROGRESS } from '../domain/server-migrations.service.js';
import type { MigrationRecord } from '../store/migrations.store.js';
import { mvCheck } from './common.js';
import { novaTime } from './times.js';

const intId = (id: string | null) => (id !== null && /^\d+$/.test(id) ? Number(id) : null);

export function migrationView(req: ApiRequest, d: ComputeDomain, m: MigrationRecord): Record<string, unknown> {
  const mv = mvCheck(req);
  const out: Record<string, unknown> = {
    id: m.id, status: m.status, instance_uuid: m.instance_uuid, source_node: m.source_node, source_compute: m.source_compute,
    dest_node: m.dest_node, dest_compute: m.dest_compute, dest_host: m.dest_host,
    old_instance_type_id: intId(m.old_flavor_id), new_instance_type_id: intId(m.new_flavor_id),
    created_at: novaTime(m.created_at), updated_at: novaTime(m.updated_at),
  };
  if (mv('2.23')) {
    out.migration_type = m.migration_type;
    if (m.migration_type === 'live-migration' && LIVE_IN_PROGRESS.includes(m.status)) {
      const base = d.computeUrl();
      out.links = [
        { rel: 'self', href: `${base}/v2.1/servers/${m.instance_uuid}/migrations/${m.id}` },
        { rel: 'bookmark', href: `${base}/servers/${m.instance_uuid}/migrations/${m.id}` },
      ];
    }
  }
  if (mv('2.59')) out.uuid = m.uuid;
  if (mv('2.80')) { out.user_id = m.user_id; out.project_id = m.project_id; }
  return out;
}
