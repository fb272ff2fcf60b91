// The object store: Swift v1 at /object-store/v1/AUTH_{project_id}. Names, metadata and listings
// in SQL; bytes through the object-storage driver (files under DATA_DIR/objects).
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { leaveOutOfChangeStamp, migrate } from '../../core/db/database.js';
import type { ServiceMount } from '../../core/http/service-plugin.js';
import { loadPolicyOverrides } from '../../core/policy/overrides.js';
import { compileRules, type RuleSet } from '../../core/policy/policy-engine.js';
import type { ServiceContext, ServiceModule } from '../service-module.js';
import { infoRoutes } from './api/info.routes.js';
import { transId } from './api/request.js';
import { OBJECT_STORE_PATH, swiftRoutes } from './api/swift.routes.js';
import { ObjectStoreDomain } from './domain/object-store-domain.js';
import { TEMPURL_DIGESTS, TEMPURL_METHODS } from './api/tempurl.js';
import { SLO_LIMITS } from './domain/large-objects.js';
import { FORMPOST_DIGESTS } from './api/formpost.js';
import { BULK_LIMITS, CompressionError } from './domain/bulk.js';
import { syncInfo, type SyncRealms } from './domain/container-sync.js';
import { objectStoreFaults } from './faults.js';
import { objectStorePolicies } from './policies.js';
import { objectStoreMigrations } from './store/migrations.js';
import { OBJECT_STORE_TABLES } from './store/database.js';
import { ObjectStoreTables } from './store/tables.js';
import { RESELLER_PREFIX } from './domain/access.js';
import { SwiftError } from './domain/errors.js';
import type { ObjectStoreFacade } from './facade.js';
import { CommandError, pipeCommand } from '../../drivers/host/run-command.js';

export { OBJECT_STORE_PATH };
export type * from './facade.js';

/**
 * container-sync-realms.conf as DevStack writes it (Tempest's realm_name and cluster_name): one
 * realm whose one cluster is this cloud.
 */
const SYNC_REALMS: SyncRealms = { REALM1: { key: 'realm1key', clusters: { NAME1: `${OBJECT_STORE_PATH}/v1/` } } };

/** The middlewares /info lists, with their settings, as Swift's register_swift_info records them. */
function capabilities() {
  return {
    container_sync: syncInfo(SYNC_REALMS),
    tempurl: { methods: TEMPURL_METHODS, incoming_remove_headers: ['x-timestamp'], incoming_allow_headers: [], outgoing_remove_headers: ['x-object-meta-*'], outgoing_allow_headers: ['x-object-meta-public-*'], allowed_digests: TEMPURL_DIGESTS, deprecated_digests: ['sha1'] },
    slo: { ...SLO_LIMITS, allow_async_delete: false, yield_frequency: 10 },
    bulk_upload: { max_containers_per_extraction: BULK_LIMITS.max_containers_per_extraction, max_failed_extractions: BULK_LIMITS.max_failed_extractions },
    bulk_delete: { max_deletes_per_request: BULK_LIMITS.max_deletes_per_request, max_failed_deletes: BULK_LIMITS.max_failed_deletes },
    account_quotas: {},
    container_quotas: {},
    crossdomain: {},
    staticweb: {},
    formpost: { allowed_digests: FORMPOST_DIGESTS, deprecated_digests: ['sha1'] },
    versioned_writes: { allowed_flags: ['x-versions-location', 'x-history-location'] },
    keystoneauth: {},
  };
}

/** A bzip2 stream decompressed by `bzip2 -dc`; data it refuses is tarfile's "invalid compressed data". */
async function* bunzip2(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  try {
    yield* pipeCommand('bzip2', ['-dc'], source);
  } catch (err) {
    if (err instanceof CommandError) throw new CompressionError('invalid compressed data');
    throw err;
  }
}

/** How often the expirer looks for objects past their X-Delete-At, and the container syncer for new objects. */
const EXPIRER_INTERVAL_MS = 1000;
const SYNC_INTERVAL_MS = 1000;

export class ObjectStoreModule implements ServiceModule<ObjectStoreFacade> {
  readonly domain: ObjectStoreDomain;
  readonly rules: RuleSet;
  readonly facade: ObjectStoreFacade;
  private readonly openedAt = Date.now();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();

