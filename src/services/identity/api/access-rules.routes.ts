import type { RequestContext } from '../../../core/auth/request-context.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { collectionLinks } from './links.js';
import { params, query } from './schemas.js';
import { accessRuleView } from './views.js';
import { delegatedToken } from '../domain/errors.js';

const UserParams = params('user_id');
const Params = params('user_id', 'access_rule_id');

// /v3/users/{user_id}/access_rules: the rules a user's application credentials were created with.
export function accessRuleRoutes(d: IdentityDomain): RouteSpec[] {
  // NOTE: as Keystone's _build_user_target_enforcement: target.user is the URL's user (absent
  // when there is none, so only a system reader passes), and a delegated token may not manage rules.
  const authorize = async (ctx: RequestContext, policy: string, userId: string) => {
    const user = await d.users.find(userId);
    ctx.authorize(policy, user ? { target: { user: { id: user.id, domain_id: user.domain_id } } } : {});
    if (ctx.token?.trust) throw delegatedToken('manage application credentials');
  };
  return [
    route({
      method: 'GET', url: '/v3/users/:user_id/access_rules', schema: { params: UserParams, querystring: query('service', 'path', 'method') },
      handler: async (req) => {
        await authorize(req.ctx, 'identity:list_access_rules', req.params.user_id);
        const { service, path, method } = req.query;
        const rules = await d.appCredentials.listAccessRules(req.params.user_id, { service, path, method });
        return { access_rules: rules.map((r) => accessRuleView(req, r)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/access_rules/:access_rule_id', schema: { params: Params },
      handler: async (req) => {
        await authorize(req.ctx, 'identity:get_access_rule', req.params.user_id);
        return { access_rule: accessRuleView(req, await d.appCredentials.getAccessRule(req.params.user_id, req.params.access_rule_id)) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/users/:user_id/access_rules/:access_rule_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        await authorize(req.ctx, 'identity:delete_access_rule', req.params.user_id);
        await d.appCredentials.deleteAccessRule(req.params.user_id, req.params.access_rule_id);
      },
    }),
  ];
}
