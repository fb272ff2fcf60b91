// The compute service: Nova v2.1 at /compute (catalog /compute/v2.1), microversions 2.1..MAX.
// Routes are one list: compute's own resources, then the servers part (servers.module.ts).
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../core/db/database.js';
import type { RouteSpec, ServiceMount } from '../../core/http/service-plugin.js';
import { loadPolicyOverrides } from '../../core/policy/overrides.js';
import { compileRules, type RuleSet } from '../../core/policy/policy-engine.js';
import type { ServiceContext, ServiceModule } from '../service-module.js';
import type { WithVersion } from './api/common.js';
import { aggregateRoutes } from './api/aggregates.routes.js';
import { quotaRoutes } from './api/quotas.routes.js';
import { serverGroupRoutes } from './api/server-groups.routes.js';
import { flavorRoutes } from './api/flavors.routes.js';
import { keypairRoutes } from './api/keypairs.routes.js';
import { floatingIpRoutes } from './api/floating-ips.routes.js';
import { networkRoutes } from './api/networks.routes.js';
import { NetworksService } from './domain/networks.service.js';
import { securityGroupRoutes } from './api/security-groups.routes.js';
import { interfaceRoutes } from './api/interfaces.routes.js';
import { metadataRoutes } from './api/metadata.routes.js';
import { MetadataService } from './domain/metadata.service.js';
import { InterfacesService } from './domain/interfaces.service.js';
import { FloatingIpsService } from './domain/floating-ips.service.js';
import { SecurityGroupsService } from './domain/security-groups.service.js';
import { versionRoutes } from './api/versions.routes.js';
import { DEFAULT_AZ } from './domain/aggregates.service.js';
import { ComputeDomain } from './domain/compute-domain.js';
import { computeFaults } from './faults.js';
import { format, MAX_VERSION, negotiate } from './microversions.js';
import { computePolicies } from './policies.js';
import { openServers, serversPolicies, type ComputeCore, type ServersPart } from './servers.module.js';
import { computeMigrations } from './store/migrations.js';

export const COMPUTE_PATH = '/compute';

import type { ComputeFacade } from './facade.js';
export type * from './facade.js';

export class ComputeModule implements ServiceModule<ComputeFacade> {
  readonly rules: RuleSet;
  readonly facade: ComputeFacade;

  private constructor(private readonly ctx: ServiceContext, readonly domain: ComputeDomain, readonly servers: ServersPart, private readonly networks?: NetworksService) {
    this.rules = compileRules({ ...computePolicies, ...serversPolicies, ...loadPolicyOverrides(ctx.config.dataDir) });
    this.facade = {
      flavor: async (id) => {
        const f = await domain.flavors.store.get(id);
        return f && { id: f.id, vcpus: f.vcpus, ram: f.ram, disk: f.disk };
      },
    };
  }

  static async open(ctx: ServiceContext): Promise<ComputeModule> {
    await migrate(ctx.db, 'compute', computeMigrations);
    const placement = ctx.facades.placement;
    const domain = new ComputeDomain({
      db: ctx.db, identity: ctx.facades.identity,
      setProviderAggregates: placement ? (uuid, aggs) => placement.setProviderAggregates(uuid, aggs) : undefined,
    });
    await domain.seed();
    // NOTE: the hypervisor driver reaches the servers part through ctx.drivers.hypervisor (cloud.ts).
    const servers = await openServers(ctx, coreOf(domain), { computeUrl: () => `${ctx.baseUrl()}${COMPUTE_PATH}`, maxMv: MAX_VERSION });
    domain.bindServers({
      usage: (projectId) => servers.domain.servers.store.countActive(projectId),
      hosts: async () => (await servers.domain.hosts.nodes()).map((n) => ({ host: n.host, nodeUuid: n.id })),
      services: async () => (await servers.domain.hosts.services({})).map((s) => ({ host: s.host, binary: s.binary, disabled: s.disabled, forcedDown: s.forced_down, updatedAt: s.updated_at })),
    });
    const network = ctx.facades.network;
    // NOTE: Nova's network proxies (security groups, floating IPs) exist only with networking.
    const networks = network && new NetworksService(network);
    if (network) servers.domain.networkProxy = { securityGroups: new SecurityGroupsService(network), floatingIps: new FloatingIpsService(network), networks: networks!, interfaces: new InterfacesService(network, servers.domain.servers.store), metadata: new MetadataService(network, servers.domain.servers.store, ctx.config.metadataSecret) };
    return new ComputeModule(ctx, domain, servers, networks);
  }

