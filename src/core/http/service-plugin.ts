import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { ApiError, NotFound, toApiError, Unauthorized, MethodNotAllowed } from '../errors/errors.js';
import { RequestContext, type TokenValidator } from '../auth/request-context.js';
import type { RuleSet } from '../policy/policy-engine.js';

export type AuthMode = 'required' | 'optional' | 'none';

export interface ApiRequest<B = any, P = any, Q = any> {
  ctx: RequestContext;
  body: B;
  params: P;
  query: Q;
  headers: FastifyRequest['headers'];
  raw: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Fastify/TypeBox schema for body, params and querystring. */
  schema?: RouteShorthandOptions['schema'];
  auth?: AuthMode;
  /** The status of a successful answer; the handler may still set another on `reply`. */
  status?: number;
  handler: (req: ApiRequest) => Promise<unknown> | unknown;
}

/** How one service renders errors in its own wire format. */
export interface Faults {
  render(err: ApiError): { status: number; headers: Record<string, string>; body: unknown };
}

export interface ServiceMount {
  prefix: string;
  rules: () => RuleSet;
  faults: Faults;
  tokens: TokenValidator;
  routes: RouteSpec[];
  /** Extra raw registration (version documents at the prefix root, content parsers ...). */
  setup?: (app: FastifyInstance) => void;
}

const TOKEN_HEADER = 'x-auth-token';

export function mountService(app: FastifyInstance, mount: ServiceMount): void {
  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => {
      const apiError = toApiError(error);
      if (!apiError) {
        request.log.error({ err: error }, 'unhandled error');
        return sendFault(reply, mount.faults, new ApiError(500, 'An unexpected error prevented the server from fulfilling your request.'));
      }
      return sendFault(reply, mount.faults, apiError);
    });
    scope.setNotFoundHandler((request, reply) => {
      sendFault(reply, mount.faults, new NotFound(`The resource could not be found.`));
    });
    mount.setup?.(scope);
    const seen = new Map<string, Set<string>>();
    for (const route of mount.routes) {
      const methods = seen.get(route.url) ?? new Set<string>();
      methods.add(route.method);
      seen.set(route.url, methods);
      scope.route({
        method: route.method,
        url: route.url,
        schema: route.schema,
        exposeHeadRoute: false,
        handler: async (request, reply) => {
          const ctx = await contextFor(request, mount, route.auth ?? 'required');
          const result = await route.handler({
            ctx, body: request.body, params: request.params, query: request.query,
            headers: request.headers, raw: request, reply,
          });
          if (reply.sent) return reply;
          if (!reply.statusCode || reply.statusCode === 200) reply.code(route.status ?? 200);
          if (result === undefined || reply.statusCode === 204 || route.method === 'HEAD') return reply.send();
          return reply.send(result);
        },
      });
    }
    // Known paths with an unsupported method answer 405, as the real services do.
    for (const [url, methods] of seen) {
      const others = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !methods.has(m));
      if (others.length === 0) continue;
      scope.route({
        method: others as any, url, exposeHeadRoute: false,
        handler: async () => { throw new MethodNotAllowed(); },
      });
    }
  }, { prefix: mount.prefix });
}

async function contextFor(request: FastifyRequest, mount: ServiceMount, auth: AuthMode): Promise<RequestContext> {
  const header = request.headers[TOKEN_HEADER];
  const authToken = Array.isArray(header) ? header[0] : header;
  if (auth === 'none' || (!authToken && auth === 'optional')) {
    return new RequestContext(mount.rules(), undefined, authToken, request.id);
  }
  if (!authToken) throw new Unauthorized();
  const token = await mount.tokens.validate(authToken);
  return new RequestContext(mount.rules(), token, authToken, request.id);
}

function sendFault(reply: FastifyReply, faults: Faults, err: ApiError) {
  const { status, headers, body } = faults.render(err);
  reply.code(status).headers({ ...err.headers, ...headers });
  return reply.send(body);
}
