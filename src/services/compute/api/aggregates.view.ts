// Host aggregates in Nova's wire format.
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import { MV } from '../microversions.js';
import type { Aggregate } from '../store/aggregates.store.js';
import { mv } from './common.js';
import { novaTime } from './times.js';

export function aggregateView(req: ApiRequest, a: Aggregate, withMembers = true) {
  const out: Record<string, unknown> = {
    availability_zone: a.metadata.availability_zone ?? null, created_at: novaTime(a.created_at), deleted: false, deleted_at: null,
    id: a.id, name: a.name, updated_at: novaTime(a.updated_at),
  };
  if (withMembers) { out.hosts = a.hosts; out.metadata = a.metadata; }
  if (mv(req, MV.aggregateUuid)) out.uuid = a.uuid;
  return out;
}
