// Cinder's views (cinder/api/v2/views and v3/views): the fields each microversion shows, and the
// extension attributes (os-vol-*) that show and detail add for callers their policies allow.
import type { VolumeDomain } from '../domain/volume-domain.js';
import type { AttachmentRecord, EncryptionSpec, GroupRecord, GroupSnapshotRecord, GroupTypeRecord, MessageRecord, SnapshotRecord, VolumeRecord, VolumeTypeRecord } from '../store/tables.js';
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import type { ManageableKind, ManageableObject } from '../../../drivers/block-storage/block-storage-driver.js';
import { links, mv, VOLUME_PATH } from './common.js';
import { MV } from '../microversions.js';

export interface ViewContext {
  base: string;
  /** The project in the URL: links name it (none when the URL left it out). */
  projectId: string | undefined;
  mv: (want: string) => boolean;
  can: (rule: string, target?: Record<string, unknown>) => boolean;
  /** Volume type names by id. */
  typeNames: Map<string, string>;
  /** The types with an encryption spec (their volumes are `encrypted`). */
  encryptedTypes: Set<string>;
  /** The attachments of the volumes shown, by volume id. */
  attachments: Map<string, AttachmentRecord[]>;
  host: string;
}

/** What views need of a request: its links, version and policy checks, the types and the attachments of `volumes`. */
export async function viewContext(d: VolumeDomain, origin: string, req: ApiRequest, volumes: VolumeRecord[] = []): Promise<ViewContext> {
  const types = await d.types.all();
  return {
    base: `${origin}${VOLUME_PATH}`, projectId: req.params.project_id, mv: (w) => mv(req, w),
    can: (r, t) => req.ctx.can(r, t ?? { project_id: req.ctx.projectId }),
    typeNames: new Map(types.map((t) => [t.id, t.name])), encryptedTypes: new Set(types.filter((t) => t.encryption).map((t) => t.id)),
    attachments: await d.attachments.byVolumes(volumes.map((v) => v.id)), host: d.host,
  };
}

/** A volume's attachments as its view lists them (the ones in place). */
function attachmentsOf(c: ViewContext, v: VolumeRecord) {
  return (c.attachments.get(v.id) ?? []).filter((a) => a.attach_status === 'attached').map((a) => ({
    server_id: a.instance_uuid, attachment_id: a.id, attached_at: a.attach_time, host_name: a.attached_host,
    volume_id: v.id, device: a.mountpoint, id: v.id,
  }));
}

/** An attachment as the attachments API (3.27) shows it. */
export function attachmentView(a: AttachmentRecord, connection?: unknown) {
  return {
    id: a.id, status: a.attach_status, instance: a.instance_uuid, volume_id: a.volume_id, attach_mode: a.attach_mode,
    attached_at: a.attach_time, detached_at: null, connection_info: connection ?? null,
  };
}

export const volumeSummary = (c: ViewContext, v: VolumeRecord) => ({ id: v.id, links: links(c.base, c.projectId, 'volumes', v.id), name: v.name });

/** The visible admin metadata (readonly, attached_mode) joins the metadata, as Cinder shows it. */
function metadataOf(v: VolumeRecord): Record<string, string> {
  const visible: Record<string, string> = {};
  for (const k of ['readonly', 'attached_mode']) if (v.admin_metadata[k] !== undefined) visible[k] = v.admin_metadata[k]!;
  return { ...v.metadata, ...visible };
}

/** The volume as create and update answer (no extension attributes). */
export function volumeView(c: ViewContext, v: VolumeRecord) {
  const body: Record<string, unknown> = {
    id: v.id, status: v.status, size: v.size, availability_zone: v.availability_zone, created_at: v.created_at, updated_at: v.updated_at,
    attachments: attachmentsOf(c, v), name: v.name, description: v.description, volume_type: c.typeNames.get(v.volume_type_id) ?? null,
    snapshot_id: v.snapshot_id, source_volid: v.source_volid, metadata: metadataOf(v), links: links(c.base, c.projectId, 'volumes', v.id),
    user_id: v.user_id, bootable: v.bootable ? 'true' : 'false', encrypted: c.encryptedTypes.has(v.volume_type_id), replication_status: null,
    consistencygroup_id: null, multiattach: v.multiattach,
  };
  if (c.can('context_is_admin')) body.migration_status = v.migration_status;
  if (c.mv(MV.groupId)) body.group_id = v.group_id ?? null;
  if (c.mv(MV.providerId) && c.can('context_is_admin')) body.provider_id = null;
  if (c.mv(MV.sharedTargets)) { body.shared_targets = false; body.service_uuid = null; }
  if (c.mv(MV.volumeTypeId)) body.volume_type_id = v.volume_type_id;
  if (c.mv(MV.consumesQuota)) body.consumes_quota = true;
  return body;
}