  /** Every route of compute: add a part's routes here with one line. */
  routes(): RouteSpec[] {
    const base = () => `${this.ctx.baseUrl()}${COMPUTE_PATH}`;
    return [
      ...versionRoutes(base),
      ...flavorRoutes(this.domain, base),
      ...keypairRoutes(this.domain, base),
      ...aggregateRoutes(this.domain),
      ...serverGroupRoutes(this.domain),
      ...quotaRoutes(this.domain),
      ...this.servers.routes(),
      ...(this.servers.domain.networkProxy ? [
        ...securityGroupRoutes(this.servers.domain.networkProxy.securityGroups, this.servers.domain),
        ...floatingIpRoutes(this.servers.domain.networkProxy.floatingIps),
        ...interfaceRoutes(this.servers.domain.networkProxy.interfaces, this.servers.domain),
        ...metadataRoutes(this.servers.domain.networkProxy.metadata),
      ] : []),
      ...(this.networks ? networkRoutes(this.networks) : []),
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
        const versioned = (url: string) => /^\/compute\/v2\.1(\/|$|\?)/.test(url);
        app.addHook('onRequest', async (request) => {
          if (!versioned(request.url)) return;
          (request as WithVersion).computeVersion = negotiate(request.headers);
        });
        app.addHook('onSend', async (request, reply, payload) => {
          if (!versioned(request.url)) return payload;
          // NOTE: Nova's request id headers; instance actions record the same id (servers part).
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

  start(): Promise<void> { return this.servers.start(); }
  close(): Promise<void> { return this.servers.close(); }
}

/** The compute resources the servers part uses. */
function coreOf(d: ComputeDomain): ComputeCore {
  return {
    async flavor(id, caller) {
      const f = await d.flavors.store.get(id);
      if (!f || !(await d.flavors.visible(f, { projectId: caller.projectId, isAdmin: caller.isAdmin }))) return undefined;
      return { id: f.id, name: f.name, vcpus: f.vcpus, ram: f.ram, disk: f.disk, ephemeral: f.ephemeral, swap: f.swap, extraSpecs: await d.flavors.extraSpecs(f.id) };
    },
    async keypair(userId, name) {
      const k = await d.keypairs.find(userId, name);
      return k && { name: k.name, publicKey: k.public_key };
    },
    checkQuota: (projectId, userId, deltas) => d.quotas.checkAndReserve(projectId, userId, deltas),
    azExists: (az) => d.aggregates.azExists(az),
    hostAz: (host) => d.aggregates.hostAz(host),
    defaultAz: () => DEFAULT_AZ,
    async serverGroup(id, caller) {
      try {
        const g = await d.serverGroups.get(id, { projectId: caller.projectId, isAdmin: caller.isAdmin });
        return { id: g.id, policy: g.policy, members: g.members, maxServerPerHost: g.rules.max_server_per_host };
      } catch (e) {
        if ((e as { status?: number }).status === 404) return undefined;
        throw e;
      }
    },
    addGroupMember: (groupId, instanceId) => d.serverGroups.addMember(groupId, instanceId),
    removeGroupMember: (instanceId) => d.serverGroups.removeMember(instanceId),
    async groupOf(instanceId) {
      const g = await d.serverGroups.groupOf(instanceId);
      return g && { id: g.id, policy: g.policy, members: g.members, maxServerPerHost: g.rules.max_server_per_host };
    },
  };
}

