// /v3/{project_id}/types: volume types, their extra specs and project access.
import { BadRequest, NotFound } from '../../../core/errors/errors.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { Type } from '@sinclair/typebox';
import type { VolumeTypeRecord } from '../store/tables.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import { AnyQuery, caller, IdParams, KeyParams, ProjectParams } from './common.js';
import { actionArgs, ActionBody, boolOf, ExtraSpecItem, ExtraSpecs, TypeCreate, TypeUpdate } from './schemas.js';
import { encryptionView, typeView } from './views.js';

const EncryptionBody = Type.Object({
  encryption: Type.Object({
    provider: Type.Optional(Type.String({ minLength: 0, maxLength: 255 })),
    control_location: Type.Optional(Type.Union([Type.Literal('front-end'), Type.Literal('back-end')])),
    cipher: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 255 })),
    key_size: Type.Optional(Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: 0 })),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

const specString = (v: unknown) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));

export function typeRoutes(d: VolumeDomain): RouteSpec[] {
  const view = (req: ApiRequest, t: VolumeTypeRecord, qos = true) => {
    const c = caller(req);
    const specs = req.ctx.can('volume_extension:access_types_extra_specs', { project_id: c.projectId }) ? t.extra_specs : d.types.visibleSpecs(c, t);
    return typeView(t, specs, qos && req.ctx.can('volume_extension:access_types_qos_specs_id', { project_id: c.projectId }));
  };
  return [
    route({
      method: 'GET', url: '/v3/:project_id/types', schema: { params: ProjectParams, querystring: AnyQuery },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:type_get_all', { project_id: c.projectId });
        const raw = (req.query.is_public as string | undefined)?.toLowerCase();
        const isPublic = raw === undefined ? true : raw === 'none' || raw === 'all' ? undefined : boolOf(raw);
        return { volume_types: (await d.types.list(c, isPublic)).map((t) => view(req, t)) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/types/default', schema: { params: ProjectParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:type_get', { project_id: c.projectId });
        return { volume_type: view(req, await d.types.defaultType()) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/types/:id', schema: { params: IdParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:type_get', { project_id: c.projectId });
        return { volume_type: view(req, await d.types.get(c, req.params.id)) };
      },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/types', schema: { params: ProjectParams, body: TypeCreate },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:type_create', { project_id: c.projectId });
        const b = req.body.volume_type;
        const isPublic = b['os-volume-type-access:is_public'];
        const t = await d.types.create({
          name: b.name, description: b.description, is_public: isPublic === undefined ? true : boolOf(isPublic),
          extra_specs: b.extra_specs ? Object.fromEntries(Object.entries(b.extra_specs).map(([k, v]) => [k, specString(v)])) : undefined,
        });
        return { volume_type: view(req, t, false) };
      },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/types/:id', schema: { params: IdParams, body: TypeUpdate },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:type_update', { project_id: c.projectId });
        const b = req.body.volume_type;
        if (b.name === undefined && b.description === undefined && b.is_public === undefined) {
          throw new BadRequest('Specify volume type name, description, is_public or a combination thereof.');
        }
        if (b.name === null || (typeof b.name === 'string' && b.name.trim() === '')) throw new BadRequest('Invalid input received: The value of name can not be empty or null.');
        const t = await d.types.update(c, req.params.id, { name: b.name ?? undefined, description: b.description, is_public: b.is_public === undefined ? undefined : boolOf(b.is_public) });
        // NOTE: as Cinder's update: the type without the access extension's attribute.
        const { 'os-volume-type-access:is_public': _access, ...shown } = view(req, t, false);
        return { volume_type: shown };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/types/:id', status: 202, schema: { params: IdParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:type_delete', { project_id: c.projectId });
        await d.types.delete(c, req.params.id);
        return undefined;
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/types/:id/extra_specs', schema: { params: IdParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:types_extra_specs:index', { project_id: c.projectId });
        const t = await d.types.get(c, req.params.id);
        return { extra_specs: req.ctx.can('volume_extension:types_extra_specs:read_sensitive', { project_id: c.projectId }) ? t.extra_specs : d.types.visibleSpecs(c, t) };
      },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/types/:id/extra_specs', schema: { params: IdParams, body: ExtraSpecs },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:types_extra_specs:create', { project_id: c.projectId });
        const specs = Object.fromEntries(Object.entries(req.body.extra_specs).map(([k, v]) => [k, specString(v)]));
        return { extra_specs: await d.types.setSpecs(c, req.params.id, specs) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/types/:id/extra_specs/:key', schema: { params: KeyParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:types_extra_specs:show', { project_id: c.projectId });
        return { [req.params.key]: await d.types.spec(c, req.params.id, req.params.key) };
      },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/types/:id/extra_specs/:key', schema: { params: KeyParams, body: ExtraSpecItem },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:types_extra_specs:update', { project_id: c.projectId });
        if (!(req.params.key in req.body)) throw new BadRequest('Request body and URI mismatch');
        const specs = Object.fromEntries(Object.entries(req.body).map(([k, v]) => [k, specString(v)]));
        await d.types.setSpecs(c, req.params.id, specs);
        return specs;
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/types/:id/extra_specs/:key', status: 202, schema: { params: KeyParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:types_extra_specs:delete', { project_id: c.projectId });
        await d.types.deleteSpec(c, req.params.id, req.params.key);
        return undefined;
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/types/:id/encryption', schema: { params: IdParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:volume_type_encryption:get', { project_id: c.projectId });
        const t = await d.types.get(c, req.params.id);
        return t.encryption ? encryptionView(t.id, t.encryption) : {};
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/types/:id/encryption/:key', schema: { params: KeyParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:volume_type_encryption:get', { project_id: c.projectId });
        const t = await d.types.get(c, req.params.id);
        const view = t.encryption ? encryptionView(t.id, t.encryption) as Record<string, unknown> : {};
        if (!(req.params.key in view)) throw new NotFound(`Volume type encryption for type ${t.id} does not exist.`);
        return { [req.params.key]: view[req.params.key] };
      },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/types/:id/encryption', schema: { params: IdParams, body: EncryptionBody },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:volume_type_encryption:create', { project_id: c.projectId });
        const e = await d.types.setEncryption(c, req.params.id, req.body.encryption, true);
        const { created_at: _c, updated_at: _u, deleted: _d, deleted_at: _da, ...made } = encryptionView(req.params.id, e);
        return { encryption: made };
      },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/types/:id/encryption/:key', schema: { params: KeyParams, body: EncryptionBody },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:volume_type_encryption:update', { project_id: c.projectId });
        await d.types.setEncryption(c, req.params.id, req.body.encryption, false);
        return { encryption: req.body.encryption };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/types/:id/encryption/:key', status: 202, schema: { params: KeyParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:volume_type_encryption:delete', { project_id: c.projectId });
        await d.types.deleteEncryption(c, req.params.id);
        return undefined;
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/types/:id/os-volume-type-access', schema: { params: IdParams },
      handler: async (req) => {
        const c = caller(req);
        req.ctx.authorize('volume_extension:volume_type_access:get_all_for_type', { project_id: c.projectId });
        return { volume_type_access: await d.types.access(c, req.params.id) };
      },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/types/:id/action', status: 202, schema: { params: IdParams, body: ActionBody },
      handler: async (req) => {
        const c = caller(req);
        const [name, args] = Object.entries(req.body)[0]!;
        if (name !== 'addProjectAccess' && name !== 'removeProjectAccess') throw new BadRequest(`There is no such action: ${name}`);
        const a = actionArgs(name, args, { project: 'string' }, ['project']);
        req.ctx.authorize(`volume_extension:volume_type_access:${name}`, { project_id: c.projectId });
        if (name === 'addProjectAccess') await d.types.addAccess(c, req.params.id, a.project as string);
        else await d.types.removeAccess(c, req.params.id, a.project as string);
        return undefined;
      },
    }),
  ];
}
