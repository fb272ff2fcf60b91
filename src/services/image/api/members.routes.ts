// /v2/images/{id}/members: the owner shares a shared image; each member sets its own status.
import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import { Forbidden } from '../../../core/errors/errors.js';
import type { ImageDomain } from '../domain/image-domain.js';
import { authorize, loadImage } from './common.js';
import { memberView } from './views.js';

const Id = Type.Object({ id: Type.String() });
const IdMember = Type.Object({ id: Type.String(), member: Type.String() });
/** `{"member": "<project id>"}` (Glance's deserializer allows other members). */
const NewMember = Type.Object({ member: Type.String({ minLength: 1 }) });
/** `{"status": ...}`; the domain checks the value (pending, accepted, rejected). */
const MemberStatus = Type.Object({ status: Type.Unknown() });

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
    route({
      method: 'POST', url: '/v2/images/:id/members', schema: { params: Id, body: NewMember },
      handler: async (req) => {
        const { image, target } = await loadImage(d, req.ctx, req.params.id);
        try { authorize(req.ctx, 'add_member', target); } catch { throw new Forbidden(`Not allowed to create members for image ${image.id}.`); }
        return memberView(await d.members.create(image, req.body.member));
      },
    }),
    {
      method: 'GET', url: '/v2/images/:id/members/:member', schema: { params: IdMember },
      handler: async (req) => {
        const { image, target, caller } = await loadImage(d, req.ctx, req.params.id);
        const member = await d.members.get(caller, image, req.params.member);
        authorize(req.ctx, 'get_member', target);
        return memberView(member);
      },
    },
    route({
      method: 'PUT', url: '/v2/images/:id/members/:member', schema: { params: IdMember, body: MemberStatus },
      handler: async (req) => {
        const { image, target, caller } = await loadImage(d, req.ctx, req.params.id);
        await d.members.get(caller, image, req.params.member);
        try { authorize(req.ctx, 'modify_member', { ...target, member_id: req.params.member }); } catch {
          throw new Forbidden(`Not allowed to update members for image ${image.id}.`);
        }
        return memberView(await d.members.update(caller, image, req.params.member, req.body.status));
      },
    }),
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
