// The records the object-store domain sees, and the SQL behind them (accounts, containers, objects).
import type { Selectable } from 'kysely';
import { statement, transactionSyncedOffLoop, type Db } from '../../../core/db/database.js';
import type { ObjectStoreDatabase, ObjectStoreDb } from './database.js';

/** Persisted headers by lower-case name (`x-object-meta-color`, `content-disposition`, `x-container-read` ...). */
export type Meta = Record<string, string>;

export interface AccountRecord {
  account: string;
  metadata: Meta;
  /** X-Timestamp of the account's creation (Swift's `%016.05f` seconds). */
  created_at: string;
  put_timestamp: string;
  container_count: number;
  object_count: number;
  bytes_used: number;
}

export interface ContainerRecord {
  account: string;
  name: string;
  metadata: Meta;
  storage_policy: string;
  created_at: string;
  /** The last PUT or POST (the container's Last-Modified). */
  put_timestamp: string;
  object_count: number;
  bytes_used: number;
}

export interface ObjectRecord {
  account: string;
  container: string;
  name: string;
  /** The driver's blob holding the bytes. */
  blob: string;
  size: number;
  etag: string;
  content_type: string;
  timestamp: string;
  metadata: Meta;
  /** X-Delete-At (Unix seconds), when the object expires. */
  delete_at: number | null;
}

/** A run of names in SQL's byte (code point) order: `gt` < name, `gte` <= name, name < `lt`. */
export interface ListWindow {
  gt?: string;
  gte?: string;
  lt?: string;
  reverse?: boolean;
  limit: number;
}

type Tx = Db<ObjectStoreDatabase>;
type Row<T extends keyof ObjectStoreDatabase> = Selectable<ObjectStoreDatabase[T]>;

// NOTE: the statements of every object PUT (and GET), written once as SQL (see `statement`).
const SQL = {
  account: statement<Row<'swift_accounts'>>('select * from "swift_accounts" where "account" = ?'),
  container: statement<Row<'swift_containers'>>('select * from "swift_containers" where "account" = ? and "name" = ?'),
  object: statement<Row<'swift_objects'>>('select * from "swift_objects" where "account" = ? and "container" = ? and "name" = ?'),
  putObject: statement('insert into "swift_objects" ("account", "container", "name", "blob", "size", "etag", "content_type", "timestamp", "metadata", "delete_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict ("account", "container", "name") do update set "blob" = excluded."blob", "size" = excluded."size", "etag" = excluded."etag", "content_type" = excluded."content_type", "timestamp" = excluded."timestamp", "metadata" = excluded."metadata", "delete_at" = excluded."delete_at"'),
  countContainer: statement('update "swift_containers" set "object_count" = "object_count" + ?, "bytes_used" = "bytes_used" + ? where "account" = ? and "name" = ?'),
  countAccount: statement('update "swift_accounts" set "container_count" = "container_count" + ?, "object_count" = "object_count" + ?, "bytes_used" = "bytes_used" + ? where "account" = ?'),
  addUnsynced: statement('insert into "swift_unsynced" ("blob", "account", "container", "name", "previous") values (?, ?, ?, ?, ?)'),
};

/** The container metadata key of container sync's progress: the newest object timestamp it copied. */
export const SYNC_POINT = 'x-container-sysmeta-sync-point';

/** A row whose blob's name may not have been durable (swift_unsynced), with the row it replaced. */
export interface UnsyncedEntry { seq: number; blob: string; account: string; container: string; name: string; previous?: ObjectRecord }

export class ObjectStoreTables {
  /** Blobs whose names became durable since the last commit: their swift_unsynced entries go in the next one. */
  private synced: string[] = [];

  constructor(readonly db: ObjectStoreDb) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** The same, its commit's fsync shared with concurrent ones and off the event loop (PUTs), `beside` made durable with it. */
  groupCommit<T>(work: (tx: Tx) => Promise<T>, beside?: () => Promise<void>): Promise<T> {
    return transactionSyncedOffLoop(this.db, work, beside);
  }

  async account(account: string, tx: Tx = this.db): Promise<AccountRecord | undefined> {
    const [row] = (await SQL.account(tx, [account])).rows;
    return row ? { ...row, metadata: JSON.parse(row.metadata) } : undefined;
  }

