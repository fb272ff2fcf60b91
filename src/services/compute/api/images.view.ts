// Images as Nova's image proxy shows them (nova/api/openstack/compute/views/images.py).
import type { ProxiedImage } from '../domain/images.service.js';
import { isoTime } from './times.js';

export interface ImageViewContext { computeUrl: string; imageUrl: string }

const STATUS: Record<string, string> = { active: 'ACTIVE', queued: 'SAVING', saving: 'SAVING', deleted: 'DELETED', pending_delete: 'DELETED', killed: 'ERROR' };
const PROGRESS: Record<string, number> = { queued: 25, saving: 50, active: 100 };

function imageLinks(v: ImageViewContext, id: string) {
  return [
    { rel: 'self', href: `${v.computeUrl}/v2.1/images/${id}` },
    { rel: 'bookmark', href: `${v.computeUrl}/images/${id}` },
    { rel: 'alternate', type: 'application/vnd.openstack.image', href: `${v.imageUrl}/images/${id}` },
  ];
}

export function imageBasic(v: ImageViewContext, i: ProxiedImage) {
  return { id: i.id, name: i.name, links: imageLinks(v, i.id) };
}

export function imageDetail(v: ImageViewContext, i: ProxiedImage) {
  const body: Record<string, unknown> = {
    id: i.id, name: i.name, minRam: i.minRam, minDisk: i.minDisk, metadata: i.properties,
    created: isoTime(i.createdAt), updated: isoTime(i.updatedAt),
    status: STATUS[i.status] ?? 'UNKNOWN', progress: PROGRESS[i.status] ?? 0,
    'OS-EXT-IMG-SIZE:size': i.size ?? 0, links: imageLinks(v, i.id),
  };
  const server = i.properties.instance_uuid;
  if (server !== undefined) {
    body.server = { id: server, links: [{ rel: 'self', href: `${v.computeUrl}/v2.1/servers/${server}` }, { rel: 'bookmark', href: `${v.computeUrl}/servers/${server}` }] };
  }
  const auto = i.properties.auto_disk_config;
  if (auto !== undefined) body['OS-DCF:diskConfig'] = ['true', '1', 'yes', 'on', 't', 'y'].includes(auto.toLowerCase()) ? 'AUTO' : 'MANUAL';
  return body;
}
