// The image service: Glance v2 at /image.

/**
 * What compute may call (plain values in and out).
 * - findImage: the image if the viewer may see it (owner, public, community, accepted member) or is admin.
 * - createImage: a new queued image owned by projectId (server createImage / snapshots).
 * - uploadImage: streams bytes into a queued image and makes it active (checksums, size); throws
 *   Glance's typed errors (Conflict when not queued, OverLimit over quota).
 * - imageFilePath: the path of an active image's bytes on disk (for the hypervisor driver).
 * - deleteImage: removes the image and its bytes.
 */
export interface ImageFacade {
  findImage(id: string, viewer: { projectId: string; isAdmin: boolean }): Promise<{ id: string; name: string; status: string; minDisk: number; minRam: number; size: number | null; diskFormat: string | null; containerFormat: string | null; properties: Record<string, string> } | undefined>;
  createImage(args: { name: string; projectId: string; diskFormat?: string; containerFormat?: string; visibility?: string; properties?: Record<string, string> }): Promise<{ id: string }>;
  uploadImage(id: string, data: NodeJS.ReadableStream): Promise<void>;
  imageFilePath(id: string): Promise<string | undefined>;
  deleteImage(id: string): Promise<void>;
}
