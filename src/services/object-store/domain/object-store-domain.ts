// The object store's domain: accounts, containers and objects over the tables and the driver.
import type { ObjectStorageDriver } from '../../../drivers/object-storage/object-storage-driver.js';
import type { ObjectStoreTables } from '../store/tables.js';
import { AccountsService } from './accounts.service.js';
import { ContainersService } from './containers.service.js';
import { ObjectsService } from './objects.service.js';
import { quotaGuard } from './quotas.js';
import { LargeObjects } from './large-objects.js';
import { BulkService, type Decompressors } from './bulk.js';
import { Versioning } from './versioning.js';
import { ContainerSyncer, type SyncSettings } from './container-sync.js';

export class ObjectStoreDomain {
  readonly accounts: AccountsService;
  readonly containers: ContainersService;
  readonly objects: ObjectsService;
  readonly large: LargeObjects;
  readonly bulk: BulkService;
  readonly sync: ContainerSyncer;

  constructor(readonly tables: ObjectStoreTables, readonly driver: ObjectStorageDriver, decompressors: Decompressors, syncSettings: SyncSettings) {
    this.accounts = new AccountsService(tables);
    this.containers = new ContainersService(tables, this.accounts, syncSettings);
    this.objects = new ObjectsService(tables, driver);
    this.objects.guards.push(quotaGuard(tables));
    const versioning = new Versioning(tables);
    this.objects.onReplace.push(async (old, reason) => (reason === 'overwrite' || await versioning.historyMode(old)) && versioning.archive(old));
    this.objects.deleters.push((p) => versioning.restore(p));
    this.large = new LargeObjects(tables, this.objects);
    this.bulk = new BulkService(this.containers, this.objects, decompressors);
    this.sync = new ContainerSyncer(tables, this.objects);
  }

  /**
   * After a crash: blobs no row names (written, never committed) go.
   * NOTE: only blobs written before `since` (this process's start) are orphans; newer ones may
   * belong to writes in flight.
   */
  async reconcile(since: number): Promise<{ orphans: number }> {
    const named = await this.tables.blobIds();
    let orphans = 0;
    for (const { id, writtenAt } of await this.driver.list()) {
      if (named.has(id) || writtenAt >= since) continue;
      await this.driver.remove(id);
      orphans += 1;
    }
    return { orphans };
  }
}
