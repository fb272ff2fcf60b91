import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { params } from './schemas.js';

// Keystone's domain-specific configuration API (keystone/api/domains.py DomainConfig*). The body is
// {"config": {...}}; Keystone checks its contents itself (InvalidDomainConfig, 403), so the
// schema only asks for an object.
const body = Type.Object({ config: Type.Optional(Type.Object({}, { additionalProperties: true })) });
const DomainParams = params('domain_id');
const GroupParams = params('domain_id', 'group');
const OptionParams = params('domain_id', 'group', 'option');
const DefaultGroupParams = params('group');
const DefaultOptionParams = params('group', 'option');

const CONFIG = '/v3/domains/:domain_id/config';

/** The request of the routes at every depth (domain, group, option) of the configuration. */
type ConfigRequest = ApiRequest<{ config?: Record<string, unknown> } | undefined, { domain_id: string; group?: string; option?: string }>;

// NOTE: every GET here answers HEAD too (index.ts withHead), as Flask does for Keystone.
export function domainConfigRoutes(d: IdentityDomain): RouteSpec[] {
  const c = d.domainConfigs;

  const show = async (req: ConfigRequest) => {
    const { domain_id: domainId, group, option } = req.params;
    let config: Record<string, unknown>;
    if (group === 'security_compliance') {
      req.ctx.authorize('identity:get_security_compliance_domain_config');
      config = c.getSecurityCompliance(domainId, option);
    } else {
      req.ctx.authorize('identity:get_domain_config');
      config = await c.get(domainId, group, option);
    }
    // NOTE: as Keystone, the domain's existence is checked after the policy, so it is not leaked.
    await d.domains.get(domainId);
    return { config };
  };
  const update = async (req: ConfigRequest) => {
    const { domain_id: domainId, group, option } = req.params;
    req.ctx.authorize('identity:update_domain_config');
    await d.domains.get(domainId);
    return { config: await c.update(domainId, req.body?.config ?? {}, group, option) };
  };
  const remove = async (req: ConfigRequest) => {
    const { domain_id: domainId, group, option } = req.params;
    req.ctx.authorize('identity:delete_domain_config');
    await d.domains.get(domainId);
    await c.delete(domainId, group, option);
  };
  const showDefault = async (req: ApiRequest<unknown, { group?: string; option?: string }>) => {
    const { group, option } = req.params;
    req.ctx.authorize('identity:get_domain_config_default');
    return { config: c.getDefault(group, option) };
  };

  return [
    route({
      method: 'PUT', url: CONFIG, schema: { params: DomainParams, body },
      handler: async (req) => {
        req.ctx.authorize('identity:create_domain_config');
        const domain = await d.domains.get(req.params.domain_id);
        const existed = await c.exists(domain.id);
        const config = await c.create(domain.id, req.body?.config ?? {});
        if (!existed) req.reply.code(201);
        return { config };
      },
    }),
    route({ method: 'GET', url: CONFIG, schema: { params: DomainParams }, handler: show }),
    route({ method: 'PATCH', url: CONFIG, schema: { params: DomainParams, body }, handler: update }),
    route({ method: 'DELETE', url: CONFIG, status: 204, schema: { params: DomainParams }, handler: remove }),

    route({ method: 'GET', url: `${CONFIG}/:group`, schema: { params: GroupParams }, handler: show }),
    route({ method: 'PATCH', url: `${CONFIG}/:group`, schema: { params: GroupParams, body }, handler: update }),
    route({ method: 'DELETE', url: `${CONFIG}/:group`, status: 204, schema: { params: GroupParams }, handler: remove }),

    route({ method: 'GET', url: `${CONFIG}/:group/:option`, schema: { params: OptionParams }, handler: show }),
    route({ method: 'PATCH', url: `${CONFIG}/:group/:option`, schema: { params: OptionParams, body }, handler: update }),
    route({ method: 'DELETE', url: `${CONFIG}/:group/:option`, status: 204, schema: { params: OptionParams }, handler: remove }),

    route({ method: 'GET', url: '/v3/domains/config/default', schema: {}, handler: showDefault }),
    route({ method: 'GET', url: '/v3/domains/config/:group/default', schema: { params: DefaultGroupParams }, handler: showDefault }),
    route({ method: 'GET', url: '/v3/domains/config/:group/:option/default', schema: { params: DefaultOptionParams }, handler: showDefault }),
  ];
}