/** The volume as show and detail answer: the view plus the extension attributes allowed. */
export function volumeDetail(c: ViewContext, v: VolumeRecord) {
  const body = volumeView(c, v);
  const target = { project_id: v.project_id };
  if (c.can('volume_extension:volume_tenant_attribute', target)) body['os-vol-tenant-attr:tenant_id'] = v.project_id;
  if (c.can('volume_extension:volume_host_attribute', target)) body['os-vol-host-attr:host'] = v.host;
  if (c.can('volume_extension:volume_mig_status_attribute', target)) {
    body['os-vol-mig-status-attr:migstat'] = v.migration_status;
    body['os-vol-mig-status-attr:name_id'] = null;
  }
  if (v.image_metadata && c.can('volume_extension:volume_image_metadata:show', target)) body.volume_image_metadata = v.image_metadata;
  return body;
}

export function snapshotView(c: ViewContext, s: SnapshotRecord) {
  const body: Record<string, unknown> = {
    id: s.id, created_at: s.created_at, updated_at: s.updated_at, name: s.name, description: s.description,
    volume_id: s.volume_id, status: s.status, size: s.size, metadata: s.metadata,
  };
  if (c.mv('3.14')) body.group_snapshot_id = s.group_snapshot_id ?? null;
  if (c.mv(MV.snapshotUserId)) body.user_id = s.user_id;
  if (c.mv(MV.consumesQuota)) body.consumes_quota = true;
  return body;
}

export function snapshotDetail(c: ViewContext, s: SnapshotRecord) {
  const body = snapshotView(c, s);
  if (c.can('volume_extension:extended_snapshot_attributes', { project_id: s.project_id })) {
    body['os-extended-snapshot-attributes:progress'] = s.progress;
    body['os-extended-snapshot-attributes:project_id'] = s.project_id;
  }
  return body;
}

/** A volume type; `specs` the extra specs the caller may see, `qos` whether it sees qos_specs_id. */
export function typeView(t: VolumeTypeRecord, specs: Record<string, string>, qos: boolean) {
  const body: Record<string, unknown> = {
    id: t.id, name: t.name, is_public: t.is_public, description: t.description, extra_specs: specs,
    'os-volume-type-access:is_public': t.is_public,
  };
  if (qos) body.qos_specs_id = t.qos_specs_id;
  return body;
}

export function messageView(m: MessageRecord, base: string, projectId: string | undefined) {
  return {
    id: m.id, message_level: m.message_level, event_id: m.event_id, user_message: m.user_message, resource_type: m.resource_type,
    resource_uuid: m.resource_uuid, request_id: m.request_id, created_at: m.created_at, guaranteed_until: m.expires_at,
    links: links(base, projectId, 'messages', m.id),
  };
}

export const encryptionView = (typeId: string, e: EncryptionSpec) => ({
  volume_type_id: typeId, encryption_id: e.encryption_id, provider: e.provider, control_location: e.control_location, cipher: e.cipher,
  key_size: e.key_size, deleted: false, created_at: e.created_at, updated_at: e.updated_at, deleted_at: null,
});

// Generic volume groups, their types and snapshots (cinder/api/v3/views/groups.py ...).
export const groupTypeView = (req: ApiRequest, g: GroupTypeRecord) => ({
  id: g.id, name: g.name, description: g.description, is_public: g.is_public,
  ...(req.ctx.can('group:access_group_types_specs', {}) ? { group_specs: g.group_specs } : {}),
});
export const groupView = async (req: ApiRequest, d: VolumeDomain, g: GroupRecord) => ({
  id: g.id, name: g.name ?? '', description: g.description, status: g.status, availability_zone: g.availability_zone, created_at: g.created_at,
  group_type: g.group_type_id, volume_types: g.volume_type_ids,
  ...(mv(req, '3.14') ? { group_snapshot_id: g.group_snapshot_id, source_group_id: g.source_group_id } : {}),
  ...(mv(req, '3.25') ? { volumes: await d.groups.memberIds(g.id) } : {}),
  ...(mv(req, '3.38') ? { replication_status: 'disabled' } : {}),
});
export const groupSnapshotView = (gs: GroupSnapshotRecord) => ({
  id: gs.id, name: gs.name ?? '', description: gs.description, status: gs.status, group_id: gs.group_id, group_type_id: gs.group_type_id, created_at: gs.created_at,
});

/** cinder/api/views/manageable_volumes.py and manageable_snapshots.py. */
export function manageableView(kind: ManageableKind, detail: boolean, e: ManageableObject): Record<string, unknown> {
  const body: Record<string, unknown> = { reference: e.reference, size: e.sizeGb, safe_to_manage: e.safeToManage };
  if (detail) Object.assign(body, { reason_not_safe: e.reasonNotSafe, cinder_id: e.cinderId, extra_info: e.extraInfo });
  if (kind === 'snapshot') body.source_reference = e.sourceReference ?? null;
  return body;
}
