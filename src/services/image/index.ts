// The image service: Glance v2 at /image. Image bytes are files under DATA_DIR/images.
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../core/db/database.js';
import { routeUrl, type ServiceMount } from '../../core/http/service-plugin.js';
import { loadPolicyOverrides } from '../../core/policy/overrides.js';
import { compileRules, type RuleSet } from '../../core/policy/policy-engine.js';
import type { ServiceContext, ServiceModule } from '../service-module.js';
import { imageDataRoutes } from './api/image-data.routes.js';
import { imageRoutes, patchDraft } from './api/images.routes.js';
import { memberRoutes } from './api/members.routes.js';
import { taskRoutes } from './api/tasks.routes.js';
import { schemaRoutes } from './api/schemas.routes.js';
import { versionRoutes } from './api/versions.routes.js';
import { ImageDomain } from './domain/image-domain.js';
import { NO_LIMITS, QUOTA_NAMES, type Change, type ImageLimits, type ImageQuotas, type QuotaName } from './domain/images.service.js';
import { Forbidden } from '../../core/errors/errors.js';
import { pageAfter } from '../../core/pagination/pagination.js';
import { unknownMarker } from './domain/errors.js';
import type { ImageRecord } from './store/tables.js';
import { imageFaults, negotiateFault } from './faults.js';
import { imagePolicies } from './policies.js';
import { ImageFiles } from './store/image-files.js';
import { imageMigrations } from './store/migrations.js';
import { ImageTables } from './store/tables.js';
import { MetadefTables } from './store/metadefs.tables.js';
import { metadefRoutes } from './api/metadefs.routes.js';

export const IMAGE_PATH = '/image';
export type { ImageQuotas };

import type { FacadeImage, ImageFacade } from './facade.js';
export type * from './facade.js';

export class ImageModule implements ServiceModule<ImageFacade> {
  readonly domain: ImageDomain;
  readonly rules: RuleSet;
  readonly facade: ImageFacade;
  private readonly pending = new Set<Promise<void>>();

  private constructor(private readonly ctx: ServiceContext) {
    this.domain = new ImageDomain(new ImageTables(ctx.db), new ImageFiles(ctx.config.dataDir), keystoneLimits(ctx), new MetadefTables(ctx.db), ctx.config.imageImportFiltering);
    this.rules = compileRules({ ...imagePolicies, ...loadPolicyOverrides(ctx.config.dataDir) });
    this.facade = makeFacade(this.domain);
  }

  static async open(ctx: ServiceContext): Promise<ImageModule> {
    await migrate(ctx.db, 'image', imageMigrations);
    const m = new ImageModule(ctx);
    await m.domain.metadefs.seed();
    return m;
  }

