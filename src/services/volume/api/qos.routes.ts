// /v3/{project_id}/qos-specs: QoS specs, their keys and their volume type associations.
import { Type } from '@sinclair/typebox';
import { BadRequest } from '../../../core/errors/errors.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { isTrue } from '../domain/listing.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import type { QosSpecsRecord } from '../store/tables.js';
import { AnyQuery, caller, IdParams, links, ProjectParams, VOLUME_PATH } from './common.js';

const Specs = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.String({ maxLength: 255 }));
const QosCreate = Type.Object({ qos_specs: Type.Intersect([Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) }), Specs]) }, { additionalProperties: false });
const QosUpdate = Type.Object({ qos_specs: Specs }, { additionalProperties: false });
const Keys = Type.Object({ keys: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }) }, { additionalProperties: false });

export function qosRoutes(d: VolumeDomain, origin: () => string): RouteSpec[] {
  const view = (q: QosSpecsRecord) => ({ id: q.id, name: q.name, consumer: q.consumer, specs: q.specs });
  const authorize = (req: ApiRequest, rule: string) => { caller(req); req.ctx.authorize(`volume_extension:qos_specs_manage:${rule}`, {}); };
  const typeId = (req: ApiRequest) => {
    const id = (req.query as Record<string, string | undefined>).vol_type_id;
    if (!id) throw new BadRequest('Volume Type id must not be None.');
    return id;
  };
  return [
    route({
      method: 'GET', url: '/v3/:project_id/qos-specs', schema: { params: ProjectParams, querystring: AnyQuery },
      handler: async (req) => { authorize(req, 'get_all'); return { qos_specs: (await d.qos.list()).map(view) }; },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/qos-specs', schema: { params: ProjectParams, body: QosCreate },
      handler: async (req) => {
        authorize(req, 'create');
        const { name, consumer, ...specs } = req.body.qos_specs as Record<string, string>;
        const q = await d.qos.create(name!, consumer, specs);
        return { qos_specs: view(q), links: links(`${origin()}${VOLUME_PATH}`, req.params.project_id, 'qos-specs', q.id) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/qos-specs/:id', schema: { params: IdParams },
      handler: async (req) => {
        authorize(req, 'get');
        const q = await d.qos.get(req.params.id);
        return { qos_specs: view(q), links: links(`${origin()}${VOLUME_PATH}`, req.params.project_id, 'qos-specs', q.id) };
      },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/qos-specs/:id', schema: { params: IdParams, body: QosUpdate },
      handler: async (req) => { authorize(req, 'update'); return { qos_specs: await d.qos.setKeys(req.params.id, req.body.qos_specs) }; },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/qos-specs/:id/delete_keys', status: 202, schema: { params: IdParams, body: Keys },
      handler: async (req) => { authorize(req, 'update'); await d.qos.unsetKeys(req.params.id, req.body.keys); return undefined; },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/qos-specs/:id', status: 202, schema: { params: IdParams, querystring: AnyQuery },
      handler: async (req) => { authorize(req, 'delete'); await d.qos.delete(req.params.id, isTrue(req.query.force as string | undefined)); return undefined; },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/qos-specs/:id/associations', schema: { params: IdParams },
      handler: async (req) => { authorize(req, 'get'); return { qos_associations: await d.qos.associations(req.params.id) }; },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/qos-specs/:id/associate', status: 202, schema: { params: IdParams, querystring: AnyQuery },
      handler: async (req) => { authorize(req, 'update'); await d.qos.associate(req.params.id, typeId(req)); return undefined; },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/qos-specs/:id/disassociate', status: 202, schema: { params: IdParams, querystring: AnyQuery },
      handler: async (req) => { authorize(req, 'update'); await d.qos.disassociate(req.params.id, typeId(req)); return undefined; },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/qos-specs/:id/disassociate_all', status: 202, schema: { params: IdParams },
      handler: async (req) => { authorize(req, 'update'); await d.qos.disassociate(req.params.id); return undefined; },
    }),
  ];
}
