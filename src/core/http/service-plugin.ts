import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import FindMyWay from 'find-my-way';
import { ApiError, BadRequest, NotFound, toApiError, Unauthorized, MethodNotAllowed } from '../errors/errors.js';
import { RequestContext, type AccessRule, type TokenValidator } from '../auth/request-context.js';
import type { RuleSet } from '../policy/policy-engine.js';
import { JsonBody } from './kept-views.js';

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

/** TypeBox schemas of a route's parts; `response` by status code (also makes serialisation faster). */
export interface RouteSchema {
  body?: TSchema;
  params?: TSchema;
  querystring?: TSchema;
  headers?: TSchema;
  response?: Record<number, TSchema>;
}

export interface RouteSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'COPY' | 'OPTIONS';
  url: string;
  /** Every route that takes a body declares its schema (test/unit/route-schemas.test.ts checks). */
  schema?: RouteSchema;
  /**
   * A POST/PUT/PATCH without a body schema says why: `none`, the operation takes no body (what a
   * client sends is ignored, as the real service does); `stream`, the handler reads the raw body
   * itself (image data).
   */
  rawBody?: 'none' | 'stream';
  auth?: AuthMode;
  /** The status of a successful answer; the handler may still set another on `reply`. */
  status?: number;
  handler: (req: ApiRequest) => Promise<unknown> | unknown;
}

type Part<S extends RouteSchema, K extends keyof RouteSchema> = S[K] extends TSchema ? Static<S[K]> : any;

/**
 * A route whose handler sees its request typed from its schema (body, params and query as
 * validated), so a handler cannot read a field its schema does not declare.
 */
export function route<S extends RouteSchema>(spec: Omit<RouteSpec, 'schema' | 'handler'> & {
  schema: S;
  handler: (req: ApiRequest<Part<S, 'body'>, Part<S, 'params'>, Part<S, 'querystring'>>) => Promise<unknown> | unknown;
}): RouteSpec {
  return spec as RouteSpec;
}

/** One failed schema check, as a service needs it to word its own 400. */
export interface SchemaFailure {
  /** The route, as `METHOD url` with the url as its RouteSpec declares it (`POST /v2/images/:id/members`). */
  route: string;
  /** The request's headers (a microversioned service words some failures by the version asked). */
  headers: Record<string, string | string[] | undefined>;
  /** Where: body, querystring, params or headers. */
  part: string;
  /** The JSON pointer of the failing value inside the part ('' for the part itself), e.g. `/server/name`. */
  path: string;
  /** The ajv keyword (type, required, additionalProperties, minLength, pattern, enum ...) and its params. */
  keyword: string;
  params: Record<string, unknown>;
  /** ajv's own message ("must be string"). */
  message: string;
  /** The failing value (undefined for a missing one). */
  value: unknown;
}

/** How one service renders errors in its own wire format. */
export interface Faults {
  render(err: ApiError): { status: number; headers: Record<string, string>; body: unknown };
  /** The 400 for a request its route's schema refuses, in the service's words (a generic one if absent). */
  invalid?(failure: SchemaFailure): ApiError;
}

export interface ServiceMount {
  prefix: string;
  /**
   * The catalog type of the service (keystonemiddleware's `service_type`), against which the
   * access rules of application credential tokens are checked; without it such tokens get 401.
   */
  serviceType?: string;
  rules: () => RuleSet;
  faults: Faults;
  tokens: TokenValidator;
  routes: RouteSpec[];
  /** Extra raw registration (version documents at the prefix root, content parsers ...). */
  setup?: (app: FastifyInstance) => void;
  /**
   * What a known path answers for a method it does not have: 405 (most services) or 404 (Cinder,
   * whose routes mapper matches path and method together).
   */
  unknownMethod?: 405 | 404;
}

const TOKEN_HEADER = 'x-auth-token';
const JSON_TYPE = 'application/json; charset=utf-8';

/** Each request's caller, from the scope's onRequest hook to its route's handler. */
const contexts = new WeakMap<FastifyRequest, RequestContext>();

