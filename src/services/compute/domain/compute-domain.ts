// Compute's own resources (flavors, keypairs, aggregates and availability zones, server groups,
// quotas), built once by the module; the servers part reaches them through ComputeCore.
import type { Db } from '../../../core/db/database.js';
import type { IdentityFacade } from '../../service-module.js';
import { AggregatesStore } from '../store/aggregates.store.js';
import { FlavorsStore } from '../store/flavors.store.js';
import { KeypairsStore } from '../store/keypairs.store.js';
import { QuotasStore } from '../store/quotas.store.js';
import { ServerGroupsStore } from '../store/server-groups.store.js';
import { AggregatesService } from './aggregates.service.js';
import { FlavorsService } from './flavors.service.js';
import { KeypairsService } from './keypairs.service.js';
import { QuotasService } from './quotas.service.js';
import { ServerGroupsService } from './server-groups.service.js';

/** What compute's resources need from the servers part, bound once it is built. */
export interface ServersView {
  /** instances, cores and ram in use by a project. */
  usage(projectId: string): Promise<{ instances: number; cores: number; ram: number }>;
  /** The compute hosts and their node (resource provider) uuids. */
  hosts(): Promise<Array<{ host: string; nodeUuid: string }>>;
  /** Every service (nova-compute, nova-scheduler, nova-conductor) as os-services shows them. */
  services?(): Promise<Array<{ host: string; binary: string; disabled: boolean; forcedDown: boolean; updatedAt: string }>>;
}

export interface ComputeDomainOptions {
  db: Db;
  identity: IdentityFacade;
  /** Placement's provider aggregates, when placement runs. */
  setProviderAggregates?: (providerUuid: string, aggregateUuids: string[]) => Promise<void>;
}

export class ComputeDomain {
  readonly flavors: FlavorsService;
  readonly keypairs: KeypairsService;
  readonly quotas: QuotasService;
  readonly serverGroups: ServerGroupsService;
  readonly aggregates: AggregatesService;
  readonly identity: IdentityFacade;
  private serversView?: ServersView;

  constructor(opts: ComputeDomainOptions) {
    const db = opts.db;
    this.identity = opts.identity;
    this.flavors = new FlavorsService(new FlavorsStore(db));
    this.serverGroups = new ServerGroupsService(new ServerGroupsStore(db), () => this.quotas);
    this.quotas = new QuotasService(new QuotasStore(db), {
      servers: (projectId) => this.servers.usage(projectId),
      keypairs: (userId) => this.keypairs.count(userId),
      serverGroups: (projectId) => this.serverGroups.count(projectId),
    });
    // NOTE: key_pairs is a per-user limit; the project's (or user's) override applies when known.
    this.keypairs = new KeypairsService(new KeypairsStore(db), async (userId, projectId) => (await this.quotas.limits(projectId ?? '', projectId ? userId : undefined)).key_pairs!);
    this.aggregates = new AggregatesService(new AggregatesStore(db), {
      hosts: () => this.servers.hosts(),
      services: async () => (await this.servers.services?.()) ?? [],
      setProviderAggregates: opts.setProviderAggregates,
    });
  }

  /** Called by the module once the servers part exists. */
  bindServers(view: ServersView): void { this.serversView = view; }

  get servers(): ServersView {
    return this.serversView ?? { usage: async () => ({ instances: 0, cores: 0, ram: 0 }), hosts: async () => [] };
  }

  async seed(): Promise<void> { await this.flavors.seed(); }
}
