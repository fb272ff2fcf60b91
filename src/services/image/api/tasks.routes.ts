// /v2/tasks: Glance's (deprecated) tasks API (glance/api/v2/tasks.py): every route first checks
// tasks_api_access (admin by default), then the task's own rule; views as its ResponseSerializer.
import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import { callerOf } from '../../../core/auth/caller.js';
import type { ImageDomain } from '../domain/image-domain.js';
import { authorize } from './common.js';
import { taskStubView, taskView } from './views.js';

const Id = Type.Object({ id: Type.String() });
/** Glance's CONF.limit_param_default and api_limit_max. */
const LIMIT_DEFAULT = 25;
const LIMIT_MAX = 1000;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return LIMIT_DEFAULT;
  if (!/^\s*[-+]?\d+\s*$/.test(raw)) throw new BadRequest('limit param must be an integer');
  const n = Number(raw);
  if (n < 0) throw new BadRequest('limit param must be positive');
  return Math.min(LIMIT_MAX, n);
}

export function taskRoutes(d: ImageDomain, runLater: (work: () => Promise<void>) => void): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2/tasks',
      handler: async (req: ApiRequest) => {
        authorize(req.ctx, 'tasks_api_access', {});
        const q = { ...(req.query as Record<string, string>) };
        const sortDir = q.sort_dir ?? 'desc';
        if (!['asc', 'desc'].includes(sortDir)) throw new BadRequest(`Invalid sort direction: ${sortDir}`);
        if (q.marker !== undefined && !UUID.test(q.marker)) throw new BadRequest('Invalid marker format');
        const limit = limitOf(q.limit);
        authorize(req.ctx, 'get_tasks', {});
        const page = await d.tasks.list(callerOf(req.ctx), { status: q.status || undefined, type: q.type || undefined, sortKey: q.sort_key ?? 'created_at', sortDir, marker: q.marker, limit });
        // NOTE: first and next carry the request's own parameters, as Glance's serializer does.
        const params = new URLSearchParams(q);
        params.delete('marker');
        const query = params.toString();
        const body: Record<string, unknown> = { tasks: page.tasks.map(taskStubView), first: query ? `/v2/tasks?${query}` : '/v2/tasks', schema: '/v2/schemas/tasks' };
        if (page.nextMarker) { params.set('marker', page.nextMarker); body.next = `/v2/tasks?${params.toString()}`; }
        return body;
      },
    },
    {
      method: 'GET', url: '/v2/tasks/:id', schema: { params: Id },
      handler: async (req) => {
        authorize(req.ctx, 'tasks_api_access', {});
        const task = await d.tasks.get(callerOf(req.ctx), req.params.id);
        authorize(req.ctx, 'get_task', {});
        return taskView(task);
      },
    },
    route({
      method: 'POST', url: '/v2/tasks', status: 201, schema: { body: Type.Unknown() },
      handler: async (req) => {
        authorize(req.ctx, 'tasks_api_access', {});
        authorize(req.ctx, 'add_task', {});
        const { task, work } = await d.tasks.create(callerOf(req.ctx), req.body, req.raw.id);
        runLater(work);
        req.reply.header('Location', `/v2/tasks/${task.id}`);
        return taskView(task);
      },
    }),
  ];
}
