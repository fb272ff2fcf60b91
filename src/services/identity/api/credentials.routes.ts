import { Type } from '@sinclair/typebox';
import { NotFound } from '../../../core/errors/errors.js';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { CredentialRecord } from '../store/tables.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { collectionLinks } from './links.js';
import { NullableId, splitExtra, wrapped } from './schemas.js';
import { credentialView, policyView } from './views.js';

const KNOWN = ['user_id', 'project_id', 'type', 'blob'];
const credentialProps = { user_id: Type.String({ minLength: 1 }), project_id: NullableId, type: Type.String({ minLength: 1, maxLength: 255 }), blob: Type.String({ minLength: 1 }) };
const Params = Type.Object({ credential_id: Type.String() });
const PolicyParams = Type.Object({ policy_id: Type.String() });
const policyProps = { type: Type.String({ minLength: 1, maxLength: 255 }), blob: Type.String({ minLength: 1 }) };

export function credentialRoutes(d: IdentityDomain): RouteSpec[] {
  // NOTE: as Keystone, policy runs before the existence check (403, not 404, for non-owners).
  const loadFor = async (req: ApiRequest, policy: string): Promise<CredentialRecord> => {
    const credential = await d.credentials.find(req.params.credential_id);
    req.ctx.authorize(policy, { target: credential ? { credential } : {} });
    if (!credential) throw new NotFound(`Could not find credential: ${req.params.credential_id}.`);
    return credential;
  };
  return [
    {
      method: 'GET', url: '/v3/credentials',
      handler: async (req) => {
        const q = req.query as Record<string, string>;
        // NOTE: without admin, a user sees only their own credentials, as Keystone filters per item.
        const all = await d.credentials.list({ user_id: q.user_id, type: q.type });
        const visible = all.filter((c) => req.ctx.can('identity:list_credentials', { target: { credential: c } }));
        return { credentials: visible.map((c) => credentialView(req, c)), links: collectionLinks(req) };
      },
    },
    {
      method: 'POST', url: '/v3/credentials', status: 201, schema: { body: wrapped('credential', credentialProps, ['user_id', 'type', 'blob']) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.credential, KNOWN);
        req.ctx.authorize('identity:create_credential', { target: { credential: known } });
        return { credential: credentialView(req, await d.credentials.create({ ...(known as any), extra })) };
      },
    },
    {
      method: 'GET', url: '/v3/credentials/:credential_id', schema: { params: Params },
      handler: async (req) => {
        const credential = await loadFor(req, 'identity:get_credential');
        return { credential: credentialView(req, credential) };
      },
    },
    {
      method: 'PATCH', url: '/v3/credentials/:credential_id', schema: { params: Params, body: wrapped('credential', credentialProps) },
      handler: async (req) => {
        const credential = await loadFor(req, 'identity:update_credential');
        const { known, extra } = splitExtra(req.body.credential, KNOWN);
        // NOTE: checked again on the result, so an owner cannot hand a credential to someone else.
        req.ctx.authorize('identity:update_credential', { target: { credential: { ...credential, ...known } } });
        return { credential: credentialView(req, await d.credentials.update(credential.id, { ...(known as any), extra })) };
      },
    },
    {
      method: 'DELETE', url: '/v3/credentials/:credential_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const credential = await loadFor(req, 'identity:delete_credential');
        await d.credentials.delete(credential.id);
      },
    },
    // ---- policies (opaque blobs)
    {
      method: 'GET', url: '/v3/policies',
      handler: async (req) => {
        req.ctx.authorize('identity:list_policies');
        return { policies: (await d.policies.list({ type: (req.query as any).type })).map((p) => policyView(req, p)), links: collectionLinks(req) };
      },
    },
    {
      method: 'POST', url: '/v3/policies', status: 201, schema: { body: wrapped('policy', policyProps, ['type', 'blob']) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_policy');
        const { known, extra } = splitExtra(req.body.policy, ['type', 'blob']);
        return { policy: policyView(req, await d.policies.create({ ...(known as any), extra })) };
      },
    },
    {
      method: 'GET', url: '/v3/policies/:policy_id', schema: { params: PolicyParams },
      handler: async (req) => { req.ctx.authorize('identity:get_policy'); return { policy: policyView(req, await d.policies.get(req.params.policy_id)) }; },
    },
    {
      method: 'PATCH', url: '/v3/policies/:policy_id', schema: { params: PolicyParams, body: wrapped('policy', policyProps) },
      handler: async (req) => {
        req.ctx.authorize('identity:update_policy');
        const { known, extra } = splitExtra(req.body.policy, ['type', 'blob']);
        return { policy: policyView(req, await d.policies.update(req.params.policy_id, { ...(known as any), extra })) };
      },
    },
    {
      method: 'DELETE', url: '/v3/policies/:policy_id', status: 204, schema: { params: PolicyParams },
      handler: async (req) => { req.ctx.authorize('identity:delete_policy'); await d.policies.delete(req.params.policy_id); },
    },
  ];
}
