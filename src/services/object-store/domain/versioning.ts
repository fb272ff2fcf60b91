// Object versioning (swift/common/middleware/versioned_writes, legacy mode): a container with
// X-Versions-Location keeps each overwritten object in that container and a DELETE brings the
// previous version back (stack mode); with X-History-Location overwrites and deletes both archive
// the current object (history mode). Versions are named `<len(name) as 3 hex digits><name>/<timestamp>`.
// NOTE: blobs are immutable, so archiving moves the old object's row and its bytes stay where they are.
import type { ObjectRecord, ObjectStoreTables } from '../store/tables.js';
import type { ObjectPath } from './objects.service.js';
import { preconditionFailed } from './errors.js';
import { timestamp } from './clock.js';

type Tx = Parameters<Parameters<ObjectStoreTables['transaction']>[0]>[0];

export class Versioning {
  constructor(private readonly tables: ObjectStoreTables) {}

  private async location(o: ObjectPath): Promise<{ container: string; mode: 'stack' | 'history' } | undefined> {
    const c = await this.tables.container(o.account, o.container);
    const stack = c?.metadata['x-versions-location'];
    if (stack) return { container: stack, mode: 'stack' };
    const history = c?.metadata['x-history-location'];
    if (history) return { container: history, mode: 'history' };
    return undefined;
  }

  static prefixOf(name: string): string {
    return `${Array.from(name).length.toString(16).padStart(3, '0')}${name}/`;
  }

  /** After an overwrite (or, in history mode, a delete): the old object moves to the versions container. */
  async archive(old: ObjectRecord): Promise<boolean> {
    if (old.container.length === 0) return false;
    const where = await this.location(old);
    if (!where) return false;
    if (!(await this.tables.container(old.account, where.container))) throw preconditionFailed();
    const name = `${Versioning.prefixOf(old.name)}${old.timestamp}`;
    await this.tables.transaction(async (tx) => {
      await this.put({ ...old, container: where.container, name }, tx);
    });
    return true;
  }

  /** Is deleting this object an archive (history mode) rather than a removal? */
  async historyMode(p: ObjectPath): Promise<boolean> {
    return (await this.location(p))?.mode === 'history';
  }

  /**
   * A DELETE in stack mode: the newest version replaces the object (and leaves the versions
   * container); undefined when there is no version, and the DELETE proceeds as usual.
   */
  async restore(p: ObjectPath): Promise<{ removed?: ObjectRecord } | undefined> {
    const where = await this.location(p);
    if (where?.mode !== 'stack') return undefined;
    const prefix = Versioning.prefixOf(p.name);
    const [latest] = await this.tables.listObjects(p.account, where.container, { gte: prefix, reverse: true, limit: 1, lt: `${prefix.slice(0, -1)}0` });
    if (!latest || !latest.name.startsWith(prefix)) return undefined;
    return this.tables.transaction(async (tx) => {
      const current = await this.tables.object(p.account, p.container, p.name, tx);
      await this.remove(latest, tx);
      await this.put({ ...latest, account: p.account, container: p.container, name: p.name, timestamp: timestamp() }, tx);
      return { removed: current };
    });
  }

  private async put(o: ObjectRecord, tx: Tx): Promise<void> {
    const before = await this.tables.object(o.account, o.container, o.name, tx);
    await this.tables.putObject(o, tx);
    const d = { objects: before ? 0 : 1, bytes: o.size - (before?.size ?? 0) };
    await this.tables.countContainer(o.account, o.container, d, tx);
    await this.tables.countAccount(o.account, d, tx);
  }

  private async remove(o: ObjectRecord, tx: Tx): Promise<void> {
    await this.tables.deleteObject(o, tx);
    await this.tables.countContainer(o.account, o.container, { objects: -1, bytes: -o.size }, tx);
    await this.tables.countAccount(o.account, { objects: -1, bytes: -o.size }, tx);
  }
}
