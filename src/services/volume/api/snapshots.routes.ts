// /v3/{project_id}/snapshots: list (summary and detail), create, show, update, delete, metadata
// and the snapshot actions.
import { BadRequest } from '../../../core/errors/errors.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { parseListQuery } from '../domain/listing.js';
import { SNAPSHOT_FILTERS } from '../domain/snapshots.service.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import { MV } from '../microversions.js';
import { AnyQuery, caller, IdParams, KeyParams, mv, ProjectParams } from './common.js';
import { actionArgs, ActionBody, boolOf, MetadataBody, MetaItemBody, SnapshotCreate, SnapshotUpdate } from './schemas.js';
import { snapshotDetail, snapshotView, viewContext } from './views.js';
import { pageLinks } from './volumes.routes.js';

export function snapshotRoutes(d: VolumeDomain, origin: () => string): RouteSpec[] {
  const ctxOf = (req: ApiRequest) => viewContext(d, origin(), req);
  const list = (detail: boolean) => async (req: ApiRequest<unknown, { project_id?: string }, Record<string, string | string[]>>) => {
    const c = caller(req);
    req.ctx.authorize('volume:get_all_snapshots', { project_id: c.projectId });
    const q = parseListQuery(req.query, c.isAdmin, SNAPSHOT_FILTERS);
    const { snapshots, count } = await d.snapshots.list(c, q);
    const v = await ctxOf(req);
    const body: Record<string, unknown> = { snapshots: snapshots.map((s) => (detail ? snapshotDetail(v, s) : snapshotView(v, s))) };
    const next = pageLinks(req, origin(), snapshots, q.limit);
    if (next.length) body.snapshots_links = next;
    if (q.withCount && mv(req, MV.count)) body.count = count;
    return body;
  };
  const load = async (req: ApiRequest<unknown, { project_id?: string; id: string }>, rule: string) => {
    const c = caller(req);
    const s = await d.snapshots.get(c, req.params.id);
    req.ctx.authorize(rule, { project_id: s.project_id });
    return { c, s };
  };

  return [
    route({ method: 'GET', url: '/v3/:project_id/snapshots', schema: { params: ProjectParams, querystring: AnyQuery }, handler: list(false) }),
    route({ method: 'GET', url: '/v3/:project_id/snapshots/detail', schema: { params: ProjectParams, querystring: AnyQuery }, handler: list(true) }),
    route({
      method: 'POST', url: '/v3/:project_id/snapshots', status: 202, schema: { params: ProjectParams, body: SnapshotCreate },
      handler: async (req) => {
        const c = caller(req);
        const b = req.body.snapshot;
        req.ctx.authorize('volume:create_snapshot', { project_id: c.projectId });
        const snapshot = await d.snapshots.create(c, {
          volume_id: b.volume_id, force: b.force === undefined ? false : boolOf(b.force), name: b.name ?? b.display_name,
          description: b.description ?? b.display_description, metadata: b.metadata ?? undefined,
        }, mv(req, MV.snapshotInUse));
        return { snapshot: snapshotView(await ctxOf(req), snapshot) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/snapshots/:id', schema: { params: IdParams },
      handler: async (req) => ({ snapshot: snapshotDetail(await ctxOf(req), (await load(req, 'volume:get_snapshot')).s) }),
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/snapshots/:id', schema: { params: IdParams, body: SnapshotUpdate },
      handler: async (req) => {
        const { c } = await load(req, 'volume:update_snapshot');
        const b = req.body.snapshot;
        const s = await d.snapshots.update(c, req.params.id, { name: b.name ?? b.display_name, description: b.description ?? b.display_description });
        return { snapshot: snapshotView(await ctxOf(req), s) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/snapshots/:id', status: 202, schema: { params: IdParams },
      handler: async (req) => { const { c } = await load(req, 'volume:delete_snapshot'); await d.snapshots.delete(c, req.params.id); return undefined; },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/snapshots/:id/metadata', schema: { params: IdParams },
      handler: async (req) => ({ metadata: await d.snapshots.metadata((await load(req, 'volume:get_snapshot_metadata')).c, req.params.id) }),
    }),
    route({
      method: 'POST', url: '/v3/:project_id/snapshots/:id/metadata', schema: { params: IdParams, body: MetadataBody },
      handler: async (req) => ({ metadata: await d.snapshots.setMetadata((await load(req, 'volume:update_snapshot_metadata')).c, req.params.id, req.body.metadata, false) }),
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/snapshots/:id/metadata', schema: { params: IdParams, body: MetadataBody },
      handler: async (req) => ({ metadata: await d.snapshots.setMetadata((await load(req, 'volume:update_snapshot_metadata')).c, req.params.id, req.body.metadata, true) }),
    }),
    route({
      method: 'GET', url: '/v3/:project_id/snapshots/:id/metadata/:key', schema: { params: KeyParams },
      handler: async (req) => ({ meta: { [req.params.key]: await d.snapshots.metadataItem((await load(req, 'volume:get_snapshot_metadata')).c, req.params.id, req.params.key) } }),
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/snapshots/:id/metadata/:key', schema: { params: KeyParams, body: MetaItemBody },
      handler: async (req) => {
        const { c } = await load(req, 'volume:update_snapshot_metadata');
        if (!(req.params.key in req.body.meta)) throw new BadRequest('Request body and URI mismatch');
        await d.snapshots.setMetadata(c, req.params.id, req.body.meta, false);
        return { meta: req.body.meta };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/snapshots/:id/metadata/:key', schema: { params: KeyParams },
      handler: async (req) => { await d.snapshots.deleteMetadataItem((await load(req, 'volume:delete_snapshot_metadata')).c, req.params.id, req.params.key); return undefined; },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/snapshots/:id/action', status: 202, schema: { params: IdParams, body: ActionBody },
      handler: async (req) => {
        const { c, s } = await load(req, 'volume:get_snapshot');
        const [name, args] = Object.entries(req.body)[0]!;
        const target = { project_id: s.project_id };
        if (name === 'os-reset_status') {
          const a = actionArgs(name, args, { status: 'string' }, ['status']);
          req.ctx.authorize('volume_extension:snapshot_admin_actions:reset_status', target);
          await d.snapshots.resetStatus(c, s.id, a.status as string);
        } else if (name === 'os-update_snapshot_status') {
          const a = actionArgs(name, args, { status: 'string', progress: 'string' }, ['status']);
          req.ctx.authorize('snapshot_extension:snapshot_actions:update_snapshot_status', target);
          await d.snapshots.updateStatus(c, s.id, a.status as string, a.progress as string | undefined);
        } else if (name === 'os-unmanage') {
          // NOTE: cinder/api/contrib/snapshot_unmanage.py; then delete_snapshot authorises a delete too.
          req.ctx.authorize('snapshot_extension:snapshot_unmanage', target);
          req.ctx.authorize('volume:delete_snapshot', target);
          await d.manage.unmanageSnapshot(s);
        } else if (name === 'os-force_delete') {
          req.ctx.authorize('volume_extension:snapshot_admin_actions:force_delete', target);
          await d.snapshots.delete(c, s.id, true);
        } else throw new BadRequest(`There is no such action: ${name}`);
        return undefined;
      },
    }),
  ];
}
