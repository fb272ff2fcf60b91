// /servers/{id}/os-instance-actions (os-instance-actions.inc).
import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../core/auth/caller.js';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import type { ActionRecord } from '../store/servers.store.js';
import { mvCheck } from './common.js';
import { novaTime } from './times.js';
import { pageAfter } from '../../../core/pagination/pagination.js';
import { invalidLimit, markerCouldNotBeFound } from '../domain/errors.js';

const A = 'os_compute_api:os-instance-actions:';
const Params = Type.Object({ server_id: Type.String() });
const ShowParams = Type.Object({ server_id: Type.String(), request_id: Type.String() });

export function instanceActionRoutes(d: ComputeDomain): RouteSpec[] {
  const view = (a: ActionRecord, mv: (v: string) => boolean) => ({
    action: a.action, instance_uuid: a.instance_uuid, message: a.message, project_id: a.project_id, request_id: a.request_id,
    start_time: novaTime(a.start_time), user_id: a.user_id, ...(mv('2.58') ? { updated_at: novaTime(a.updated_at) } : {}),
  });
  return [
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-instance-actions', schema: { params: Params },
      handler: async (req) => {
        const mv = mvCheck(req);
        const s = await d.servers.get(req.params.server_id, callerOf(req.ctx), { allowDeleted: true });
        req.ctx.authorize(`${A}list`, { project_id: s.project_id });
        const q = req.query as Record<string, string>;
        let actions = await d.instanceActions.list(s.id, mv('2.58') ? { changesSince: q['changes-since'], changesBefore: mv('2.66') ? q['changes-before'] : undefined } : {});
        if (mv('2.58')) {
          actions = pageAfter(actions, { marker: q.marker || undefined }, (a) => a.request_id, markerCouldNotBeFound);
          if (q.limit !== undefined) {
            if (!/^\d+$/.test(q.limit)) throw invalidLimit(q.limit);
            actions = actions.slice(0, Number(q.limit));
          }
        }
        return { instanceActions: actions.map((a) => view(a, mv)) };
      },
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-instance-actions/:request_id', schema: { params: ShowParams },
      handler: async (req) => {
        const mv = mvCheck(req);
        const s = await d.servers.get(req.params.server_id, callerOf(req.ctx), { allowDeleted: true });
        req.ctx.authorize(`${A}show`, { project_id: s.project_id });
        const a = await d.instanceActions.get(s.id, req.params.request_id);
        const out: Record<string, unknown> = view(a, mv);
        const canEvents = req.ctx.can(`${A}events`, { project_id: s.project_id });
        if (canEvents || mv('2.51')) {
          const details = req.ctx.can(`${A}events:details`, { project_id: s.project_id });
          out.events = (await d.instanceActions.events(a)).map((e) => ({
            event: e.event, start_time: novaTime(e.start_time), finish_time: novaTime(e.finish_time), result: e.result,
            ...(canEvents ? { traceback: e.traceback } : {}),
            ...(mv('2.62') ? { hostId: e.host ? createHash('sha224').update(`${s.project_id}${e.host}`).digest('hex') : '', ...(details ? { host: e.host ?? '' } : {}) } : {}),
            ...(mv('2.84') && details ? { details: e.details } : {}),
          }));
        }
        return { instanceAction: out };
      },
    },
  ];
}
