// /os-hypervisors (hypervisors.inc) and /os-services (os-services.inc): the compute hosts the
// hypervisor driver reports, their usage from Placement, and enabling/disabling/forcing down.
import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import type { ComputeNodeRecord, ComputeServiceRecord } from '../store/hosts.store.js';
import { ServiceUpdate } from './hypervisors.schema.js';
import { asBool } from './schemas.js';
import { trueFalse as bool, mvCheck } from './common.js';
import { nodeView } from './hypervisors.view.js';
import { novaTime } from './times.js';
import { pageAfter } from '../../../core/pagination/pagination.js';
import { disabledReasonWithEnabled, hypervisorNotFound, invalidLimit, invalidUuid, markerNotFound, noHypervisorMatching, resourceNotFound, serviceNotFound, unknownAction } from '../domain/errors.js';

const H = 'os_compute_api:os-hypervisors:';
const SV = 'os_compute_api:os-services:';
const IdParams = Type.Object({ id: Type.String() });
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function hypervisorRoutes(d: ComputeDomain): RouteSpec[] {


  const list = async (req: ApiRequest, detail: boolean) => {
    const mv = mvCheck(req);
    req.ctx.authorize(`${H}${detail ? 'list-detail' : 'list'}`, {});
    const q = req.query as Record<string, string>;
    let nodes = await d.hosts.nodes();
    let withServers = false;
    if (mv('2.53')) {
      for (const k of Object.keys(q)) if (!['limit', 'marker', 'hypervisor_hostname_pattern', 'with_servers'].includes(k)) throw new BadRequest(`Invalid input for query parameters ${k}. Additional properties are not allowed ('${k}' was unexpected)`);
      if (q.hypervisor_hostname_pattern !== undefined) {
        if (q.limit !== undefined || q.marker !== undefined) throw new BadRequest('Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.');
        nodes = nodes.filter((n) => n.hypervisor_hostname.includes(q.hypervisor_hostname_pattern!));
        if (nodes.length === 0) throw noHypervisorMatching(q.hypervisor_hostname_pattern);
      }
      if (q.with_servers !== undefined) withServers = bool(q.with_servers, 'with_servers');
    }
    if (mv('2.33')) {
      nodes = pageAfter(nodes, { marker: q.marker || undefined }, (n) => (mv('2.53') ? n.id : String(n.seq)), markerNotFound);
      if (q.limit !== undefined) {
        if (!/^\d+$/.test(q.limit)) throw invalidLimit(q.limit);
        nodes = nodes.slice(0, Number(q.limit));
      }
    }
    const out: Record<string, unknown> = { hypervisors: await Promise.all(nodes.map((n) => nodeView(d, req, n, detail, withServers))) };
    if (mv('2.33') && q.limit !== undefined && nodes.length === Number(q.limit) && nodes.length > 0) {
      const last = nodes[nodes.length - 1]!;
      out.hypervisors_links = [{ rel: 'next', href: `${d.computeUrl()}/v2.1/os-hypervisors${detail ? '/detail' : ''}?limit=${q.limit}&marker=${mv('2.53') ? last.id : last.seq}` }];
    }
    return out;
  };

  const findNode = async (req: ApiRequest, id: string): Promise<ComputeNodeRecord> => {
    const mv = mvCheck(req);
    if (mv('2.53') ? !UUID_RE.test(id) : !/^\d+$/.test(id)) {
      if (mv('2.53')) throw invalidUuid(id);
      throw hypervisorNotFound(id);
    }
    return d.hosts.node(id);
  };

  return [
    { method: 'GET', url: '/v2.1/os-hypervisors', handler: (req) => list(req, false) },
    { method: 'GET', url: '/v2.1/os-hypervisors/detail', handler: (req) => list(req, true) },
    {
      method: 'GET', url: '/v2.1/os-hypervisors/statistics',
      handler: async (req) => {
        if (mvCheck(req)('2.88')) throw resourceNotFound();
        req.ctx.authorize(`${H}statistics`, {});
        const stats: Record<string, number> = { count: 0, vcpus_used: 0, local_gb_used: 0, memory_mb: 0, current_workload: 0, vcpus: 0, running_vms: 0, free_disk_gb: 0, disk_available_least: 0, local_gb: 0, free_ram_mb: 0, memory_mb_used: 0 };
        for (const n of await d.hosts.nodes()) {
          const v = await nodeView(d, req, n, true, false) as Record<string, number>;
          stats.count! += 1;
          for (const k of Object.keys(stats)) if (k !== 'count') stats[k]! += Number(v[k] ?? 0);
        }
        return { hypervisor_statistics: stats };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-hypervisors/:id', schema: { params: IdParams },
      handler: async (req) => {
        req.ctx.authorize(`${H}show`, {});
        const mv = mvCheck(req);
        const q = req.query as Record<string, string>;
        const withServers = mv('2.53') && q.with_servers !== undefined ? bool(q.with_servers, 'with_servers') : false;
        return { hypervisor: await nodeView(d, req, await findNode(req, req.params.id), true, withServers) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-hypervisors/:id/uptime', schema: { params: IdParams },
      handler: async (req) => {
        if (mvCheck(req)('2.88')) throw resourceNotFound();
        req.ctx.authorize(`${H}uptime`, {});
        const n = await findNode(req, req.params.id);
        return { hypervisor: { ...(await nodeView(d, req, n, false, false)), uptime: ' 00:00:00 up 1 day, load average: 0.00, 0.00, 0.00' } };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-hypervisors/:id/search', schema: { params: IdParams },
      handler: async (req) => {
        if (mvCheck(req)('2.53')) throw resourceNotFound();
        req.ctx.authorize(`${H}search`, {});
        const nodes = (await d.hosts.nodes()).filter((n) => n.hypervisor_hostname.includes(req.params.id));
        if (!nodes.length) throw noHypervisorMatching(req.params.id);
        return { hypervisors: await Promise.all(nodes.map((n) => nodeView(d, req, n, false, false))) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-hypervisors/:id/servers', schema: { params: IdParams },
      handler: async (req) => {
        if (mvCheck(req)('2.53')) throw resourceNotFound();
        req.ctx.authorize(`${H}servers`, {});
        const nodes = (await d.hosts.nodes()).filter((n) => n.hypervisor_hostname.includes(req.params.id));
        if (!nodes.length) throw noHypervisorMatching(req.params.id);
        return { hypervisors: await Promise.all(nodes.map((n) => nodeView(d, req, n, false, true))) };
      },
    },
    ...serviceRoutes(d),
  ];
}


function serviceRoutes(d: ComputeDomain): RouteSpec[] {
  const view = async (req: ApiRequest, s: ComputeServiceRecord, index: number) => {
    const mv = mvCheck(req);
    const zone = s.binary === 'nova-compute' ? await d.aggregates.hostAz(s.host) : 'internal';
    return {
      id: mv('2.53') ? s.id : index, binary: s.binary, host: s.host, zone, status: s.disabled ? 'disabled' : 'enabled',
      state: s.forced_down ? 'down' : 'up', updated_at: novaTime(s.updated_at), disabled_reason: s.disabled_reason,
      ...(mv('2.11') ? { forced_down: s.forced_down } : {}),
    };
  };
  const all = async () => d.hosts.services({});
  const indexOf = async (s: ComputeServiceRecord) => (await all()).findIndex((x) => x.id === s.id) + 1;
  return [
    {
      method: 'GET', url: '/v2.1/os-services',
      handler: async (req) => {
        req.ctx.authorize(`${SV}list`, {});
        const q = req.query as Record<string, string>;
        const list = await all();
        const out = [];
        for (let i = 0; i < list.length; i++) {
          const s = list[i]!;
          if (q.host && s.host !== q.host) continue;
          if (q.binary && s.binary !== q.binary) continue;
          out.push(await view(req, s, i + 1));
        }
        return { services: out };
      },
    },
    route({
      method: 'PUT', url: '/v2.1/os-services/:id', schema: { params: IdParams, body: ServiceUpdate.loosest },
      handler: async (req) => {
        const mv = mvCheck(req);
        req.ctx.authorize(`${SV}update`, {});
        const body = req.body;
        if (!mv('2.53')) {
          const action = req.params.id;
          if (!['enable', 'disable', 'disable-log-reason', 'force-down'].includes(action)) throw unknownAction();
          ServiceUpdate.check(mv, body);
          const s = await d.hosts.findService(body.host!, body.binary!);
          if (action === 'force-down') {
            if (!mv('2.11')) throw unknownAction();
            const forced = bool(body.forced_down, 'forced_down');
            await d.hosts.updateService(s.id, { forced_down: forced });
            return { service: { host: s.host, binary: s.binary, forced_down: forced } };
          }
          if (action === 'disable-log-reason') {
            if (typeof body.disabled_reason !== 'string' || !body.disabled_reason.trim() || body.disabled_reason.length > 255) throw new BadRequest('The string containing the reason for disabling the service contains invalid characters or is too long.');
            await d.hosts.updateService(s.id, { disabled: true, disabled_reason: body.disabled_reason });
            return { service: { host: s.host, binary: s.binary, status: 'disabled', disabled_reason: body.disabled_reason } };
          }
          await d.hosts.updateService(s.id, { disabled: action === 'disable' });
          return { service: { host: s.host, binary: s.binary, status: action === 'disable' ? 'disabled' : 'enabled' } };
        }
        if (!UUID_RE.test(req.params.id)) throw invalidUuid(req.params.id);
        ServiceUpdate.check(mv, body);
        if (Object.keys(body).length === 0) throw new BadRequest('No updates were requested. Fields \'status\' or \'forced_down\' should be specified.');
        if (body.disabled_reason !== undefined && body.status !== 'disabled') throw disabledReasonWithEnabled();
        const s = await d.hosts.serviceById(req.params.id);
        if (s.binary !== 'nova-compute') throw new BadRequest(`Updating a ${s.binary} service is not supported. Only nova-compute services can be updated.`);
        const updated = await d.hosts.updateService(s.id, {
          ...(body.status !== undefined ? { disabled: body.status === 'disabled', disabled_reason: body.disabled_reason ?? null } : {}),
          ...(body.forced_down !== undefined ? { forced_down: asBool(body.forced_down) } : {}),
        });
        return { service: await view(req, updated, await indexOf(updated)) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/os-services/:id', status: 204, schema: { params: IdParams },
      handler: async (req) => {
        const mv = mvCheck(req);
        req.ctx.authorize(`${SV}delete`, {});
        const list = await all();
        let s: ComputeServiceRecord | undefined;
        if (mv('2.53')) {
          if (!UUID_RE.test(req.params.id)) throw invalidUuid(req.params.id);
          s = list.find((x) => x.id === req.params.id);
        } else {
          if (!/^\d+$/.test(req.params.id)) throw invalidUuid(req.params.id);
          s = list[Number(req.params.id) - 1];
        }
        if (!s) throw serviceNotFound(req.params.id);
        await d.hosts.deleteService(s.id, async (host) => (await d.servers.list({ projectId: null, host, sort: [] })).servers.length > 0);
      },
    },
  ];
}
