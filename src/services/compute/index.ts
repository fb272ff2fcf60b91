// The compute service: Nova v2.1 at /compute (catalog /compute/v2.1), microversions 2.1..MAX.
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../core/db/database.js';
import type { RouteSpec, ServiceMount } from '../../core/http/service-plugin.js';
import { loadPolicyOverrides } from '../../core/policy/overrides.js';
import { compileRules, type RuleSet } from '../../core/policy/policy-engine.js';
import { TaskManager } from '../../core/work/task-manager.js';
import type { ServiceContext, ServiceModule } from '../service-module.js';
import type { WithVersion } from './api/common.js';
import { aggregateRoutes } from './api/aggregates.routes.js';
import { extensionRoutes } from './api/extensions.routes.js';
import { flavorRoutes } from './api/flavors.routes.js';
import { floatingIpRoutes } from './api/floating-ips.routes.js';
import { hostRoutes } from './api/hosts.routes.js';
import { hypervisorRoutes } from './api/hypervisors.routes.js';
import { imageRoutes } from './api/images.routes.js';
import { instanceActionRoutes } from './api/instance-actions.routes.js';
import { instanceUsageAuditLogRoutes } from './api/instance-usage-audit-log.routes.js';
import { interfaceRoutes } from './api/interfaces.routes.js';
import { volumeAttachmentRoutes } from './api/volume-attachments.routes.js';
import { volumeProxyRoutes } from './api/volumes.routes.js';
import { keypairRoutes } from './api/keypairs.routes.js';
import { metadataRoutes } from './api/metadata.routes.js';
import { serverMigrationRoutes } from './api/server-migrations.routes.js';
import { migrationRoutes } from './api/migrations.routes.js';
import { networkRoutes } from './api/networks.routes.js';
import { quotaRoutes } from './api/quotas.routes.js';
import { securityGroupRoutes } from './api/security-groups.routes.js';
import { serverActionRoutes } from './api/server-actions.routes.js';
import { serverDiagnosticsRoutes } from './api/server-diagnostics.routes.js';
import { serverExternalEventRoutes } from './api/server-external-events.routes.js';
import { serverGroupRoutes } from './api/server-groups.routes.js';
import { serverMetadataRoutes } from './api/server-metadata.routes.js';
import { serverPasswordRoutes } from './api/server-password.routes.js';
import { serverTagRoutes } from './api/server-tags.routes.js';
import { serverUsageRoutes } from './api/server-usage.routes.js';
import { serverRoutes } from './api/servers.routes.js';
import { versionRoutes } from './api/versions.routes.js';
import { ComputeDomain } from './domain/compute-domain.js';
import { computeFaults } from './faults.js';
import { format } from '../../core/microversion/microversion.js';
import { negotiate } from './microversions.js';
import { computePolicies } from './policies.js';
import { attachConsoleWebsockets, consoleProxyRoutes } from './api/console-proxy.routes.js';
import { computeMigrations } from './store/schema-migrations.js';

export const COMPUTE_PATH = '/compute';

import type { ComputeFacade } from './facade.js';
export type * from './facade.js';

export class ComputeModule implements ServiceModule<ComputeFacade> {
  readonly rules: RuleSet;
  readonly facade: ComputeFacade;

  private constructor(private readonly ctx: ServiceContext, readonly domain: ComputeDomain) {
    this.rules = compileRules({ ...computePolicies, ...loadPolicyOverrides(ctx.config.dataDir) });
    this.facade = {
      volumeExtended: async (serverId, volumeId) => {
        await domain.servers.externalEvents([{ name: 'volume-extended', server_uuid: serverId, tag: volumeId }]);
      },
      flavor: async (id) => {
        const f = await domain.flavors.store.get(id);
        return f && { id: f.id, vcpus: f.vcpus, ram: f.ram, disk: f.disk };
      },
    };
  }

