// /v2/images/{id}/members: the owner shares a shared image; each member sets its own status.
import { Type } from '@sinclair/typebox';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest, Forbidden } from '../../../core/errors/errors.js';
import type { ImageDomain } from '../domain/image-domain.js';
import { authorize, loadImage } from './common.js';
import { memberView } from './views.js';

const Id = Type.Object({ id: Type.String() });
const IdMember = Type.Object({ id: Type.String(), member: Type.String() });

export function memberRoutes(d: ImageDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2/images/:id/members', schema: { params: Id },
      handler: async (req) => {
        const { image, target, caller } = await loadImage(d, req.ctx, req.params.id);
        authorize(req.ctx, 'get_members', target);
        const members = await d.members.list(caller, image);
        return { members: members.map(memberView), schema: '/v2/schemas/members' };
      },
    },
    {
      method: 'POST', url: '/v2/images/:id/members', schema: { params: Id },
      handler: async (req) => {
        const body = req.body as Record<string, unknown> | undefined;
        if (body === undefined) throw new BadRequest('Body expected in request.');
        if (!body || typeof body !== 'object' || !('member' in body)) throw new BadRequest('Member to be added not specified');
        if (body.member === '' || body.member === null) throw new BadRequest("Member can't be empty");
        if (typeof body.member !== 'string') throw new BadRequest('Expected a member in the form: {"member": "image_id"}');
        const { image, target } = await loadImage(d, req.ctx, req.params.id);
        try { authorize(req.ctx, 'add_member', target); } catch { throw new Forbidden(`Not allowed to create members for image ${image.id}.`); }
        return memberView(await d.members.create(image, body.member));
      },
    },
    {
      method: 'GET', url: '/v2/images/:id/members/:member', schema: { params: IdMember },
      handler: async (req) => {
        const { image, target, caller } = await loadImage(d, req.ctx, req.params.id);
        const member = await d.members.get(caller, image, req.params.member);
        authorize(req.ctx, 'get_member', target);
        return memberView(member);
      },
    },
    {
      method: 'PUT', url: '/v2/images/:id/members/:member', schema: { params: IdMember },
      handler: async (req) => {
        const body = req.body as Record<string, unknown> | undefined;
        if (body === undefined) throw new BadRequest('Body expected in request.');
        if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('Expected a status in the form: {"status": "status"}');
        if (!('status' in body)) throw new BadRequest('Status not specified');
        const { image, target, caller } = await loadImage(d, req.ctx, req.params.id);
        await d.members.get(caller, image, req.params.member);
        try { authorize(req.ctx, 'modify_member', { ...target, member_id: req.params.member }); } catch {
          throw new Forbidden(`Not allowed to update members for image ${image.id}.`);
        }
        return memberView(await d.members.update(caller, image, req.params.member, body.status));
      },
    },
    {
      method: 'DELETE', url: '/v2/images/:id/members/:member', status: 204, schema: { params: IdMember },
      handler: async (req) => {
        const { image, target, caller } = await loadImage(d, req.ctx, req.params.id);
        await d.members.get(caller, image, req.params.member);
        try { authorize(req.ctx, 'delete_member', target); } catch { throw new Forbidden(`Not allowed to delete members for image ${image.id}.`); }
        await d.members.delete(caller, image, req.params.member);
      },
    },
  ];
}
