// /os-server-groups: policies (list) before 2.64, policy + rules from 2.64.
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { MV } from '../microversions.js';
import { bool, mv, queryInt, queryStr } from './common.js';
import { ServerGroupCreate } from './server-groups.schema.js';
import { asInt } from './schemas.js';
import { groupView } from './server-groups.view.js';

export function serverGroupRoutes(d: ComputeDomain): RouteSpec[] {
  const sg = d.serverGroups;
  return [
    {
      method: 'GET', url: '/v2.1/os-server-groups',
      handler: async (req) => {
        const pid = req.ctx.projectId ?? '';
        req.ctx.authorize('os_compute_api:os-server-groups:index', { project_id: pid });
        const q = req.query as Record<string, unknown>;
        const allRaw = queryStr(q, 'all_projects');
        let all = false;
        if (allRaw !== undefined) all = allRaw === '' ? true : bool(allRaw, 'all_projects');
        if (all && !req.ctx.can('os_compute_api:os-server-groups:index:all_projects', { project_id: pid })) all = false;
        const groups = await sg.list(all ? null : pid, { limit: queryInt(q, 'limit', 1), offset: queryInt(q, 'offset', 0) });
        return { server_groups: groups.map((g) => groupView(req, g)) };
      },
    },
    route({
      method: 'POST', url: '/v2.1/os-server-groups', schema: { body: ServerGroupCreate.loosest },
      handler: async (req) => {
        const pid = req.ctx.projectId ?? '';
        req.ctx.authorize('os_compute_api:os-server-groups:create', { project_id: pid, user_id: req.ctx.userId });
        ServerGroupCreate.check((v) => mv(req, v), req.body);
        const b = req.body.server_group;
        const v264 = mv(req, MV.serverGroupPolicy);
        const name = b.name;
        let policy: string;
        let rules: { max_server_per_host?: number } | undefined;
        if (v264) {
          policy = b.policy!;
          if (b.rules !== undefined) {
            const r = b.rules;
            if (Object.keys(r).length && policy !== 'anti-affinity') throw new BadRequest('Only anti-affinity policy supports rules.');
            rules = r.max_server_per_host === undefined ? {} : { max_server_per_host: asInt(r.max_server_per_host) };
          }
        } else {
          policy = b.policies![0]!;
        }
        const g = await sg.create({ projectId: pid, userId: req.ctx.userId ?? '', name, policy, rules });
        return { server_group: groupView(req, g) };
      },
    }),
    {
      method: 'GET', url: '/v2.1/os-server-groups/:id',
      handler: async (req) => {
        // NOTE: as Nova, the group is found in any project and the policy target refuses others (403).
        const g = await sg.get(req.params.id);
        req.ctx.authorize('os_compute_api:os-server-groups:show', { project_id: g.project_id });
        return { server_group: groupView(req, g) };
      },
    },
    {
      method: 'DELETE', url: '/v2.1/os-server-groups/:id', status: 204,
      handler: async (req) => {
        const g = await sg.get(req.params.id);
        req.ctx.authorize('os_compute_api:os-server-groups:delete', { project_id: g.project_id });
        await sg.delete(g.id);
      },
    },
  ];
}
