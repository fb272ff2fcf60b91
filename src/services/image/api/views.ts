// Records → Glance's wire format (ResponseSerializer._format_image and the member view).
import type { ImageRecord, MemberRecord } from '../store/tables.js';

export function imageView(i: ImageRecord): Record<string, unknown> {
  return {
    ...i.properties,
    name: i.name, disk_format: i.disk_format, container_format: i.container_format, visibility: i.visibility,
    size: i.size, virtual_size: i.virtual_size, status: i.status, checksum: i.checksum, protected: i.protected,
    min_ram: i.min_ram, min_disk: i.min_disk, owner: i.owner, os_hidden: i.os_hidden,
    os_hash_algo: i.os_hash_algo, os_hash_value: i.os_hash_value, id: i.id,
    created_at: i.created_at, updated_at: i.updated_at, tags: i.tags,
    self: `/v2/images/${i.id}`, file: `/v2/images/${i.id}/file`, schema: '/v2/schemas/image',
  };
}

export function memberView(m: MemberRecord): Record<string, unknown> {
  return {
    member_id: m.member_id, image_id: m.image_id, status: m.status,
    created_at: m.created_at, updated_at: m.updated_at, schema: '/v2/schemas/member',
  };
}
