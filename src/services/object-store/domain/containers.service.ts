// Containers: created by PUT (201, or 202 when it exists), metadata and ACLs, deleted when empty.
import type { ContainerRecord, ObjectStoreTables } from '../store/tables.js';
import type { AccountsService } from './accounts.service.js';
import { timestamp } from './clock.js';
import { checkContainerName } from './constraints.js';
import type { Grant } from './access.js';
import { listing, type ListQuery } from './listing.js';
import { updatedMeta } from './metadata.js';
import { checkContainerQuotas } from './quotas.js';
import { badRequest, containerNotEmpty, notFound, SwiftError } from './errors.js';
import { syncToError, type SyncSettings } from './container-sync.js';

export const STORAGE_POLICY = 'Policy-0';

export class ContainersService {
  constructor(private readonly tables: ObjectStoreTables, private readonly accounts: AccountsService, private readonly sync: SyncSettings) {}

  /** The container server's check of X-Container-Sync-To (only an owner's reaches it: the proxy drops others'). */
  private checkSyncTo(headers: Record<string, string>, owner: boolean): void {
    const value = headers['x-container-sync-to'];
    if (!owner || value === undefined) return;
    const err = syncToError(value, this.sync);
    // NOTE: HTTPBadRequest(err): swob's default type, text/html.
    if (err) throw new SwiftError(400, err, { 'Content-Type': 'text/html; charset=UTF-8' });
  }

  get(account: string, name: string): Promise<ContainerRecord | undefined> {
    return this.tables.container(account, name);
  }

  async require(account: string, name: string): Promise<ContainerRecord> {
    const c = await this.tables.container(account, name);
    if (!c) throw notFound();
    return c;
  }

  /**
   * PUT: true when it created the container. A caller without owner rights (an account ACL's
   * read-write) creates it too, its privileged headers (ACLs, sync, TempURL keys) dropped, as the proxy drops them.
   */
  async put(account: string, name: string, headers: Record<string, string>, grant: Grant, accountDomainId?: string): Promise<boolean> {
    const owner = grant === 'owner';
    checkContainerName(name);
    this.checkSyncTo(headers, owner);
    checkContainerQuotas(headers);
    const policy = headers['x-storage-policy'];
    if (policy !== undefined && policy.toLowerCase() !== STORAGE_POLICY.toLowerCase()) throw badRequest(`Invalid X-Storage-Policy '${policy}'`);
    const ts = timestamp();
    return this.tables.transaction(async (tx) => {
      const current = await this.tables.container(account, name, tx);
      if (current) {
        await this.tables.setContainerMeta(account, name, updatedMeta(current.metadata, headers, 'container', owner), ts, tx);
        return false;
      }
      const metadata = updatedMeta({}, headers, 'container', owner);
      if (!(await this.tables.account(account, tx))) await this.accounts.create(account, tx, accountDomainId);
      await this.tables.insertContainer({ account, name, metadata, storage_policy: STORAGE_POLICY, created_at: ts, put_timestamp: ts, object_count: 0, bytes_used: 0 }, tx);
      await this.tables.countAccount(account, { containers: 1 }, tx);
      return true;
    });
  }

  /** POST: metadata; a caller without owner rights changes none of the privileged headers (dropped). */
  async update(account: string, name: string, headers: Record<string, string>, grant: Grant): Promise<void> {
    checkContainerQuotas(headers);
    this.checkSyncTo(headers, grant === 'owner');
    const ts = timestamp();
    await this.tables.transaction(async (tx) => {
      const current = await this.tables.container(account, name, tx);
      if (!current) throw notFound();
      await this.tables.setContainerMeta(account, name, updatedMeta(current.metadata, headers, 'container', grant === 'owner'), ts, tx);
    });
  }

  async delete(account: string, name: string): Promise<void> {
    await this.tables.transaction(async (tx) => {
      const current = await this.tables.container(account, name, tx);
      if (!current) throw notFound();
      if (current.object_count > 0) throw containerNotEmpty();
      await this.tables.deleteContainer(account, name, tx);
      await this.tables.countAccount(account, { containers: -1 }, tx);
    });
  }

  list(account: string, container: string, q: ListQuery) {
    return listing((w) => this.tables.listObjects(account, container, w), q);
  }
}
