import { Type } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { roleDomainId } from '../domain/roles.service.js';
import type { RoleRecord } from '../store/tables.js';
import { authorizeFound } from './authorize.js';
import { collectionLinks, v3 } from './links.js';
import { textFilters } from './filters.js';
import { Description, NullableId, params, query, splitExtra, wrapped } from './schemas.js';
import { inferenceView, roleRef, roleView } from './views.js';

const KNOWN = ['name', 'domain_id', 'description', 'options'];
const roleProps = {
  name: Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' }), domain_id: NullableId, description: Description,
  options: Type.Object({ immutable: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])) }, { additionalProperties: false }),
};
const Params = params('role_id');
const InferParams = params('prior_role_id', 'implied_role_id');

/** Keystone names the policy for domain-specific roles differently. */
const policyFor = (action: string, r?: { domain_id: string | null }) =>
  r && roleDomainId(r) ? `identity:${action}_domain_role` : `identity:${action}_role`;

export function roleRoutes(d: IdentityDomain): RouteSpec[] {
  const loadFor = async (ctx: RequestContext, id: string, action: string): Promise<RoleRecord> => {
    const role = await d.roles.find(id);
    return authorizeFound(ctx, policyFor(action, role), 'role', id, role);
  };
  return [
    route({
      method: 'GET', url: '/v3/roles', schema: { querystring: query('name', 'domain_id') },
      handler: async (req) => {
        const q = req.query;
        req.ctx.authorize(q.domain_id ? 'identity:list_domain_roles' : 'identity:list_roles', { target: { domain_id: q.domain_id } });
        const roles = await d.roles.list({ name: q.name, domain_id: q.domain_id ?? null, matches: textFilters(q, ['name']) });
        return { roles: roles.map((r) => roleView(req, r)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'POST', url: '/v3/roles', status: 201, schema: { body: wrapped('role', roleProps, ['name']) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.role, KNOWN);
        req.ctx.authorize(policyFor('create', { domain_id: known.domain_id ?? null }), { target: { role: known } });
        return { role: roleView(req, await d.roles.create({ ...known, extra })) };
      },
    }),
    route({
      method: 'GET', url: '/v3/roles/:role_id', schema: { params: Params },
      handler: async (req) => {
        const role = await loadFor(req.ctx, req.params.role_id, 'get');
        return { role: roleView(req, role) };
      },
    }),
    route({
      method: 'PATCH', url: '/v3/roles/:role_id', schema: { params: Params, body: wrapped('role', roleProps) },
      handler: async (req) => {
        const role = await loadFor(req.ctx, req.params.role_id, 'update');
        const { known, extra } = splitExtra(req.body.role, KNOWN);
        return { role: roleView(req, await d.roles.update(role.id, { ...known, extra })) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/roles/:role_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const role = await loadFor(req.ctx, req.params.role_id, 'delete');
        await d.roles.delete(role.id);
      },
    }),
    route({
      method: 'PUT', url: '/v3/roles/:prior_role_id/implies/:implied_role_id', status: 201, rawBody: 'none', schema: { params: InferParams },
      handler: async (req) => {
        req.ctx.authorize('identity:create_implied_role');
        return inferenceView(req, await d.roles.imply(req.params.prior_role_id, req.params.implied_role_id));
      },
    }),
    route({
      method: 'GET', url: '/v3/roles/:prior_role_id/implies/:implied_role_id', schema: { params: InferParams },
      handler: async (req) => {
        req.ctx.authorize('identity:get_implied_role');
        return inferenceView(req, await d.roles.getInference(req.params.prior_role_id, req.params.implied_role_id));
      },
    }),
    route({
      method: 'HEAD', url: '/v3/roles/:prior_role_id/implies/:implied_role_id', status: 204, schema: { params: InferParams },
      handler: async (req) => {
        req.ctx.authorize('identity:check_implied_role');
        await d.roles.getInference(req.params.prior_role_id, req.params.implied_role_id);
      },
    }),
    route({
      method: 'DELETE', url: '/v3/roles/:prior_role_id/implies/:implied_role_id', status: 204, schema: { params: InferParams },
      handler: async (req) => {
        req.ctx.authorize('identity:delete_implied_role');
        await d.roles.unimply(req.params.prior_role_id, req.params.implied_role_id);
      },
    }),
    route({
      method: 'GET', url: '/v3/roles/:prior_role_id/implies', schema: { params: params('prior_role_id') },
      handler: async (req) => {
        req.ctx.authorize('identity:list_implied_roles');
        const prior = await d.roles.get(req.params.prior_role_id);
        const implies: RoleRecord[] = await d.roles.many(d.roles.directImplied(prior.id));
        return {
          role_inference: { prior_role: roleRef(req, prior), implies: implies.map((r) => roleRef(req, r)) },
          links: { self: `${v3(req)}/roles/${prior.id}/implies` },
        };
      },
    }),
    route({
      method: 'GET', url: '/v3/role_inferences', schema: {},
      handler: async (req) => {
        req.ctx.authorize('identity:list_role_inference_rules');
        const rules = await d.roles.listInferences();
        return {
          role_inferences: rules.map((r) => ({ prior_role: roleRef(req, r.prior), implies: r.implies.map((x) => roleRef(req, x)) })),
          links: collectionLinks(req),
        };
      },
    }),
  ];
}
