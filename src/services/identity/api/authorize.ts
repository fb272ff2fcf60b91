import type { RequestContext } from '../../../core/auth/request-context.js';
import { NotFound } from '../../../core/errors/errors.js';

/**
 * Keystone's order for one resource by id: the policy first, with the record (when it exists) as
 * `target.<kind>`, then the 404 (`Could not find <kind>: <id>.`), so a caller who may not see the
 * resource gets 403 whether or not it exists. `extra` adds to the target (the URL's user_id ...).
 */
export function authorizeFound<R>(
  ctx: RequestContext, policy: string, kind: string, id: string, record: R | undefined, extra: Record<string, unknown> = {},
): R {
  ctx.authorize(policy, { ...extra, target: record ? { [kind]: record } : {} });
  if (!record) throw new NotFound(`Could not find ${kind}: ${id}.`);
  return record;
}
