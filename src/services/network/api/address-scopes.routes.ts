// /v2.0/address-scopes (address-scope): scopes that subnet pools join.
import { callerOf } from '../../../core/auth/caller.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { ADDRESS_SCOPE_ATTRS } from '../domain/address-scopes.service.js';
import { addressScopeNotFound } from '../domain/errors.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import { allowed, applyFilters, authorize, authorizeWithAttrs, ifMatch, listResponse, selectFields } from './common.js';
import { AddressScopeBody, Id } from './schemas.js';
import { addressScopeView } from './views.js';

export function addressScopeRoutes(d: NetworkDomain): RouteSpec[] {
  const load = async (req: ApiRequest, id: string) => {
    const s = await d.addressScopes.find(id);
    if (!s || !allowed(req.ctx, 'get_address_scope', { ...s }, { addressScopeShared: s.shared })) throw addressScopeNotFound(id);
    return s;
  };
  return [
    {
      method: 'GET', url: '/v2.0/address-scopes',
      handler: async (req) => {
        const visible = (await d.addressScopes.list()).filter((s) => allowed(req.ctx, 'get_address_scope', { ...s }, { addressScopeShared: s.shared }));
        return listResponse(req, 'address_scopes', applyFilters(visible.map(addressScopeView), req.query));
      },
    },
    route({
      method: 'POST', url: '/v2.0/address-scopes', status: 201, schema: { body: AddressScopeBody },
      handler: async (req) => {
        const b = req.body.address_scope;
        const caller = callerOf(req.ctx);
        authorizeWithAttrs(req.ctx, 'create_address_scope', { ...b, project_id: b.project_id ?? b.tenant_id ?? caller.projectId }, b, ADDRESS_SCOPE_ATTRS);
        return { address_scope: addressScopeView(await d.addressScopes.create(caller, b)) };
      },
    }),
    route({
      method: 'GET', url: '/v2.0/address-scopes/:id', schema: { params: Id },
      handler: async (req) => ({ address_scope: selectFields(addressScopeView(await load(req, req.params.id)), req.query) }),
    }),
    route({
      method: 'PUT', url: '/v2.0/address-scopes/:id', schema: { params: Id, body: AddressScopeBody },
      handler: async (req) => {
        const s = await load(req, req.params.id);
        const b = req.body.address_scope;
        authorizeWithAttrs(req.ctx, 'update_address_scope', { ...s }, b, ADDRESS_SCOPE_ATTRS, { addressScopeShared: s.shared }, false);
        return { address_scope: addressScopeView(await d.addressScopes.update(s.id, b, ifMatch(req))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/address-scopes/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const s = await load(req, req.params.id);
        authorize(req.ctx, 'delete_address_scope', { ...s }, { addressScopeShared: s.shared });
        await d.addressScopes.delete(s.id, ifMatch(req));
      },
    }),
  ];
}
