// The scheduler: hosts that fit the flavor (allocation candidates from Placement), filtered by
// availability zone (aggregate membership), by disabled/forced-down compute services and by the
// server group policy, then a claim. None left → NoValidHost ("No valid host was found. ...").
import type { PlacementFacade } from '../../placement/facade.js';
import type { FlavorSnapshot } from '../store/servers.store.js';

/** Resources a flavor asks for, as Placement names them. */
export function flavorResources(f: FlavorSnapshot): Record<string, number> {
  const out: Record<string, number> = { VCPU: f.vcpus, MEMORY_MB: f.ram };
  const disk = f.disk + f.ephemeral + Math.ceil(f.swap / 1024);
  if (disk > 0) out.DISK_GB = disk;
  return out;
}

/**
 * What compute needs from Placement (implemented over PlacementFacade when placement runs, and by
 * LocalPlacement otherwise): one resource provider per compute node, named by its hypervisor
 * hostname and identified by the compute node's UUID.
 */
export interface PlacementPort {
  ensureComputeProvider(node: { uuid: string; name: string; inventory: { VCPU: number; MEMORY_MB: number; DISK_GB: number } }): Promise<void>;
  /** The providers (node uuids) that can hold `resources` now, with what each has in use. */
  candidates(resources: Record<string, number>): Promise<Array<{ provider: string; usage: Record<string, number> }>>;
  /** Claims `resources` on `provider` for `consumer`; false when another claim won the space. */
  claim(consumer: string, provider: string, resources: Record<string, number>, projectId: string, userId: string): Promise<boolean>;
  /** Moves the consumer's allocation to new amounts (resize), or false when it does not fit. */
  reclaim?(consumer: string, provider: string, resources: Record<string, number>, projectId: string, userId: string): Promise<boolean>;
  free(consumer: string): Promise<void>;
  /**
   * Hands every allocation of `from` to `to` (a migration holds the source host's allocation while
   * the server claims its destination, as Nova's conductor does); nothing when `from` has none.
   */
  moveAllocation(from: string, to: string, projectId: string, userId: string): Promise<void>;
  /** Usage per provider (VCPU, MEMORY_MB, DISK_GB), for os-hypervisors. */
  usage(provider: string): Promise<Record<string, number>>;
}

/** Placement's facade as the scheduler uses it. */
export function placementPort(p: PlacementFacade): PlacementPort {
  // NOTE: Nova's initial allocation ratios (cpu 4.0, ram 1.0, disk 1.0).
  const ratios = { VCPU: 4, MEMORY_MB: 1, DISK_GB: 1 };
  return {
    async ensureComputeProvider(node) { await p.ensureComputeProvider({ name: node.name, uuid: node.uuid, inventory: node.inventory, allocationRatio: ratios }); },
    async candidates(resources) { return (await p.allocationCandidates({ resources })).map((c) => ({ provider: c.providerUuid, usage: c.usage })); },
    claim: (consumer, provider, resources, projectId, userId) => p.claim({ consumerUuid: consumer, projectId, userId, providerUuid: provider, resources }),
    async reclaim(consumer, provider, resources, projectId, userId) {
      const old = await p.allocationsOf(consumer);
      await p.release(consumer);
      if (await p.claim({ consumerUuid: consumer, projectId, userId, providerUuid: provider, resources })) return true;
      for (const [prov, res] of Object.entries(old)) await p.claim({ consumerUuid: consumer, projectId, userId, providerUuid: prov, resources: res });
      return false;
    },
    free: (consumer) => p.release(consumer),
    async moveAllocation(from, to, projectId, userId) {
      const held = await p.allocationsOf(from);
      await p.release(from);
      for (const [provider, resources] of Object.entries(held)) await p.claim({ consumerUuid: to, projectId, userId, providerUuid: provider, resources });
    },
    usage: (provider) => p.usagesOf(provider),
  };
}

/**
 * In-process resource tracking, used when the placement service does not run: the inventory of
 * each node and the allocations of each server, kept in memory and rebuilt from the servers table
 * on start. Same answers as Placement with allocation ratios 1.0 (plus Nova's defaults below).
 */
export class LocalPlacement implements PlacementPort {
  // NOTE: Nova's initial allocation ratios (cpu 4.0, ram 1.0, disk 1.0) so a small host takes many tiny guests.
  static readonly RATIOS: Record<string, number> = { VCPU: 4, MEMORY_MB: 1, DISK_GB: 1 };
  private readonly inventory = new Map<string, Record<string, number>>();
  private readonly allocations = new Map<string, { provider: string; resources: Record<string, number> }>();

  async ensureComputeProvider(node: { uuid: string; name: string; inventory: { VCPU: number; MEMORY_MB: number; DISK_GB: number } }) {
    this.inventory.set(node.uuid, { ...node.inventory });
  }

