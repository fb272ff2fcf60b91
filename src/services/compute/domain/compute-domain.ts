// Compute's own resources (flavors, keypairs, aggregates and availability zones, server groups,
// quotas), built once by the module; the servers part reaches them through ComputeCore.
import type { Db } from '../../../core/db/database.js';
import { FlavorsStore } from '../store/flavors.store.js';
import { FlavorsService } from './flavors.service.js';
import { KeypairsStore } from '../store/keypairs.store.js';
import { KeypairsService } from './keypairs.service.js';

/** What compute's resources need from the servers part, bound once it is built. */
export interface ServersView {
  /** instances, cores and ram in use by a project (and by a user of it when given). */
  usage(projectId: string, userId?: string): Promise<{ instances: number; cores: number; ram: number }>;
  /** The compute hosts and their node (resource provider) uuids. */
  hosts(): Promise<Array<{ host: string; nodeUuid: string }>>;
}

export class ComputeDomain {
  readonly flavors: FlavorsService;
  readonly keypairs: KeypairsService;
  private serversView?: ServersView;

  constructor(readonly db: Db) {
    this.flavors = new FlavorsService(new FlavorsStore(db));
    // NOTE: key_pairs quota is per user (Nova counts key pairs of the user); 100 by default.
    this.keypairs = new KeypairsService(new KeypairsStore(db), async () => 100);
  }

  /** Called by the module once the servers part exists. */
  bindServers(view: ServersView): void { this.serversView = view; }

  get servers(): ServersView {
    return this.serversView ?? { usage: async () => ({ instances: 0, cores: 0, ram: 0 }), hosts: async () => [] };
  }

  async seed(): Promise<void> { await this.flavors.seed(); }
}
