// /v3/{project_id}/backups: create (full or incremental, of a volume or a snapshot), list, show,
// update (3.9), delete, restore, export and import records, reset status and force delete.
import { Type } from '@sinclair/typebox';
import { BadRequest } from '../../../core/errors/errors.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { BACKUP_FILTERS } from '../domain/backups.service.js';
import { parseListQuery } from '../domain/listing.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import type { BackupRecord } from '../store/tables.js';
import { MV } from '../microversions.js';
import { AnyQuery, caller, IdParams, links, mv, ProjectParams, requireVersion, VOLUME_PATH } from './common.js';
import { actionArgs, ActionBody, Bool, boolOf, Description, Metadata, Name, NullableString, OptionalUuid } from './schemas.js';
import { pageLinks } from './volumes.routes.js';

const BackupCreate = Type.Object({
  backup: Type.Object({
    volume_id: Type.String(), name: Type.Optional(Name), description: Type.Optional(Description), incremental: Type.Optional(Bool),
    force: Type.Optional(Bool), snapshot_id: Type.Optional(OptionalUuid), container: Type.Optional(NullableString({ maxLength: 255 })),
    metadata: Type.Optional(Metadata), availability_zone: Type.Optional(NullableString({ maxLength: 255 })),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
const BackupUpdate = Type.Object({
  backup: Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description), metadata: Type.Optional(Metadata) }, { additionalProperties: false, minProperties: 1 }),
}, { additionalProperties: false });
const Restore = Type.Object({
  restore: Type.Union([Type.Object({ volume_id: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'] })), name: Type.Optional(Name) }, { additionalProperties: false }), Type.Null()]),
}, { additionalProperties: false });
const Import = Type.Object({ 'backup-record': Type.Object({ backup_service: Type.String(), backup_url: Type.String() }, { additionalProperties: false }) }, { additionalProperties: false });

export function backupRoutes(d: VolumeDomain, origin: () => string): RouteSpec[] {
  const base = () => `${origin()}${VOLUME_PATH}`;
  const summary = (req: ApiRequest, b: BackupRecord) => ({ id: b.id, links: links(base(), req.params.project_id, 'backups', b.id), name: b.name });
  const detail = async (req: ApiRequest, b: BackupRecord) => {
    const body: Record<string, unknown> = {
      id: b.id, status: b.status, size: b.size, object_count: b.object_count, availability_zone: b.availability_zone, container: b.container,
      created_at: b.created_at, updated_at: b.updated_at, name: b.name, description: b.description, fail_reason: b.fail_reason, volume_id: b.volume_id,
      links: links(base(), req.params.project_id, 'backups', b.id), is_incremental: b.parent_id !== null, has_dependent_backups: await d.backups.hasDependents(b.id),
      snapshot_id: b.snapshot_id, data_timestamp: b.data_timestamp,
    };
    if (mv(req, '3.18') && req.ctx.can('backup:backup_project_attribute', { project_id: b.project_id })) body['os-backup-project-attr:project_id'] = b.project_id;
    if (mv(req, '3.43')) body.metadata = b.metadata;
    if (mv(req, '3.56')) body.user_id = b.user_id;
    if (mv(req, '3.64')) body.encryption_key_id = null;
    return body;
  };
  const load = async (req: ApiRequest<unknown, { project_id?: string; id: string }>, rule: string) => {
    const c = caller(req);
    const b = await d.backups.get(c, req.params.id);
    req.ctx.authorize(rule, { project_id: b.project_id });
    return { c, b };
  };
  const list = (full: boolean) => async (req: ApiRequest<unknown, { project_id?: string }, Record<string, string | string[]>>) => {
    const c = caller(req);
    req.ctx.authorize('backup:get_all', { project_id: c.projectId });
    const q = parseListQuery(req.query, c.isAdmin, BACKUP_FILTERS);
    const { backups, count } = await d.backups.list(c, q);
    const body: Record<string, unknown> = { backups: full ? await Promise.all(backups.map((b) => detail(req, b))) : backups.map((b) => summary(req, b)) };
    const next = pageLinks(req, origin(), backups, q.limit);
    if (next.length) body.backups_links = next;
    if (q.withCount && mv(req, MV.count)) body.count = count;
    return body;
  };
  return [
    route({ method: 'GET', url: '/v3/:project_id/backups', schema: { params: ProjectParams, querystring: AnyQuery }, handler: list(false) }),
    route({ method: 'GET', url: '/v3/:project_id/backups/detail', schema: { params: ProjectParams, querystring: AnyQuery }, handler: list(true) }),
    route({
      method: 'POST', url: '/v3/:project_id/backups', status: 202, schema: { params: ProjectParams, body: BackupCreate },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('backup:create', { project_id: c.projectId });
        const b = req.body.backup;
        const backup = await d.backups.create(c, {
          volume_id: b.volume_id, name: b.name, description: b.description, incremental: b.incremental === undefined ? false : boolOf(b.incremental),
          force: b.force === undefined ? false : boolOf(b.force), snapshot_id: b.snapshot_id, container: b.container,
          metadata: mv(req, '3.43') ? b.metadata : undefined,
        });
        return { backup: summary(req, backup) };
      },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/backups/import_record', status: 201, schema: { params: ProjectParams, body: Import },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('backup:backup-import', { project_id: c.projectId });
        const r = req.body['backup-record'];
        return { backup: summary(req, await d.backups.importRecord(c, r.backup_service, r.backup_url)) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/backups/:id', schema: { params: IdParams },
      handler: async (req) => ({ backup: await detail(req, (await load(req, 'backup:get')).b) }),
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/backups/:id', schema: { params: IdParams, body: BackupUpdate },
      handler: async (req) => {
        requireVersion(req, '3.9');
        const { c } = await load(req, 'backup:update');
        const b = await d.backups.update(c, req.params.id, { ...req.body.backup, metadata: mv(req, '3.43') ? req.body.backup.metadata : undefined });
        return { backup: summary(req, b) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/backups/:id', status: 202, schema: { params: IdParams },
      handler: async (req) => { const { c } = await load(req, 'backup:delete'); await d.backups.delete(c, req.params.id); return undefined; },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/backups/:id/restore', status: 202, schema: { params: IdParams, body: Restore },
      handler: async (req) => {
        const { c } = await load(req, 'backup:restore');
        const r = req.body.restore ?? {};
        const { backup, volume } = await d.backups.restore(c, req.params.id, r.volume_id ?? undefined, r.name ?? undefined);
        return { restore: { backup_id: backup.id, volume_id: volume.id, volume_name: volume.name } };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/backups/:id/export_record', schema: { params: IdParams },
      handler: async (req) => { const { c } = await load(req, 'backup:export-import'); return { 'backup-record': await d.backups.exportRecord(c, req.params.id) }; },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/backups/:id/action', status: 202, schema: { params: IdParams, body: ActionBody },
      handler: async (req) => {
        const { c, b } = await load(req, 'backup:get');
        const [name, args] = Object.entries(req.body)[0]!;
        if (name === 'os-reset_status') {
          const a = actionArgs(name, args, { status: 'string' }, ['status']);
          req.ctx.authorize('volume_extension:backup_admin_actions:reset_status', { project_id: b.project_id });
          await d.backups.resetStatus(c, b.id, a.status as string);
        } else if (name === 'os-force_delete') {
          req.ctx.authorize('volume_extension:backup_admin_actions:force_delete', { project_id: b.project_id });
          await d.backups.delete(c, b.id, true);
        } else throw new BadRequest(`There is no such action: ${name}`);
        return undefined;
      },
    }),
  ];
}
