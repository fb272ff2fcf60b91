import type { Caller as CoreCaller } from '../../../core/auth/caller.js';
import type { NetworkDriver } from '../../../drivers/network/network-driver.js';
import type { NetworkTables } from '../store/tables.js';
import type { NetworkingSettings } from '../../../config.js';

/**
 * Who asks, as the domain needs it: core's caller (the token's project, admin through the policy
 * engine's context_is_admin), of which internal callers (the facade, auto-allocation) give only these two.
 */
export type Caller = Pick<CoreCaller, 'projectId' | 'isAdmin'>;

/** What every service of the domain shares. */
export interface DomainDeps {
  t: NetworkTables;
  driver: NetworkDriver;
  /** The host name ports are bound to when none is given. */
  host: string;
  log: { warn(obj: unknown, msg?: string): void };
  /** ML2's type drivers, tenant network types, flat networks and VNI ranges (config's networking). */
  networking: NetworkingSettings;
}

/** Serialises work per key (a network's IPAM, a project's default group). */
export class Locks {
  private readonly tails = new Map<string, Promise<unknown>>();
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => { release = r; });
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev.catch(() => {});
    try { return await fn(); } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

export function randomMac(): string {
  const b = Array.from({ length: 3 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0'));
  return `fa:16:3e:${b.join(':')}`;
}
