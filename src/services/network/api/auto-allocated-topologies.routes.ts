// /v2.0/auto-allocated-topology/{project_id} (auto-allocated-topology): get (or make) the project's
// network, ?fields=dry-run to check the requirements only; delete tears the topology down.
import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { AutoAllocatedTopologiesService } from '../domain/auto-allocated-topologies.service.js';
import { badRequest } from '../domain/errors.js';
import { authorize } from './common.js';
import { topologyView } from './views.js';

const Params = Type.Object({ project_id: Type.String() });

export function autoAllocatedTopologyRoutes(topologies: AutoAllocatedTopologiesService): RouteSpec[] {
  return [
    route({
      method: 'GET', url: '/v2.0/auto-allocated-topology/:project_id', schema: { params: Params },
      handler: async (req) => {
        const projectId = req.params.project_id;
        authorize(req.ctx, 'get_auto_allocated_topology', { project_id: projectId, tenant_id: projectId });
        const raw = (req.query as Record<string, unknown>).fields;
        const fields = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String);
        if (fields.includes('dry-run')) {
          await topologies.requirements();
          return { auto_allocated_topology: topologyView('dry-run=pass', projectId) };
        }
        if (fields.length) throw badRequest('Bad auto_allocate request: Unrecognized field.', 'BadRequest');
        return { auto_allocated_topology: topologyView(await topologies.get(projectId), projectId) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/auto-allocated-topology/:project_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const projectId = req.params.project_id;
        authorize(req.ctx, 'delete_auto_allocated_topology', { project_id: projectId, tenant_id: projectId });
        await topologies.delete(projectId);
      },
    }),
  ];
}
