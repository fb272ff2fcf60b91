// /v2/images: list, create, show, update (JSON patch), delete, deactivate/reactivate and tags.
import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest, MethodNotAllowed, UnsupportedMediaType } from '../../../core/errors/errors.js';
import type { ImageDomain } from '../domain/image-domain.js';
import { imageNotFound, readOnly, reserved } from '../domain/errors.js';
import { validateImageDoc } from '../domain/formats.js';
import { READONLY, SORT_KEYS, type Change, type ListQuery } from '../domain/images.service.js';
import { callerOf } from '../../../core/auth/caller.js';
import { authorize, loadImage } from './common.js';
import { IMPORT_METHODS } from './image-data.routes.js';
import { imageView } from './views.js';

const Id = Type.Object({ id: Type.String() });
const IdTag = Type.Object({ id: Type.String(), tag: Type.String() });
/** An image document (its attributes are checked by the domain against Glance's image schema). */
const ImageDoc = Type.Record(Type.String(), Type.Unknown());
/** A JSON patch: an array of operation objects (their members depend on the patch media type). */
const Patch = Type.Array(Type.Record(Type.String(), Type.Unknown()));

export const PATCH_TYPES: Record<string, 4 | 10> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
};
const OPERATIONS = ['add', 'remove', 'replace'] as const;
const PATH_DEPTH: Record<string, Record<string, number>> = { locations: { add: 2, remove: 2, replace: 1 } };
const RESERVED = ['location', 'deleted', 'deleted_at'];

/** The query as Glance's RequestDeserializer.index reads it (repeated tag/sort_key/sort_dir allowed). */
export function parseListQuery(req: ApiRequest): ListQuery {
  const params = new URL(req.raw.url, 'http://localhost').searchParams;
  const filters: Record<string, string> = {};
  const tags: string[] = [];
  const sortKeys: string[] = [];
  const sortDirs: string[] = [];
  let limit: number | undefined;
  let marker: string | undefined;
  let memberStatus = 'accepted';
  let sort: string | undefined;
  for (const [k, v] of params) {
    if (k === 'limit') {
      if (!/^-?\d+$/.test(v.trim())) throw new BadRequest('limit param must be an integer');
      limit = Number(v);
      if (limit < 0) throw new BadRequest('limit param must be positive');
    } else if (k === 'marker') marker = v;
    else if (k === 'member_status') memberStatus = v;
    else if (k === 'tag') tags.push(v.trim());
    else if (k === 'sort') sort = v;
    else if (k === 'sort_key') sortKeys.push(sortKey(v.trim()));
    else if (k === 'sort_dir') sortDirs.push(sortDir(v.trim()));
    else filters[k] = v;
  }
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatus)) throw new BadRequest(`Invalid status: ${memberStatus}`);
  if (sort !== undefined) {
    if (sortKeys.length || sortDirs.length) throw new BadRequest('Old and new sorting syntax cannot be combined');
    for (const part of sort.trim().split(',')) {
      const [key, dir] = [part.split(':')[0]!, part.split(':').slice(1).join(':')];
      sortKeys.push(sortKey(key.trim()));
      sortDirs.push(sortDir((dir || 'desc').trim()));
    }
  } else if (sortDirs.length > 1 && sortDirs.length !== sortKeys.length) {
    throw new BadRequest('Number of sort dirs does not match the number of sort keys');
  }
  return {
    filters, tags, memberStatus, marker,
    sortKeys: sortKeys.length ? sortKeys : ['created_at'], sortDirs: sortDirs.length ? sortDirs : ['desc'],
    limit: Math.min(1000, limit ?? 25),
  };
}

