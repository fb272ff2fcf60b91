// Image bytes: PUT/GET /v2/images/{id}/file (streamed, never buffered), glance-direct staging
// (PUT .../stage, POST .../import) and GET /v2/info/import.
import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { ApiError, Forbidden, UnsupportedMediaType } from '../../../core/errors/errors.js';
import type { ImageDomain } from '../domain/image-domain.js';
import { IMPORT_METHODS, drain, parseImportRequest } from '../domain/images.service.js';

export { IMPORT_METHODS };
import { authorize, loadImage } from './common.js';
import { imageTaskView } from './views.js';

const Id = Type.Object({ id: Type.String() });
/** The import body: Glance checks it field by field (parseImportRequest), not by a schema. */
const ImportBody = Type.Object({}, { additionalProperties: true });

/** The request body as a stream, or 415 as Glance's get_content_type(('application/octet-stream',)). */
function octetStream(req: ApiRequest): NodeJS.ReadableStream {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const body = (req.body ?? req.raw.raw) as NodeJS.ReadableStream;
  if (type !== 'application/octet-stream') {
    if (body && typeof (body as { resume?: unknown }).resume === 'function') drain(body);
    throw new UnsupportedMediaType(type ? `Invalid content type ${type}` : 'Invalid content type None');
  }
  return body;
}

/** A single `bytes=` range of a `size`-byte image, as webob parses it; undefined without one. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const unsatisfiable = () => new ApiError(416, 'Requested range not satisfiable', { 'Content-Range': `bytes */${size}` });
  if (!m || (m[1] === '' && m[2] === '')) throw unsatisfiable();
  let start: number;
  let end: number;
  if (m[1] === '') { const n = Number(m[2]); start = Math.max(0, size - n); end = size - 1; if (n === 0) throw unsatisfiable(); }
  else { start = Number(m[1]); end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1); }
  if (start >= size || start > end) throw unsatisfiable();
  return { start, end };
}

export function imageDataRoutes(d: ImageDomain, runLater: (work: () => Promise<void>) => void): RouteSpec[] {
  return [
    {
      method: 'PUT', url: '/v2/images/:id/file', status: 204, schema: { params: Id }, rawBody: 'stream',
      handler: async (req) => {
        const data = octetStream(req);
        try {
          const { image, target } = await loadImage(d, req.ctx, req.params.id);
          if (!req.ctx.can('upload_image', target)) throw new Forbidden(`Not allowed to upload image data for image ${image.id}`);
          await d.images.upload(image, data, req.ctx.projectId);
        } catch (e) { drain(data); throw e; }
      },
    },
    {
      method: 'GET', url: '/v2/images/:id/file', schema: { params: Id },
      handler: async (req) => {
        const { image, target, caller } = await loadImage(d, req.ctx, req.params.id);
        if (image.status === 'deactivated' && !caller.isAdmin) throw new Forbidden('The requested image has been deactivated. Image data download is forbidden.');
        authorize(req.ctx, 'download_image', target);
        const data = await d.images.dataOf(image);
        if (!data) { req.reply.code(204); return undefined; }
        const range = parseRange(req.headers.range as string | undefined, data.size);
        req.reply.header('Content-Type', 'application/octet-stream');
        if (image.checksum) req.reply.header('Content-MD5', image.checksum);
        if (range) {
          req.reply.code(206);
          req.reply.header('Content-Range', `bytes ${range.start}-${range.end}/${data.size}`);
          req.reply.header('Content-Length', String(range.end - range.start + 1));
          return req.reply.send(d.images.readData(image.id, range));
        }
        req.reply.header('Content-Length', String(data.size));
        return req.reply.send(d.images.readData(image.id));
      },
    },
    {
      method: 'PUT', url: '/v2/images/:id/stage', status: 204, schema: { params: Id }, rawBody: 'stream',
      handler: async (req) => {
        const data = octetStream(req);
        try {
          const { image, target } = await loadImage(d, req.ctx, req.params.id);
          authorize(req.ctx, 'modify_image', target);
          await d.images.stage(image, data, req.ctx.projectId);
        } catch (e) { drain(data); throw e; }
      },
    },
    route({
      method: 'POST', url: '/v2/images/:id/import', status: 202, schema: { params: Id, body: ImportBody },
      handler: async (req) => {
        const request = parseImportRequest(req.body);
        const { image, target } = await loadImage(d, req.ctx, req.params.id);
        authorize(req.ctx, 'modify_image', target);
        const work = await d.images.startImport(image, request, { requestId: req.raw.id, userId: req.ctx.userId, projectId: req.ctx.projectId });
        runLater(work);
        return {};
      },
    }),
    {
      method: 'GET', url: '/v2/info/import',
      handler: () => ({ 'import-methods': { description: 'Import methods available.', type: 'array', value: IMPORT_METHODS } }),
    },
    {
      method: 'GET', url: '/v2/images/:id/tasks', schema: { params: Id },
      handler: async (req) => {
        const { image } = await loadImage(d, req.ctx, req.params.id);
        const tasks = await d.images.tasks(image);
        return { tasks: tasks.map(imageTaskView) };
      },
    },
    { method: 'GET', url: '/v2/info/usage', handler: async (req) => ({ usage: await d.images.usage(req.ctx.projectId) }) },
  ];
}