  static async open(ctx: ServiceContext): Promise<ComputeModule> {
    await migrate(ctx.db, 'compute', computeMigrations);
    await TaskManager.migrate(ctx.db);
    const { identity, placement, image, network, volume } = ctx.facades;
    // NOTE: the hypervisor driver is cloud.ts's choice (fake or qemu); compute only drives it.
    const domain = new ComputeDomain({
      db: ctx.db, log: ctx.logger, driver: ctx.drivers.hypervisor, identity, placement, image, network, volume,
      computeUrl: () => `${ctx.baseUrl()}${COMPUTE_PATH}`, metadataSecret: ctx.config.metadataSecret,
    });
    await domain.seed();
    return new ComputeModule(ctx, domain);
  }

  /** Every route of compute: add a resource's routes here with one line. */
  routes(): RouteSpec[] {
    const base = () => `${this.ctx.baseUrl()}${COMPUTE_PATH}`;
    const d = this.domain;
    return [
      ...versionRoutes(base),
      ...flavorRoutes(d, base),
      ...keypairRoutes(d, base),
      ...aggregateRoutes(d),
      ...serverGroupRoutes(d),
      ...quotaRoutes(d),
      ...serverRoutes(d), ...serverActionRoutes(d), ...serverMetadataRoutes(d), ...serverTagRoutes(d),
      ...instanceActionRoutes(d), ...hypervisorRoutes(d), ...serverUsageRoutes(d),
      ...imageRoutes(d.images, d.computeUrl), ...hostRoutes(d), ...serverExternalEventRoutes(d),
      ...serverDiagnosticsRoutes(d), ...instanceUsageAuditLogRoutes(d), ...migrationRoutes(d), ...serverMigrationRoutes(d),
      ...serverPasswordRoutes(d), ...extensionRoutes(),
      ...(d.securityGroups ? securityGroupRoutes(d.securityGroups, d) : []),
      ...(d.floatingIps ? floatingIpRoutes(d.floatingIps) : []),
      ...(d.interfaces ? interfaceRoutes(d.interfaces, d) : []),
      ...(d.volumeAttachments ? volumeAttachmentRoutes(d.volumeAttachments, d) : []),
      ...(this.ctx.facades.volume ? volumeProxyRoutes(this.ctx.facades.volume) : []),
      ...(d.metadata ? metadataRoutes(d.metadata) : []),
      ...(d.networks ? networkRoutes(d.networks) : []),
      ...consoleProxyRoutes(),
    ];
  }

  mount(): ServiceMount {
    return {
      prefix: COMPUTE_PATH,
      rules: () => this.rules,
      faults: computeFaults(() => `${this.ctx.baseUrl()}/identity`),
      tokens: this.ctx.tokens,
      routes: this.routes(),
      setup: (app: FastifyInstance) => {
        attachConsoleWebsockets(app.server, this.domain);
        // NOTE: a guest's `curl -d` posts its password form-encoded; the metadata routes read it
        // as text. Nova's own API takes JSON only (415 for the rest, as before).
        app.addContentTypeParser('application/x-www-form-urlencoded', (req, payload, done) => {
          if (/^\/compute\/metadata\//.test(req.url)) return done(null, payload);
          done(Object.assign(new Error(`Unsupported Media Type: ${req.headers['content-type']}`), { statusCode: 415 }));
        });
        const versioned = (url: string) => /^\/compute\/v2\.1(\/|$|\?)/.test(url);
        app.addHook('onRequest', async (request) => {
          if (!versioned(request.url)) return;
          (request as WithVersion).computeVersion = negotiate(request.headers);
        });
        app.addHook('onSend', async (request, reply, payload) => {
          if (!versioned(request.url)) return payload;
          // NOTE: Nova's request id headers; instance actions record the same id.
          reply.header('x-openstack-request-id', request.id);
          reply.header('x-compute-request-id', request.id);
          const v = (request as WithVersion).computeVersion;
          if (v) {
            reply.header('OpenStack-API-Version', `compute ${format(v)}`);
            reply.header('X-OpenStack-Nova-API-Version', format(v));
          }
          reply.header('Vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
          return payload;
        });
      },
    };
  }

  start(): Promise<void> { return this.domain.start(); }
  close(): Promise<void> { return this.domain.close(); }
}
