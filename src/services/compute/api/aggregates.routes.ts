// /os-aggregates (admin) and /os-availability-zone.
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { AggregateAction, AggregateCreate, AggregateUpdate, AvailabilityZone } from './aggregates.schema.js';
import { check } from './schemas.js';
import { aggregateView } from './aggregates.view.js';
import { novaTime } from './times.js';

export function aggregateRoutes(d: ComputeDomain): RouteSpec[] {
  const ag = d.aggregates;
  const authz = (req: ApiRequest, action: string) => req.ctx.authorize(`os_compute_api:os-aggregates:${action}`, {});
  return [
    {
      method: 'GET', url: '/v2.1/os-aggregates',
      handler: async (req) => { authz(req, 'index'); return { aggregates: (await ag.list()).map((a) => aggregateView(req, a)) }; },
    },
    route({
      method: 'POST', url: '/v2.1/os-aggregates', schema: { body: AggregateCreate },
      handler: async (req) => {
        authz(req, 'create');
        const b = req.body.aggregate;
        const name = b.name;
        const az = b.availability_zone;
        return { aggregate: aggregateView(req, await ag.create(name, az), false) };
      },
    }),
    {
      method: 'GET', url: '/v2.1/os-aggregates/:id',
      handler: async (req) => { authz(req, 'show'); return { aggregate: aggregateView(req, await ag.get(req.params.id)) }; },
    },
    route({
      method: 'PUT', url: '/v2.1/os-aggregates/:id', schema: { body: AggregateUpdate },
      handler: async (req) => {
        authz(req, 'update');
        const b = req.body.aggregate;
        const patch: { name?: string; availability_zone?: string | null } = {};
        if (b.name !== undefined) patch.name = b.name;
        if (b.availability_zone !== undefined) patch.availability_zone = b.availability_zone;
        return { aggregate: aggregateView(req, await ag.update((req.params as { id: string }).id, patch)) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/os-aggregates/:id',
      handler: async (req) => { authz(req, 'delete'); await ag.delete(req.params.id); },
    },
    route({
      method: 'POST', url: '/v2.1/os-aggregates/:id/action', schema: { body: AggregateAction },
      handler: async (req) => {
        const b = req.body;
        const action = Object.keys(b)[0]! as keyof typeof b;
        if (action === 'add_host' || action === 'remove_host') {
          authz(req, action);
          const host = b[action]!.host;
          const a = action === 'add_host' ? await ag.addHost(req.params.id, host) : await ag.removeHost(req.params.id, host);
          return { aggregate: aggregateView(req, a) };
        }
        if (action === 'set_metadata') {
          authz(req, 'set_metadata');
          const out = b.set_metadata!.metadata;
          if (typeof out.availability_zone === 'string') check(AvailabilityZone, out.availability_zone, '/set_metadata/metadata/availability_zone');
          return { aggregate: aggregateView(req, await ag.setMetadata(req.params.id, out)) };
        }
      },
    }),
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
