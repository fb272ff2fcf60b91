// Nova's image proxy (/images, /images/{id}/metadata): Nova's view of the image service's images,
// reached through its facade. Errors carry Nova's words (nova/api/openstack/compute/images.py).
import { Forbidden } from '../../../core/errors/errors.js';
import type { FacadeImage, ImageFacade, ImageListFilters } from '../../image/index.js';
import type { Caller } from './servers.service.js';
import { imageMetadataKeyNotFound, imageMetadataLimitExceeded, imageNotFound } from './errors.js';

export type ProxiedImage = FacadeImage;
export type { ImageListFilters };

/** Nova's default metadata_items quota (check_img_metadata_properties_quota). */
export const IMAGE_METADATA_LIMIT = 128;

/** The caller as Glance's facade takes it (no project: ''). */
const viewer = (c: Caller) => ({ projectId: c.projectId ?? '', isAdmin: c.isAdmin });

export class ImagesService {
  constructor(private readonly image: ImageFacade | undefined) {}

  private facade(): ImageFacade {
    if (!this.image) throw imageNotFound();
    return this.image;
  }

  async get(caller: Caller, id: string): Promise<ProxiedImage> {
    const image = await this.facade().findImage(id, viewer(caller));
    if (!image) throw imageNotFound();
    return image;
  }

  list(caller: Caller, q: { filters: ImageListFilters; marker?: string; limit?: number }): Promise<ProxiedImage[]> {
    return this.facade().listImages(viewer(caller), q);
  }

  async delete(caller: Caller, id: string): Promise<void> {
    try {
      await this.facade().deleteImageAs(id, viewer(caller));
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (status === 404) throw imageNotFound();
      if (status === 403) throw new Forbidden('You are not allowed to delete the image.');
      throw e;
    }
  }

  /** Sets the image's metadata: merged into what it has (create, update one) or replacing it (update all). */
  async setMetadata(caller: Caller, id: string, metadata: Record<string, string>, replace: boolean): Promise<Record<string, string>> {
    const image = await this.get(caller, id);
    const next = replace ? { ...metadata } : { ...image.properties, ...metadata };
    if (Object.keys(next).length > IMAGE_METADATA_LIMIT) throw imageMetadataLimitExceeded();
    return this.write(caller, id, next);
  }

  async deleteMetadataKey(caller: Caller, id: string, key: string): Promise<void> {
    const image = await this.get(caller, id);
    if (!(key in image.properties)) throw imageMetadataKeyNotFound();
    const next = { ...image.properties };
    delete next[key];
    await this.write(caller, id, next);
  }

  private async write(caller: Caller, id: string, props: Record<string, string>): Promise<Record<string, string>> {
    try {
      return await this.facade().setImageProperties(id, viewer(caller), props);
    } catch (e) {
      if ((e as { status?: number }).status === 404) throw imageNotFound();
      throw e;
    }
  }
}