export function mountService(app: FastifyInstance, mount: ServiceMount): void {
  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => {
      const failure = schemaFailure(error, request, mount.prefix);
      if (failure) return sendFault(reply, mount.faults, mount.faults.invalid?.(failure) ?? genericInvalid(failure));
      const apiError = toApiError(error);
      if (!apiError) {
        request.log.error({ err: error }, 'unhandled error');
        return sendFault(reply, mount.faults, new ApiError(500, 'An unexpected error prevented the server from fulfilling your request.'));
      }
      return sendFault(reply, mount.faults, apiError);
    });
    let lookUp405: (request: FastifyRequest) => string | undefined = () => undefined;
    scope.setNotFoundHandler((request, reply) => {
      sendFault(reply, mount.faults, notAllowedAt.has(request) ? new MethodNotAllowed() : new NotFound(`The resource could not be found.`));
    });
    mount.setup?.(scope);
    // NOTE: the token is checked when the request arrives, before its body is read or validated:
    // keystonemiddleware answers 401 before the service sees the request. One hook for the scope
    // (a hook per route costs each of ~600 routes its own hook chain).
    scope.addHook('onRequest', async (request) => {
      if (request.is404) {
        const url = lookUp405(request);
        if (url !== undefined) notAllowedAt.set(request, url);
        return;
      }
      const auth = (request.routeOptions.config as { auth?: AuthMode } | undefined)?.auth;
      if (auth) contexts.set(request, await contextFor(request, mount, auth));
    });
    const seen = new Map<string, Set<string>>();
    for (const route of mount.routes) {
      const methods = seen.get(route.url) ?? new Set<string>();
      methods.add(route.method);
      seen.set(route.url, methods);
      scope.route({
        method: route.method,
        url: route.url,
        schema: route.schema as Record<string, unknown> | undefined,
        exposeHeadRoute: false,
        config: { auth: route.auth ?? 'required' },
        handler: async (request, reply) => {
          const ctx = contexts.get(request)!;
          const result = await route.handler({
            ctx, body: request.body, params: request.params, query: request.query,
            headers: request.headers, raw: request, reply,
          });
          if (reply.sent) return reply;
          if (!reply.statusCode || reply.statusCode === 200) reply.code(route.status ?? 200);
          if (result === undefined || reply.statusCode === 204 || route.method === 'HEAD') return reply.send();
          if (result instanceof JsonBody) return reply.header('content-type', JSON_TYPE).send(result.bytes);
          return reply.send(result);
        },
      });
    }
    // Known paths with an unsupported method answer 405, as the real services do. Most of these
    // (~1,500 path × method pairs) are only looked up when no route matched: they wait in a router
    // of their own, built on the first miss, instead of costing the start every time. Those that
    // could win over a real route of the same method (a static segment where the real route has a
    // parameter: PUT /servers/detail beside PUT /servers/{id}) stay in the main router, so every
    // request is answered as if all of them were there.
    if (mount.unknownMethod === 404) return;
    const missing: Array<{ url: string; methods: string[] }> = [];
    const byMethod = new Map<string, RoutePaths>();
    for (const r of mount.routes) {
      let paths = byMethod.get(r.method);
      if (!paths) byMethod.set(r.method, (paths = new RoutePaths()));
      paths.add(segmentsOf(r.url));
    }
    for (const [url, methods] of seen) {
      const others = HTTP_METHODS.filter((m) => !methods.has(m));
      const mine = segmentsOf(url);
      const eager = others.filter((m) => byMethod.get(m)?.mayMatch(mine) ?? false);
      const lazy = others.filter((m) => !eager.includes(m));
      if (eager.length) scope.route({ method: eager, url, exposeHeadRoute: false, handler: async () => { throw new MethodNotAllowed(); } });
      if (lazy.length) missing.push({ url: mount.prefix + url, methods: lazy });
    }
    let known: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | undefined;
    lookUp405 = (request) => {
      if (!HTTP_METHODS.includes(request.method)) return undefined;
      if (!known) {
        // NOTE: the options Fastify gives its own router (createHttpServer's routerOptions and its defaults).
        known = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 1000 });
        for (const { url, methods } of missing) known.on(methods as FindMyWay.HTTPMethod[], url, () => undefined, { url });
      }
      return (known.find(request.method as FindMyWay.HTTPMethod, request.raw.url ?? request.url)?.store as { url: string } | undefined)?.url;
    };
  }, { prefix: mount.prefix });
}

/** The path of the known route a request matched only by its path (it answers 405), by request. */
const notAllowedAt = new WeakMap<FastifyRequest, string>();

/**
 * The route path (with the mount's prefix) a request matched, as `request.routeOptions.url`
 * gives it, including a known path whose method is not allowed (its 405 route is looked up only
 * when nothing else matched, so Fastify's own `routeOptions` shows its not-found route).
 */
export function routeUrl(request: FastifyRequest): string | undefined {
  return notAllowedAt.get(request) ?? request.routeOptions.url;
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Whether some path could match both route paths (find-my-way syntax): as many segments, each pair
 * equal or one of them holding a parameter. Errs towards yes (a wildcard, a trailing parameter
 * that might match an empty segment), which only keeps a 405 route in the main router.
 */
export function mayMatchSamePath(a: string, b: string): boolean {
  return segmentsMayMatch(segmentsOf(a), segmentsOf(b));
}

/** A route path's segments (null for a path with a wildcard, which may match anything). */
type Segments = string[] | null;
const segmentsOf = (url: string): Segments => (url.includes('*') ? null : url.replace(/\/+$/, '').split('/'));
const isParam = (seg: string | undefined) => seg !== undefined && seg.includes(':');

function segmentsMayMatch(sa: Segments, sb: Segments): boolean {
  if (sa === null || sb === null) return true;
  if (sa.length === sb.length) return firstSegmentsMayMatch(sa, sb, sa.length);
  const [short, long] = sa.length < sb.length ? [sa, sb] : [sb, sa];
  return long.length - short.length === 1 && isParam(long.at(-1)) && firstSegmentsMayMatch(short, long, short.length);
}

/** Whether the first n segments of two paths are pairwise equal or a parameter. */
function firstSegmentsMayMatch(a: string[], b: string[], n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i] && !isParam(a[i]) && !isParam(b[i])) return false;
  return true;
}

