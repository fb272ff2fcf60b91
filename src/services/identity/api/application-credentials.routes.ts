import { Type } from '@sinclair/typebox';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { collectionLinks } from './links.js';
import { appCredentialView } from './views.js';

const RoleRef = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()), domain_id: Type.Optional(Type.Union([Type.String(), Type.Null()])) }, { additionalProperties: false });
const createSchema = Type.Object({
  application_credential: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    secret: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    expires_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    roles: Type.Optional(Type.Array(RoleRef)),
    unrestricted: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    access_rules: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
  }, { additionalProperties: false }),
}, { required: ['application_credential'] });
const UserParams = Type.Object({ user_id: Type.String() });
const Params = Type.Object({ user_id: Type.String(), application_credential_id: Type.String() });

export function applicationCredentialRoutes(d: IdentityDomain): RouteSpec[] {
  return [
    {
      method: 'POST', url: '/v3/users/:user_id/application_credentials', status: 201, schema: { params: UserParams, body: createSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:create_application_credential', { user_id: req.params.user_id });
        const input = req.body.application_credential;
        const { record, secret } = await d.appCredentials.create(req.params.user_id, req.ctx.token!, { ...input, unrestricted: input.unrestricted ?? false });
        return { application_credential: { ...appCredentialView(req, record), secret } };
      },
    },
    {
      method: 'GET', url: '/v3/users/:user_id/application_credentials', schema: { params: UserParams },
      handler: async (req) => {
        req.ctx.authorize('identity:list_application_credentials', { user_id: req.params.user_id });
        await d.users.get(req.params.user_id);
        const list = await d.appCredentials.list(req.params.user_id, (req.query as any).name);
        return { application_credentials: list.map((a) => appCredentialView(req, a)), links: collectionLinks(req) };
      },
    },
    {
      method: 'GET', url: '/v3/users/:user_id/application_credentials/:application_credential_id', schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:get_application_credential', { user_id: req.params.user_id });
        return { application_credential: appCredentialView(req, await d.appCredentials.get(req.params.user_id, req.params.application_credential_id)) };
      },
    },
    {
      method: 'DELETE', url: '/v3/users/:user_id/application_credentials/:application_credential_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:delete_application_credential', { user_id: req.params.user_id });
        await d.appCredentials.delete(req.params.user_id, req.params.application_credential_id);
      },
    },
  ];
}
