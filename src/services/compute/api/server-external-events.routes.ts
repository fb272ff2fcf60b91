// POST /os-server-external-events (os-server-external-events.inc): events Neutron and Cinder send
// about servers. Each event answers its own code (200 accepted, 404 unknown server, 400 missing
// tag, 422 no host); the response is 207 when any was not accepted.
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { ExternalEvent } from '../domain/servers.service.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { invalidInput as invalid, mvCheck } from './common.js';

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const STATUSES = ['failed', 'completed', 'in-progress'];

export function serverExternalEventRoutes(d: ComputeDomain): RouteSpec[] {
  return [{
    method: 'POST', url: '/v2.1/os-server-external-events',
    handler: async (req) => {
      const mv = mvCheck(req);
      // NOTE: the event names each microversion adds (2.51, 2.76, 2.82).
      const names = ['network-changed', 'network-vif-plugged', 'network-vif-unplugged', 'network-vif-deleted',
        ...(mv('2.51') ? ['volume-extended'] : []), ...(mv('2.76') ? ['power-update'] : []), ...(mv('2.82') ? ['accelerator-request-bound'] : [])];
      const body = req.body as any;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', body, `${JSON.stringify(body)} is not of type 'object'`);
      for (const k of Object.keys(body)) if (k !== 'events') throw invalid('body', body, `Additional properties are not allowed ('${k}' was unexpected)`);
      if (!Array.isArray(body.events)) throw invalid('events', body.events, body.events === undefined ? "'events' is a required property" : "is not of type 'array'");
      if (body.events.length < 1) throw invalid('events', body.events, '[] should be non-empty');
      const events: ExternalEvent[] = body.events.map((e: any) => {
        if (typeof e !== 'object' || e === null || Array.isArray(e)) throw invalid('events', e, "is not of type 'object'");
        for (const k of Object.keys(e)) if (!['name', 'server_uuid', 'status', 'tag'].includes(k)) throw invalid('events', e, `Additional properties are not allowed ('${k}' was unexpected)`);
        if (!names.includes(e.name)) throw invalid('name', e.name, `'${String(e.name)}' is not one of ${JSON.stringify(names)}`);
        if (typeof e.server_uuid !== 'string' || !UUID_RE.test(e.server_uuid)) throw invalid('server_uuid', e.server_uuid, "is not a 'uuid'");
        if (e.status !== undefined && !STATUSES.includes(e.status)) throw invalid('status', e.status, `'${String(e.status)}' is not one of ${JSON.stringify(STATUSES)}`);
        if (e.tag !== undefined && (typeof e.tag !== 'string' || e.tag.length > 255)) throw invalid('tag', e.tag, 'is not valid');
        return { name: e.name, server_uuid: e.server_uuid, ...(e.status !== undefined ? { status: e.status } : {}), ...(e.tag !== undefined ? { tag: e.tag } : {}) };
      });
      req.ctx.authorize('os_compute_api:os-server-external-events:create', {});
      const answered = await d.servers.externalEvents(events);
      if (answered.some((e) => e.code !== 200)) req.reply.code(207);
      return { events: answered };
    },
  }];
}
