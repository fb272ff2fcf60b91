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
   * After a power loss: the rows committed whose blobs' names were not durable yet (never
   * answered) are undone, newest first: the row it replaced is put back (its bytes are there: they
   * are removed only after the new row's PUT is answered), or the row goes, with the counters.
   * Only the rows noted unsynced are checked (those of the last moments), not every object.
   */
  async recover(): Promise<{ undone: number }> {
    const entries = await this.tables.unsynced();
    if (entries.length === 0) return { undone: 0 };
    const missing = new Set<string>();
    for (const e of entries) if (!(await this.driver.exists(e.blob))) missing.add(e.blob);
    let undone = 0;
    await this.tables.transaction(async (tx) => {
      for (const e of entries) {
        if (!missing.has(e.blob)) continue;
        const now = await this.tables.object(e.account, e.container, e.name, tx);
        if (!now || now.blob !== e.blob) continue;
        // NOTE: a previous row whose blob is missing too is put back all the same: its own (older) note undoes it next.
        const prev = e.previous && (missing.has(e.previous.blob) || await this.driver.exists(e.previous.blob)) ? e.previous : undefined;
        if (prev) await this.tables.putObject(prev, tx); else await this.tables.deleteObject(now, tx);
        const d = { objects: prev ? 0 : -1, bytes: (prev?.size ?? 0) - now.size };
        await this.tables.countContainer(now.account, now.container, d, tx);
        await this.tables.countAccount(now.account, d, tx);
        undone += 1;
      }
      await this.tables.clearUnsynced(entries[0]!.seq, tx);
    });
    return { undone };
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
