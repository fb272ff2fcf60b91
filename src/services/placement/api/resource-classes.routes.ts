import { Type } from '@sinclair/typebox';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { PlacementDomain } from '../domain/placement-domain.js';
import { badRequest } from '../domain/common.js';
import { has, ownTarget, PLACEMENT_PATH, requireVersion } from './common.js';

const CUSTOM = Type.String({ pattern: '^CUSTOM_[A-Z0-9_]+$', maxLength: 255 });
const view = (name: string) => ({ name, links: [{ rel: 'self', href: `${PLACEMENT_PATH}/resource_classes/${name}` }] });

export function resourceClassRoutes(d: PlacementDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/resource_classes',
      handler: async (req) => {
        requireVersion(req, 'customResourceClasses');
        req.ctx.authorize('placement:resource_classes:list', ownTarget(req));
        return { resource_classes: (await d.classes.list()).map(view) };
      },
    },
    {
      method: 'POST', url: '/resource_classes', status: 201,
      schema: { body: Type.Object({ name: CUSTOM }, { additionalProperties: false }) },
      handler: async (req) => {
        requireVersion(req, 'customResourceClasses');
        req.ctx.authorize('placement:resource_classes:create', ownTarget(req));
        await d.classes.create(req.body.name);
        req.reply.header('Location', `${PLACEMENT_PATH}/resource_classes/${req.body.name}`);
      },
    },
    {
      method: 'GET', url: '/resource_classes/:name',
      handler: async (req) => {
        requireVersion(req, 'customResourceClasses');
        req.ctx.authorize('placement:resource_classes:show', ownTarget(req));
        return view(await d.classes.get(req.params.name));
      },
    },
    {
      // NOTE: from 1.7 the operation takes no body; before, its {"name"} (a rename) is checked in the handler by microversion.
      method: 'PUT', url: '/resource_classes/:name', rawBody: 'none',
      handler: async (req) => {
        requireVersion(req, 'customResourceClasses');
        req.ctx.authorize('placement:resource_classes:update', ownTarget(req));
        const name = req.params.name as string;
        if (has(req, 'putResourceClassNoBody')) {
          if (!/^CUSTOM_[A-Z0-9_]+$/.test(name) || name.length > 255) {
            throw badRequest(`JSON does not validate: '${name}' does not match '^CUSTOM\\\\_[A-Z0-9_]+$'`);
          }
          const created = await d.classes.ensure(name);
          if (created) { req.reply.header('Location', `${PLACEMENT_PATH}/resource_classes/${name}`); req.reply.code(201); } else req.reply.code(204);
          return undefined;
        }
        const body = req.body as { name?: unknown } | undefined;
        if (!body || typeof body !== 'object' || typeof body.name !== 'string' || !/^CUSTOM_[A-Z0-9_]+$/.test(body.name) || Object.keys(body).length !== 1) {
          throw badRequest(`JSON does not validate: 'name' is a required property`);
        }
        await d.classes.rename(name, body.name);
        return view(body.name);
      },
    },
    {
      method: 'DELETE', url: '/resource_classes/:name', status: 204,
      handler: async (req) => {
        requireVersion(req, 'customResourceClasses');
        req.ctx.authorize('placement:resource_classes:delete', ownTarget(req));
        await d.classes.delete(req.params.name);
      },
    },
  ];
}
