import { Type } from '@sinclair/typebox';
import { NotFound } from '../../../core/errors/errors.js';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import type { Inference } from '../domain/roles.service.js';
import { roleDomainId } from '../domain/roles.service.js';
import type { RoleRecord } from '../store/tables.js';
import { collectionLinks, v3 } from './links.js';
import { Description, NullableId, splitExtra, wrapped } from './schemas.js';
import { roleRef, roleView } from './views.js';

const KNOWN = ['name', 'domain_id', 'description', 'options'];
const roleProps = {
  name: Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' }), domain_id: NullableId, description: Description,
  options: Type.Object({ immutable: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])) }, { additionalProperties: false }),
};
const Params = Type.Object({ role_id: Type.String() });
const InferParams = Type.Object({ prior_role_id: Type.String(), implied_role_id: Type.String() });

/** Keystone names the policy for domain-specific roles differently. */
const policyFor = (action: string, r?: { domain_id: string | null }) =>
  r && roleDomainId(r) ? `identity:${action}_domain_role` : `identity:${action}_role`;

export function roleRoutes(d: IdentityDomain): RouteSpec[] {
  // NOTE: as Keystone, policy runs before the existence check (403, not 404, for non-admins).
  const loadFor = async (req: ApiRequest, action: string): Promise<RoleRecord> => {
    const role = await d.roles.find(req.params.role_id);
    req.ctx.authorize(policyFor(action, role), { target: role ? { role } : {} });
    if (!role) throw new NotFound(`Could not find role: ${req.params.role_id}.`);
    return role;
  };
  const inferenceView = (req: ApiRequest, inf: Inference) => ({
    role_inference: { prior_role: roleRef(req, inf.prior), implies: roleRef(req, inf.implied) },
    links: { self: `${v3(req)}/roles/${inf.prior.id}/implies/${inf.implied.id}` },
  });
  return [
    {
      method: 'GET', url: '/v3/roles',
      handler: async (req) => {
        const q = req.query as Record<string, string>;
        req.ctx.authorize(q.domain_id ? 'identity:list_domain_roles' : 'identity:list_roles', { target: { domain_id: q.domain_id } });
        const roles = await d.roles.list({ name: q.name, domain_id: q.domain_id ?? null });
        return { roles: roles.map((r) => roleView(req, r)), links: collectionLinks(req) };
      },
    },
    {
      method: 'POST', url: '/v3/roles', status: 201, schema: { body: wrapped('role', roleProps, ['name']) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.role, KNOWN);
        req.ctx.authorize(policyFor('create', { domain_id: (known.domain_id as string) ?? null }), { target: { role: known } });
        return { role: roleView(req, await d.roles.create({ ...(known as any), extra })) };
      },
    },
    {
      method: 'GET', url: '/v3/roles/:role_id', schema: { params: Params },
      handler: async (req) => {
        const role = await loadFor(req, 'get');
        return { role: roleView(req, role) };
      },
    },
    {
      method: 'PATCH', url: '/v3/roles/:role_id', schema: { params: Params, body: wrapped('role', roleProps) },
      handler: async (req) => {
        const role = await loadFor(req, 'update');
        const { known, extra } = splitExtra(req.body.role, KNOWN);
        return { role: roleView(req, await d.roles.update(role.id, { ...(known as any), extra })) };
      },
    },
    {
      method: 'DELETE', url: '/v3/roles/:role_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const role = await loadFor(req, 'delete');
        await d.roles.delete(role.id);
      },
    },
    {
      method: 'PUT', url: '/v3/roles/:prior_role_id/implies/:implied_role_id', status: 201, schema: { params: InferParams },
      handler: async (req) => {
        req.ctx.authorize('identity:create_implied_role');
        return inferenceView(req, await d.roles.imply(req.params.prior_role_id, req.params.implied_role_id));
      },
    },
    {
      method: 'GET', url: '/v3/roles/:prior_role_id/implies/:implied_role_id', schema: { params: InferParams },
      handler: async (req) => {
        req.ctx.authorize('identity:get_implied_role');
        return inferenceView(req, await d.roles.getInference(req.params.prior_role_id, req.params.implied_role_id));
      },
    },
    {
      method: 'HEAD', url: '/v3/roles/:prior_role_id/implies/:implied_role_id', status: 204, schema: { params: InferParams },
      handler: async (req) => {
        req.ctx.authorize('identity:check_implied_role');
        await d.roles.getInference(req.params.prior_role_id, req.params.implied_role_id);
      },
    },
    {
      method: 'DELETE', url: '/v3/roles/:prior_role_id/implies/:implied_role_id', status: 204, schema: { params: InferParams },
      handler: async (req) => {
        req.ctx.authorize('identity:delete_implied_role');
        await d.roles.unimply(req.params.prior_role_id, req.params.implied_role_id);
      },
    },
    {
      method: 'GET', url: '/v3/roles/:prior_role_id/implies', schema: { params: Type.Object({ prior_role_id: Type.String() }) },
      handler: async (req) => {
        req.ctx.authorize('identity:list_implied_roles');
        const prior = await d.roles.get(req.params.prior_role_id);
        const implies: RoleRecord[] = await d.roles.many(d.roles.directImplied(prior.id));
        return {
          role_inference: { prior_role: roleRef(req, prior), implies: implies.map((r) => roleRef(req, r)) },
          links: { self: `${v3(req)}/roles/${prior.id}/implies` },
        };
      },
    },
    {
      method: 'GET', url: '/v3/role_inferences',
      handler: async (req) => {
        req.ctx.authorize('identity:list_role_inference_rules');
        const rules = await d.roles.listInferences();
        return {
          role_inferences: rules.map((r) => ({ prior_role: roleRef(req, r.prior), implies: r.implies.map((x) => roleRef(req, x)) })),
          links: collectionLinks(req),
        };
      },
    },
  ];
}
