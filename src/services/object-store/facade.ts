// What other services (block storage's Swift backups) may call on the object store: plain values in and out.

/**
 * What another service may call, as the account's owner (Cinder's Swift backup driver writes with
 * the backup project's token, so its objects are that project's, counted in its account).
 * - account: the account name of a project (`AUTH_<project id>`, the reseller prefix Swift's
 *   keystoneauth uses).
 * - ensureContainer: creates the container when absent (a PUT that finds it leaves it as is).
 * - putObject: writes an object whole (the account's and container's quotas apply: OverLimit-like
 *   Swift errors are thrown as the object store's typed errors); its ETag (md5) back.
 * - readObject: an object's bytes (NotFound when absent); for chunk-sized objects, read whole.
 * - deleteObject: removes an object; absent is not an error (returns false).
 * - listObjects: the names in a container under a prefix, in Swift's order (none when the
 *   container is absent).
 */
export interface ObjectStoreFacade {
  account(projectId: string): string;
  ensureContainer(account: string, container: string): Promise<void>;
  putObject(account: string, container: string, name: string, data: Buffer, contentType?: string): Promise<{ etag: string }>;
  readObject(account: string, container: string, name: string): Promise<Buffer>;
  deleteObject(account: string, container: string, name: string): Promise<boolean>;
  listObjects(account: string, container: string, prefix: string): Promise<string[]>;
}
