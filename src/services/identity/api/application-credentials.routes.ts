import { Type } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { AppCredentialRecord } from '../store/tables.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { collectionLinks } from './links.js';
import { textFilters } from './filters.js';
import { params, query } from './schemas.js';
import { appCredentialView } from './views.js';
import { applicationCredentialMethodNotAllowed, applicationCredentialNotFound } from '../domain/errors.js';

const RoleRef = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()), domain_id: Type.Optional(Type.Union([Type.String(), Type.Null()])) }, { additionalProperties: false });
// NOTE: Keystone's schema: each field optional (a rule may be named by id alone), others let through.
const KeystoneId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' });
const AccessRuleRef = Type.Object({
  id: Type.Optional(KeystoneId),
  service: Type.Optional(KeystoneId),
  path: Type.Optional(Type.String({ maxLength: 225, pattern: '^/' })),
  method: Type.Optional(Type.Union(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'].map((m) => Type.Literal(m)))),
}, { additionalProperties: true });
const createSchema = Type.Object({
  application_credential: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    secret: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    expires_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    roles: Type.Optional(Type.Array(RoleRef)),
    unrestricted: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    access_rules: Type.Optional(Type.Array(AccessRuleRef)),
  }, { additionalProperties: false }),
}, { required: ['application_credential'] });
const UserParams = params('user_id');
const Params = params('user_id', 'application_credential_id');

export function applicationCredentialRoutes(d: IdentityDomain): RouteSpec[] {
  // NOTE: as Keystone, the owner of the credential (not the user in the URL) is the policy's
  // user_id, and policy runs before the existence check.
  const loadFor = async (ctx: RequestContext, p: { user_id: string; application_credential_id: string }, policy: string): Promise<AppCredentialRecord> => {
    const ac = await d.appCredentials.find(p.application_credential_id);
    ctx.authorize(policy, { user_id: ac?.user_id ?? p.user_id });
    if (!ac) throw applicationCredentialNotFound(p.application_credential_id);
    return ac;
  };
  return [
    route({
      method: 'POST', url: '/v3/users/:user_id/application_credentials', status: 201, schema: { params: UserParams, body: createSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:create_application_credential', { user_id: req.params.user_id });
        const input = req.body.application_credential;
        const { record, secret } = await d.appCredentials.create(req.params.user_id, req.ctx.token!, { ...input, unrestricted: input.unrestricted ?? false });
        const rules = (await d.appCredentials.accessRulesOf([record.id])).get(record.id)!;
        return { application_credential: { ...appCredentialView(req, record, rules), secret } };
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/application_credentials', schema: { params: UserParams, querystring: query('name') },
      handler: async (req) => {
        req.ctx.authorize('identity:list_application_credentials', { user_id: req.params.user_id });
        await d.users.get(req.params.user_id);
        const list = await d.appCredentials.list(req.params.user_id, req.query.name, textFilters(req.query, ['name']));
        const rules = await d.appCredentials.accessRulesOf(list.map((a) => a.id));
        return { application_credentials: list.map((a) => appCredentialView(req, a, rules.get(a.id)!)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/application_credentials/:application_credential_id', schema: { params: Params },
      handler: async (req) => {
        const ac = await loadFor(req.ctx, req.params, 'identity:get_application_credential');
        return { application_credential: appCredentialView(req, ac, (await d.appCredentials.accessRulesOf([ac.id])).get(ac.id)!) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/users/:user_id/application_credentials/:application_credential_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const ac = await loadFor(req.ctx, req.params, 'identity:delete_application_credential');
        if (req.ctx.token?.applicationCredential?.restricted) {
          throw applicationCredentialMethodNotAllowed('additional application credentials');
        }
        await d.appCredentials.delete(ac.user_id, ac.id);
      },
    }),
  ];
}
