// What other services (compute) may call on images: plain values in and out.

/**
 * What compute may call (plain values in and out).
 * - findImage: the image if the viewer may see it (owner, public, community, accepted member) or is admin.
 * - createImage: a new queued image owned by projectId (server createImage / snapshots).
 * - uploadImage: streams bytes into a queued image and makes it active (checksums, size); throws
 *   Glance's typed errors (Conflict when not queued, OverLimit over quota).
 * - imageFilePath: the path of an active image's bytes on disk (for the hypervisor driver).
 * - deleteImage: removes the image and its bytes (Forbidden when protected, as Glance).
 * - listImages: the images a viewer may list (Glance's default list: own, public, accepted shared),
 *   newest first, filtered and paged; BadRequest for an unknown marker or a malformed filter.
 * - deleteImageAs / setImageProperties: as the viewer (NotFound when it may not see the image,
 *   Forbidden when it may not change it: neither admin nor owner, or protected).
 *   setImageProperties replaces all custom properties (Nova's purge_props).
 */
export interface FacadeImage {
  id: string; name: string; status: string; minDisk: number; minRam: number; size: number | null;
  diskFormat: string | null; containerFormat: string | null; properties: Record<string, string>; createdAt: string; updatedAt: string;
}
export interface ImageListFilters {
  name?: string; status?: string; changesSince?: string; minRam?: number; minDisk?: number;
  /** Custom properties that must match exactly. */
  properties?: Record<string, string>;
}
export type FacadeViewer = { projectId: string; isAdmin: boolean };
export interface ImageFacade {
  findImage(id: string, viewer: FacadeViewer): Promise<FacadeImage | undefined>;
  listImages(viewer: FacadeViewer, q: { filters: ImageListFilters; marker?: string; limit?: number }): Promise<FacadeImage[]>;
  deleteImageAs(id: string, viewer: FacadeViewer): Promise<void>;
  setImageProperties(id: string, viewer: FacadeViewer, properties: Record<string, string>): Promise<Record<string, string>>;
  createImage(args: { name: string; projectId: string; diskFormat?: string; containerFormat?: string; visibility?: string; properties?: Record<string, string> }): Promise<{ id: string }>;
  uploadImage(id: string, data: NodeJS.ReadableStream): Promise<void>;
  imageFilePath(id: string): Promise<string | undefined>;
  deleteImage(id: string): Promise<void>;
}
