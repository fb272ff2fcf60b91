// POST /os-server-external-events (os-server-external-events.inc): events Neutron and Cinder send
// about servers. Each event answers its own code (200 accepted, 404 unknown server, 400 missing
// tag, 422 no host); the response is 207 when any was not accepted.
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { ExternalEvent } from '../domain/servers.service.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { ExternalEventsCreate } from './server-external-events.schema.js';
import { mvCheck } from './common.js';

export function serverExternalEventRoutes(d: ComputeDomain): RouteSpec[] {
  return [route({
    method: 'POST', url: '/v2.1/os-server-external-events', schema: { body: ExternalEventsCreate.loosest },
    handler: async (req) => {
      ExternalEventsCreate.check(mvCheck(req), req.body);
      const events: ExternalEvent[] = req.body.events.map((e) => {
        return { name: e.name, server_uuid: e.server_uuid, ...(e.status !== undefined ? { status: e.status } : {}), ...(e.tag !== undefined ? { tag: e.tag } : {}) };
      });
      req.ctx.authorize('os_compute_api:os-server-external-events:create', {});
      const answered = await d.servers.externalEvents(events);
      if (answered.some((e) => e.code !== 200)) req.reply.code(207);
      return { events: answered };
    },
  })];
}
