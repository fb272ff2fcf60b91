// Managing what the backend holds: /v3/{project_id}/manageable_volumes and manageable_snapshots
// (3.8, cinder/api/v3/volume_manage.py and snapshot_manage.py) and their older names
// os-volume-manage and os-snapshot-manage (cinder/api/contrib, every version): list (summary and
// detail) and manage. Unmanaging is the volume and snapshot action os-unmanage.
import { BadRequest } from '../../../core/errors/errors.js';
import { py } from '../../../core/http/jsonschema-errors.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { ManageableKind } from '../../../drivers/block-storage/block-storage-driver.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import { AnyQuery, caller, mv, ProjectParams, requireVersion } from './common.js';
import { boolOf, SnapshotManage, VolumeManage } from './schemas.js';
import { manageableView, snapshotView, viewContext, volumeView } from './views.js';

/** Where manageable_volumes and manageable_snapshots came (the os-*-manage names are older). */
const MANAGE_EXISTING_LIST = '3.8';
/** `cluster` in a manage request. */
const VOLUME_MIGRATE_CLUSTER = '3.16';
/** `cluster` in the listings' query. */
const MANAGE_EXISTING_CLUSTER = '3.17';

export function manageRoutes(d: VolumeDomain, origin: () => string): RouteSpec[] {
  // NOTE: Cinder answers a manage with its v2 (contrib) view builders, which know no microversion.
  const legacyCtx = async (req: ApiRequest) => ({ ...(await viewContext(d, origin(), req)), mv: () => false });

  const list = (kind: ManageableKind, detail: boolean, since?: string) => async (req: ApiRequest<unknown, { project_id?: string }, Record<string, string | string[]>>) => {
    if (since) requireVersion(req, since);
    caller(req);
    req.ctx.authorize(`${kind}_extension:list_manageable`, { project_id: req.ctx.projectId });
    const entries = await d.manage.list(kind, req.query, mv(req, MANAGE_EXISTING_CLUSTER));
    return { [`manageable-${kind}s`]: entries.map((e) => manageableView(kind, detail, e)) };
  };

  const manageVolume = (since?: string) => async (req: ApiRequest<{ volume: Record<string, unknown> }, { project_id?: string }>) => {
    if (since) requireVersion(req, since);
    const c = caller(req);
    const b = req.body.volume;
    if ('cluster' in b && !mv(req, VOLUME_MIGRATE_CLUSTER)) {
      throw new BadRequest(`Invalid input for field/attribute volume. Value: ${py(b)}. Additional properties are not allowed ('cluster' was unexpected)`);
    }
    req.ctx.authorize('volume_extension:volume_manage', { project_id: c.projectId });
    const volume = await d.manage.manageVolume(c, {
      host: b.host as string | null | undefined, cluster: b.cluster as string | null | undefined, ref: b.ref,
      name: b.name as string | null | undefined, description: b.description as string | null | undefined,
      volume_type: b.volume_type as string | null | undefined, availability_zone: b.availability_zone as string | null | undefined,
      metadata: b.metadata as Record<string, string> | null | undefined, bootable: b.bootable === undefined ? false : boolOf(b.bootable as string),
    }, mv(req, VOLUME_MIGRATE_CLUSTER));
    return { volume: volumeView(await legacyCtx(req), volume) };
  };

  const manageSnapshot = (since?: string) => async (req: ApiRequest<{ snapshot: Record<string, unknown> }, { project_id?: string }>) => {
    if (since) requireVersion(req, since);
    const c = caller(req);
    const b = req.body.snapshot;
    const volume = await d.volumes.get(c, b.volume_id as string);
    req.ctx.authorize('snapshot_extension:snapshot_manage', { project_id: volume.project_id });
    const snapshot = await d.manage.manageSnapshot(c, volume, {
      volume_id: volume.id, ref: b.ref, name: b.name as string | null | undefined, description: b.description as string | null | undefined,
      metadata: b.metadata as Record<string, string> | null | undefined,
    });
    return { snapshot: snapshotView(await legacyCtx(req), snapshot) };
  };

  const routes: RouteSpec[] = [];
  for (const [path, since] of [['os-volume-manage', undefined], ['manageable_volumes', MANAGE_EXISTING_LIST]] as const) {
    routes.push(
      route({ method: 'GET', url: `/v3/:project_id/${path}`, schema: { params: ProjectParams, querystring: AnyQuery }, handler: list('volume', false, since) }),
      route({ method: 'GET', url: `/v3/:project_id/${path}/detail`, schema: { params: ProjectParams, querystring: AnyQuery }, handler: list('volume', true, since) }),
      route({ method: 'POST', url: `/v3/:project_id/${path}`, status: 202, schema: { params: ProjectParams, body: VolumeManage }, handler: manageVolume(since) }),
    );
  }
  for (const [path, since] of [['os-snapshot-manage', undefined], ['manageable_snapshots', MANAGE_EXISTING_LIST]] as const) {
    routes.push(
      route({ method: 'GET', url: `/v3/:project_id/${path}`, schema: { params: ProjectParams, querystring: AnyQuery }, handler: list('snapshot', false, since) }),
      route({ method: 'GET', url: `/v3/:project_id/${path}/detail`, schema: { params: ProjectParams, querystring: AnyQuery }, handler: list('snapshot', true, since) }),
      route({ method: 'POST', url: `/v3/:project_id/${path}`, status: 202, schema: { params: ProjectParams, body: SnapshotManage }, handler: manageSnapshot(since) }),
    );
  }
  return routes;
}
