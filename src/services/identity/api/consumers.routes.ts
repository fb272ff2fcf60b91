import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { collectionLinks } from './links.js';
import { Description, params } from './schemas.js';
import { consumerView } from './views.js';
import { cannotChangeId } from '../domain/errors.js';

// keystone/oauth1/schema.py: extra attributes are kept; an update may not carry a secret.
const createSchema = Type.Object({
  consumer: Type.Optional(Type.Object({ description: Type.Optional(Description) }, { additionalProperties: true })),
});
const updateSchema = Type.Object({
  consumer: Type.Object({ description: Type.Optional(Description) }, { additionalProperties: true, minProperties: 1, not: { required: ['secret'] } }),
}, { required: ['consumer'] });
const Params = params('consumer_id');

/** Keystone's _normalize_dict: ':' and '-' in attribute names become '_'. */
function normalize(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k.replace(/[:-]/g, '_'), v]));
}

/** Splits a consumer body into description and extra attributes (id and secret are the server's). */
function input(body: Record<string, unknown>) {
  const { id: _id, secret: _secret, description, ...extra } = normalize(body);
  return { description: description as string | null | undefined, extra };
}

export function consumerRoutes(d: IdentityDomain): RouteSpec[] {
  return [
    route({
      method: 'POST', url: '/v3/OS-OAUTH1/consumers', status: 201, schema: { body: createSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:create_consumer');
        const { record, secret } = await d.consumers.create(input(req.body?.consumer ?? {}));
        return { consumer: { ...consumerView(req, record), secret } };
      },
    }),
    route({
      method: 'GET', url: '/v3/OS-OAUTH1/consumers', schema: {},
      handler: async (req) => {
        req.ctx.authorize('identity:list_consumers');
        return { consumers: (await d.consumers.list()).map((c) => consumerView(req, c)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: '/v3/OS-OAUTH1/consumers/:consumer_id', schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:get_consumer');
        return { consumer: consumerView(req, await d.consumers.get(req.params.consumer_id)) };
      },
    }),
    route({
      method: 'PATCH', url: '/v3/OS-OAUTH1/consumers/:consumer_id', schema: { params: Params, body: updateSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:update_consumer');
        const body = normalize(req.body.consumer);
        if (body.id !== undefined && body.id !== req.params.consumer_id) throw cannotChangeId();
        return { consumer: consumerView(req, await d.consumers.update(req.params.consumer_id, input(body))) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/OS-OAUTH1/consumers/:consumer_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:delete_consumer');
        await d.consumers.delete(req.params.consumer_id);
      },
    }),
  ];
}
