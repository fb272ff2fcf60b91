import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { PORT_ATTRS } from '../domain/ports.service.js';
import { networkNotFound, portNotFound } from '../domain/errors.js';
import type { NetworkRecord, PortRecord, TrunkRecord } from '../store/tables.js';
import {
  allowed, applyFilters, authorize, authorizeWithAttrs, hideAttrs, ifMatch, itemsOf, listResponse, networkOf, onNetwork, selectFields, type FieldFacts,
} from './common.js';
import { Id, PortBody, PortsBody } from './schemas.js';
import { portView } from './views.js';

export function portRoutes(d: NetworkDomain): RouteSpec[] {
  const target = onNetwork;
  type Trunks = { byParent: Map<string, TrunkRecord>; macs: Map<string, string> };
  /** The trunks by parent port and the subports' MACs, for trunk_details. */
  const trunks = async (ports?: PortRecord[]): Promise<Trunks> => {
    const all = await d.trunks.list();
    const macs = new Map<string, string>();
    if (ports) for (const p of ports) macs.set(p.id, p.mac_address);
    else for (const t of all) for (const s of t.sub_ports) { const sp = await d.ports.find(s.port_id); if (sp) macs.set(sp.id, sp.mac_address); }
    return { byParent: new Map(all.map((t) => [t.port_id, t])), macs };
  };
  const view = (req: ApiRequest, p: PortRecord, net?: NetworkRecord, f: FieldFacts = {}, tr?: Trunks) => {
    const trunk = tr?.byParent.get(p.id);
    return hideAttrs(req.ctx, 'port', portView(p, trunk && { trunk, macs: tr!.macs }), target({ ...p }, net), { ...f, deviceOwner: p.device_owner });
  };
  const load = async (req: ApiRequest, id: string) => {
    const p = await d.ports.find(id);
    if (!p) throw portNotFound(id);
    const { net, facts } = await networkOf(d, req, p.network_id);
    if (!allowed(req.ctx, 'get_port', target({ ...p }, net), { ...facts, deviceOwner: p.device_owner })) throw portNotFound(id);
    return { p, net, facts };
  };
  return [
    {
      method: 'GET', url: '/v2.0/ports',
      handler: async (req) => {
        const nets = new Map((await d.networks.list()).map((n) => [n.id, n]));
        const views = [];
        const all = await d.ports.list();
        const tr = await trunks(all);
        for (const p of all) {
          const net = nets.get(p.network_id);
          if (allowed(req.ctx, 'get_port', target({ ...p }, net), { deviceOwner: p.device_owner })) views.push(view(req, p, net, {}, tr));
        }
        return listResponse(req, 'ports', applyFilters(views, req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/ports', status: 201, schema: { body: PortsBody },
      handler: async (req) => {
        const { items, bulk } = itemsOf(req.body, 'port', 'ports');
        const caller = callerOf(req.ctx);
        const out = [];
        for (const b of items) {
          const { net, facts } = typeof b.network_id === 'string' ? await networkOf(d, req, b.network_id) : { net: undefined, facts: {} };
          if (net && !allowed(req.ctx, 'get_network', { ...net }, facts)) throw networkNotFound(net.id);
          const t = target({ ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, net);
          authorizeWithAttrs(req.ctx, 'create_port', t, b, PORT_ATTRS, { ...facts, deviceOwner: String(b.device_owner ?? '') });
          out.push(view(req, await d.createPort(caller, b), net, facts));
        }
        return bulk ? { ports: out } : { port: out[0] };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/ports/:id', schema: { params: Id },
      handler: async (req) => { const { p, net, facts } = await load(req, req.params.id); return { port: selectFields(view(req, p, net, facts, await trunks()), req.query) }; },
    }),
    route({
      method: 'PUT', url: '/v2.0/ports/:id', schema: { params: Id, body: PortBody },
      handler: async (req) => {
        const { p, net, facts } = await load(req, req.params.id);
        const body = req.body.port;
        const t = target({ ...p, ...body, project_id: p.project_id }, net);
        authorizeWithAttrs(req.ctx, 'update_port', t, body, PORT_ATTRS, { ...facts, deviceOwner: String(body.device_owner ?? p.device_owner) }, false);
        const updated = await d.ports.update(callerOf(req.ctx), p.id, body, ifMatch(req));
        return { port: view(req, updated, net, facts, await trunks()) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/ports/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const { p, net, facts } = await load(req, req.params.id);
        authorize(req.ctx, 'delete_port', target({ ...p }, net), { ...facts, deviceOwner: p.device_owner });
        await d.ports.delete(p.id, { ifMatch: ifMatch(req) });
      },
    }),
  ];
}
