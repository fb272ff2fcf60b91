// /os-aggregates (admin) and /os-availability-zone.
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { MV } from '../microversions.js';
import type { Aggregate } from '../store/aggregates.store.js';
import { invalidInput, mv, requireObject } from './common.js';

/** Nova's timestamps: no zone, microseconds. */
export const novaTime = (iso: string | null) => (iso ? iso.replace(/Z$/, '').replace(/\.(\d+)$/, (_m, f: string) => `.${f.padEnd(6, '0')}`) : null);

function aggregateView(req: ApiRequest, a: Aggregate, withMembers = true) {
  const out: Record<string, unknown> = {
    availability_zone: a.metadata.availability_zone ?? null, created_at: novaTime(a.created_at), deleted: false, deleted_at: null,
    id: a.id, name: a.name, updated_at: novaTime(a.updated_at),
  };
  if (withMembers) { out.hosts = a.hosts; out.metadata = a.metadata; }
  if (mv(req, MV.aggregateUuid)) out.uuid = a.uuid;
  return out;
}

function nameParam(v: unknown, field: string, nullable = false): string | null {
  if (v === null && nullable) return null;
  if (typeof v !== 'string') throw invalidInput(field, v, `${JSON.stringify(v)} is not of type 'string'`);
  if (v.length < 1) throw invalidInput(field, v, `'${v}' is too short`);
  if (v.length > 255) throw invalidInput(field, v, `'${v}' is too long`);
  if (v.trim() !== v || /[\x00-\x1f]/.test(v)) throw invalidInput(field, v, `'${v}' does not match the name pattern`);
  return v;
}

function onlyKeys(o: Record<string, unknown>, keys: string[], wrapper: string) {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new BadRequest(`Invalid input for field/attribute ${wrapper}. Value: ${JSON.stringify(o)}. Additional properties are not allowed ('${k}' was unexpected)`);
}

export function aggregateRoutes(d: ComputeDomain): RouteSpec[] {
  const ag = d.aggregates;
  const authz = (req: ApiRequest, action: string) => req.ctx.authorize(`os_compute_api:os-aggregates:${action}`, {});
  return [
    {
      method: 'GET', url: '/v2.1/os-aggregates',
      handler: async (req) => { authz(req, 'index'); return { aggregates: (await ag.list()).map((a) => aggregateView(req, a)) }; },
    },
    {
      method: 'POST', url: '/v2.1/os-aggregates',
      handler: async (req) => {
        authz(req, 'create');
        const b = requireObject(req.body, 'aggregate');
        onlyKeys(b, ['name', 'availability_zone'], 'aggregate');
        if (b.name === undefined) throw new BadRequest(`Invalid input for field/attribute aggregate. Value: ${JSON.stringify(b)}. 'name' is a required property`);
        const name = nameParam(b.name, 'name')!;
        const az = b.availability_zone === undefined ? undefined : nameParam(b.availability_zone, 'availability_zone', true);
        return { aggregate: aggregateView(req, await ag.create(name, az), false) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-aggregates/:id',
      handler: async (req) => { authz(req, 'show'); return { aggregate: aggregateView(req, await ag.get(req.params.id)) }; },
    },
    {
      method: 'PUT', url: '/v2.1/os-aggregates/:id',
      handler: async (req) => {
        authz(req, 'update');
        const b = requireObject(req.body, 'aggregate');
        onlyKeys(b, ['name', 'availability_zone'], 'aggregate');
        if (Object.keys(b).length === 0) throw new BadRequest(`Invalid input for field/attribute aggregate. Value: {}. {} does not have enough properties`);
        const patch: { name?: string; availability_zone?: string | null } = {};
        if (b.name !== undefined) patch.name = nameParam(b.name, 'name')!;
        if (b.availability_zone !== undefined) patch.availability_zone = nameParam(b.availability_zone, 'availability_zone', true);
        return { aggregate: aggregateView(req, await ag.update(req.params.id, patch)) };
      },
    },
    {
      method: 'DELETE', url: '/v2.1/os-aggregates/:id',
      handler: async (req) => { authz(req, 'delete'); await ag.delete(req.params.id); },
    },
    {
      method: 'POST', url: '/v2.1/os-aggregates/:id/action',
      handler: async (req) => {
        const b = req.body as Record<string, unknown>;
        if (!b || typeof b !== 'object' || Array.isArray(b) || Object.keys(b).length !== 1) throw new BadRequest('Malformed request body');
        const action = Object.keys(b)[0]!;
        if (action === 'add_host' || action === 'remove_host') {
          authz(req, action);
          const inner = requireObject(b, action);
          onlyKeys(inner, ['host'], action);
          if (inner.host === undefined) throw new BadRequest(`Invalid input for field/attribute ${action}. Value: ${JSON.stringify(inner)}. 'host' is a required property`);
          const host = nameParam(inner.host, 'host')!;
          const a = action === 'add_host' ? await ag.addHost(req.params.id, host) : await ag.removeHost(req.params.id, host);
          return { aggregate: aggregateView(req, a) };
        }
        if (action === 'set_metadata') {
          authz(req, 'set_metadata');
          const inner = requireObject(b, action);
          onlyKeys(inner, ['metadata'], action);
          const md = requireObject(inner, 'metadata');
          const out: Record<string, string | null> = {};
          for (const [k, v] of Object.entries(md)) {
            if (k.length < 1 || k.length > 255 || !/^[a-zA-Z0-9-_:. ]+$/.test(k)) throw new BadRequest(`Invalid input for field/attribute metadata. Value: ${JSON.stringify(md)}. '${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
            if (v === null) out[k] = null;
            else if (typeof v === 'string' && v.length <= 255) out[k] = v;
            else throw invalidInput(k, v, `${JSON.stringify(v)} is not of type 'string', 'null'`);
          }
          if (typeof out.availability_zone === 'string') nameParam(out.availability_zone, 'availability_zone');
          return { aggregate: aggregateView(req, await ag.setMetadata(req.params.id, out)) };
        }
        throw new BadRequest(`Invalid input for field/attribute ${action}. Additional properties are not allowed ('${action}' was unexpected)`);
      },
    },
    {
      method: 'GET', url: '/v2.1/os-availability-zone',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-availability-zone:list', {});
        const zones = await ag.zoneInfo(false);
        return { availabilityZoneInfo: zones.map((z) => ({ zoneName: z.zoneName, zoneState: { available: z.available }, hosts: null })) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-availability-zone/detail',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-availability-zone:detail', {});
        const zones = await ag.zoneInfo(true);
        return {
          availabilityZoneInfo: zones.map((z) => ({
            zoneName: z.zoneName, zoneState: { available: z.available },
            hosts: Object.fromEntries(Object.entries(z.hosts).map(([h, svcs]) => [h, Object.fromEntries(Object.entries(svcs).map(([b, st]) => [b, { available: st.available, active: st.active, updated_at: novaTime(st.updatedAt) }]))])),
          })),
        };
      },
    },
  ];
}
