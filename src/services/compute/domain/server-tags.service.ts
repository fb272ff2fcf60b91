// A server's tags (server-tags.inc, 2.26): at most 50; every change touches the server's updated_at.
import type { ServersStore } from '../store/servers.store.js';
import { tagNotFound, tooManyTags } from './errors.js';

export class ServerTagsService {
  constructor(private readonly store: ServersStore) {}

  list(serverId: string): Promise<string[]> { return this.store.tags(serverId); }

  /** Replaces every tag; returns the tags as stored. */
  async replace(serverId: string, tags: string[]): Promise<string[]> {
    await this.store.setTags(serverId, tags);
    await this.store.update(serverId, {});
    return this.store.tags(serverId);
  }

  /** Adds a tag; false when the server already has it, 400 past Nova's 50. */
  async add(serverId: string, tag: string): Promise<boolean> {
    const existing = await this.store.tags(serverId);
    if (existing.includes(tag)) return false;
    if (existing.length >= 50) throw tooManyTags(serverId);
    await this.store.addTag(serverId, tag);
    await this.store.update(serverId, {});
    return true;
  }

  async remove(serverId: string, tag: string): Promise<void> {
    if (!(await this.store.removeTag(serverId, tag))) throw tagNotFound(tag);
    await this.store.update(serverId, {});
  }
}
