import { Type } from '@sinclair/typebox';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { boolFilter, collectionLinks } from './links.js';
import { Description, splitExtra, Tags, wrapped } from './schemas.js';
import { domainView } from './views.js';

const KNOWN = ['name', 'description', 'enabled', 'tags', 'options', 'explicit_domain_id'];
const domainProps = { name: Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' }), description: Description, enabled: Type.Boolean(), tags: Tags, options: Type.Object({}, { additionalProperties: true }) };
const Params = Type.Object({ domain_id: Type.String() });

export function domainRoutes(d: IdentityDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v3/domains',
      handler: async (req) => {
        req.ctx.authorize('identity:list_domains');
        const q = req.query as Record<string, string>;
        const domains = await d.domains.list({ name: q.name, enabled: boolFilter(q.enabled) });
        return { domains: domains.map((x) => domainView(req, x)), links: collectionLinks(req) };
      },
    },
    {
      method: 'POST', url: '/v3/domains', status: 201, schema: { body: wrapped('domain', domainProps, ['name']) },
      handler: async (req) => {
        req.ctx.authorize('identity:create_domain');
        const { known, extra } = splitExtra(req.body.domain, KNOWN);
        const domain = await d.domains.create({ ...(known as any), id: known.explicit_domain_id as string | undefined, extra });
        return { domain: domainView(req, domain) };
      },
    },
    {
      method: 'GET', url: '/v3/domains/:domain_id', schema: { params: Params },
      handler: async (req) => {
        const domain = await d.domains.get(req.params.domain_id);
        req.ctx.authorize('identity:get_domain', { target: { domain } });
        return { domain: domainView(req, domain) };
      },
    },
    {
      method: 'PATCH', url: '/v3/domains/:domain_id', schema: { params: Params, body: wrapped('domain', domainProps) },
      handler: async (req) => {
        const current = await d.domains.get(req.params.domain_id);
        req.ctx.authorize('identity:update_domain', { target: { domain: current } });
        const { known, extra } = splitExtra(req.body.domain, KNOWN);
        return { domain: domainView(req, await d.domains.update(current.id, { ...(known as any), extra })) };
      },
    },
    {
      method: 'DELETE', url: '/v3/domains/:domain_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const domain = await d.domains.get(req.params.domain_id);
        req.ctx.authorize('identity:delete_domain', { target: { domain } });
        await d.domains.delete(domain.id);
      },
    },
  ];
}
