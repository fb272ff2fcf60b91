import { Type } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import type { SignedRequest } from '../domain/oauth1.service.js';
import { collectionLinks, requestUrl } from './links.js';
import { params } from './schemas.js';
import { accessTokenRoleView, accessTokenView } from './views.js';
import { delegatedToken, roleNotFound, userIdsDoNotMatch } from '../domain/errors.js';

// OS-OAUTH1 (keystone/api/os_oauth1.py and the access token part of keystone/api/users.py). The
// consumer's calls are signed with OAuth1 in the Authorization header, not made with a token.

// keystone/oauth1/schema.py request_token_authorize: each role named by exactly one of id or name.
const RoleRef = Type.Union([
  Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' }) }, { additionalProperties: false }),
  Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false }),
]);
const AuthorizeBody = Type.Object({ roles: Type.Optional(Type.Array(RoleRef)) }, { additionalProperties: true });
const UserParams = params('user_id');
const TokenParams = params('user_id', 'access_token_id');
const RoleParams = params('user_id', 'access_token_id', 'role_id');

const FORM = 'application/x-www-form-urlencoded';

function signed(req: ApiRequest): SignedRequest {
  const authorization = req.headers.authorization;
  return { method: req.raw.method, url: requestUrl(req), authorization: typeof authorization === 'string' ? authorization : undefined };
}

/** Keystone's _block_delegated_token: access tokens are managed by their user, not a delegate. */
function blockDelegated(ctx: RequestContext): void {
  const t = ctx.token;
  if (t?.trust || t?.oauth1 || t?.applicationCredential) throw delegatedToken('manage OAuth access tokens');
}

export function oauth1Routes(d: IdentityDomain): RouteSpec[] {
  return [
    route({
      method: 'POST', url: '/v3/OS-OAUTH1/request_token', auth: 'none', rawBody: 'none', schema: {},
      handler: async (req) => {
        const project = req.headers['requested-project-id'];
        const token = await d.oauth1.createRequestToken(signed(req), typeof project === 'string' ? project : undefined);
        req.reply.code(201).header('Content-Type', FORM);
        return `oauth_token=${token.id}&oauth_token_secret=${token.request_secret}&oauth_expires_at=${token.expires_at}`;
      },
    }),
    route({
      method: 'PUT', url: '/v3/OS-OAUTH1/authorize/:request_token_id', schema: { params: params('request_token_id'), body: AuthorizeBody },
      handler: async (req) => {
        req.ctx.authorize('identity:authorize_request_token');
        const verifier = await d.oauth1.authorize(req.params.request_token_id, req.ctx.token!, req.body?.roles ?? []);
        return { token: { oauth_verifier: verifier } };
      },
    }),
    route({
      method: 'POST', url: '/v3/OS-OAUTH1/access_token', auth: 'none', rawBody: 'none', schema: {},
      handler: async (req) => {
        const token = await d.oauth1.createAccessToken(signed(req));
        req.reply.code(201).header('Content-Type', FORM);
        return `oauth_token=${token.id}&oauth_token_secret=${token.access_secret}&oauth_expires_at=${token.expires_at}`;
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/OS-OAUTH1/access_tokens', schema: { params: UserParams },
      handler: async (req) => {
        req.ctx.authorize('identity:list_access_tokens');
        blockDelegated(req.ctx);
        const tokens = await d.oauth1.listAccessTokens(req.params.user_id);
        return { access_tokens: tokens.map((t) => accessTokenView(req, t)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/OS-OAUTH1/access_tokens/:access_token_id', schema: { params: TokenParams },
      handler: async (req) => {
        req.ctx.authorize('identity:get_access_token');
        blockDelegated(req.ctx);
        return { access_token: accessTokenView(req, await d.oauth1.userAccessToken(req.params.user_id, req.params.access_token_id)) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/users/:user_id/OS-OAUTH1/access_tokens/:access_token_id', status: 204, schema: { params: TokenParams },
      handler: async (req) => {
        // NOTE: as Keystone: this call is guarded by the EC2 credential rule (with no credential
        // as its target, which leaves the admins).
        req.ctx.authorize('identity:ec2_delete_credential', { user_id: req.params.user_id });
        blockDelegated(req.ctx);
        await d.oauth1.deleteAccessToken(req.params.user_id, req.params.access_token_id);
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/OS-OAUTH1/access_tokens/:access_token_id/roles', schema: { params: TokenParams },
      handler: async (req) => {
        req.ctx.authorize('identity:list_access_token_roles');
        const access = await d.oauth1.userAccessToken(req.params.user_id, req.params.access_token_id);
        const roles = await d.roles.many(access.role_ids);
        return { roles: roles.map((r) => accessTokenRoleView(req, r)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/users/:user_id/OS-OAUTH1/access_tokens/:access_token_id/roles/:role_id', schema: { params: RoleParams },
      handler: async (req) => {
        req.ctx.authorize('identity:get_access_token_role');
        const access = await d.oauth1.accessToken(req.params.access_token_id);
        if (access.authorizing_user_id !== req.params.user_id) throw userIdsDoNotMatch();
        if (!access.role_ids.includes(req.params.role_id)) throw roleNotFound(req.params.role_id);
        return { role: accessTokenRoleView(req, await d.roles.get(req.params.role_id)) };
      },
    }),
  ];
}
