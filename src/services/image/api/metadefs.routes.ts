// /v2/metadefs: namespaces, their properties, objects, tags and resource-type associations.
import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { RequestContext } from '../../../core/auth/request-context.js';
import type { ImageDomain } from '../domain/image-domain.js';
import { namespaceNotFound } from '../domain/errors.js';
import type { NamespaceRecord } from '../store/metadefs.tables.js';
import { callerOf } from '../../../core/auth/caller.js';
import { authorize } from './common.js';
import { namespaceView, objectView } from './views.js';

const Ns = Type.Object({ ns: Type.String() });
const NsName = Type.Object({ ns: Type.String(), name: Type.String() });
/** A metadefs document (namespace, property, object, tag, association); the domain checks it against Glance's schemas. */
const Doc = Type.Record(Type.String(), Type.Unknown());
/** `{"tags": [{"name": ...}, ...]}`. */
const TagList = Type.Object({ tags: Type.Array(Type.Unknown()) });

const target = (n: NamespaceRecord) => ({ project_id: n.owner, owner: n.owner, visibility: n.visibility, namespace: n.namespace });

export function metadefRoutes(d: ImageDomain): RouteSpec[] {
  const m = d.metadefs;
  /** The namespace if visible and `rule` allows (reads 404 like Glance, writes 403). */
  const load = async (ctx: RequestContext, ns: string, rule: string, read = true) => {
    const n = await m.get(callerOf(ctx), ns);
    if (read && !ctx.can(rule, target(n))) throw namespaceNotFound(ns);
    if (!read) authorize(ctx, rule, target(n));
    return n;
  };
  const write = (ctx: RequestContext, ns: string, rule: string) => load(ctx, ns, rule, false);
  return [
    {
      method: 'GET', url: '/v2/metadefs/namespaces',
      handler: async (req) => {
        authorize(req.ctx, 'get_metadef_namespaces', { project_id: req.ctx.projectId });
        const list = (await m.list(callerOf(req.ctx))).filter((n) => req.ctx.can('get_metadef_namespace', target(n)));
        return { namespaces: list.map((n) => namespaceView(n, false)), first: '/v2/metadefs/namespaces', schema: '/v2/schemas/metadefs/namespaces' };
      },
    },
    route({
      method: 'POST', url: '/v2/metadefs/namespaces', status: 201, schema: { body: Doc },
      handler: async (req) => {
        const body = req.body;
        authorize(req.ctx, 'add_metadef_namespace', { project_id: req.ctx.projectId, owner: body.owner ?? req.ctx.projectId });
        return namespaceView(await m.create(callerOf(req.ctx), body), true);
      },
    }),
    { method: 'GET', url: '/v2/metadefs/namespaces/:ns', schema: { params: Ns }, handler: async (req) => namespaceView(await load(req.ctx, req.params.ns, 'get_metadef_namespace'), true) },
    route({
      method: 'PUT', url: '/v2/metadefs/namespaces/:ns', schema: { params: Ns, body: Doc },
      handler: async (req) => namespaceView(await m.update(await write(req.ctx, req.params.ns, 'modify_metadef_namespace'), req.body), false),
    }),
    {
      method: 'DELETE', url: '/v2/metadefs/namespaces/:ns', status: 204, schema: { params: Ns },
      handler: async (req) => { await m.delete(await write(req.ctx, req.params.ns, 'delete_metadef_namespace')); },
    },

    {
      method: 'GET', url: '/v2/metadefs/namespaces/:ns/properties', schema: { params: Ns },
      handler: async (req) => ({ properties: (await load(req.ctx, req.params.ns, 'get_metadef_properties')).properties }),
    },
    route({
      method: 'POST', url: '/v2/metadefs/namespaces/:ns/properties', status: 201, schema: { params: Ns, body: Doc },
      handler: async (req) => m.createProperty(await write(req.ctx, req.params.ns, 'add_metadef_property'), req.body),
    }),
    {
      method: 'DELETE', url: '/v2/metadefs/namespaces/:ns/properties', status: 204, schema: { params: Ns },
      handler: async (req) => { await m.deleteProperties(await write(req.ctx, req.params.ns, 'remove_metadef_property')); },
    },
    {
      method: 'GET', url: '/v2/metadefs/namespaces/:ns/properties/:name', schema: { params: NsName },
      handler: async (req) => m.property(await load(req.ctx, req.params.ns, 'get_metadef_property'), req.params.name),
    },
    route({
      method: 'PUT', url: '/v2/metadefs/namespaces/:ns/properties/:name', schema: { params: NsName, body: Doc },
      handler: async (req) => m.updateProperty(await write(req.ctx, req.params.ns, 'modify_metadef_property'), req.params.name, req.body),
    }),
    {
      method: 'DELETE', url: '/v2/metadefs/namespaces/:ns/properties/:name', status: 204, schema: { params: NsName },
      handler: async (req) => { await m.deleteProperty(await write(req.ctx, req.params.ns, 'remove_metadef_property'), req.params.name); },
    },

    {
      method: 'GET', url: '/v2/metadefs/namespaces/:ns/objects', schema: { params: Ns },
      handler: async (req) => {
        const n = await load(req.ctx, req.params.ns, 'get_metadef_objects');
        return { objects: n.objects.map((o) => objectView(n, o)), schema: '/v2/schemas/metadefs/objects' };
      },
    },
    route({
      method: 'POST', url: '/v2/metadefs/namespaces/:ns/objects', status: 201, schema: { params: Ns, body: Doc },
      handler: async (req) => {
        const n = await write(req.ctx, req.params.ns, 'add_metadef_object');
        return objectView(n, await m.createObject(n, req.body));
      },
    }),
    {
      method: 'DELETE', url: '/v2/metadefs/namespaces/:ns/objects', status: 204, schema: { params: Ns },
      handler: async (req) => { await m.deleteObjects(await write(req.ctx, req.params.ns, 'delete_metadef_object')); },
    },
    {
      method: 'GET', url: '/v2/metadefs/namespaces/:ns/objects/:name', schema: { params: NsName },
      handler: async (req) => { const n = await load(req.ctx, req.params.ns, 'get_metadef_object'); return objectView(n, m.object(n, req.params.name)); },
    },
    route({
      method: 'PUT', url: '/v2/metadefs/namespaces/:ns/objects/:name', schema: { params: NsName, body: Doc },
      handler: async (req) => {
        const n = await write(req.ctx, req.params.ns, 'modify_metadef_object');
        return objectView(n, await m.updateObject(n, req.params.name, req.body));
      },
    }),
    {
      method: 'DELETE', url: '/v2/metadefs/namespaces/:ns/objects/:name', status: 204, schema: { params: NsName },
      handler: async (req) => { await m.deleteObject(await write(req.ctx, req.params.ns, 'delete_metadef_object'), req.params.name); },
    },

    {
      method: 'GET', url: '/v2/metadefs/namespaces/:ns/tags', schema: { params: Ns },
      handler: async (req) => ({ tags: (await load(req.ctx, req.params.ns, 'get_metadef_tags')).tags }),
    },
    route({
      method: 'POST', url: '/v2/metadefs/namespaces/:ns/tags', status: 201, schema: { params: Ns, body: TagList },
      handler: async (req) => {
        const n = await write(req.ctx, req.params.ns, 'add_metadef_tags');
        const names = (req.body.tags as Array<Record<string, unknown> | null>).map((t) => String(t?.name ?? ''));
        const append = String(req.headers['x-openstack-append'] ?? '').toLowerCase() === 'true';
        await m.createTags(n, names, append);
        return { tags: names.map((name) => ({ name })) };
      },
    }),
    {
      method: 'DELETE', url: '/v2/metadefs/namespaces/:ns/tags', status: 204, schema: { params: Ns },
      handler: async (req) => { await m.deleteTags(await write(req.ctx, req.params.ns, 'delete_metadef_tags')); },
    },
    {
      method: 'GET', url: '/v2/metadefs/namespaces/:ns/tags/:name', schema: { params: NsName },
      handler: async (req) => m.tag(await load(req.ctx, req.params.ns, 'get_metadef_tag'), req.params.name),
    },
    {
      method: 'POST', url: '/v2/metadefs/namespaces/:ns/tags/:name', status: 201, schema: { params: NsName }, rawBody: 'none',
      handler: async (req) => m.createTag(await write(req.ctx, req.params.ns, 'add_metadef_tag'), req.params.name),
    },
    route({
      method: 'PUT', url: '/v2/metadefs/namespaces/:ns/tags/:name', schema: { params: NsName, body: Doc },
      handler: async (req) => m.updateTag(await write(req.ctx, req.params.ns, 'modify_metadef_tag'), req.params.name, req.body.name),
    }),
    {
      method: 'DELETE', url: '/v2/metadefs/namespaces/:ns/tags/:name', status: 204, schema: { params: NsName },
      handler: async (req) => { await m.deleteTag(await write(req.ctx, req.params.ns, 'delete_metadef_tag'), req.params.name); },
    },

    {
      method: 'GET', url: '/v2/metadefs/resource_types',
      handler: async (req) => {
        authorize(req.ctx, 'list_metadef_resource_types', { project_id: req.ctx.projectId });
        return { resource_types: (await m.resourceTypes()).map((r) => ({ name: r.name, created_at: r.created_at, updated_at: r.updated_at })) };
      },
    },
    {
      method: 'GET', url: '/v2/metadefs/namespaces/:ns/resource_types', schema: { params: Ns },
      handler: async (req) => ({ resource_type_associations: (await load(req.ctx, req.params.ns, 'get_metadef_resource_type')).resource_type_associations }),
    },
    route({
      method: 'POST', url: '/v2/metadefs/namespaces/:ns/resource_types', status: 201, schema: { params: Ns, body: Doc },
      handler: async (req) => m.associate(await write(req.ctx, req.params.ns, 'add_metadef_resource_type_association'), req.body),
    }),
    {
      method: 'DELETE', url: '/v2/metadefs/namespaces/:ns/resource_types/:name', status: 204, schema: { params: NsName },
      handler: async (req) => { await m.dissociate(await write(req.ctx, req.params.ns, 'remove_metadef_resource_type_association'), req.params.name); },
    },
  ];
}
