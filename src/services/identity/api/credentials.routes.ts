import { Type } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { CredentialRecord } from '../store/tables.js';
import { delegationOf } from '../domain/credentials.service.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { authorizeFound } from './authorize.js';
import { collectionLinks } from './links.js';
import { textFilters } from './filters.js';
import { NullableId, params, query, splitExtra, wrapped } from './schemas.js';
import { credentialView, policyView } from './views.js';

const KNOWN = ['user_id', 'project_id', 'type', 'blob'];
const credentialProps = { user_id: Type.String({ minLength: 1 }), project_id: NullableId, type: Type.String({ minLength: 1, maxLength: 255 }), blob: Type.String({ minLength: 1 }) };
const Params = params('credential_id');
const PolicyParams = params('policy_id');
const policyProps = { type: Type.String({ minLength: 1, maxLength: 255 }), blob: Type.String({ minLength: 1 }) };

export function credentialRoutes(d: IdentityDomain): RouteSpec[] {
  const loadFor = async (ctx: RequestContext, id: string, policy: string): Promise<CredentialRecord> =>
    authorizeFound(ctx, policy, 'credential', id, await d.credentials.find(id));
  return [
    route({
      method: 'GET', url: '/v3/credentials', schema: { querystring: query('user_id', 'type') },
      handler: async (req) => {
        const q = req.query;
        // NOTE: without admin, a user sees only their own credentials, as Keystone filters per item.
        const all = await d.credentials.list({ user_id: q.user_id, type: q.type, matches: textFilters(q, ['user_id', 'type']) });
        const visible = all.filter((c) => req.ctx.can('identity:list_credentials', { target: { credential: c } }));
        return { credentials: visible.map((c) => credentialView(req, c)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'POST', url: '/v3/credentials', status: 201, schema: { body: wrapped('credential', credentialProps, ['user_id', 'type', 'blob']) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.credential, KNOWN);
        req.ctx.authorize('identity:create_credential', { target: { credential: known } });
        return { credential: credentialView(req, await d.credentials.create({ ...known, extra }, delegationOf(req.ctx.token))) };
      },
    }),
    route({
      method: 'GET', url: '/v3/credentials/:credential_id', schema: { params: Params },
      handler: async (req) => {
        const credential = await loadFor(req.ctx, req.params.credential_id, 'identity:get_credential');
        return { credential: credentialView(req, credential) };
      },
    }),
    route({
      method: 'PATCH', url: '/v3/credentials/:credential_id', schema: { params: Params, body: wrapped('credential', credentialProps) },
      handler: async (req) => {
        const credential = await loadFor(req.ctx, req.params.credential_id, 'identity:update_credential');
        const { known, extra } = splitExtra(req.body.credential, KNOWN);
        // NOTE: checked again on the result, so an owner cannot hand a credential to someone else.
        req.ctx.authorize('identity:update_credential', { target: { credential: { ...credential, ...known } } });
        return { credential: credentialView(req, await d.credentials.update(credential.id, { ...known, extra })) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/credentials/:credential_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const credential = await loadFor(req.ctx, req.params.credential_id, 'identity:delete_credential');
        await d.credentials.delete(credential.id);
      },
    }),
    // ---- policies (opaque blobs)
    route({
      method: 'GET', url: '/v3/policies', schema: { querystring: query('type') },
      handler: async (req) => {
        req.ctx.authorize('identity:list_policies');
        return { policies: (await d.policies.list({ type: req.query.type, matches: textFilters(req.query, ['type']) })).map((p) => policyView(req, p)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'POST', url: '/v3/policies', status: 201, schema: { body: wrapped('policy', policyProps, ['type', 'blob']) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_policy');
        const { type, blob, ...extra } = req.body.policy;
        return { policy: policyView(req, await d.policies.create({ type, blob, extra })) };
      },
    }),
    route({
      method: 'GET', url: '/v3/policies/:policy_id', schema: { params: PolicyParams },
      handler: async (req) => { req.ctx.authorize('identity:get_policy'); return { policy: policyView(req, await d.policies.get(req.params.policy_id)) }; },
    }),
    route({
      method: 'PATCH', url: '/v3/policies/:policy_id', schema: { params: PolicyParams, body: wrapped('policy', policyProps) },
      handler: async (req) => {
        req.ctx.authorize('identity:update_policy');
        const { known, extra } = splitExtra(req.body.policy, ['type', 'blob']);
        return { policy: policyView(req, await d.policies.update(req.params.policy_id, { ...known, extra })) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/policies/:policy_id', status: 204, schema: { params: PolicyParams },
      handler: async (req) => { req.ctx.authorize('identity:delete_policy'); await d.policies.delete(req.params.policy_id); },
    }),
  ];
}
