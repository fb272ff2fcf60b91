// The servers part of the compute module, in one place for index.ts to plug in: its migrations,
// policies and routes, and the domain built over the hypervisor driver, Placement (or in-process
// resource tracking when placement does not run), the image facade and compute's own flavors,
// keypairs, quotas, server groups and aggregates (given as `core`).
import type { RouteSpec } from '../../core/http/service-plugin.js';
import type { Migration } from '../../core/db/database.js';
import type { ServiceContext } from '../service-module.js';
import type { PlacementFacade } from '../placement/index.js';
import { extensionRoutes } from './api/extensions.routes.js';
import { hostRoutes } from './api/hosts.routes.js';
import { serverPasswordRoutes } from './api/server-password.routes.js';
import { migrationRoutes } from './api/migrations.routes.js';
import { instanceUsageAuditLogRoutes } from './api/instance-usage-audit-log.routes.js';
import { serverDiagnosticsRoutes } from './api/server-diagnostics.routes.js';
import { serverExternalEventRoutes } from './api/server-external-events.routes.js';
import { hypervisorRoutes } from './api/hypervisors.routes.js';
import { imageRoutes } from './api/images.routes.js';
import { ImagesService } from './domain/images.service.js';
import { instanceActionRoutes } from './api/instance-actions.routes.js';
import { serverActionRoutes } from './api/server-actions.routes.js';
import { serverMetadataRoutes } from './api/server-metadata.routes.js';
import { serverTagRoutes } from './api/server-tags.routes.js';
import { serverUsageRoutes } from './api/server-usage.routes.js';
import { serverRoutes } from './api/servers.routes.js';
import type { PlacementPort } from './domain/scheduler.service.js';
import { ServersDomain } from './domain/servers-domain.js';
import type { Caller, ServersPorts } from './domain/servers.service.js';
import type { FlavorSnapshot } from './store/servers.store.js';
import { serversMigrations } from './store/servers.migrations.js';
import { serversPolicies } from './servers.policies.js';

export { serversMigrations, serversPolicies };

/** What servers need from the rest of compute (flavors, keypairs, quotas, groups, AZs). */
export interface ComputeCore {
  flavor(id: string, caller: Caller): Promise<FlavorSnapshot | undefined>;
  keypair(userId: string, name: string): Promise<{ name: string; publicKey: string } | undefined>;
  /** Throws the 403 OverQuota error when instances/cores/ram deltas do not fit the project's quota. */
  checkQuota(projectId: string, userId: string, deltas: { instances: number; cores: number; ram: number }): Promise<void>;
  azExists(az: string): Promise<boolean>;
  hostAz(host: string): Promise<string>;
  defaultAz(): string;
  serverGroup?(id: string, caller: Caller): Promise<{ id: string; policy: string; members: string[]; maxServerPerHost?: number } | undefined>;
  addGroupMember?(groupId: string, instanceId: string): Promise<void>;
  removeGroupMember?(instanceId: string): Promise<void>;
  /** The group a server is in, with its policy, for the scheduler. */
  groupOf?(instanceId: string): Promise<{ id: string; policy: string; members: string[]; maxServerPerHost?: number } | undefined>;
}

export interface ServersPart {
  domain: ServersDomain;
  routes(): RouteSpec[];
  start(): Promise<void>;
  close(): Promise<void>;
}

export const SERVERS_MIGRATIONS: Migration[] = serversMigrations;

