// /v3/{project_id}/attachments (3.27): reserve a volume for a server, connect it with a host's
// connector, mark it complete (3.44), and delete the attachment.
import { Type } from '@sinclair/typebox';
import { BadRequest } from '../../../core/errors/errors.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { isTrue } from '../domain/listing.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import { MV } from '../microversions.js';
import { AnyQuery, caller, IdParams, ProjectParams, requireVersion } from './common.js';
import { ActionBody } from './schemas.js';
import { attachmentView } from './views.js';

const Connector = Type.Record(Type.String(), Type.Unknown());
const AttachmentCreate = Type.Object({
  attachment: Type.Object({
    volume_uuid: Type.String(), instance_uuid: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'] })),
    connector: Type.Optional(Type.Union([Connector, Type.Null()])), mode: Type.Optional(Type.Union([Type.Literal('rw'), Type.Literal('ro')])),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
const AttachmentUpdate = Type.Object({ attachment: Type.Object({ connector: Connector }, { additionalProperties: false }) }, { additionalProperties: false });

export function attachmentRoutes(d: VolumeDomain): RouteSpec[] {
  const gate = (req: ApiRequest, want: string = MV.attachments) => requireVersion(req, want);
  const list = async (req: ApiRequest<unknown, { project_id?: string }, Record<string, string | string[]>>) => {
    gate(req);
    const c = caller(req);
    const all = await d.attachments.list(c, c.isAdmin && isTrue(req.query.all_tenants as string | undefined));
    return { attachments: all.map((a) => ({ id: a.id, status: a.attach_status, instance: a.instance_uuid, volume_id: a.volume_id })) };
  };
  return [
    route({ method: 'GET', url: '/v3/:project_id/attachments', schema: { params: ProjectParams, querystring: AnyQuery }, handler: list }),
    route({
      method: 'GET', url: '/v3/:project_id/attachments/detail', schema: { params: ProjectParams, querystring: AnyQuery },
      handler: async (req) => {
        gate(req);
        const c = caller(req);
        return { attachments: (await d.attachments.list(c, c.isAdmin && isTrue(req.query.all_tenants as string | undefined))).map((a) => attachmentView(a)) };
      },
    }),
    route({
      method: 'GET', url: '/v3/:project_id/attachments/:id', schema: { params: IdParams },
      handler: async (req) => {
        gate(req);
        const a = await d.attachments.get(caller(req), req.params.id);
        const info = a.connector ? await d.attachments.connectionInfo(a.volume_id, a.attach_mode, a.id) : undefined;
        return { attachment: attachmentView(a, info) };
      },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/attachments', status: 200, schema: { params: ProjectParams, body: AttachmentCreate },
      handler: async (req) => {
        gate(req);
        const c = caller(req);
        const b = req.body.attachment;
        const volume = await d.volumes.get(c, b.volume_uuid);
        req.ctx.authorize('volume:attachment_create', { project_id: volume.project_id });
        let a = await d.attachments.reserve(volume, b.instance_uuid ?? null, b.mode ?? (volume.admin_metadata.readonly === 'True' ? 'ro' : 'rw'));
        let info;
        if (b.connector) {
          info = await d.attachments.connect(a, b.connector);
          a = await d.attachments.get(c, a.id);
        }
        return { attachment: attachmentView(a, info) };
      },
    }),
    route({
      method: 'PUT', url: '/v3/:project_id/attachments/:id', schema: { params: IdParams, body: AttachmentUpdate },
      handler: async (req) => {
        gate(req);
        const c = caller(req);
        const a = await d.attachments.get(c, req.params.id);
        req.ctx.authorize('volume:attachment_update', { project_id: a.project_id });
        const info = await d.attachments.connect(a, req.body.attachment.connector);
        return { attachment: attachmentView(await d.attachments.get(c, a.id), info) };
      },
    }),
    route({
      method: 'POST', url: '/v3/:project_id/attachments/:id/action', status: 204, schema: { params: IdParams, body: ActionBody },
      handler: async (req) => {
        gate(req, '3.44');
        const c = caller(req);
        const a = await d.attachments.get(c, req.params.id);
        const name = Object.keys(req.body)[0];
        if (name !== 'os-complete') throw new BadRequest(`There is no such action: ${name}`);
        req.ctx.authorize('volume:attachment_complete', { project_id: a.project_id });
        await d.attachments.complete(a);
        return undefined;
      },
    }),
    route({
      method: 'DELETE', url: '/v3/:project_id/attachments/:id', schema: { params: IdParams },
      handler: async (req) => {
        gate(req);
        const c = caller(req);
        const a = await d.attachments.get(c, req.params.id);
        req.ctx.authorize('volume:attachment_delete', { project_id: a.project_id });
        await d.attachments.remove(a);
        return { attachments: [] };
      },
    }),
  ];
}
