import type { RequestContext } from './request-context.js';

/**
 * Who is asking, as domain code needs it: the token's project and user, the request id, and
 * whether the policy engine says `context_is_admin` (so a policy override of that rule reaches
 * every service; no code looks for a role named "admin").
 */
export interface Caller {
  projectId: string | undefined;
  userId: string | undefined;
  isAdmin: boolean;
  /** `req-<uuid>`, as oslo.middleware's request id (instance actions record it). */
  requestId: string;
}

export function callerOf(ctx: RequestContext): Caller {
  return { projectId: ctx.projectId, userId: ctx.userId, isAdmin: ctx.can('context_is_admin'), requestId: ctx.requestId };
}
