import { AjvCompiler } from '@fastify/ajv-compiler';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

export function createHttpServer(logger: Logger): FastifyInstance {
  // NOTE: cast: Fastify infers an HTTP/2 type from the options object literal typed as any.
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => `req-${randomUUID()}`,
    bodyLimit: 1024 * 1024 * 16,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    schemaController: { compilersFactory: { buildValidator: lazyValidators() } },
    ajv: {
      // NOTE: the real services reject unknown or mistyped fields with 400; Fastify's defaults
      // would silently drop or coerce them.
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false, useDefaults: false, allowUnionTypes: true },
    },
  } as any) as unknown as FastifyInstance;
  // NOTE: WebDAV's COPY, which Swift serves on objects.
  app.addHttpMethod('COPY', { hasBody: true });
  // An empty body with a JSON content type is no body (clients send the header on DELETE/HEAD).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(/^application\/([\w.+-]*\+)?json/, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try { done(null, JSON.parse(text)); } catch {
      const err = Object.assign(new Error('Malformed request body: the JSON could not be parsed.'), { statusCode: 400 });
      done(err, undefined);
    }
  });
  app.addHook('onRequest', async (request) => {
    request.log.debug({ method: request.method, url: request.url }, 'request');
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request done');
  });
  return app;
}

/**
 * Fastify's own ajv validators, each compiled on its route's first request instead of all at
 * startup (ajv compiling every route's schema was a third of the time to ready).
 * NOTE: Fastify lower-cases `headers` schemas only for its default compiler, so this does it.
 */
function lazyValidators() {
  type Validate = ((data: unknown) => unknown) & { errors?: unknown };
  const pool = AjvCompiler();
  return (externalSchemas: any, options: any) => {
    let compile: ((route: any) => Validate) | undefined;
    return (route: any): Validate => {
      let validate: Validate | undefined;
      const lazy: Validate = function (this: unknown, data: unknown) {
        compile ??= pool(externalSchemas, options) as unknown as (route: any) => Validate;
        validate ??= compile(route.httpPart === 'headers' ? { ...route, schema: lowerCaseHeaders(route.schema) } : route);
        const result = validate.call(this, data);
        lazy.errors = validate.errors;
        return result;
      };
      return lazy;
    };
  };
}

/** Header names are case-insensitive and Node gives them in lower case (as Fastify's own step). */
function lowerCaseHeaders(schema: any): any {
  if (typeof schema !== 'object' || schema === null || Object.getPrototypeOf(schema) !== Object.prototype) return schema;
  const out: any = { ...schema };
  if (Array.isArray(schema.required)) out.required = schema.required.map((h: string) => h.toLowerCase());
  if (schema.properties) {
    out.properties = {};
    for (const k of Object.keys(schema.properties)) out.properties[k.toLowerCase()] = schema.properties[k];
  }
  return out;
}
