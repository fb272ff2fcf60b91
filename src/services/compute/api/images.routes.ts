// Nova's image proxy: /images (2.1-2.35) and /images/{id}/metadata (2.1-2.38), images-images.inc
// and images-image-metadata.inc. Nova checks no policy here: the image service decides who sees
// and changes what.
import { callerOf } from '../../../core/auth/caller.js';
import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { ImageListFilters, ImagesService } from '../domain/images.service.js';
import { queryInt, queryStr } from './common.js';
import { imageBasic, imageDetail, type ImageViewContext } from './images.view.js';
import { ImageMetadataBody, ImageMetaItemBody } from './images.schema.js';
import { mvCheck } from './common.js';
import { bodyUriMismatch, imageNotFound, resourceNotFound } from '../domain/errors.js';

/** Nova's MAX_PROXY_API_SUPPORT_VERSION and the last image-metadata version. */
export const IMAGES_MAX_MV = '2.35';
export const IMAGE_METADATA_MAX_MV = '2.38';

const Params = Type.Object({ id: Type.String() });
const MetaParams = Type.Object({ image_id: Type.String() });
const KeyParams = Type.Object({ image_id: Type.String(), key: Type.String() });

/** Beyond its last version a proxy route is gone: Nova's VersionNotFoundForAPIMethod. */
function upTo(req: ApiRequest, last: string): void {
  const mv = mvCheck(req);
  const [a, b] = last.split('.').map(Number);
  if (mv(`${a}.${b! + 1}`)) throw resourceNotFound();
}

function filtersOf(q: Record<string, unknown>): ImageListFilters {
  const f: ImageListFilters = {};
  const name = queryStr(q, 'name'); if (name !== undefined) f.name = name;
  const status = queryStr(q, 'status'); if (status !== undefined) f.status = status.toLowerCase();
  const since = queryStr(q, 'changes-since'); if (since !== undefined) f.changesSince = since;
  const minRam = queryStr(q, 'minRam'); if (minRam !== undefined && /^\d+$/.test(minRam)) f.minRam = Number(minRam);
  const minDisk = queryStr(q, 'minDisk'); if (minDisk !== undefined && /^\d+$/.test(minDisk)) f.minDisk = Number(minDisk);
  const props: Record<string, string> = {};
  const server = queryStr(q, 'server');
  // NOTE: Nova takes the last path segment of a server reference (an id or a link).
  if (server !== undefined) props.instance_uuid = server.includes('/') ? server.slice(server.lastIndexOf('/') + 1) : server;
  const type = queryStr(q, 'type'); if (type !== undefined) props.image_type = type;
  for (const k of Object.keys(q)) if (k.startsWith('property-')) props[k.slice('property-'.length)] = queryStr(q, k)!;
  if (Object.keys(props).length) f.properties = props;
  return f;
}