  private used(provider: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const a of this.allocations.values()) {
      if (a.provider !== provider) continue;
      for (const [k, v] of Object.entries(a.resources)) out[k] = (out[k] ?? 0) + v;
    }
    return out;
  }

  private fits(provider: string, resources: Record<string, number>, except?: string): boolean {
    const inv = this.inventory.get(provider);
    if (!inv) return false;
    const used = this.used(provider);
    if (except) { const mine = this.allocations.get(except); if (mine?.provider === provider) for (const [k, v] of Object.entries(mine.resources)) used[k]! -= v; }
    return Object.entries(resources).every(([k, v]) => v === 0 || (inv[k] !== undefined && (used[k] ?? 0) + v <= inv[k]! * (LocalPlacement.RATIOS[k] ?? 1)));
  }

  async candidates(resources: Record<string, number>): Promise<Array<{ provider: string; usage: Record<string, number> }>> {
    return [...this.inventory.keys()].filter((p) => this.fits(p, resources)).map((p) => ({ provider: p, usage: this.used(p) }));
  }

  async claim(consumer: string, provider: string, resources: Record<string, number>): Promise<boolean> {
    if (!this.fits(provider, resources)) return false;
    this.allocations.set(consumer, { provider, resources: { ...resources } });
    return true;
  }

  async reclaim(consumer: string, provider: string, resources: Record<string, number>): Promise<boolean> {
    if (!this.fits(provider, resources, consumer)) return false;
    this.allocations.set(consumer, { provider, resources: { ...resources } });
    return true;
  }

  async free(consumer: string): Promise<void> { this.allocations.delete(consumer); }

  async moveAllocation(from: string, to: string): Promise<void> {
    const a = this.allocations.get(from);
    if (!a) return;
    this.allocations.delete(from);
    this.allocations.set(to, a);
  }

  async usage(provider: string): Promise<Record<string, number>> { return this.used(provider); }

  /** Rebuilds an allocation known from the database (on start). */
  restore(consumer: string, provider: string, resources: Record<string, number>): void {
    this.allocations.set(consumer, { provider, resources: { ...resources } });
  }

  has(consumer: string): boolean { return this.allocations.has(consumer); }
}

export interface SchedulerHost { uuid: string; host: string; node: string }

export interface ScheduleRequest {
  instanceId: string; projectId: string; userId: string; flavor: FlavorSnapshot;
  /** Requested availability zone (hosts of aggregates with that AZ; 'nova' = hosts in no AZ aggregate). */
  availabilityZone: string | null;
  /** Forced host (az:host or the 2.74 host field), admin only. */
  forceHost?: string | null;
  /** Server group policy and the hosts its other members run on. */
  group?: { policy: string; memberHosts: string[]; maxServerPerHost?: number } | null;
  /** Hosts to avoid (the current one on resize to another host). */
  ignoreHosts?: string[];
}

export class NoValidHost extends Error {
  constructor(reason = '') { super(`No valid host was found. ${reason}`.trim()); }
}

export interface SchedulerDeps {
  placement: PlacementPort;
  /** Compute nodes with their host and whether the service may take guests. */
  hosts(): Promise<(SchedulerHost & { enabled: boolean })[]>;
  /** The AZ of a host (its aggregates' availability_zone or the default). */
  hostAz(host: string): Promise<string>;
}

export class Scheduler {
  constructor(private readonly d: SchedulerDeps) {}

  /** Picks a host and claims the flavor's resources there. Throws NoValidHost. */
  async selectAndClaim(req: ScheduleRequest): Promise<SchedulerHost> {
    const resources = flavorResources(req.flavor);
    const fit = new Map((await this.d.placement.candidates(resources)).map((c) => [c.provider, c.usage]));
    let hosts = (await this.d.hosts()).filter((h) => h.enabled && fit.has(h.uuid));
    if (hosts.length === 0) throw new NoValidHost('There are not enough hosts available.');
    if (req.forceHost) hosts = hosts.filter((h) => h.host === req.forceHost || h.node === req.forceHost);
    if (req.availabilityZone) {
      const inAz: typeof hosts = [];
      for (const h of hosts) if ((await this.d.hostAz(h.host)) === req.availabilityZone) inAz.push(h);
      hosts = inAz;
    }
    if (req.ignoreHosts?.length) hosts = hosts.filter((h) => !req.ignoreHosts!.includes(h.host));
    const g = req.group;
    if (g) {
      const count = (host: string) => g.memberHosts.filter((x) => x === host).length;
      if (g.policy === 'affinity') {
        if (g.memberHosts.length) hosts = hosts.filter((h) => g.memberHosts.includes(h.host));
      } else if (g.policy === 'anti-affinity') {
        const max = g.maxServerPerHost ?? 1;
        hosts = hosts.filter((h) => count(h.host) < max);
      } else if (g.policy === 'soft-affinity') {
        hosts.sort((a, b) => count(b.host) - count(a.host));
      } else if (g.policy === 'soft-anti-affinity') {
        hosts.sort((a, b) => count(a.host) - count(b.host));
      }
    }
    if (hosts.length === 0) throw new NoValidHost('There are not enough hosts available.');
    // NOTE: spread (Nova's default weighers prefer the most free RAM): the least-used host first,
    // unless a soft group policy already ordered them.
    if (!g || !g.policy.startsWith('soft')) {
      const ram = (h: SchedulerHost) => fit.get(h.uuid)?.MEMORY_MB ?? 0;
      hosts.sort((a, b) => ram(a) - ram(b));
    }
    for (const h of hosts) {
      if (await this.d.placement.claim(req.instanceId, h.uuid, resources, req.projectId, req.userId)) return h;
    }
    throw new NoValidHost('There are not enough hosts available.');
  }
}
