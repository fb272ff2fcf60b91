// What every Glance route shares: policy checks with Glance's targets and messages, and the image
// as a policy target.
import { callerOf } from '../../../core/auth/caller.js';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { Forbidden } from '../../../core/errors/errors.js';
import type { ImageDomain } from '../domain/image-domain.js';
import { imageNotFound } from '../domain/errors.js';
import type { Caller } from '../domain/images.service.js';
import type { ImageRecord } from '../store/tables.js';

/** Glance's own 403 when `rule` denies (ctx.authorize words it as Keystone and Nova do). */
export function authorize(ctx: RequestContext, rule: string, target: Record<string, unknown>): void {
  if (!ctx.can(rule, target)) throw new Forbidden(`You are not authorized to complete ${rule} action.`);
}

/** Glance's ImageTarget: the image's attributes and properties, project_id = owner, member_id = the caller's membership. */
export function imageTarget(image: ImageRecord, memberId?: string): Record<string, unknown> {
  return {
    ...image.properties, id: image.id, name: image.name, status: image.status, visibility: image.visibility,
    owner: image.owner, project_id: image.owner, protected: image.protected, member_id: memberId,
  };
}

/** The image if the caller may see it and get_image allows; otherwise Glance's 404. */
export async function loadImage(d: ImageDomain, ctx: RequestContext, id: string): Promise<{ image: ImageRecord; target: Record<string, unknown>; caller: Caller }> {
  const caller = callerOf(ctx);
  const image = await d.images.get(caller, id);
  const membership = await d.members.of(image, caller.projectId);
  const target = imageTarget(image, membership?.member_id);
  if (!ctx.can('get_image', target)) throw imageNotFound(id);
  return { image, target, caller };
}