  async insertAccount(a: AccountRecord, tx: Tx = this.db): Promise<void> {
    await tx.insertInto('swift_accounts').values({ ...a, metadata: JSON.stringify(a.metadata) }).execute();
  }

  async setAccountMeta(account: string, metadata: Meta, putTimestamp: string, tx: Tx = this.db): Promise<void> {
    await tx.updateTable('swift_accounts').set({ metadata: JSON.stringify(metadata), put_timestamp: putTimestamp }).where('account', '=', account).execute();
  }

  async deleteAccount(account: string, tx: Tx = this.db): Promise<void> {
    await tx.deleteFrom('swift_accounts').where('account', '=', account).execute();
  }

  /** Adds to an account's counters. */
  async countAccount(account: string, d: { containers?: number; objects?: number; bytes?: number }, tx: Tx): Promise<void> {
    await SQL.countAccount(tx, [d.containers ?? 0, d.objects ?? 0, d.bytes ?? 0, account]);
  }

  async container(account: string, name: string, tx: Tx = this.db): Promise<ContainerRecord | undefined> {
    const [row] = (await SQL.container(tx, [account, name])).rows;
    return row ? { ...row, metadata: JSON.parse(row.metadata) } : undefined;
  }

  async insertContainer(c: ContainerRecord, tx: Tx): Promise<void> {
    await tx.insertInto('swift_containers').values({ ...c, metadata: JSON.stringify(c.metadata) }).execute();
  }

  async setContainerMeta(account: string, name: string, metadata: Meta, putTimestamp: string, tx: Tx = this.db): Promise<void> {
    await tx.updateTable('swift_containers').set({ metadata: JSON.stringify(metadata), put_timestamp: putTimestamp })
      .where('account', '=', account).where('name', '=', name).execute();
  }

  async deleteContainer(account: string, name: string, tx: Tx): Promise<void> {
    await tx.deleteFrom('swift_containers').where('account', '=', account).where('name', '=', name).execute();
  }

  /** Whether the container is there (its row was updated). */
  async countContainer(account: string, name: string, d: { objects: number; bytes: number }, tx: Tx): Promise<boolean> {
    const r = await SQL.countContainer(tx, [d.objects, d.bytes, account, name]);
    return (r.numAffectedRows ?? 0n) > 0n;
  }

  async listContainers(account: string, w: ListWindow): Promise<ContainerRecord[]> {
    let q = this.db.selectFrom('swift_containers').selectAll().where('account', '=', account);
    q = window(q, w);
    return (await q.execute()).map((row) => ({ ...row, metadata: JSON.parse(row.metadata) }));
  }

  async object(account: string, container: string, name: string, tx: Tx = this.db): Promise<ObjectRecord | undefined> {
    const [row] = (await SQL.object(tx, [account, container, name])).rows;
    return row ? { ...row, metadata: JSON.parse(row.metadata) } : undefined;
  }

  async listObjects(account: string, container: string, w: ListWindow): Promise<ObjectRecord[]> {
    let q = this.db.selectFrom('swift_objects').selectAll().where('account', '=', account).where('container', '=', container);
    q = window(q, w);
    return (await q.execute()).map((row) => ({ ...row, metadata: JSON.parse(row.metadata) }));
  }

  /** Inserts or replaces an object row. */
  async putObject(o: ObjectRecord, tx: Tx): Promise<void> {
    await SQL.putObject(tx, [o.account, o.container, o.name, o.blob, o.size, o.etag, o.content_type, o.timestamp, JSON.stringify(o.metadata), o.delete_at]);
  }

  async setObjectMeta(o: Pick<ObjectRecord, 'account' | 'container' | 'name'>, patch: { metadata: Meta; content_type: string; timestamp: string; delete_at: number | null }, tx: Tx = this.db): Promise<void> {
    await tx.updateTable('swift_objects').set({ ...patch, metadata: JSON.stringify(patch.metadata) })
      .where('account', '=', o.account).where('container', '=', o.container).where('name', '=', o.name).execute();
  }

  async deleteObject(o: Pick<ObjectRecord, 'account' | 'container' | 'name'>, tx: Tx): Promise<void> {
    await tx.deleteFrom('swift_objects').where('account', '=', o.account).where('container', '=', o.container).where('name', '=', o.name).execute();
  }

