import { Type } from '@sinclair/typebox';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';

// Keystone's domain-specific configuration API (keystone/api/domains.py DomainConfig*). The body is
// {"config": {...}}; Keystone checks its contents itself (InvalidDomainConfig, 403), so the
// schema only asks for an object.
const body = Type.Object({ config: Type.Optional(Type.Object({}, { additionalProperties: true })) });
const DomainParams = Type.Object({ domain_id: Type.String() });
const GroupParams = Type.Object({ domain_id: Type.String(), group: Type.String() });
const OptionParams = Type.Object({ domain_id: Type.String(), group: Type.String(), option: Type.String() });
const DefaultGroupParams = Type.Object({ group: Type.String() });
const DefaultOptionParams = Type.Object({ group: Type.String(), option: Type.String() });

const CONFIG = '/v3/domains/:domain_id/config';

/** GET routes answer HEAD too, as Flask does for Keystone. */
const getAndHead = (spec: Omit<RouteSpec, 'method'>): RouteSpec[] => [{ ...spec, method: 'GET' }, { ...spec, method: 'HEAD' }];

export function domainConfigRoutes(d: IdentityDomain): RouteSpec[] {
  const c = d.domainConfigs;

  const show = async (req: ApiRequest) => {
    const { domain_id: domainId, group, option } = req.params as { domain_id: string; group?: string; option?: string };
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
  const update = async (req: ApiRequest) => {
    const { domain_id: domainId, group, option } = req.params as { domain_id: string; group?: string; option?: string };
    req.ctx.authorize('identity:update_domain_config');
    await d.domains.get(domainId);
    return { config: await c.update(domainId, req.body?.config ?? {}, group, option) };
  };
  const remove = async (req: ApiRequest) => {
    const { domain_id: domainId, group, option } = req.params as { domain_id: string; group?: string; option?: string };
    req.ctx.authorize('identity:delete_domain_config');
    await d.domains.get(domainId);
    await c.delete(domainId, group, option);
  };
  const showDefault = async (req: ApiRequest) => {
    const { group, option } = req.params as { group?: string; option?: string };
    req.ctx.authorize('identity:get_domain_config_default');
    return { config: c.getDefault(group, option) };
  };

  return [
    {
      method: 'PUT', url: CONFIG, schema: { params: DomainParams, body },
      handler: async (req) => {
        req.ctx.authorize('identity:create_domain_config');
        const domain = await d.domains.get(req.params.domain_id);
        const existed = await c.exists(domain.id);
        const config = await c.create(domain.id, req.body?.config ?? {});
        if (!existed) req.reply.code(201);
        return { config };
      },
    },
    ...getAndHead({ url: CONFIG, schema: { params: DomainParams }, handler: show }),
    { method: 'PATCH', url: CONFIG, schema: { params: DomainParams, body }, handler: update },
    { method: 'DELETE', url: CONFIG, status: 204, schema: { params: DomainParams }, handler: remove },

    ...getAndHead({ url: `${CONFIG}/:group`, schema: { params: GroupParams }, handler: show }),
    { method: 'PATCH', url: `${CONFIG}/:group`, schema: { params: GroupParams, body }, handler: update },
    { method: 'DELETE', url: `${CONFIG}/:group`, status: 204, schema: { params: GroupParams }, handler: remove },

    ...getAndHead({ url: `${CONFIG}/:group/:option`, schema: { params: OptionParams }, handler: show }),
    { method: 'PATCH', url: `${CONFIG}/:group/:option`, schema: { params: OptionParams, body }, handler: update },
    { method: 'DELETE', url: `${CONFIG}/:group/:option`, status: 204, schema: { params: OptionParams }, handler: remove },

    ...getAndHead({ url: '/v3/domains/config/default', handler: showDefault }),
    ...getAndHead({ url: '/v3/domains/config/:group/default', schema: { params: DefaultGroupParams }, handler: showDefault }),
    ...getAndHead({ url: '/v3/domains/config/:group/:option/default', schema: { params: DefaultOptionParams }, handler: showDefault }),
  ];
}
