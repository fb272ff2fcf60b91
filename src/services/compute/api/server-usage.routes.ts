// /os-simple-tenant-usage (os-simple-tenant-usage.inc): hours of vCPU, RAM and disk per project.
import { Type } from '@sinclair/typebox';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { statusOf } from '../domain/servers.states.js';
import type { InstanceRecord } from '../store/servers.store.js';
import { trueFalse as bool, mvCheck } from './common.js';
import { pageAfter } from '../../../core/pagination/pagination.js';
import { markerNotFound, resourceNotFound } from '../domain/errors.js';
import { novaTimeOf } from './times.js';

const U = 'os_compute_api:os-simple-tenant-usage:';

function parseTime(v: string | undefined, fallback: Date, field: string): Date {
  if (v === undefined) return fallback;
  const d = new Date(/Z|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(d.getTime())) throw new BadRequest(`Invalid ${field} time. The time should be in the format of %Y-%m-%dT%H:%M:%S or %Y-%m-%dT%H:%M:%S.%f.`);
  return d;
}

function serverUsage(s: InstanceRecord, start: Date, end: Date) {
  const launched = new Date(s.launched_at ?? s.created_at);
  const terminated = s.terminated_at ? new Date(s.terminated_at) : null;
  const from = launched > start ? launched : start;
  const to = terminated && terminated < end ? terminated : end;
  const hours = Math.max(0, (to.getTime() - from.getTime()) / 3600_000);
  const status = statusOf(s.vm_state, s.task_state, s.deleted);
  return {
    instance_id: s.id, name: s.name, hours, memory_mb: s.flavor.ram, local_gb: s.flavor.disk, vcpus: s.flavor.vcpus, tenant_id: s.project_id,
    flavor: s.flavor.name, started_at: novaTimeOf(launched), ended_at: terminated ? novaTimeOf(terminated) : null,
    state: s.deleted ? 'terminated' : status === 'SHUTOFF' ? 'stopped' : s.vm_state,
    uptime: Math.floor(((terminated ?? new Date()).getTime() - launched.getTime()) / 1000),
  };
}

async function usages(d: ComputeDomain, req: ApiRequest, projectId: string | null) {
  const q = req.query as Record<string, string>;
  const now = new Date();
  const start = parseTime(q.start, new Date(now.getTime() - 86400_000), 'start');
  const end = parseTime(q.end, now, 'end');
  if (start > end) throw new BadRequest('Invalid start time. The start time cannot occur after the end time.');
  const mv = mvCheck(req);
  let rows = await d.servers.usage(projectId, start.toISOString(), end.toISOString());
  const limit = mv('2.40') && q.limit !== undefined ? Number(q.limit) : undefined;
  if (mv('2.40')) rows = pageAfter(rows, { marker: q.marker || undefined, limit }, (r) => r.id, markerNotFound);
  const byProject = new Map<string, ReturnType<typeof serverUsage>[]>();
  for (const r of rows) (byProject.get(r.project_id) ?? byProject.set(r.project_id, []).get(r.project_id)!).push(serverUsage(r, start, end));
  const summary = [...byProject.entries()].map(([tenant, list]) => ({
    tenant_id: tenant, start: novaTimeOf(start, q.start), stop: novaTimeOf(end, q.end),
    total_hours: list.reduce((a, u) => a + u.hours, 0),
    total_vcpus_usage: list.reduce((a, u) => a + u.hours * u.vcpus, 0),
    total_memory_mb_usage: list.reduce((a, u) => a + u.hours * u.memory_mb, 0),
    total_local_gb_usage: list.reduce((a, u) => a + u.hours * u.local_gb, 0),
    server_usages: list,
  }));
  return { summary, rows, limit, start, end };
}

export function serverUsageRoutes(d: ComputeDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.1/os-simple-tenant-usage',
      handler: async (req) => {
        // NOTE: '/os-simple-tenant-usage/' is a show with a blank tenant id in Nova's router: 404.
        if (/\/(\?|$)/.test(req.raw.url ?? '')) throw resourceNotFound();
        req.ctx.authorize(`${U}list`, {});
        const q = req.query as Record<string, string>;
        const detailed = q.detailed !== undefined && bool(q.detailed, 'detailed');
        const { summary, rows, limit } = await usages(d, req, null);
        const out: Record<string, unknown> = { tenant_usages: summary.map((s) => (detailed ? s : { ...s, server_usages: undefined })).map((s) => JSON.parse(JSON.stringify(s))) };
        if (limit !== undefined && rows.length === limit && rows.length > 0) {
          out.tenant_usages_links = [{ rel: 'next', href: `${d.computeUrl()}/v2.1/os-simple-tenant-usage?${new URLSearchParams({ ...q, marker: rows[rows.length - 1]!.id }).toString()}` }];
        }
        return out;
      },
    },
    {
      method: 'GET', url: '/v2.1/os-simple-tenant-usage/:tenant_id', schema: { params: Type.Object({ tenant_id: Type.String() }) },
      handler: async (req) => {
        req.ctx.authorize(`${U}show`, { project_id: req.params.tenant_id });
        const { summary, rows, limit } = await usages(d, req, req.params.tenant_id);
        const out: Record<string, unknown> = { tenant_usage: summary[0] ?? {} };
        if (limit !== undefined && rows.length === limit && rows.length > 0) {
          out.tenant_usage_links = [{ rel: 'next', href: `${d.computeUrl()}/v2.1/os-simple-tenant-usage/${req.params.tenant_id}?limit=${limit}&marker=${rows[rows.length - 1]!.id}` }];
        }
        return out;
      },
    },
  ];
}
