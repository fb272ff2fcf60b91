import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { DomainInput } from '../domain/domains.service.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { boolFilter, collectionLinks } from './links.js';
import { textFilters } from './filters.js';
import { Description, params, query, splitExtra, Tags, wrapped } from './schemas.js';
import { domainView } from './views.js';

// NOTE: `as DomainInput` below: the schema lets description be null, as Keystone's does; the domain types say string.
const KNOWN = ['name', 'description', 'enabled', 'tags', 'options', 'explicit_domain_id'];
const domainProps = {
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' }), description: Description, enabled: Type.Boolean(), tags: Tags,
  options: Type.Object({}, { additionalProperties: true }),
};
const Params = params('domain_id');

export function domainRoutes(d: IdentityDomain): RouteSpec[] {
  return [
    route({
      method: 'GET', url: '/v3/domains', schema: { querystring: query('name', 'enabled') },
      handler: async (req) => {
        req.ctx.authorize('identity:list_domains');
        const domains = await d.domains.list({ name: req.query.name, enabled: boolFilter(req.query.enabled), matches: textFilters(req.query, ['name']) });
        return { domains: domains.map((x) => domainView(req, x)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'POST', url: '/v3/domains', status: 201, schema: { body: wrapped('domain', domainProps, ['name']) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_domain');
        const { known, extra } = splitExtra(req.body.domain, KNOWN);
        // NOTE: explicit_domain_id is not in Keystone's schema either: an extra attribute it reads.
        const id = (known as { explicit_domain_id?: string }).explicit_domain_id;
        const domain = await d.domains.create({ ...(known as DomainInput), id, extra });
        return { domain: domainView(req, domain) };
      },
    }),
    route({
      method: 'GET', url: '/v3/domains/:domain_id', schema: { params: Params },
      handler: async (req) => {
        const domain = await d.domains.get(req.params.domain_id);
        req.ctx.authorize('identity:get_domain', { target: { domain } });
        return { domain: domainView(req, domain) };
      },
    }),
    route({
      method: 'PATCH', url: '/v3/domains/:domain_id', schema: { params: Params, body: wrapped('domain', domainProps) },
      handler: async (req) => {
        const current = await d.domains.get(req.params.domain_id);
        req.ctx.authorize('identity:update_domain', { target: { domain: current } });
        const { known, extra } = splitExtra(req.body.domain, KNOWN);
        return { domain: domainView(req, await d.domains.update(current.id, { ...(known as DomainInput), extra })) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/domains/:domain_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const domain = await d.domains.get(req.params.domain_id);
        req.ctx.authorize('identity:delete_domain', { target: { domain } });
        await d.domains.delete(domain.id);
      },
    }),
  ];
}
