// /v3/{project_id}/volumes: list (summary and detail), create, show, update, delete, metadata,
// summary and the volume actions.
import { BadRequest } from '../../../core/errors/errors.js';
import { nextLink } from '../../../core/pagination/pagination.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { parseListQuery, isTrue } from '../domain/listing.js';
import { invalidVolume } from '../domain/errors.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import type { VolumeRecord } from '../store/tables.js';
import { VOLUME_FILTERS } from '../domain/volumes.service.js';
import { MV } from '../microversions.js';
import { AnyQuery, caller, IdParams, KeyParams, mv, ProjectParams, requireVersion } from './common.js';
import { actionArgs, ActionBody, boolOf, MetadataBody, MetaItemBody, VolumeCreate, VolumeUpdate } from './schemas.js';
import { viewContext, volumeDetail, volumeSummary, volumeView, type ViewContext } from './views.js';

/** A list's `next` link: the request's own URL and query with the last item as marker. */
export function pageLinks<T extends { id: string }>(req: ApiRequest, origin: string, page: T[], limit: number | undefined): { rel: 'next'; href: string }[] {
  const path = req.raw.url.split('?')[0]!;
  return nextLink(page, limit, `${origin}${path}`, req.query as Record<string, unknown>, (i) => i.id);
}

export function volumeRoutes(d: VolumeDomain, origin: () => string): RouteSpec[] {
  const ctxOf = (req: ApiRequest, volumes: VolumeRecord[] = []) => viewContext(d, origin(), req, volumes);
  const list = (detail: boolean) => async (req: ApiRequest<unknown, { project_id?: string }, Record<string, string | string[]>>) => {
    const c = caller(req);
    req.ctx.authorize('volume:get_all', { project_id: c.projectId });
    const q = parseListQuery(req.query, c.isAdmin, VOLUME_FILTERS);
    const { volumes, count } = await d.volumes.list(c, q);
    const v = await ctxOf(req, volumes);
    const body: Record<string, unknown> = { volumes: volumes.map((x) => (detail ? volumeDetail(v, x) : volumeSummary(v, x))) };
    const next = pageLinks(req, origin(), volumes, q.limit);
    if (next.length) body.volumes_links = next;
    if (q.withCount && mv(req, MV.count)) body.count = count;
    return body;
  };

  return [
    route({ method: 'GET', url: '/v3/:project_id/volumes', schema: { params: ProjectParams, querystring: AnyQuery }, handler: list(false) }),
    route({ method: 'GET', url: '/v3/:project_id/volumes/detail', schema: { params: ProjectParams, querystring: AnyQuery }, handler: list(true) }),
    route({
      method: 'GET', url: '/v3/:project_id/volumes/summary', schema: { params: ProjectParams, querystring: AnyQuery },
      handler: async (req) => {
        const c = caller(req);
        requireVersion(req, MV.volumeSummary);
        req.ctx.authorize('volume:get_all', { project_id: c.projectId });
        const s = await d.volumes.summary(c, c.isAdmin && isTrue(req.query.all_tenants as string | undefined));
        return { 'volume-summary': { total_size: s.totalSize, total_count: s.totalCount, ...(mv(req, '3.36') ? { metadata: s.metadata } : {}) } };
      },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/volumes', status: 202, schema: { params: ProjectParams, body: VolumeCreate },
      handler: async (req) => {
        const c = caller(req);
        const b = req.body.volume;
        req.ctx.authorize('volume:create', { project_id: c.projectId });
        if (b.imageRef ?? b.image_id) req.ctx.authorize('volume:create_from_image', { project_id: c.projectId });
        if (b.multiattach !== undefined && boolOf(b.multiattach)) req.ctx.authorize('volume:multiattach', { project_id: c.projectId });
        const volume = await d.volumes.create(c, {
          size: b.size, name: b.name ?? b.display_name, description: b.description ?? b.display_description, availability_zone: b.availability_zone,
          source_volid: b.source_volid, snapshot_id: b.snapshot_id, imageRef: b.imageRef ?? b.image_id, volume_type: b.volume_type,
          metadata: b.metadata ?? undefined, multiattach: b.multiattach === undefined ? undefined : boolOf(b.multiattach),
          group_id: mv(req, MV.groupId) ? b.group_id : undefined,
        });
        return { volume: volumeView(await ctxOf(req), volume) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/volumes/:id', schema: { params: IdParams },
      handler: async (req) => {
        const volume = await d.volumes.get(caller(req), req.params.id);
        req.ctx.authorize('volume:get', { project_id: volume.project_id });
        return { volume: volumeDetail(await ctxOf(req, [volume]), volume) };
      },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/volumes/:id', schema: { params: IdParams, body: VolumeUpdate },
      handler: async (req) => {
        const c = caller(req);
        const current = await d.volumes.get(c, req.params.id);
        req.ctx.authorize('volume:update', { project_id: current.project_id });
        const b = req.body.volume;
        const volume = await d.volumes.update(c, req.params.id, { name: b.name ?? b.display_name, description: b.description ?? b.display_description, metadata: b.metadata });
        return { volume: volumeView(await ctxOf(req, [volume]), volume) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/volumes/:id', status: 202, schema: { params: IdParams, querystring: AnyQuery },
      handler: async (req) => {
        const c = caller(req);
        const current = await d.volumes.get(c, req.params.id);
        req.ctx.authorize('volume:delete', { project_id: current.project_id });
        const force = isTrue(req.query.force as string | undefined);
        if (force) req.ctx.authorize('volume:force_delete', { project_id: current.project_id });
        await d.volumes.delete(c, req.params.id, { cascade: isTrue(req.query.cascade as string | undefined), force });
        return undefined;
      },
    }),
    ...metadataRoutes(d),
    route({
      method: 'POST', url: '/v3/:project_id/volumes/:id/action', schema: { params: IdParams, body: ActionBody },
      handler: async (req) => volumeAction(d, req, await ctxOf(req)),
    }),
  ];
}

function metadataRoutes(d: VolumeDomain): RouteSpec[] {
  const load = async (req: ApiRequest<unknown, { project_id?: string; id: string }>, rule: string) => {
    const c = caller(req);
    const v = await d.volumes.get(c, req.params.id);
    req.ctx.authorize(rule, { project_id: v.project_id });
    return c;
  };
  return [
    route({
      method: 'GET', url: '/v3/:project_id/volumes/:id/metadata', schema: { params: IdParams },
      handler: async (req) => ({ metadata: await d.volumes.metadata(await load(req, 'volume:get_volume_metadata'), req.params.id) }),
    }),
    route({
      method: 'POST', url: '/v3/:project_id/volumes/:id/metadata', schema: { params: IdParams, body: MetadataBody },
      handler: async (req) => ({ metadata: await d.volumes.setMetadata(await load(req, 'volume:create_volume_metadata'), req.params.id, req.body.metadata, false) }),
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/volumes/:id/metadata', schema: { params: IdParams, body: MetadataBody },
      handler: async (req) => ({ metadata: await d.volumes.setMetadata(await load(req, 'volume:update_volume_metadata'), req.params.id, req.body.metadata, true) }),
    }),
    route({
      method: 'GET', url: '/v3/:project_id/volumes/:id/metadata/:key', schema: { params: KeyParams },
      handler: async (req) => ({ meta: { [req.params.key]: await d.volumes.metadataItem(await load(req, 'volume:get_volume_metadata'), req.params.id, req.params.key) } }),
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/volumes/:id/metadata/:key', schema: { params: KeyParams, body: MetaItemBody },
      handler: async (req) => {
        const c = await load(req, 'volume:update_volume_metadata');
        if (!(req.params.key in req.body.meta)) throw new BadRequest('Request body and URI mismatch');
        await d.volumes.setMetadata(c, req.params.id, req.body.meta, false);
        return { meta: req.body.meta };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/volumes/:id/metadata/:key', schema: { params: KeyParams },
      handler: async (req) => { await d.volumes.deleteMetadataItem(await load(req, 'volume:delete_volume_metadata'), req.params.id, req.params.key); return undefined; },
    }),
  ];
}

/** POST /volumes/{id}/action: one action per body, as Cinder's volume_actions and admin_actions. */
async function volumeAction(d: VolumeDomain, req: ApiRequest<Record<string, unknown>, { project_id?: string; id: string }>, v: ViewContext): Promise<unknown> {
  const c = caller(req);
  const [name, args] = Object.entries(req.body)[0]!;
  const volume = await d.volumes.get(c, req.params.id);
  const target = { project_id: volume.project_id };
  switch (name) {
    case 'os-unmanage': {
      // NOTE: cinder/api/contrib/volume_unmanage.py; then volume_api.delete authorises a delete too.
      req.ctx.authorize('volume_extension:volume_unmanage', target);
      req.ctx.authorize('volume:delete', target);
      await d.manage.unmanageVolume(volume);
      req.reply.code(202);
      return undefined;
    }
    case 'os-set_bootable': {
      const a = actionArgs(name, args, { bootable: 'bool' }, ['bootable']);
      req.ctx.authorize('volume:update', target);
      await d.volumes.setBootable(c, volume.id, boolOf(a.bootable as string));
      req.reply.code(200);
      return undefined;
    }
    case 'os-update_readonly_flag': {
      const a = actionArgs(name, args, { readonly: 'bool' }, ['readonly']);
      req.ctx.authorize('volume:update_readonly_flag', target);
      await d.volumes.setReadonly(c, volume.id, boolOf(a.readonly as string));
      req.reply.code(202);
      return undefined;
    }
    case 'os-extend': {
      const a = actionArgs(name, args, { new_size: 'size' }, ['new_size']);
      const attached = volume.status === 'in-use';
      req.ctx.authorize(attached ? 'volume:extend_attached_volume' : 'volume:extend', target);
      await d.volumes.extend(c, volume.id, Number(a.new_size), mv(req, MV.extendAttached));
      req.reply.code(202);
      return undefined;
    }
    case 'os-reset_status': {
      const a = actionArgs(name, args, { status: 'string', attach_status: 'string', migration_status: 'string' });
      req.ctx.authorize('volume_extension:volume_admin_actions:reset_status', target);
      if (a.status === undefined && a.attach_status === undefined && a.migration_status === undefined) throw new BadRequest('Must specify \'status\', \'attach_status\' or \'migration_status\' for update.');
      await d.volumes.resetStatus(c, volume.id, a as { status?: string; attach_status?: string; migration_status?: string });
      req.reply.code(202);
      return undefined;
    }
    case 'os-retype': {
      const a = actionArgs(name, args, { new_type: 'string', migration_policy: 'string' }, ['new_type']);
      req.ctx.authorize('volume:retype', target);
      if (a.migration_policy !== undefined && !['never', 'on-demand'].includes(a.migration_policy as string)) {
        throw new BadRequest(`Invalid input for field/attribute migration_policy. Value: ${String(a.migration_policy)}. '${String(a.migration_policy)}' is not one of ['on-demand', 'never']`);
      }
      await d.volumes.retype(c, volume.id, a.new_type as string);
      req.reply.code(202);
      return undefined;
    }
    case 'os-reserve': {
      req.ctx.authorize('volume_extension:volume_actions:reserve', target);
      await d.attachments.reserve(volume, null, 'rw', true);
      req.reply.code(202);
      return undefined;
    }
    case 'os-unreserve': {
      req.ctx.authorize('volume_extension:volume_actions:unreserve', target);
      if (volume.status === 'attaching' || volume.status === 'reserved') await d.attachments.unreserve(volume);
      req.reply.code(202);
      return undefined;
    }
    case 'os-attach': {
      const a = actionArgs(name, args, { instance_uuid: 'string', mountpoint: 'string', mode: 'string', host_name: 'string' }, ['mountpoint']);
      req.ctx.authorize('volume_extension:volume_actions:attach', target);
      if (a.instance_uuid === undefined && a.host_name === undefined) throw new BadRequest('Invalid request to attach volume to an invalid target');
      const mode = (a.mode as string | undefined) ?? 'rw';
      if (mode !== 'rw' && mode !== 'ro') throw new BadRequest('Invalid request to attach volume with an invalid mode. Attaching mode should be \'rw\' or \'ro\'');
      if (volume.admin_metadata.readonly === 'True' && mode !== 'ro') throw new BadRequest(`Invalid attaching mode '${mode}' for volume ${volume.id}.`);
      const reserved = await d.attachments.find(volume.id, { instanceUuid: (a.instance_uuid as string | undefined) ?? null })
        ?? await d.attachments.find(volume.id);
      const attachment = reserved && reserved.attach_status !== 'attached' ? reserved : await d.attachments.reserve(volume, (a.instance_uuid as string | undefined) ?? null, mode, true);
      await d.attachments.complete({ ...attachment, attach_mode: mode }, { mountpoint: a.mountpoint as string, instanceUuid: (a.instance_uuid as string | undefined) ?? null, hostName: (a.host_name as string | undefined) ?? null });
      req.reply.code(202);
      return undefined;
    }
    case 'os-begin_detaching': {
      req.ctx.authorize('volume_extension:volume_actions:begin_detaching', target);
      if (volume.status !== 'in-use') throw invalidVolume(`Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.`);
      await d.attachments.setVolumeStatus(volume.id, 'detaching');
      req.reply.code(202);
      return undefined;
    }
    case 'os-roll_detaching': {
      req.ctx.authorize('volume_extension:volume_actions:roll_detaching', target);
      if (volume.status === 'detaching') await d.attachments.setVolumeStatus(volume.id, 'in-use');
      req.reply.code(202);
      return undefined;
    }
    case 'os-detach':
    case 'os-force_detach': {
      const a = actionArgs(name, args ?? {}, { attachment_id: 'string' });
      req.ctx.authorize(name === 'os-detach' ? 'volume_extension:volume_actions:detach' : 'volume_extension:volume_admin_actions:force_detach', target);
      const attachment = await d.attachments.find(volume.id, { attachmentId: a.attachment_id as string | undefined });
      // NOTE: as cinder-volume: a detach of a volume with no such attachment only logs it.
      if (attachment) await d.attachments.remove(attachment);
      req.reply.code(202);
      return undefined;
    }
    case 'os-initialize_connection': {
      const a = actionArgs(name, args, { connector: 'any' }, ['connector']);
      req.ctx.authorize('volume_extension:volume_actions:initialize_connection', target);
      const mode = volume.admin_metadata.readonly === 'True' ? 'ro' : 'rw';
      void a;
      return { connection_info: await d.attachments.connectionInfo(volume.id, mode) };
    }
    case 'os-terminate_connection': {
      actionArgs(name, args, { connector: 'any' }, ['connector']);
      req.ctx.authorize('volume_extension:volume_actions:terminate_connection', target);
      req.reply.code(202);
      return undefined;
    }
    case 'os-force_delete': {
      req.ctx.authorize('volume_extension:volume_admin_actions:force_delete', target);
      await d.volumes.delete(c, volume.id, { force: true });
      req.reply.code(202);
      return undefined;
    }
    case 'os-volume_upload_image': {
      const a = actionArgs(name, args, { image_name: 'string', disk_format: 'string', container_format: 'string', force: 'bool', visibility: 'string', protected: 'bool' }, ['image_name']);
      req.ctx.authorize('volume_extension:volume_actions:upload_image', target);
      if (a.visibility === 'public' || a.visibility === 'community') req.ctx.authorize('volume_extension:volume_actions:upload_public', target);
      const diskFormat = (a.disk_format as string | undefined) ?? 'raw';
      const containerFormat = (a.container_format as string | undefined) ?? 'bare';
      const { volume: up, imageId } = await d.volumes.uploadToImage(c, volume.id, {
        image_name: a.image_name as string, disk_format: diskFormat, container_format: containerFormat,
        force: a.force === undefined ? false : boolOf(a.force as string), visibility: a.visibility as string | undefined,
      });
      const type = await d.types.byId(up.volume_type_id);
      req.reply.code(202);
      return {
        'os-volume_upload_image': {
          id: up.id, updated_at: up.updated_at, status: 'uploading', display_description: up.description, size: up.size,
          volume_type: type ? { id: type.id, name: type.name, description: type.description, is_public: type.is_public, extra_specs: type.extra_specs, qos_specs_id: type.qos_specs_id, created_at: type.created_at, updated_at: type.updated_at, deleted: false, deleted_at: null } : null,
          image_id: imageId, container_format: containerFormat, disk_format: diskFormat, image_name: a.image_name,
          protected: a.protected === undefined ? false : boolOf(a.protected as string), visibility: (a.visibility as string | undefined) ?? 'private',
        },
      };
    }
    case 'os-set_image_metadata': {
      const a = actionArgs(name, args, { metadata: 'any' }, ['metadata']);
      req.ctx.authorize('volume_extension:volume_image_metadata:set', target);
      const md = a.metadata;
      if (!md || typeof md !== 'object' || Array.isArray(md)) throw new BadRequest('Malformed request body.');
      return { metadata: await d.volumes.setImageMetadata(c, volume.id, Object.fromEntries(Object.entries(md).map(([k, x]) => [k, String(x)]))) };
    }
    case 'os-unset_image_metadata': {
      const a = actionArgs(name, args, { key: 'string' }, ['key']);
      req.ctx.authorize('volume_extension:volume_image_metadata:remove', target);
      await d.volumes.unsetImageMetadata(c, volume.id, a.key as string);
      req.reply.code(200);
      return undefined;
    }
    case 'os-show_image_metadata': {
      req.ctx.authorize('volume_extension:volume_image_metadata:show', target);
      return { metadata: volume.image_metadata ?? {} };
    }
    default:
      void v;
      throw new BadRequest(`There is no such action: ${name}`);
  }
}
