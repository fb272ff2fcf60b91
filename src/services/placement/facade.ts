// What other services (compute) may call on Placement: plain values in and out.

export interface PlacementFacade {
  /**
   * Create or update the provider of a compute host (uuid stable per host name, or `uuid` when the
   * caller has one, e.g. its compute node id) with its inventory; returns its uuid.
   */
  ensureComputeProvider(host: { name: string; uuid?: string; inventory: { VCPU: number; MEMORY_MB: number; DISK_GB: number }; allocationRatio?: { VCPU?: number; MEMORY_MB?: number; DISK_GB?: number }; traits?: string[] }): Promise<string>;
  /** Providers that can take `resources` now (inventory - reserved) * ratio - used, optionally restricted to members of any of the aggregates. */
  allocationCandidates(req: { resources: Record<string, number>; memberOf?: string[]; limit?: number }): Promise<Array<{ providerUuid: string; providerName: string; usage: Record<string, number> }>>;
  /**
   * Claims atomically; false when the provider no longer has room (a race lost). Replaces any
   * allocations the consumer already holds in the same step (a resize's re-claim needs no release first).
   */
  claim(req: { consumerUuid: string; projectId: string; userId: string; providerUuid: string; resources: Record<string, number> }): Promise<boolean>;
  /** Removes every allocation of the consumer (idempotent). */
  release(consumerUuid: string): Promise<void>;
  /** provider uuid → class → amount */
  allocationsOf(consumerUuid: string): Promise<Record<string, Record<string, number>>>;
  setProviderAggregates(providerUuid: string, aggregateUuids: string[]): Promise<void>;
  providerAggregates(providerUuid: string): Promise<string[]>;
  usagesOf(providerUuid: string): Promise<Record<string, number>>;
}