/**
 * The paths of one method's routes, by segment count, to ask whether any may match a path as
 * segmentsMayMatch decides (only routes one segment longer or shorter or as long can): asking each
 * route in turn was ~800,000 comparisons per start.
 */
class RoutePaths {
  private readonly byLength = new Map<number, string[][]>();
  private wildcard = false;
  private empty = true;

  add(segments: Segments): void {
    this.empty = false;
    if (segments === null) { this.wildcard = true; return; }
    const same = this.byLength.get(segments.length);
    if (same) same.push(segments); else this.byLength.set(segments.length, [segments]);
  }

  mayMatch(mine: Segments): boolean {
    if (this.wildcard || mine === null) return !this.empty;
    const n = mine.length;
    if (this.byLength.get(n)?.some((r) => firstSegmentsMayMatch(mine, r, n))) return true;
    if (this.byLength.get(n + 1)?.some((r) => isParam(r[n]) && firstSegmentsMayMatch(mine, r, n))) return true;
    return isParam(mine[n - 1]) && (this.byLength.get(n - 1)?.some((r) => firstSegmentsMayMatch(mine, r, n - 1)) ?? false);
  }
}

async function contextFor(request: FastifyRequest, mount: ServiceMount, auth: AuthMode): Promise<RequestContext> {
  const header = request.headers[TOKEN_HEADER];
  const authToken = Array.isArray(header) ? header[0] : header;
  if (auth === 'none' || (!authToken && auth === 'optional')) {
    return new RequestContext(mount.rules(), undefined, authToken, request.id);
  }
  if (!authToken) throw new Unauthorized();
  const token = await mount.tokens.validate(authToken);
  const rules = token.applicationCredential?.accessRules;
  if (rules && !allowedByAccessRules(rules, mount, request)) throw new Unauthorized('The request you have made requires authentication.');
  return new RequestContext(mount.rules(), token, authToken, request.id);
}

/**
 * keystonemiddleware's validate_allowed_request: a token of an application credential with access
 * rules may make only the calls a rule names (service type, method, and the path under the
 * service's mount); validating a token on identity is always allowed.
 */
function allowedByAccessRules(rules: AccessRule[], mount: ServiceMount, request: FastifyRequest): boolean {
  if (!mount.serviceType) return false;
  const path = request.url.split('?')[0]!.slice(mount.prefix.length);
  if (mount.serviceType === 'identity' && request.method === 'GET' && path.endsWith('/v3/auth/tokens')) return true;
  return rules.some((r) => r.service === mount.serviceType && r.method === request.method && accessRulePathMatches(path, r.path));
}

/** A rule's path template: `*` or `{name}` is one path segment, `**` any run of characters. */
export function accessRulePathMatches(path: string, template: string): boolean {
  // NOTE: a stray brace matches nothing and is dropped, as keystonemiddleware's tokenizer does.
  const regex = template.replace(/\{[^}]*\}|\*\*|\*|[{}]|[^{}*]+/g, (t) =>
    t === '**' ? '.*' : t === '*' || (t.startsWith('{') && t.length > 1) ? '[^/]+' : t === '{' || t === '}' ? ''
      : t.replace(/[.+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${regex}$`).test(path);
}

/** The first schema failure of a Fastify validation error, with the value it refused. */
function schemaFailure(error: unknown, request: FastifyRequest, prefix: string): SchemaFailure | undefined {
  const e = error as { validation?: Array<{ instancePath?: string; keyword?: string; params?: Record<string, unknown>; message?: string }>; validationContext?: string };
  const first = e?.validation?.[0];
  if (!first) return undefined;
  const part = e.validationContext ?? 'body';
  const root = (request as unknown as Record<string, unknown>)[part === 'querystring' ? 'query' : part];
  const path = first.instancePath ?? '';
  const route = `${request.method} ${(request.routeOptions.url ?? '').slice(prefix.length)}`;
  return { route, headers: request.headers, part, path, keyword: first.keyword ?? '', params: first.params ?? {}, message: first.message ?? 'is invalid', value: valueAt(root, path) };
}

/** The value a JSON pointer (ajv's instancePath, e.g. `/server/name`) names inside `root`, or undefined. */
export function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const key of pointer.split('/').slice(1)) {
    const k = key.replace(/~1/g, '/').replace(/~0/g, '~');
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[k] : undefined;
  }
  return value;
}

/** Fastify's own wording ("body/user must have required property 'name'"), for services without `invalid`. */
function genericInvalid(f: SchemaFailure): ApiError {
  return new BadRequest(`Invalid input for field/attribute ${f.part}${f.path} ${f.message}`);
}

function sendFault(reply: FastifyReply, faults: Faults, err: ApiError) {
  const { status, headers, body } = faults.render(err);
  reply.code(status).headers({ ...err.headers, ...headers });
  return reply.send(body);
}
