// /servers/{id}/os-volume_attachments (os-volume-attachments.inc): a server's volumes, attach,
// update (delete_on_termination, 2.85) and detach.
import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../core/auth/caller.js';
import { BadRequest } from '../../../core/errors/errors.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import type { VolumeAttachmentsService } from '../domain/volume-attachments.service.js';
import { mvCheck } from './common.js';
import { asBool } from './schemas.js';
import { VolumeAttachmentUpdate } from './volume-attachments.schema.js';
import { loadServer } from './servers.routes.js';
import { attachmentView } from './volume-attachments.view.js';

const P = 'os_compute_api:os-volumes-attachments';
const Params = Type.Object({ server_id: Type.String() });
const VolumeParams = Type.Object({ server_id: Type.String(), volume_id: Type.String() });
const UUID = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';
const Attach = Type.Object({
  volumeAttachment: Type.Object({
    volumeId: Type.String({ pattern: UUID }),
    device: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], pattern: '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$' })),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 60, pattern: '^[^,/]*$' })),
    delete_on_termination: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export function volumeAttachmentRoutes(volumes: VolumeAttachmentsService, d: ComputeDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-volume_attachments', schema: { params: Params },
      handler: async (req) => {
        const s = await loadServer(d, req, `${P}:index`);
        return { volumeAttachments: volumes.list(s).map((b) => attachmentView(req, s.id, b)) };
      },
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-volume_attachments/:volume_id', schema: { params: VolumeParams },
      handler: async (req) => {
        const s = await loadServer(d, req, `${P}:show`);
        return { volumeAttachment: attachmentView(req, s.id, volumes.show(s, req.params.volume_id)) };
      },
    },
    route({
      method: 'POST', url: '/v2.1/servers/:server_id/os-volume_attachments', schema: { params: Params, body: Attach },
      handler: async (req) => {
        const mv = mvCheck(req);
        const a = req.body.volumeAttachment;
        if (a.tag !== undefined && !mv('2.49')) throw new BadRequest("Invalid input for field/attribute volumeAttachment. Value: " + JSON.stringify(a) + ". Additional properties are not allowed ('tag' was unexpected)");
        if (a.delete_on_termination !== undefined && !mv('2.79')) throw new BadRequest("Invalid input for field/attribute volumeAttachment. Value: " + JSON.stringify(a) + ". Additional properties are not allowed ('delete_on_termination' was unexpected)");
        const s = await loadServer(d, req, `${P}:create`);
        const b = await volumes.attach(s, callerOf(req.ctx), { volumeId: a.volumeId, device: a.device, tag: a.tag, deleteOnTermination: a.delete_on_termination, supportsMultiattach: mv('2.60') });
        return { volumeAttachment: attachmentView(req, s.id, b) };
      },
    }),
    route({
      method: 'PUT', url: '/v2.1/servers/:server_id/os-volume_attachments/:volume_id', status: 202, schema: { params: VolumeParams, body: VolumeAttachmentUpdate.loosest },
      handler: async (req) => {
        const mv = mvCheck(req);
        VolumeAttachmentUpdate.check(mv, req.body);
        const a = req.body.volumeAttachment;
        const regular = mv('2.85');
        const caller = callerOf(req.ctx);
        const s = await d.servers.get(req.params.server_id, caller);
        // NOTE: as Nova: a swap (another volumeId, or any PUT before 2.85) is checked with an empty
        // target (Cinder calls it for volumes of any project); an update with the server's.
        if (!regular || a.volumeId !== req.params.volume_id) req.ctx.authorize(`${P}:swap`, {});
        else req.ctx.authorize(`${P}:update`, { project_id: s.project_id, user_id: s.user_id });
        await volumes.update(s, caller, req.params.volume_id, {
          volumeId: a.volumeId, regular, id: a.id, serverId: a.serverId, device: a.device, tag: a.tag,
          deleteOnTermination: a.delete_on_termination === undefined ? undefined : asBool(a.delete_on_termination),
        });
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id/os-volume_attachments/:volume_id', status: 202, schema: { params: VolumeParams },
      handler: async (req) => {
        const s = await loadServer(d, req, `${P}:delete`);
        await volumes.detach(s, callerOf(req.ctx), req.params.volume_id);
      },
    },
  ];
}
