// /v2.0/trunks (trunk, trunk-details): trunks and their subports.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { portNotFound, trunkNotFound } from '../domain/errors.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { TRUNK_ATTRS } from '../domain/trunks.service.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, ifMatch, listResponse, networkOf, onNetwork, selectFields } from './common.js';
import { Id, SubportsBody, TrunkBody } from './schemas.js';
import { trunkView } from './views.js';

export function trunkRoutes(d: NetworkDomain): RouteSpec[] {
  const load = async (req: ApiRequest, id: string) => {
    const t = await d.trunks.get(id).catch(() => undefined);
    if (!t || !allowed(req.ctx, 'get_trunk', { ...t })) throw trunkNotFound(id);
    return t;
  };
  return [
    {
      method: 'GET', url: '/v2.0/trunks',
      handler: async (req) => {
        const visible = (await d.trunks.list()).filter((t) => allowed(req.ctx, 'get_trunk', { ...t }));
        return listResponse(req, 'trunks', applyFilters(visible.map(trunkView), req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/trunks', status: 201, schema: { body: TrunkBody },
      handler: async (req) => {
        const b = req.body.trunk;
        const caller = callerOf(req.ctx);
        // NOTE: the parent port must be one the caller sees (PortNotFound otherwise), as Neutron's get_port.
        if (typeof b.port_id === 'string') {
          const p = await d.ports.find(b.port_id);
          const { net, facts } = p ? await networkOf(d, req, p.network_id) : { net: undefined, facts: {} };
          if (!p || !allowed(req.ctx, 'get_port', onNetwork({ ...p }, net), { ...facts, deviceOwner: p.device_owner })) throw portNotFound(b.port_id);
        }
        authorizeWithAttrs(req.ctx, 'create_trunk', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, b, TRUNK_ATTRS);
        return { trunk: trunkView(await d.trunks.create(caller, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/trunks/:id', schema: { params: Id },
      handler: async (req) => ({ trunk: selectFields(trunkView(await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/trunks/:id', schema: { params: Id, body: TrunkBody },
      handler: async (req) => {
        const t = await load(req, req.params.id);
        const b = req.body.trunk;
        authorizeWithAttrs(req.ctx, 'update_trunk', { ...t }, b, TRUNK_ATTRS, {}, false);
        return { trunk: trunkView(await d.trunks.update(t.id, b, ifMatch(req))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/trunks/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const t = await load(req, req.params.id);
        authorize(req.ctx, 'delete_trunk', { ...t });
        await d.trunks.delete(t.id, ifMatch(req));
      },
    }),
    route({
      method: 'PUT', url: '/v2.0/trunks/:id/add_subports', schema: { params: Id, body: SubportsBody },
      handler: async (req) => {
        const t = await load(req, req.params.id);
        authorize(req.ctx, 'add_subports', { ...t });
        return trunkView(await d.trunks.addSubports(t.id, req.body.sub_ports));
      },
    }),
    route({
      method: 'PUT', url: '/v2.0/trunks/:id/remove_subports', schema: { params: Id, body: SubportsBody },
      handler: async (req) => {
        const t = await load(req, req.params.id);
        authorize(req.ctx, 'remove_subports', { ...t });
        return trunkView(await d.trunks.removeSubports(t.id, req.body.sub_ports));
      },
    }),
    route({
      method: 'GET', url: '/v2.0/trunks/:id/get_subports', schema: { params: Id },
      handler: async (req) => {
        const t = await load(req, req.params.id);
        authorize(req.ctx, 'get_subports', { ...t });
        return { sub_ports: t.sub_ports };
      },
    }),
  ];
}