  private constructor(private readonly ctx: ServiceContext) {
    // NOTE: bzip2 archives decompress through Debian's bzip2 command, streamed (Node has no bzip2 of its own).
    // NOTE: allowed_sync_hosts: Swift's default (127.0.0.1) and the address this cloud serves on.
    const sync = { realms: SYNC_REALMS, allowedHosts: [...new Set(['127.0.0.1', ctx.config.hostIp])] };
    this.domain = new ObjectStoreDomain(new ObjectStoreTables(ctx.db), ctx.drivers.objectStorage, { bunzip2 }, sync);
    this.rules = compileRules({ ...objectStorePolicies, ...loadPolicyOverrides(ctx.config.dataDir) });
    this.facade = makeFacade(this.domain);
  }

  static async open(ctx: ServiceContext): Promise<ObjectStoreModule> {
    await migrate(ctx.db, 'object-store', objectStoreMigrations);
    // NOTE: every PUT writes them; identity's caches would otherwise start again on each.
    leaveOutOfChangeStamp(ctx.db, OBJECT_STORE_TABLES);
    await ctx.drivers.objectStorage.cleanup();
    const module = new ObjectStoreModule(ctx);
    // NOTE: before any request (none may read a row whose bytes a power loss took) and before
    // start's sweep of orphans (which would take the bytes of the rows this puts back).
    const { undone } = await module.domain.recover();
    if (undone > 0) ctx.logger.warn({ undone }, 'object store: undid objects whose bytes a power loss took before their PUT was answered');
    return module;
  }

  async start(): Promise<void> {
    const { orphans } = await this.domain.reconcile(this.openedAt);
    if (orphans > 0) this.ctx.logger.info({ orphans }, 'object store: removed bytes no object names (a crash before their commit)');
    this.every(EXPIRER_INTERVAL_MS, 'object expirer', () => this.domain.objects.expire());
    this.every(SYNC_INTERVAL_MS, 'container sync', () => this.domain.sync.runOnce());
  }

  /** Background work every `ms`, one pass at a time; failures logged. */
  private every(ms: number, what: string, work: () => Promise<unknown>): void {
    let pass: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      if (pass) return;
      pass = work().catch((err) => this.ctx.logger.error({ err }, `${what} failed`)).finally(() => { this.running.delete(pass!); pass = undefined; });
      this.running.add(pass);
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.running);
    await this.domain.tables.dropSynced();
  }

  mount(): ServiceMount {
    const d = this.domain;
    return {
      prefix: OBJECT_STORE_PATH,
      serviceType: 'object-store',
      rules: () => this.rules,
      faults: objectStoreFaults,
      tokens: this.ctx.tokens,
      routes: [...infoRoutes(capabilities), ...swiftRoutes(d)],
      setup: (app: FastifyInstance) => {
        // Bodies reach the handlers as the request stream itself, whatever their type (never buffered).
        app.removeAllContentTypeParsers();
        app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
        app.addHook('onRequest', async (request, reply) => {
          const id = transId();
          reply.header('X-Trans-Id', id);
          reply.header('X-Openstack-Request-Id', id);
        });
        app.addHook('onSend', async (_request, reply, payload) => {
          // NOTE: swob's default type, on empty answers too (clients expect the header on every one).
          if (!reply.hasHeader('content-type')) reply.header('content-type', 'text/html; charset=UTF-8');
          return payload;
        });
      },
    };
  }
}

/** The facade: the domain's calls as the account's owner. */
function makeFacade(d: ObjectStoreDomain): ObjectStoreFacade {
  const owner = { resellerAdmin: false };
  return {
    account: (projectId) => `${RESELLER_PREFIX}${projectId}`,
    async ensureContainer(account, container) {
      if (!(await d.containers.get(account, container))) await d.containers.put(account, container, {}, 'owner');
    },
    async putObject(account, container, name, data, contentType = 'application/octet-stream') {
      const o = await d.objects.put({ account, container, name }, { headers: { 'content-type': contentType }, body: Readable.from([data]), length: data.length, chunked: false }, owner);
      return { etag: o.etag };
    },
    async readObject(account, container, name) {
      const o = await d.objects.require({ account, container, name });
      const parts: Buffer[] = [];
      for await (const part of d.driver.read(o.blob)) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as string));
      return Buffer.concat(parts);
    },
    async deleteObject(account, container, name) {
      try {
        await d.objects.delete({ account, container, name });
        return true;
      } catch (err) {
        if (err instanceof SwiftError && err.status === 404) return false;
        throw err;
      }
    },
    async listObjects(account, container, prefix) {
      if (!(await d.containers.get(account, container))) return [];
      const names: string[] = [];
      for (;;) {
        const page = await d.containers.list(account, container, { prefix, marker: names.at(-1), limit: 10_000 });
        for (const item of page) if ('name' in item) names.push(item.name);
        if (page.length < 10_000) return names;
      }
    },
  };
}
