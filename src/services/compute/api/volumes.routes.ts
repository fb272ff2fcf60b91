// Nova's deprecated proxy to Cinder (os-volumes.inc, to 2.35): /os-volumes and /os-snapshots,
// Cinder's volumes and snapshots in Nova's camelCase fields, as the caller sees them.
import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../core/auth/caller.js';
import { BadRequest, NotFound } from '../../../core/errors/errors.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { VolumeFacade } from '../../volume/facade.js';
import { mvCheck } from './common.js';
import { snapshotView, volumeView } from './volumes.view.js';

const P = 'os_compute_api:os-volumes';
const Id = Type.Object({ id: Type.String() });
const Size = Type.Unsafe<number | string>({ type: ['integer', 'string'], pattern: '^[0-9]+$', minimum: 1 });
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });
const VolumeCreate = Type.Object({
  volume: Type.Object({
    size: Size, display_name: Type.Optional(NullableString), display_description: Type.Optional(NullableString),
    volume_type: Type.Optional(NullableString), metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
    availability_zone: Type.Optional(NullableString), snapshot_id: Type.Optional(NullableString),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
const SnapshotCreate = Type.Object({
  snapshot: Type.Object({
    volume_id: Type.String(), force: Type.Optional(Type.Unsafe<boolean | string>({ type: ['boolean', 'string'] })),
    display_name: Type.Optional(NullableString), display_description: Type.Optional(NullableString),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

/** Nova's common.limited(): `offset` then `limit` (at most osapi_max_limit, 1000) over the whole list. */
function limited<T>(req: ApiRequest, items: T[]): T[] {
  const q = req.query as Record<string, string | undefined>;
  const int = (name: string, v: string | undefined, dflt: number) => {
    if (v === undefined) return dflt;
    if (!/^-?\d+$/.test(v.trim())) throw new BadRequest(`${name} param must be an integer`);
    const n = Number(v);
    if (n < 0) throw new BadRequest(`${name} param must be positive`);
    return n;
  };
  const offset = int('offset', q.offset, 0);
  const limit = Math.min(int('limit', q.limit, 1000), 1000);
  return items.slice(offset, offset + limit);
}

export function volumeProxyRoutes(volumes: VolumeFacade): RouteSpec[] {
  const v = volumes.proxy;
  /** The proxy is gone from 2.36 (404), and every call is checked against Nova's policy. */
  const caller = (req: ApiRequest, rule: string) => {
    // NOTE: /os-volumes/ (an empty id) is no list in Nova's router: 404.
    if (mvCheck(req)('2.36') || req.raw.url.split('?')[0]!.endsWith('/')) throw new NotFound('The resource could not be found.');
    req.ctx.authorize(rule, { project_id: req.ctx.projectId });
    return callerOf(req.ctx);
  };
  return [
    { method: 'GET', url: '/v2.1/os-volumes', handler: async (req) => ({ volumes: limited(req, await v.listVolumes(caller(req, `${P}:list`))).map(volumeView) }) },
    { method: 'GET', url: '/v2.1/os-volumes/detail', handler: async (req) => ({ volumes: limited(req, await v.listVolumes(caller(req, `${P}:detail`))).map(volumeView) }) },
    { method: 'DELETE', url: '/v2.1/os-volumes', handler: async (req) => { caller(req, `${P}:delete`); throw new NotFound('The resource could not be found.'); } },
    { method: 'GET', url: '/v2.1/os-volumes/:id', schema: { params: Id }, handler: async (req) => ({ volume: volumeView(await v.getVolume(caller(req, `${P}:show`), req.params.id)) }) },
    route({
      method: 'POST', url: '/v2.1/os-volumes', schema: { body: VolumeCreate },
      handler: async (req) => {
        const b = req.body.volume;
        const made = await v.createVolume(caller(req, `${P}:create`), {
          size: Number(b.size), name: b.display_name, description: b.display_description, volumeType: b.volume_type, metadata: b.metadata,
          availabilityZone: b.availability_zone, snapshotId: b.snapshot_id,
        });
        return { volume: volumeView(made) };
      },
    }),
    { method: 'DELETE', url: '/v2.1/os-volumes/:id', status: 202, schema: { params: Id }, handler: async (req) => { await v.deleteVolume(caller(req, `${P}:delete`), req.params.id); } },
    { method: 'GET', url: '/v2.1/os-snapshots', handler: async (req) => ({ snapshots: limited(req, await v.listSnapshots(caller(req, `${P}:snapshots:list`))).map(snapshotView) }) },
    { method: 'GET', url: '/v2.1/os-snapshots/detail', handler: async (req) => ({ snapshots: limited(req, await v.listSnapshots(caller(req, `${P}:snapshots:detail`))).map(snapshotView) }) },
    { method: 'GET', url: '/v2.1/os-snapshots/:id', schema: { params: Id }, handler: async (req) => ({ snapshot: snapshotView(await v.getSnapshot(caller(req, `${P}:snapshots:show`), req.params.id)) }) },
    route({
      method: 'POST', url: '/v2.1/os-snapshots', schema: { body: SnapshotCreate },
      handler: async (req) => {
        const b = req.body.snapshot;
        const force = b.force === true || (typeof b.force === 'string' && ['true', '1', 'yes', 'on'].includes(b.force.toLowerCase()));
        return { snapshot: snapshotView(await v.createSnapshot(caller(req, `${P}:snapshots:create`), { volumeId: b.volume_id, force, name: b.display_name, description: b.display_description })) };
      },
    }),
    { method: 'DELETE', url: '/v2.1/os-snapshots/:id', status: 202, schema: { params: Id }, handler: async (req) => { await v.deleteSnapshot(caller(req, `${P}:snapshots:delete`), req.params.id); } },
  ];
}
