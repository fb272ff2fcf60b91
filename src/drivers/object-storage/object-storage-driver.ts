// The object-storage driver: what the object store asks of the backend that keeps object bytes.
//
// Contract (every implementation passes test/drivers/object-storage.contract.ts):
// - The service keeps names, metadata and listings in SQL; the driver keeps only blobs, immutable
//   byte strings named by ids it chooses. A new version of an object is a new blob; the service
//   removes the old blob after its database commit names the new one.
// - `write` streams its source to the backend, never holding more than a few chunks in memory, and
//   resolves once the blob is whole and readable under its id and its bytes are durable (the fs
//   driver: the file fsynced, then renamed into place). Its name is made durable by the blob's
//   `syncName` (the fs driver: the directory fsynced), which the caller runs once it has written
//   what else must be durable with it (the service: the row's commit), so that one journal commit
//   carries both; nothing may be acknowledged as stored before it resolves. It computes the MD5
//   of the bytes. A write that fails for any reason
//   (the source errors or ends short of `expectedBytes`, more than `maxBytes` arrive, the disk
//   fills) leaves nothing behind and throws one of the errors below.
// - `read` streams a blob's bytes, all or the inclusive range [start, end]; it throws BlobNotFound
//   at once (not later, through the stream) for an absent blob.
// - `exists` tells whether a blob is there (for the start's check of rows whose blob's name may not
//   have been durable when the process stopped).
// - `remove` is idempotent: removing an absent blob succeeds.
// - `list` names every blob with when it was written (for reconciling on start: a blob written
//   before the start that no row names is an orphan of a crash between the driver's write and the
//   service's commit, or a write a crash cut short); `cleanup` removes temporary files a crash left.
// - `stats` reports the backend's capacity in bytes.
import type { Readable } from 'node:stream';

export class ObjectStorageError extends Error {}
export class BlobNotFound extends ObjectStorageError {
  constructor(readonly id: string) { super(`Blob ${id} not found`); }
}
/** More bytes arrived than `maxBytes` allows (Swift's 413). */
export class BlobTooLarge extends ObjectStorageError {}
/** The source ended before `expectedBytes` or failed (Swift's 499: the client went away). */
export class BlobIncomplete extends ObjectStorageError {}
/** The backend has no room (Swift's 507). */
export class StorageFull extends ObjectStorageError {}

export interface Blob {
  id: string;
  size: number;
  /** The MD5 of the bytes, lower-case hex. */
  md5: string;
}

/** A blob just written: it reads back now; its name survives a power loss once `syncName()` resolves. */
export interface WrittenBlob extends Blob {
  /** Makes the blob's name durable (rejects with the disk's error); call it once. */
  syncName(): Promise<void>;
}

export interface WriteLimits {
  /** Refuse (BlobTooLarge) when more bytes than this arrive. */
  maxBytes: number;
  /** The source's announced length (Content-Length); fewer bytes is BlobIncomplete. */
  expectedBytes?: number;
}

export interface ObjectStorageStats { totalBytes: number; freeBytes: number }

export interface ObjectStorageDriver {
  readonly name: string;
  write(source: AsyncIterable<Buffer | string>, limits: WriteLimits): Promise<WrittenBlob>;
  read(id: string, range?: { start: number; end: number }): Readable;
  exists(id: string): Promise<boolean>;
  remove(id: string): Promise<void>;
  list(): Promise<{ id: string; writtenAt: number }[]>;
  cleanup(): Promise<void>;
  stats(): Promise<ObjectStorageStats>;
}
