import { Type } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import type { TrustRecord } from '../store/tables.js';
import { collectionLinks } from './links.js';
import { params, query } from './schemas.js';
import { applicationCredentialMethodNotAllowed, roleNotFound } from '../domain/errors.js';
import { trustRoleView, trustView } from './views.js';

const createSchema = Type.Object({
  trust: Type.Object({
    trustor_user_id: Type.String({ minLength: 1 }),
    trustee_user_id: Type.String({ minLength: 1 }),
    impersonation: Type.Boolean(),
    project_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    roles: Type.Optional(Type.Array(Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }))),
    expires_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    remaining_uses: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    allow_redelegation: Type.Optional(Type.Boolean()),
    redelegation_count: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  }, { additionalProperties: true }),
});
const Params = params('trust_id');
const RoleParams = params('trust_id', 'role_id');

/** A restricted application credential may not manage trusts. */
function unrestricted(ctx: RequestContext): void {
  if (ctx.token?.applicationCredential?.restricted) {
    throw applicationCredentialMethodNotAllowed('trusts');
  }
}

export function trustRoutes(d: IdentityDomain): RouteSpec[] {
  const loadFor = async (ctx: RequestContext, id: string, policy: string): Promise<TrustRecord> => {
    const trust = await d.trusts.get(id);
    ctx.authorize(policy, { target: { trust } });
    return trust;
  };
  return [
    route({
      method: 'POST', url: '/v3/OS-TRUST/trusts', status: 201, schema: { body: createSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:create_trust', { trust: req.body.trust });
        unrestricted(req.ctx);
        return { trust: trustView(req, await d.trusts.create(req.ctx.userId!, req.body.trust)) };
      },
    }),
    route({
      method: 'GET', url: '/v3/OS-TRUST/trusts', schema: { querystring: query('trustor_user_id', 'trustee_user_id') },
      handler: async (req) => {
        const q = req.query;
        if (q.trustor_user_id) req.ctx.authorize('identity:list_trusts_for_trustor', { target: { trust: { trustor_user_id: q.trustor_user_id } } });
        else if (q.trustee_user_id) req.ctx.authorize('identity:list_trusts_for_trustee', { target: { trust: { trustee_user_id: q.trustee_user_id } } });
        else req.ctx.authorize('identity:list_trusts');
        const trusts = await d.trusts.list({ trustor_user_id: q.trustor_user_id, trustee_user_id: q.trustee_user_id });
        // NOTE: Keystone lists trusts without their roles.
        return { trusts: trusts.map((t) => { const { roles: _r, roles_links: _l, ...rest } = trustView(req, t); return rest; }), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/OS-TRUST/trusts/:trust_id', schema: { params: Params },
      handler: async (req) => ({ trust: trustView(req, await loadFor(req.ctx, req.params.trust_id, 'identity:get_trust')) }),
    }),
    route({
      method: 'DELETE', url: '/v3/OS-TRUST/trusts/:trust_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const trust = await loadFor(req.ctx, req.params.trust_id, 'identity:delete_trust');
        unrestricted(req.ctx);
        await d.trusts.delete(trust.id);
      },
    }),
    route({
      method: 'GET', url: '/v3/OS-TRUST/trusts/:trust_id/roles', schema: { params: Params },
      handler: async (req) => {
        const trust = await loadFor(req.ctx, req.params.trust_id, 'identity:list_roles_for_trust');
        return { roles: trust.roles.map((r) => trustRoleView(req, r)), links: collectionLinks(req) };
      },
    }),
    route({
      // NOTE: HEAD too (index.ts withHead): the same checks, no body.
      method: 'GET', url: '/v3/OS-TRUST/trusts/:trust_id/roles/:role_id', schema: { params: RoleParams },
      handler: async (req) => {
        const trust = await loadFor(req.ctx, req.params.trust_id, 'identity:get_role_for_trust');
        const role = trust.roles.find((r) => r.id === req.params.role_id);
        if (!role) throw roleNotFound(req.params.role_id);
        return { role: trustRoleView(req, role) };
      },
    }),
  ];
}