  /** Objects whose X-Delete-At has passed, oldest first. */
  async expired(now: number, limit: number): Promise<ObjectRecord[]> {
    const rows = await this.db.selectFrom('swift_objects').selectAll().where('delete_at', 'is not', null).where('delete_at', '<=', now)
      .orderBy('delete_at').limit(limit).execute();
    return rows.map((row) => ({ ...row, metadata: JSON.parse(row.metadata) }));
  }

  /** Containers with an X-Container-Sync-To (container sync's work list). */
  async syncingContainers(): Promise<ContainerRecord[]> {
    const rows = await this.db.selectFrom('swift_containers').selectAll().where('metadata', 'like', '%"x-container-sync-to"%').execute();
    return rows.map((row) => ({ ...row, metadata: JSON.parse(row.metadata) })).filter((c) => c.metadata['x-container-sync-to']);
  }

  /** A container's objects changed after `after` (a timestamp; '' for all), oldest change first. */
  async objectsSince(account: string, container: string, after: string, limit: number): Promise<ObjectRecord[]> {
    const rows = await this.db.selectFrom('swift_objects').selectAll().where('account', '=', account).where('container', '=', container)
      .where('timestamp', '>', after).orderBy('timestamp').orderBy('name').limit(limit).execute();
    return rows.map((row) => ({ ...row, metadata: JSON.parse(row.metadata) }));
  }

  /** Records container sync's progress, unless the container's X-Container-Sync-To changed meanwhile (Last-Modified untouched). */
  async setContainerSyncPoint(account: string, name: string, syncTo: string, point: string): Promise<void> {
    await this.transaction(async (tx) => {
      const c = await this.container(account, name, tx);
      if (!c || c.metadata['x-container-sync-to'] !== syncTo) return;
      await this.setContainerMeta(account, name, { ...c.metadata, [SYNC_POINT]: point }, c.put_timestamp, tx);
    });
  }

  /**
   * Notes in `o`'s commit that its blob's name may not be durable yet (with the row it replaces),
   * and drops the notes of the blobs whose names became durable since the last such commit.
   */
  async addUnsynced(o: ObjectRecord, previous: ObjectRecord | undefined, tx: Tx): Promise<void> {
    await this.dropSynced(tx);
    await SQL.addUnsynced(tx, [o.blob, o.account, o.container, o.name, previous ? JSON.stringify(previous) : null]);
  }

  /** The blob's name is durable: its note goes with the next commit (a note left is checked on start). */
  markSynced(blob: string): void { this.synced.push(blob); }

  async dropSynced(tx: Tx = this.db): Promise<void> {
    if (this.synced.length === 0) return;
    const blobs = this.synced;
    this.synced = [];
    await tx.deleteFrom('swift_unsynced').where('blob', 'in', blobs).execute();
  }

  /** Every note left, newest first (on start). */
  async unsynced(): Promise<UnsyncedEntry[]> {
    const rows = await this.db.selectFrom('swift_unsynced').selectAll().orderBy('seq', 'desc').execute();
    return rows.map((r) => ({ seq: r.seq, blob: r.blob, account: r.account, container: r.container, name: r.name, previous: r.previous ? JSON.parse(r.previous) as ObjectRecord : undefined }));
  }

  /** Drops the notes up to `seq` (those checked). */
  async clearUnsynced(seq: number, tx: Tx): Promise<void> {
    await tx.deleteFrom('swift_unsynced').where('seq', '<=', seq).execute();
  }

  /** The blob ids every object row names (for reconciling the driver on start). */
  async blobIds(): Promise<Set<string>> {
    return new Set((await this.db.selectFrom('swift_objects').select('blob').execute()).map((r) => r.blob));
  }
}

function window<Q extends { where: any; orderBy: any; limit: any }>(q: Q, w: ListWindow): Q {
  let out: any = q;
  if (w.gt !== undefined) out = out.where('name', '>', w.gt);
  if (w.gte !== undefined) out = out.where('name', '>=', w.gte);
  if (w.lt !== undefined) out = out.where('name', '<', w.lt);
  return out.orderBy('name', w.reverse ? 'desc' : 'asc').limit(w.limit);
}
