import type { RequestContext } from '../../../core/auth/request-context.js';

export const DEFAULT_DOMAIN = 'default';

/** The domain a create without domain_id lands in: the token's domain, else its project's domain. */
export function tokenDomain(ctx: RequestContext): string {
  return ctx.token?.domain?.id ?? ctx.token?.project?.domain.id ?? DEFAULT_DOMAIN;
}