/** Builds the servers part; call after the compute migrations (including serversMigrations) ran. */
export async function openServers(ctx: ServiceContext, core: ComputeCore, opts: { computeUrl: () => string; maxMv: string }): Promise<ServersPart> {
  await ServersDomain.migrate(ctx.db);
  const image = ctx.facades.image;
  const network = ctx.facades.network;
  const placement = adaptPlacement(ctx.facades.placement);
  const driver = ctx.drivers.hypervisor;
  const ports: ConstructorParameters<typeof ServersDomain>[0]['ports'] = {
    ...bind(core),
    image: image && {
      find: (id: string, caller: Caller) => image.findImage(id, { projectId: caller.projectId, isAdmin: caller.isAdmin }),
      create: (args) => image.createImage({ ...args, visibility: 'private' }),
    },
    imageFilePath: image ? (id) => image.imageFilePath(id) : undefined,
    uploadImage: image ? (id, data) => image.uploadImage(id, data) : undefined,
    deleteImage: image ? (id) => image.deleteImage(id) : undefined,
    backupsOf: image ? async (serverId, backupType) => (await image.listImages({ projectId: '', isAdmin: true }, {
      filters: { status: 'active', properties: { instance_uuid: serverId, image_type: 'backup', backup_type: backupType } },
    })).map((i) => ({ id: i.id })) : undefined,
    network: network && {
      createPort: (r) => network.createPortForServer(r),
      deletePorts: (id) => network.deletePortsOfDevice(id),
    },
    groupMemberHosts: core.groupOf ? async (groupId, except) => groupHosts(domain, core, groupId, except) : undefined,
  };
  const domain = new ServersDomain({
    db: ctx.db, log: ctx.logger, driver, placement, ports, computeUrl: opts.computeUrl, maxMv: opts.maxMv,
    addresses: network ? (id) => network.addressesOfDevice(id) : undefined,
  });
  return {
    domain,
    routes: () => [
      ...serverRoutes(domain), ...serverActionRoutes(domain), ...serverMetadataRoutes(domain), ...serverTagRoutes(domain),
      ...instanceActionRoutes(domain), ...hypervisorRoutes(domain), ...serverUsageRoutes(domain),
      ...imageRoutes(new ImagesService(image), opts.computeUrl), ...hostRoutes(domain), ...serverExternalEventRoutes(domain),
      ...serverDiagnosticsRoutes(domain), ...instanceUsageAuditLogRoutes(domain), ...migrationRoutes(domain),
      ...serverPasswordRoutes(domain), ...extensionRoutes(),
    ],
    start: () => domain.start(),
    close: () => domain.close(),
  };
}

function bind(core: ComputeCore): ServersPorts {
  return {
    flavor: (id, c) => core.flavor(id, c), keypair: (u, n) => core.keypair(u, n), checkQuota: (p, u, d) => core.checkQuota(p, u, d),
    azExists: (az) => core.azExists(az), hostAz: (h) => core.hostAz(h), defaultAz: () => core.defaultAz(),
    serverGroup: core.serverGroup && ((id, c) => core.serverGroup!(id, c)),
    addGroupMember: core.addGroupMember && ((g, i) => core.addGroupMember!(g, i)),
    removeGroupMember: core.removeGroupMember && ((i) => core.removeGroupMember!(i)),
    groupOf: core.groupOf && (async (i) => (await core.groupOf!(i))?.id),
  };
}

async function groupHosts(domain: ServersDomain, core: ComputeCore, _groupId: string, except: string) {
  const g = await core.groupOf!(except);
  if (!g) return undefined;
  const hosts: string[] = [];
  for (const m of g.members) {
    if (m === except) continue;
    const s = await domain.servers.store.get(m);
    if (s && !s.deleted && s.host) hosts.push(s.host);
  }
  return { policy: g.policy, hosts, maxServerPerHost: g.maxServerPerHost };
}

/** Placement's facade as the scheduler uses it; undefined when placement does not run (resources tracked in process). */
function adaptPlacement(p: PlacementFacade | undefined): PlacementPort | undefined {
  if (!p) return undefined;
  // NOTE: Nova's initial allocation ratios (cpu 4.0, ram 1.0, disk 1.0).
  const ratios = { VCPU: 4, MEMORY_MB: 1, DISK_GB: 1 };
  return {
    async ensureComputeProvider(node) { await p.ensureComputeProvider({ name: node.name, uuid: node.uuid, inventory: node.inventory, allocationRatio: ratios }); },
    async candidates(resources) { return (await p.allocationCandidates({ resources })).map((c) => ({ provider: c.providerUuid, usage: c.usage })); },
    claim: (consumer, provider, resources, projectId, userId) => p.claim({ consumerUuid: consumer, projectId, userId, providerUuid: provider, resources }),
    async reclaim(consumer, provider, resources, projectId, userId) {
      const old = await p.allocationsOf(consumer);
      await p.release(consumer);
      if (await p.claim({ consumerUuid: consumer, projectId, userId, providerUuid: provider, resources })) return true;
      for (const [prov, res] of Object.entries(old)) await p.claim({ consumerUuid: consumer, projectId, userId, providerUuid: prov, resources: res });
      return false;
    },
    free: (consumer) => p.release(consumer),
    usage: (provider) => p.usagesOf(provider),
  };
}