function sortKey(k: string): string {
  if (!SORT_KEYS.includes(k)) throw new BadRequest(`Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
  return k;
}
function sortDir(d: string): string {
  if (d !== 'asc' && d !== 'desc') throw new BadRequest(`Invalid sort direction: ${d}`);
  return d;
}

/** The links of a list page: `first` without the marker, `next` with the last id as marker. */
function pageLinks(req: ApiRequest, nextMarker?: string): { first: string; next?: string } {
  const params = new URL(req.raw.url, 'http://localhost').searchParams;
  params.delete('marker');
  const query = params.toString();
  const out: { first: string; next?: string } = { first: query ? `/v2/images?${query}` : '/v2/images' };
  if (nextMarker) { params.set('marker', nextMarker); out.next = `/v2/images?${params.toString()}`; }
  return out;
}

/** Glance's RequestDeserializer.update: content type, operations, JSON pointers, read-only and reserved paths. */
/** The JSON-patch draft of a PATCH's media type, or Glance's 415 naming the ones it accepts (before the body is read). */
export function patchDraft(headers: ApiRequest['headers']): 4 | 10 {
  const contentType = String(headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const draft = PATCH_TYPES[contentType];
  if (draft) return draft;
  const err = new UnsupportedMediaType(`The request media type ${contentType} is not supported by this server.`);
  (err.headers as Record<string, string>)['Accept-Patch'] = Object.keys(PATCH_TYPES).sort().join(', ');
  throw err;
}

/** Glance's RequestDeserializer.update: operations, JSON pointers, read-only and reserved paths (the schema checked the shape). */
export function parsePatch(headers: ApiRequest['headers'], body: Array<Record<string, unknown>>): Change[] {
  const draft = patchDraft(headers);
  const changes: Change[] = [];
  for (const r of body) {
    let op: Change['op'] | undefined;
    let pointer: unknown;
    if (draft === 10) {
      const o = r.op;
      if (o === undefined) throw new BadRequest(`Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPERATIONS.join(', ')}.`);
      if (!OPERATIONS.includes(o as never)) throw new BadRequest(`Invalid operation: \`${o}\`. It must be one of the following: ${OPERATIONS.join(', ')}.`);
      op = o as Change['op'];
      if (!('path' in r)) throw new BadRequest("Unable to find 'path' in JSON Schema change");
      pointer = r.path;
    } else {
      for (const k of OPERATIONS) {
        if (k in r) {
          if (op) throw new BadRequest('Operation objects must contain only one member named "add", "remove", or "replace".');
          op = k;
        }
      }
      if (!op) throw new BadRequest('Operation objects must contain exactly one member named "add", "remove", or "replace".');
      pointer = r[op];
    }
    const path = decodePointer(String(pointer));
    const root = path[0]!;
    const depth = PATH_DEPTH[root]?.[op] ?? 1;
    if (path.length !== depth) throw new BadRequest(`Invalid JSON pointer for this resource: '/${path.join('/')}'`);
    const change: Change = { op, path, draft };
    if (op !== 'remove') {
      if (!('value' in r)) throw new BadRequest(`Operation "${op}" requires a member named "value".`);
      change.value = r.value;
    }
    if (READONLY.includes(root)) throw readOnly(root);
    if (RESERVED.includes(root) || root.startsWith('os_glance')) throw reserved(root);
    if (op !== 'remove' && path.length === 1) {
      const invalid = validateImageDoc({ [root]: change.value });
      if (invalid) throw new BadRequest(invalid);
    }
    changes.push(change);
  }
  return changes;
}

function decodePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new BadRequest(`Pointer \`${pointer}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1))) throw new BadRequest(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith('/')) throw new BadRequest(`Pointer \`${pointer}\` end with "/".`);
  if (pointer.slice(1).trim() === '/') throw new BadRequest(`Pointer \`${pointer}\` does not contains valid token.`);
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) throw new BadRequest(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
  return pointer.replace(/^\/+/, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~').trim());
}

const emptyId = (req: ApiRequest) => /\/v2\/images\/(\?|$)/.test(req.raw.url);

/** publicize_image / communitize_image when the visibility asked for needs them. */
function authorizeVisibility(req: ApiRequest, visibility: unknown, target: Record<string, unknown>): void {
  if (visibility === 'public') authorize(req.ctx, 'publicize_image', target);
  if (visibility === 'community') authorize(req.ctx, 'communitize_image', target);
}

export function imageRoutes(d: ImageDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2/images',
      handler: async (req) => {
        // NOTE: /v2/images/ is an image with an empty id to Glance, not the list.
        if (emptyId(req)) throw imageNotFound('');
        authorize(req.ctx, 'get_images', { project_id: req.ctx.projectId });
        const caller = callerOf(req.ctx);
        const q = parseListQuery(req);
        const { images, nextMarker } = await d.images.list(caller, q);
        const views = [];
        for (const i of images) {
          const m = await d.members.of(i, caller.projectId);
          if (req.ctx.can('get_image', { ...i.properties, ...i, project_id: i.owner, member_id: m?.member_id })) views.push(imageView(i));
        }
        const links = pageLinks(req, nextMarker);
        return { images: views, first: links.first, schema: '/v2/schemas/images', ...(links.next ? { next: links.next } : {}) };
      },
    },
    route({
      method: 'POST', url: '/v2/images', status: 201, schema: { body: ImageDoc },
      handler: async (req) => {
        const b = req.body;
        const owner = 'owner' in b ? b.owner : req.ctx.projectId;
        const target = { ...b, owner, project_id: owner };
        authorize(req.ctx, 'add_image', target);
        authorizeVisibility(req, b.visibility, target);
        const image = await d.images.create(callerOf(req.ctx), b);
        req.reply.header('Location', `/v2/images/${image.id}`);
        req.reply.header('OpenStack-image-import-methods', IMPORT_METHODS.join(','));
        return imageView(image);
      },
    }),
    {
      method: 'DELETE', url: '/v2/images',
      handler: async (req) => { if (emptyId(req)) throw imageNotFound(''); throw new MethodNotAllowed(); },
    },
    {
      method: 'GET', url: '/v2/images/:id', schema: { params: Id },
      handler: async (req) => imageView((await loadImage(d, req.ctx, req.params.id)).image),
    },
    route({
      method: 'PATCH', url: '/v2/images/:id', schema: { params: Id, body: Patch },
      handler: async (req) => {
        const changes = parsePatch(req.headers, req.body);
        const { image, target, caller } = await loadImage(d, req.ctx, req.params.id);
        authorize(req.ctx, 'modify_image', target);
        for (const c of changes) if (c.path[0] === 'visibility' && c.op !== 'remove') authorizeVisibility(req, c.value, target);
        return imageView(await d.images.update(caller, image, changes));
      },
    }),
    {
      method: 'DELETE', url: '/v2/images/:id', status: 204, schema: { params: Id },
      handler: async (req) => {
        const { image, target } = await loadImage(d, req.ctx, req.params.id);
        authorize(req.ctx, 'delete_image', target);
        await d.images.delete(image);
      },
    },
    {
      method: 'POST', url: '/v2/images/:id/actions/deactivate', status: 204, schema: { params: Id }, rawBody: 'none',
      handler: async (req) => {
        const { image, target } = await loadImage(d, req.ctx, req.params.id);
        authorize(req.ctx, 'deactivate', target);
        await d.images.deactivate(image);
      },
    },
    {
      method: 'POST', url: '/v2/images/:id/actions/reactivate', status: 204, schema: { params: Id }, rawBody: 'none',
      handler: async (req) => {
        const { image, target } = await loadImage(d, req.ctx, req.params.id);
        authorize(req.ctx, 'reactivate', target);
        await d.images.reactivate(image);
      },
    },
    {
      method: 'PUT', url: '/v2/images/:id/tags/:tag', status: 204, schema: { params: IdTag }, rawBody: 'none',
      handler: async (req) => {
        const { image, target } = await loadImage(d, req.ctx, req.params.id);
        authorize(req.ctx, 'modify_image', target);
        await d.images.addTag(image, req.params.tag);
      },
    },
    {
      method: 'DELETE', url: '/v2/images/:id/tags/:tag', status: 204, schema: { params: IdTag },
      handler: async (req) => {
        const { image, target } = await loadImage(d, req.ctx, req.params.id);
        authorize(req.ctx, 'modify_image', target);
        await d.images.deleteTag(image, req.params.tag);
      },
    },
  ];
}

