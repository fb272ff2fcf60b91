// /os-quota-sets, /os-quota-class-sets and /limits.
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { MV } from '../microversions.js';
import { mv, queryStr } from './common.js';
import { QuotaClassSetUpdate, QuotaSetUpdate, quotaNames } from './quotas.schema.js';
import { asBool, asInt } from './schemas.js';
import { invalidProject } from '../domain/errors.js';

/** The quota names a microversion shows (and accepts). */
function resources(req: ApiRequest, forClass = false): string[] {
  return quotaNames((v) => mv(req, v), forClass);
}

const pick = (names: string[], values: Record<string, number>) => Object.fromEntries(names.map((n) => [n, values[n] ?? 0]));

/** The limits of a checked body as numbers. */
function parseValues(body: Record<string, unknown>, extra: string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(body)) if (!extra.includes(k)) out[k] = asInt(v as number | string);
  return out;
}

export function quotaRoutes(d: ComputeDomain): RouteSpec[] {
  const q = d.quotas;
  const userOf = (req: ApiRequest) => queryStr(req.query as Record<string, unknown>, 'user_id') || undefined;

  return [
    {
      method: 'GET', url: '/v2.1/os-quota-sets/:project_id',
      handler: async (req) => {
        const pid = req.params.project_id;
        req.ctx.authorize('os_compute_api:os-quota-sets:show', { project_id: pid });
        return { quota_set: { id: pid, ...pick(resources(req), await q.limits(pid, userOf(req))) } };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-quota-sets/:project_id/defaults',
      handler: async (req) => {
        const pid = req.params.project_id;
        req.ctx.authorize('os_compute_api:os-quota-sets:defaults', { project_id: pid });
        return { quota_set: { id: pid, ...pick(resources(req), await q.defaults()) } };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-quota-sets/:project_id/detail',
      handler: async (req) => {
        const pid = req.params.project_id;
        req.ctx.authorize('os_compute_api:os-quota-sets:detail', { project_id: pid });
        const user = userOf(req);
        const limits = await q.limits(pid, user);
        const used = await q.usage(pid, user ?? req.ctx.userId);
        const out: Record<string, unknown> = { id: pid };
        for (const n of resources(req)) out[n] = { in_use: used[n] ?? 0, limit: limits[n], reserved: 0 };
        return { quota_set: out };
      },
    },
    route({
      method: 'PUT', url: '/v2.1/os-quota-sets/:project_id', schema: { body: QuotaSetUpdate.loosest },
      handler: async (req) => {
        const pid = (req.params as { project_id: string }).project_id;
        req.ctx.authorize('os_compute_api:os-quota-sets:update', { project_id: pid });
        QuotaSetUpdate.check((v) => mv(req, v), req.body);
        const body = req.body.quota_set;
        const values = parseValues(body, ['force']);
        const force = body.force === undefined ? false : asBool(body.force);
        if (!(await d.identity.findProject(pid))) throw invalidProject(pid);
        const limits = await q.update(pid, userOf(req), values, force);
        return { quota_set: pick(resources(req), limits) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/os-quota-sets/:project_id', status: 202,
      handler: async (req) => {
        const pid = req.params.project_id;
        req.ctx.authorize('os_compute_api:os-quota-sets:delete', { project_id: pid });
        await q.reset(pid, userOf(req));
      },
    },
    {
      method: 'GET', url: '/v2.1/os-quota-class-sets/:id',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-quota-class-sets:show', { quota_class: req.params.id });
        return { quota_class_set: { id: req.params.id, ...pick(resources(req, true), await q.classLimits(req.params.id)) } };
      },
    },
    route({
      method: 'PUT', url: '/v2.1/os-quota-class-sets/:id', schema: { body: QuotaClassSetUpdate.loosest },
      handler: async (req) => {
        const id = (req.params as { id: string }).id;
        req.ctx.authorize('os_compute_api:os-quota-class-sets:update', { quota_class: id });
        if (id.length < 1 || id.length > 255) throw new BadRequest('The quota class name is invalid.');
        QuotaClassSetUpdate.check((v) => mv(req, v), req.body);
        const values = parseValues(req.body.quota_class_set);
        return { quota_class_set: pick(resources(req, true), await q.updateClass(id, values)) };
      },
    }),
    {
      method: 'GET', url: '/v2.1/limits',
      handler: async (req) => {
        const own = req.ctx.projectId ?? '';
        const asked = queryStr(req.query as Record<string, unknown>, 'tenant_id');
        req.ctx.authorize('os_compute_api:limits', { project_id: own });
        let pid = own;
        if (asked && asked !== own) {
          req.ctx.authorize('os_compute_api:limits:other_project', { project_id: asked });
          pid = asked;
        }
        const limits = await q.limits(pid);
        const used = await q.usage(pid);
        const absolute: Record<string, number> = {
          maxServerMeta: limits.metadata_items!, maxTotalKeypairs: limits.key_pairs!,
          maxServerGroups: limits.server_groups!, maxServerGroupMembers: limits.server_group_members!,
          maxTotalCores: limits.cores!, maxTotalInstances: limits.instances!, maxTotalRAMSize: limits.ram!,
          totalCoresUsed: used.cores!, totalInstancesUsed: used.instances!, totalRAMUsed: used.ram!, totalServerGroupsUsed: used.server_groups!,
        };
        if (!mv(req, MV.quotaNoInjected)) { absolute.maxPersonality = limits.injected_files!; absolute.maxPersonalitySize = limits.injected_file_content_bytes!; }
        if (!mv(req, MV.limitsNoImageMeta)) absolute.maxImageMeta = limits.metadata_items!;
        if (!mv(req, MV.quotaNoNetwork)) {
          Object.assign(absolute, {
            maxSecurityGroups: limits.security_groups!, maxSecurityGroupRules: limits.security_group_rules!, maxTotalFloatingIps: limits.floating_ips!,
            totalFloatingIpsUsed: 0, totalSecurityGroupsUsed: 0,
          });
        }
        return { limits: { rate: [], absolute } };
      },
    },
  ];
}