  /** Work that runs after a 202 (imports); close() waits for it. */
  private runLater = (work: () => Promise<void>): void => {
    const p = new Promise<void>((resolve) => setImmediate(resolve)).then(work).catch((err) => {
      this.ctx.logger.error({ err }, 'image import failed');
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  };

  async start(): Promise<void> {
    // NOTE: glance is in the catalog by now (registered after listen), so its limits can be registered.
    if (useKeystoneLimits(this.ctx)) await this.ctx.facades.identity.registerLimits(SERVICE_NAME, DEVSTACK_LIMITS, configuredLimits(this.ctx));
    await this.domain.images.reconcile(this.runLater);
  }

  async close(): Promise<void> { await Promise.all([...this.pending]); }

  mount(): ServiceMount {
    const d = this.domain;
    return {
      prefix: IMAGE_PATH,
      rules: () => this.rules,
      faults: imageFaults(() => `${this.ctx.baseUrl()}/identity`),
      tokens: this.ctx.tokens,
      routes: [...versionRoutes(), ...schemaRoutes(), ...imageRoutes(d), ...imageDataRoutes(d, this.runLater), ...memberRoutes(d), ...metadefRoutes(d), ...taskRoutes(d, this.runLater)],
      setup: (app: FastifyInstance) => {
        // As oslo.middleware's request_id in front of Glance.
        app.addHook('onSend', async (request, reply, payload) => {
          reply.header('x-openstack-request-id', request.id);
          // Errors in the form the client's Accept header asks for, as webob does.
          if (reply.statusCode < 400 || reply.statusCode === 401 || typeof payload !== 'string') return payload;
          let body: { message?: unknown; code?: unknown; title?: unknown };
          try { body = JSON.parse(payload); } catch { return payload; }
          if (typeof body.message !== 'string' || typeof body.code !== 'string' || typeof body.title !== 'string') return payload;
          // NOTE: webob's 405 names the method: its template is not the others'.
          if (reply.statusCode === 405) {
            body.message = `The method ${request.method} is not allowed for this resource. <br /><br />\n`;
            payload = JSON.stringify(body);
          }
          const other = negotiateFault(request.headers.accept, body as { message: string; code: string; title: string });
          if (!other) return payload;
          reply.header('content-type', other.contentType);
          return other.payload;
        });
        // NOTE: Glance refuses a patch's media type before it reads the body.
        app.addHook('preValidation', async (request) => {
          if (request.method === 'PATCH' && routeUrl(request) === `${IMAGE_PATH}/v2/images/:id`) patchDraft(request.headers);
        });
        // Image bytes reach the handler as the request stream itself (never buffered).
        app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
        // Glance's JSONRequestDeserializer: its own message for a body that is not JSON.
        const json = (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
          const text = String(body);
          if (text.trim() === '') return done(null, undefined);
          try { done(null, JSON.parse(text)); } catch {
            done(Object.assign(new Error('Malformed JSON in request body.'), { statusCode: 400 }), undefined);
          }
        };
        app.addContentTypeParser('application/json', { parseAs: 'string' }, json);
        app.addContentTypeParser(/^application\/openstack-images-v2\.[01]-json-patch/, { parseAs: 'string' }, json);
        // NOTE: other media types: image data routes get the stream and answer 415 as Glance does;
        // elsewhere Glance reads the body as JSON whatever its type, and so do we.
        app.removeContentTypeParser('text/plain');
        app.addContentTypeParser('*', (req, payload, done) => {
          if (/\/(file|stage)(\?|$)/.test(req.url)) return done(null, payload);
          const chunks: Buffer[] = [];
          let size = 0;
          payload.on('data', (c: Buffer) => { size += c.length; if (size <= 16 * 1024 * 1024) chunks.push(c); });
          payload.on('error', (e: Error) => done(e, undefined));
          payload.on('end', () => {
            if (size > 16 * 1024 * 1024) return done(Object.assign(new Error('Request Entity Too Large'), { statusCode: 413 }), undefined);
            json(req, Buffer.concat(chunks), done);
          });
        });
      },
    };
  }
}

/** The catalog name oslo.limit finds glance's limits under. */
const SERVICE_NAME = 'glance';

/** What DevStack's configure_glance_quotas registers (GLANCE_LIMIT_IMAGE_SIZE_TOTAL is 1000 MiB). */
export const DEVSTACK_LIMITS: ImageQuotas = { image_size_total: 1000, image_stage_total: 1000, image_count_total: 100, image_count_uploading: 100 };

/** Glance's use_keystone_limits: on unless the config turns it off (DevStack's GLANCE_ENABLE_QUOTAS defaults to True). */
const useKeystoneLimits = (ctx: ServiceContext) => ctx.config.imageUseKeystoneLimits !== false;

/** The config's imageQuotas as registered limits: each one given is set at every start. */
function configuredLimits(ctx: ServiceContext): Record<string, number> {
  const q = ctx.config.imageQuotas ?? {};
  const byName: Record<QuotaName, number | undefined> = {
    image_size_total: q.imageSizeTotal, image_stage_total: q.imageStageTotal, image_count_total: q.imageCountTotal, image_count_uploading: q.imageCountUploading,
  };
  return Object.fromEntries(Object.entries(byName).filter(([, v]) => v !== undefined)) as Record<string, number>;
}

/** A project's image limits as oslo.limit reads them from Keystone, through the identity facade. */
function keystoneLimits(ctx: ServiceContext): ImageLimits {
  if (!useKeystoneLimits(ctx)) return NO_LIMITS;
  return { enabled: true, of: async (projectId) => (await ctx.facades.identity.limitsFor(SERVICE_NAME, projectId, [...QUOTA_NAMES])) as ImageQuotas };
}

function makeFacade(d: ImageDomain): ImageFacade {
  return {
    async findImage(id, viewer) {
      const image = await d.tables.get(id);
      if (!image || !(await d.images.visible(viewer, image))) return undefined;
      if (!viewer.isAdmin && image.visibility === 'shared' && image.owner !== viewer.projectId) {
        const m = await d.tables.member(id, viewer.projectId);
        if (m?.status !== 'accepted') return undefined;
      }
      return facadeImage(image);
    },
    async listImages(viewer, q) {
      const f = q.filters;
      const filters: Record<string, string> = { ...(f.properties ?? {}) };
      if (f.name !== undefined) filters.name = f.name;
      if (f.status !== undefined) filters.status = f.status;
      if (f.changesSince !== undefined) filters.updated_at = `gte:${f.changesSince}`;
      const all = await d.images.list(viewer, { filters, tags: [], memberStatus: 'accepted', sortKeys: ['created_at', 'id'], sortDirs: ['desc', 'desc'], limit: Number.MAX_SAFE_INTEGER });
      const images = all.images.filter((i) => (f.minRam === undefined || i.min_ram >= f.minRam) && (f.minDisk === undefined || i.min_disk >= f.minDisk));
      return pageAfter(images, q, (i) => i.id, unknownMarker).map(facadeImage);
    },
    async deleteImageAs(id, viewer) {
      const image = await d.images.get(viewer, id);
      if (!viewer.isAdmin && image.owner !== viewer.projectId) throw new Forbidden(`You are not permitted to delete image ${id}.`);
      await d.images.delete(image);
    },
    async setImageProperties(id, viewer, properties) {
      const image = await d.images.get(viewer, id);
      if (!viewer.isAdmin && image.owner !== viewer.projectId) throw new Forbidden(`You are not permitted to modify image ${id}.`);
      const changes: Change[] = [];
      for (const k of Object.keys(image.properties)) if (!(k in properties)) changes.push({ op: 'remove', path: [k], draft: 10 });
      for (const [k, v] of Object.entries(properties)) changes.push({ op: k in image.properties ? 'replace' : 'add', path: [k], value: v, draft: 10 });
      return (await d.images.update(viewer, image, changes)).properties;
    },
    async createImage(args) {
      const body: Record<string, unknown> = { ...(args.properties ?? {}), name: args.name };
      if (args.diskFormat !== undefined) body.disk_format = args.diskFormat;
      if (args.containerFormat !== undefined) body.container_format = args.containerFormat;
      if (args.visibility !== undefined) body.visibility = args.visibility;
      const image = await d.images.create({ projectId: args.projectId, isAdmin: true }, body);
      return { id: image.id };
    },
    async uploadImage(id, data) {
      const image = await d.images.get({ projectId: undefined, isAdmin: true }, id);
      await d.images.upload(image, data);
    },
    async imageFilePath(id) {
      const image = await d.tables.get(id);
      if (!image || image.status !== 'active') return undefined;
      return (await d.images.dataOf(image))?.path;
    },
    async deleteImage(id) {
      const image = await d.tables.get(id);
      if (image) await d.images.delete(image);
    },
  };
}

function facadeImage(image: ImageRecord): FacadeImage {
  return {
    id: image.id, name: image.name ?? '', status: image.status, minDisk: image.min_disk, minRam: image.min_ram, size: image.size,
    diskFormat: image.disk_format, containerFormat: image.container_format, properties: { ...image.properties },
    createdAt: image.created_at, updatedAt: image.updated_at,
  };
}

