// /os-server-groups: policies (list) before 2.64, policy + rules from 2.64.
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import type { ServerGroup } from '../domain/server-groups.service.js';
import { MV } from '../microversions.js';
import { bool, intParam, invalidInput, mv, queryInt, queryStr, requireObject } from './common.js';

function groupView(req: ApiRequest, g: ServerGroup) {
  const out: Record<string, unknown> = { id: g.id, name: g.name };
  if (mv(req, MV.serverGroupPolicy)) { out.policy = g.policy; out.rules = g.rules; } else out.policies = [g.policy];
  out.members = g.members;
  if (!mv(req, MV.serverGroupPolicy)) out.metadata = {};
  if (mv(req, '2.13')) { out.project_id = g.project_id; out.user_id = g.user_id; }
  return out;
}

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
    {
      method: 'POST', url: '/v2.1/os-server-groups',
      handler: async (req) => {
        const pid = req.ctx.projectId ?? '';
        req.ctx.authorize('os_compute_api:os-server-groups:create', { project_id: pid, user_id: req.ctx.userId });
        const b = requireObject(req.body, 'server_group');
        const v264 = mv(req, MV.serverGroupPolicy);
        const allowed = v264 ? ['name', 'policy', 'rules'] : ['name', 'policies'];
        for (const k of Object.keys(b)) if (!allowed.includes(k)) throw new BadRequest(`Invalid input for field/attribute server_group. Value: ${JSON.stringify(b)}. Additional properties are not allowed ('${k}' was unexpected)`);
        const required = v264 ? ['name', 'policy'] : ['name', 'policies'];
        for (const k of required) if (b[k] === undefined) throw new BadRequest(`Invalid input for field/attribute server_group. Value: ${JSON.stringify(b)}. '${k}' is a required property`);
        const name = b.name;
        if (typeof name !== 'string' || name.length < 1 || name.length > 255 || name.trim() !== name) throw invalidInput('name', name, `${JSON.stringify(name)} is not a valid name`);
        const known = mv(req, '2.15') ? ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'] : ['anti-affinity', 'affinity'];
        let policy: string;
        let rules: { max_server_per_host?: number } | undefined;
        if (v264) {
          if (typeof b.policy !== 'string' || !known.includes(b.policy)) throw invalidInput('policy', b.policy, `'${String(b.policy)}' is not one of ${JSON.stringify(known)}`);
          policy = b.policy;
          if (b.rules !== undefined) {
            const r = requireObject(b, 'rules');
            for (const k of Object.keys(r)) if (k !== 'max_server_per_host') throw new BadRequest(`Invalid input for field/attribute rules. Value: ${JSON.stringify(r)}. Additional properties are not allowed ('${k}' was unexpected)`);
            if (Object.keys(r).length && policy !== 'anti-affinity') throw new BadRequest('Only anti-affinity policy supports rules.');
            rules = r.max_server_per_host === undefined ? {} : { max_server_per_host: intParam(r.max_server_per_host, 'max_server_per_host', 1) };
          }
        } else {
          const ps = b.policies;
          if (!Array.isArray(ps) || ps.length !== 1) throw invalidInput('policies', ps, `${JSON.stringify(ps)} is not valid under any of the given schemas`);
          if (typeof ps[0] !== 'string' || !known.includes(ps[0])) throw invalidInput('policies', ps, `'${String(ps[0])}' is not one of ${JSON.stringify(known)}`);
          policy = ps[0];
        }
        const g = await sg.create({ projectId: pid, userId: req.ctx.userId ?? '', name, policy, rules });
        return { server_group: groupView(req, g) };
      },
    },
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
