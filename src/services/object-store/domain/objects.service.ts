// Objects: bytes through the object-storage driver (durable before the row names them), the row
// replaced in one transaction with the container's and account's counters, the old bytes removed
// after the commit.
import type { ObjectStorageDriver } from '../../../drivers/object-storage/object-storage-driver.js';
import { BlobIncomplete, BlobTooLarge, StorageFull } from '../../../drivers/object-storage/object-storage-driver.js';
import type { ContainerRecord, Meta, ObjectRecord, ObjectStoreTables } from '../store/tables.js';
import { timestamp } from './clock.js';
import { checkObjectName, deleteAt, LIMITS } from './constraints.js';
import { guessContentType } from './content-types.js';
import { objectMeta, userMeta } from './metadata.js';
import {
  badRequest, clientDisconnect, etagMismatch, insufficientStorage, lengthRequired, notFound, preconditionFailed, tooLarge,
} from './errors.js';

export interface ObjectPath { account: string; container: string; name: string }

export interface PutInput {
  /** The request's headers, names in lower case. */
  headers: Record<string, string>;
  body: AsyncIterable<Buffer | string>;
  /** Content-Length; undefined with chunked transfer encoding. */
  length?: number;
  chunked: boolean;
  /** The container's row as the request read it (its ACLs), so that the guards need not read it again. */
  container?: ContainerRecord;
}

/**
 * Checks a PUT may proceed before its body is read; the same checks a COPY's destination gets.
 * `container`: the container's row, if the caller has read it already.
 */
export type PutGuard = (path: ObjectPath, size: number | undefined, caller: Caller, container?: ContainerRecord) => Promise<void>;

/** What the features need to know of who writes (a reseller admin is above account quotas). */
export interface Caller {
  resellerAdmin: boolean;
  /** The project domain an account this request creates records (keystoneauth's _set_project_domain_id). */
  accountDomainId?: string;
}

export class ObjectsService {
  /** Checks other features add (quotas, versioning ...), run before any byte is read. */
  readonly guards: PutGuard[] = [];
  /** Work after a commit replaced or removed an object: true when it kept the old one's bytes (versioning). */
  readonly onReplace: ((old: ObjectRecord, reason: 'overwrite' | 'delete') => Promise<boolean>)[] = [];
  /** A feature that answers a DELETE itself (versioning restores the previous version); what it removed. */
  readonly deleters: ((p: ObjectPath) => Promise<{ removed?: ObjectRecord } | undefined>)[] = [];

  constructor(private readonly tables: ObjectStoreTables, readonly driver: ObjectStorageDriver) {}

  /** The live object (an expired one is gone, as the object server answers 404 past X-Delete-At). */
  async get(p: ObjectPath): Promise<ObjectRecord | undefined> {
    const o = await this.tables.object(p.account, p.container, p.name);
    if (!o || (o.delete_at !== null && o.delete_at <= Date.now() / 1000)) return undefined;
    return o;
  }

  async require(p: ObjectPath): Promise<ObjectRecord> {
    const o = await this.get(p);
    if (!o) throw notFound();
    return o;
  }

  async put(p: ObjectPath, input: PutInput, caller: Caller, extra: { sysmeta?: Meta } = {}): Promise<ObjectRecord> {
    const h = input.headers;
    checkObjectName(p.name);
    if (input.length === undefined && !input.chunked) throw lengthRequired();
    if (input.length !== undefined && input.length > LIMITS.max_file_size) throw tooLarge('Your request is too large.');
    const metadata = { ...objectMeta(h), ...(extra.sysmeta ?? {}) };
    checkManifest(h['x-object-manifest']);
    const expires = deleteAt(h, Date.now() / 1000) ?? null;
    const inm = h['if-none-match'];
    if (inm !== undefined) {
      if (inm.trim() !== '*') throw badRequest('If-None-Match only supports *');
      if (await this.get(p)) throw preconditionFailed();
    }
    for (const guard of this.guards) await guard(p, input.length, caller, input.container);
    const blob = await this.write(input.body, input.length);
    const expected = h['etag']?.replace(/^"|"$/g, '').toLowerCase();
    if (expected !== undefined && expected !== blob.md5) {
      await this.driver.remove(blob.id);
      throw etagMismatch();
    }
    const detect = h['x-detect-content-type']?.toLowerCase() === 'true';
    const contentType = !detect && h['content-type'] ? h['content-type'] : guessContentType(p.name);
    return this.commit({ ...p, blob: blob.id, size: blob.size, etag: blob.md5, content_type: contentType, timestamp: timestamp(), metadata, delete_at: expires }, blob.syncName);
  }

  /**
   * Copies `src` to `dst` (COPY, X-Copy-From): the source's metadata and the request's over it.
   * `keepTimestamp`: the copy keeps the source's X-Timestamp (container sync's PUT does).
   */
  async copy(src: ObjectRecord, dst: ObjectPath, headers: Record<string, string>, caller: Caller, opts: { keepTimestamp?: boolean } = {}): Promise<ObjectRecord> {
    checkObjectName(dst.name);
    const fresh = headers['x-fresh-metadata']?.toLowerCase() === 'true';
    const metadata = { ...(fresh ? {} : userMeta(src.metadata)), ...objectMeta(headers) };
    if (src.metadata['x-static-large-object']) metadata['x-static-large-object'] = src.metadata['x-static-large-object'];
    const expires = deleteAt(headers, Date.now() / 1000) ?? null;
    for (const guard of this.guards) await guard(dst, src.size, caller);
    const blob = await this.write(this.driver.read(src.blob), src.size);
    const contentType = headers['content-type'] ?? src.content_type;
    return this.commit({ ...dst, blob: blob.id, size: blob.size, etag: blob.md5, content_type: contentType, timestamp: opts.keepTimestamp ? src.timestamp : timestamp(), metadata, delete_at: expires }, blob.syncName);
  }

