import type { RequestContext } from '../../../core/auth/request-context.js';
import { notFound } from '../domain/errors.js';

/**
 * Keystone's order for one resource by id: the policy first, with the record (when it exists) as
 * `target.<kind>`, then the 404 (`Could not find <kind>: <id>.`), so a caller who may not see the
 * resource gets 403 whether or not it exists. `extra` adds to the target (the URL's user_id ...).
 */
export function authorizeFound<R>(
  ctx: RequestContext, policy: string, kind: string, id: string, record: R | undefined, extra: Record<string, unknown> = {},
): R {
  ctx.authorize(policy, { ...extra, target: record ? { [kind]: record } : {} });
  if (!record) throw notFound(kind, id);
  return record;
}

/**
 * A list as Keystone authorises it: the query is the policy's target, and for a domain-scoped token
 * also its domain (as `target.domain_id`, or `target.<kind>.domain_id` when `kind` is given). The
 * caller then shows a domain-scoped token only that domain's items. Returns the token's domain.
 */
export function authorizeList(ctx: RequestContext, policy: string, query: Record<string, unknown>, kind?: string): string | undefined {
  const domainId = ctx.token?.domain?.id;
  if (!domainId) ctx.authorize(policy, { ...query });
  else ctx.authorize(policy, { ...query, target: kind ? { [kind]: { domain_id: domainId } } : { domain_id: domainId } });
  return domainId;
}
