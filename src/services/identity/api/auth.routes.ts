import { Type } from '@sinclair/typebox';
import type { TokenInfo } from '../../../core/auth/request-context.js';
import { Forbidden } from '../../../core/errors/errors.js';
import { KeptViews } from '../../../core/http/kept-views.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { InvalidToken } from '../domain/tokens.service.js';
import { collectionLinks, flag, requestUrl, v3 } from './links.js';
import { query } from './schemas.js';
import { catalogFor, domainView, projectView, tokenView } from './views.js';
import { tokenNotFound } from '../domain/errors.js';

const ScopeRef = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }, { additionalProperties: true });
const UserRef = Type.Object({
  id: Type.Optional(Type.String()), name: Type.Optional(Type.String()), domain: Type.Optional(ScopeRef),
  password: Type.Optional(Type.String()),
}, { additionalProperties: true });

const TokenQuery = query('nocatalog', 'allow_expired');
const authSchema = {
  querystring: query('nocatalog'),
  body: Type.Object({
    auth: Type.Object({
      identity: Type.Object({
        methods: Type.Array(Type.String(), { minItems: 1 }),
        password: Type.Optional(Type.Object({ user: UserRef }, { required: ['user'] })),
        token: Type.Optional(Type.Object({ id: Type.String() }, { required: ['id'] })),
        application_credential: Type.Optional(Type.Object({
          id: Type.Optional(Type.String()), name: Type.Optional(Type.String()), secret: Type.String(), user: Type.Optional(UserRef),
        })),
      }, { additionalProperties: true }),
      scope: Type.Optional(Type.Union([Type.Literal('unscoped'), Type.Object({
        project: Type.Optional(Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()), domain: Type.Optional(ScopeRef) })),
        domain: Type.Optional(ScopeRef),
        system: Type.Optional(Type.Object({ all: Type.Optional(Type.Boolean()) })),
        'OS-TRUST:trust': Type.Optional(Type.Object({ id: Type.String() })),
      })])),
    }, { required: ['identity'] }),
  }, { required: ['auth'] }),
};

export function authRoutes(d: IdentityDomain): RouteSpec[] {
  // NOTE: d.tokens.validate hands back the same frozen description while no row has changed, and
  // d.catalog.catalog() the same catalog: the body shown for both is kept.
  const validations = new KeptViews<TokenInfo>();
  const subjectToken = async (headers: Record<string, unknown>, allowExpired: boolean) => {
    const id = headers['x-subject-token'];
    if (typeof id !== 'string' || !id) throw tokenNotFound('(none)');
    try {
      return { id, info: await d.tokens.validate(id, allowExpired) };
    } catch (e) {
      if (e instanceof InvalidToken) throw tokenNotFound(id);
      throw e;
    }
  };
  return [
    route({
      method: 'POST', url: '/v3/auth/tokens', auth: 'none', schema: authSchema,
      handler: async (req) => {
        const { body, query, reply } = req;
        const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
        const { id, info } = await d.tokens.issue(body.auth.identity, body.auth.scope, { method: 'POST', url: requestUrl(req, false), authorization });
        const catalog = flag(query.nocatalog) ? undefined : await d.catalog.catalog();
        reply.code(201).header('X-Subject-Token', id);
        return tokenView(info, catalog);
      },
    }),
    route({
      method: 'GET', url: '/v3/auth/tokens', schema: { querystring: TokenQuery },
      handler: async ({ ctx, headers, query, reply }) => {
        const { id, info } = await subjectToken(headers, flag(query.allow_expired));
        ctx.authorize('identity:validate_token', { target: { token: { user_id: info.user.id } } });
        reply.header('X-Subject-Token', id);
        const catalog = flag(query.nocatalog) ? undefined : await d.catalog.catalog();
        return validations.body(info, catalog, () => tokenView(info, catalog));
      },
    }),
    route({
      method: 'HEAD', url: '/v3/auth/tokens', schema: { querystring: TokenQuery },
      handler: async ({ ctx, headers, query, reply }) => {
        const { id, info } = await subjectToken(headers, flag(query.allow_expired));
        ctx.authorize('identity:check_token', { target: { token: { user_id: info.user.id } } });
        reply.header('X-Subject-Token', id);
        return undefined;
      },
    }),
    route({
      method: 'DELETE', url: '/v3/auth/tokens', status: 204, schema: {},
      handler: async ({ ctx, headers }) => {
        const { id, info } = await subjectToken(headers, false);
        ctx.authorize('identity:revoke_token', { target: { token: { user_id: info.user.id } } });
        await d.tokens.revoke(id);
      },
    }),
    route({
      method: 'GET', url: '/v3/auth/catalog', schema: {},
      handler: async (req) => {
        const { ctx } = req;
        ctx.authorize('identity:get_auth_catalog');
        // NOTE: as Keystone: only a project-scoped token has a catalog here; links holds only self.
        if (!ctx.token?.project) throw new Forbidden('A project-scoped token is required to produce a service catalog.');
        return { catalog: catalogFor(await d.catalog.catalog(), ctx.token.project.id), links: { self: `${v3(req)}/auth/catalog` } };
      },
    }),
    route({
      method: 'GET', url: '/v3/auth/projects', schema: {},
      handler: async (req) => {
        req.ctx.authorize('identity:get_auth_projects');
        const projects = await d.assignments.projectsOf(req.ctx.userId!, { enabled: true });
        return { projects: projects.map((p) => projectView(req, p)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/auth/domains', schema: {},
      handler: async (req) => {
        req.ctx.authorize('identity:get_auth_domains');
        const out = [];
        for (const id of await d.assignments.domainsOf(req.ctx.userId!)) {
          const dom = await d.domains.get(id).catch(() => undefined);
          if (dom?.enabled) out.push(domainView(req, dom));
        }
        return { domains: out, links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/auth/system', schema: {},
      handler: async (req) => {
        req.ctx.authorize('identity:get_auth_system');
        const roles = await d.assignments.effectiveRoleIds(req.ctx.userId!, 'system', 'all');
        return { system: roles.length ? [{ all: true }] : [], links: collectionLinks(req) };
      },
    }),
  ];
}