export function imageRoutes(images: ImagesService, computeUrl: () => string): RouteSpec[] {
  const view = (): ImageViewContext => ({ computeUrl: computeUrl(), imageUrl: computeUrl().replace(/\/compute$/, '/image') });
  const list = (detail: boolean) => async (req: ApiRequest) => {
    upTo(req, IMAGES_MAX_MV);
    const q = req.query as Record<string, unknown>;
    const limit = queryInt(q, 'limit');
    const marker = queryStr(q, 'marker');
    const found = await images.list(callerOf(req.ctx), { filters: filtersOf(q), marker, limit });
    const v = view();
    const body: Record<string, unknown> = { images: found.map((i) => (detail ? imageDetail(v, i) : imageBasic(v, i))) };
    if (limit !== undefined && limit > 0 && found.length === limit) {
      const next = new URLSearchParams();
      for (const [k, raw] of Object.entries(q)) if (k !== 'marker') next.set(k, String(Array.isArray(raw) ? raw[raw.length - 1] : raw));
      next.set('marker', found[found.length - 1]!.id);
      body.images_links = [{ rel: 'next', href: `${v.computeUrl}/v2.1/images${detail ? '/detail' : ''}?${next.toString()}` }];
    }
    return body;
  };
  const props = async (req: ApiRequest) => (await images.get(callerOf(req.ctx), (req.params as { image_id: string }).image_id)).properties;
  return [
    { method: 'GET', url: '/v2.1/images', handler: list(false) },
    { method: 'GET', url: '/v2.1/images/detail', handler: list(true) },
    // NOTE: DELETE /images/ (a blank id; the trailing slash is ignored here) is Nova's 404, not a 405.
    { method: 'DELETE', url: '/v2.1/images', handler: async () => { throw imageNotFound(); } },
    {
      method: 'GET', url: '/v2.1/images/:id', schema: { params: Params },
      handler: async (req) => {
        upTo(req, IMAGES_MAX_MV);
        return { image: imageDetail(view(), await images.get(callerOf(req.ctx), (req.params as { id: string }).id)) };
      },
    },
    {
      method: 'DELETE', url: '/v2.1/images/:id', schema: { params: Params }, status: 204,
      handler: async (req) => {
        upTo(req, IMAGES_MAX_MV);
        await images.delete(callerOf(req.ctx), (req.params as { id: string }).id);
        return undefined;
      },
    },
    {
      method: 'GET', url: '/v2.1/images/:image_id/metadata', schema: { params: MetaParams },
      handler: async (req) => { upTo(req, IMAGE_METADATA_MAX_MV); return { metadata: await props(req) }; },
    },
    route({
      method: 'POST', url: '/v2.1/images/:image_id/metadata', schema: { params: MetaParams, body: ImageMetadataBody.loosest },
      handler: async (req) => {
        upTo(req, IMAGE_METADATA_MAX_MV);
        ImageMetadataBody.check(() => true, req.body);
        const meta = req.body.metadata;
        return { metadata: await images.setMetadata(callerOf(req.ctx), (req.params as { image_id: string }).image_id, meta, false) };
      },
    }),
    route({
      method: 'PUT', url: '/v2.1/images/:image_id/metadata', schema: { params: MetaParams, body: ImageMetadataBody.loosest },
      handler: async (req) => {
        upTo(req, IMAGE_METADATA_MAX_MV);
        ImageMetadataBody.check(() => true, req.body);
        const meta = req.body.metadata;
        return { metadata: await images.setMetadata(callerOf(req.ctx), (req.params as { image_id: string }).image_id, meta, true) };
      },
    }),
    {
      method: 'GET', url: '/v2.1/images/:image_id/metadata/:key', schema: { params: KeyParams },
      handler: async (req) => {
        upTo(req, IMAGE_METADATA_MAX_MV);
        const { key } = req.params as { key: string };
        const meta = await props(req);
        if (!(key in meta)) throw resourceNotFound();
        return { meta: { [key]: meta[key] } };
      },
    },
    route({
      method: 'PUT', url: '/v2.1/images/:image_id/metadata/:key', schema: { params: KeyParams, body: ImageMetaItemBody.loosest },
      handler: async (req) => {
        upTo(req, IMAGE_METADATA_MAX_MV);
        ImageMetaItemBody.check(() => true, req.body);
        const { image_id, key } = req.params as { image_id: string; key: string };
        const meta = req.body.meta;
        if (!(key in meta)) throw bodyUriMismatch();
        await images.setMetadata(callerOf(req.ctx), image_id, meta, false);
        return { meta };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/images/:image_id/metadata/:key', schema: { params: KeyParams }, status: 204,
      handler: async (req) => {
        upTo(req, IMAGE_METADATA_MAX_MV);
        const { image_id, key } = req.params as { image_id: string; key: string };
        await images.deleteMetadataKey(callerOf(req.ctx), image_id, key);
        return undefined;
      },
    },
  ];
}
