// Records → Glance's wire format (ResponseSerializer._format_image and the member view).
import type { MetadefObject, NamespaceRecord } from '../store/metadefs.tables.js';
import type { ImageRecord, MemberRecord, TaskRecord } from '../store/tables.js';

const base = (n: string) => `/v2/metadefs/namespaces/${n}`;
/** glance.common.timeutils.isotime: seconds and 'Z'. */
const isotime = (t: string) => `${t.slice(0, 19)}Z`;

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

export function namespaceView(n: NamespaceRecord, detail: boolean): Record<string, unknown> {
  const v: Record<string, unknown> = { namespace: n.namespace };
  if (n.display_name !== undefined) v.display_name = n.display_name;
  if (n.description !== undefined) v.description = n.description;
  Object.assign(v, { visibility: n.visibility, protected: n.protected, owner: n.owner, created_at: n.created_at, updated_at: n.updated_at });
  if (n.resource_type_associations.length) v.resource_type_associations = n.resource_type_associations;
  if (detail) {
    if (Object.keys(n.properties).length) v.properties = n.properties;
    if (n.objects.length) v.objects = n.objects.map((o) => objectView(n, o, false));
    if (n.tags.length) v.tags = n.tags.map((t) => ({ name: t.name }));
  }
  return { ...v, schema: '/v2/schemas/metadefs/namespace', self: base(n.namespace) };
}

export function objectView(n: NamespaceRecord, o: MetadefObject, links = true): Record<string, unknown> {
  const v: Record<string, unknown> = { name: o.name };
  if (o.description !== undefined) v.description = o.description;
  if (o.required !== undefined) v.required = o.required;
  if (o.properties !== undefined) v.properties = o.properties;
  Object.assign(v, { created_at: o.created_at, updated_at: o.updated_at });
  return links ? { ...v, schema: '/v2/schemas/metadefs/object', self: `${base(n.namespace)}/objects/${o.name}` } : v;
}

/** _format_task: the whole task (GET /v2/tasks/{id}, POST /v2/tasks). */
export function taskView(t: TaskRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: t.id, input: t.input, type: t.type, status: t.status, owner: t.owner, message: t.message, result: t.result,
    created_at: isotime(t.created_at), updated_at: isotime(t.updated_at), self: `/v2/tasks/${t.id}`, schema: '/v2/schemas/task',
  };
  if (t.image_id) view.image_id = t.image_id;
  if (t.request_id) view.request_id = t.request_id;
  if (t.user_id) view.user_id = t.user_id;
  if (t.expires_at) view.expires_at = isotime(t.expires_at);
  return view;
}

/** _format_task_stub: a list entry (no input, result, message). */
export function taskStubView(t: TaskRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: t.id, type: t.type, status: t.status, owner: t.owner,
    created_at: isotime(t.created_at), updated_at: isotime(t.updated_at), self: `/v2/tasks/${t.id}`, schema: '/v2/schemas/task',
  };
  if (t.expires_at) view.expires_at = isotime(t.expires_at);
  return view;
}