  /** POST: replaces the user metadata, the allowed headers and (when sent) Content-Type and X-Delete-At. */
  async update(p: ObjectPath, headers: Record<string, string>): Promise<ObjectRecord> {
    const o = await this.require(p);
    const metadata = objectMeta(headers);
    for (const keep of ['x-static-large-object', 'x-object-manifest']) if (o.metadata[keep] && !(keep in headers)) metadata[keep] = o.metadata[keep]!;
    for (const [k, v] of Object.entries(o.metadata)) if (k.startsWith('x-object-sysmeta-')) metadata[k] = v;
    checkManifest(headers['x-object-manifest']);
    const at = deleteAt(headers, Date.now() / 1000);
    const patch = {
      metadata, content_type: headers['content-type'] ?? o.content_type, timestamp: timestamp(),
      delete_at: at !== undefined ? at : 'x-remove-delete-at' in headers ? null : o.delete_at,
    };
    await this.tables.setObjectMeta(p, patch);
    return { ...o, ...patch };
  }

  async delete(p: ObjectPath): Promise<ObjectRecord | undefined> {
    for (const deleter of this.deleters) {
      const done = await deleter(p);
      if (!done) continue;
      if (done.removed) await this.driver.remove(done.removed.blob);
      return done.removed;
    }
    const old = await this.tables.transaction(async (tx) => {
      const o = await this.tables.object(p.account, p.container, p.name, tx);
      if (!o) throw notFound();
      await this.tables.deleteObject(p, tx);
      await this.tables.countContainer(p.account, p.container, { objects: -1, bytes: -o.size }, tx);
      await this.tables.countAccount(p.account, { objects: -1, bytes: -o.size }, tx);
      return o;
    });
    const expired = old.delete_at !== null && old.delete_at <= Date.now() / 1000;
    if (!(await this.replaced(old, 'delete'))) await this.driver.remove(old.blob);
    if (expired) throw notFound();
    return old;
  }

  /** Removes the objects whose X-Delete-At has passed (the object expirer); how many went. */
  async expire(limit = 100): Promise<number> {
    const due = await this.tables.expired(Math.floor(Date.now() / 1000), limit);
    for (const o of due) {
      await this.tables.transaction(async (tx) => {
        const now = await this.tables.object(o.account, o.container, o.name, tx);
        if (!now || now.blob !== o.blob) return;
        await this.tables.deleteObject(o, tx);
        await this.tables.countContainer(o.account, o.container, { objects: -1, bytes: -o.size }, tx);
        await this.tables.countAccount(o.account, { objects: -1, bytes: -o.size }, tx);
      });
      await this.driver.remove(o.blob);
    }
    return due.length;
  }

  private async write(body: AsyncIterable<Buffer | string>, length: number | undefined) {
    try {
      return await this.driver.write(body, { maxBytes: LIMITS.max_file_size, expectedBytes: length });
    } catch (err) {
      if (err instanceof BlobTooLarge) throw tooLarge('Your request is too large.');
      if (err instanceof BlobIncomplete) throw clientDisconnect();
      if (err instanceof StorageFull) throw insufficientStorage();
      throw err;
    }
  }

  /**
   * The row replaced (or inserted) with the counters; the old bytes removed after the commit.
   * `syncName`: makes the blob's name durable, started once the row has committed, beside the
   * commit's fsync; the PUT is answered once both are durable. NOTE: the commit notes the row as unsynced, so
   * that a start after a power loss that kept the row but not the blob's name undoes the row
   * (`ObjectStoreDomain.recover`): such a PUT was never answered.
   */
  private async commit(o: ObjectRecord, syncName: () => Promise<void>): Promise<ObjectRecord> {
    let old: ObjectRecord | undefined;
    let committed = false;
    try {
      old = await this.tables.groupCommit(async (tx) => {
        const before = await this.tables.object(o.account, o.container, o.name, tx);
        const d = { objects: before ? 0 : 1, bytes: o.size - (before?.size ?? 0) };
        // NOTE: counting is the check that the container is still there (deleted while the bytes came: 404).
        if (!(await this.tables.countContainer(o.account, o.container, d, tx))) throw notFound();
        await this.tables.putObject(o, tx);
        await this.tables.countAccount(o.account, d, tx);
        await this.tables.addUnsynced(o, before, tx);
        return before;
      }, () => {
        committed = true;
        return syncName();
      });
    } catch (err) {
      // NOTE: committed but not known durable (the WAL's fsync or the name's failed): the row
      // names the blob, which stays, and its note too (the start checks the blob).
      if (!committed) await this.driver.remove(o.blob);
      throw err;
    }
    this.tables.markSynced(o.blob);
    if (old && !(await this.replaced(old, 'overwrite'))) await this.driver.remove(old.blob);
    return o;
  }

  /** True when a feature kept the replaced object's bytes (versioning moved them). */
  private async replaced(old: ObjectRecord, reason: 'overwrite' | 'delete'): Promise<boolean> {
    for (const hook of this.onReplace) if (await hook(old, reason)) return true;
    return false;
  }
}

function checkManifest(value: string | undefined): void {
  if (value === undefined) return;
  const v = value.startsWith('/') ? value.slice(1) : value;
  const slash = v.indexOf('/');
  if (slash <= 0) throw badRequest('X-Object-Manifest must be in the format container/prefix');
}
