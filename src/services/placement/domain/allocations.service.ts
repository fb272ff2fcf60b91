// Allocations per consumer (PUT/GET/DELETE, POST many), capacity checks, and usages.
import type { AllocationRecord, ConsumerRecord, PlacementStore, ProviderRecord } from '../store/placement.store.js';
import { ErrorCode } from '../faults.js';
import { badRequest, capacity, conflict, normUuid, notFound, now, providerOr404, sumUsage, type Tx } from './common.js';

/** One consumer's wanted allocations: provider uuid → class → amount. */
export interface ConsumerAllocations {
  consumerUuid: string;
  allocations: Record<string, Record<string, number>>;
  projectId: string;
  userId: string;
  /** undefined: not checked (before 1.28); null: the consumer must be new. */
  consumerGeneration?: number | null;
  consumerType?: string;
}

export class AllocationsService {
  constructor(private readonly tx: Tx) {}

  async ofConsumer(uuid: string): Promise<{ consumer?: ConsumerRecord; allocations: Array<AllocationRecord & { generation: number }> }> {
    return this.tx.run(async (s) => {
      const consumer = await s.consumer(uuid);
      const rows = await s.allocationsOfConsumer(uuid);
      const gens = new Map<string, number>();
      for (const r of rows) if (!gens.has(r.provider_uuid)) gens.set(r.provider_uuid, (await s.provider(r.provider_uuid))!.generation);
      return { consumer, allocations: rows.map((r) => ({ ...r, generation: gens.get(r.provider_uuid)! })) };
    });
  }

  async onProvider(uuid: string): Promise<{ provider: ProviderRecord; allocations: AllocationRecord[] }> {
    const provider = await providerOr404(this.tx.store, uuid);
    return { provider, allocations: await this.tx.store.allocationsOnProvider(uuid) };
  }

  /** Replaces the allocations of every consumer given, all or nothing. */
  async set(items: ConsumerAllocations[]): Promise<void> {
    await this.tx.run((s) => this.setIn(s, items));
  }

  /** The same inside an open transaction (the reshaper's). */
  async setIn(s: PlacementStore, items: ConsumerAllocations[]): Promise<void> {
    {
      const touched = new Set<string>();
      const requested = new Set<string>();
      for (const item of items) {
        const w = await this.write(s, item);
        for (const p of w.touched) touched.add(p);
        for (const r of w.requested) requested.add(r);
      }
      // Capacity is checked once every consumer's new allocations are in (a move within one POST frees first).
      await this.checkCapacity(s, requested);
      const t = now();
      for (const p of touched) {
        const rec = await s.provider(p);
        if (rec) await s.updateProvider(p, { generation: rec.generation + 1, updated_at: t });
      }
    }
  }

  /** Claim-or-fail for the facade: false when it does not fit (nothing changes). */
  async trySet(item: ConsumerAllocations): Promise<boolean> {
    try { await this.set([item]); return true; } catch (e) {
      if ((e as { status?: number }).status === 409) return false;
      throw e;
    }
  }

  private async write(s: PlacementStore, item: ConsumerAllocations): Promise<{ touched: string[]; requested: string[] }> {
    const consumer = await s.consumer(item.consumerUuid);
    if (item.consumerGeneration !== undefined) {
      if (item.consumerGeneration === null && consumer) {
        throw conflict(`consumer generation conflict - expected null but got ${consumer.generation}`, ErrorCode.CONCURRENT_UPDATE);
      }
      if (item.consumerGeneration !== null && (!consumer || consumer.generation !== item.consumerGeneration)) {
        throw conflict(`consumer generation conflict - expected ${consumer ? consumer.generation : 'null'} but got ${item.consumerGeneration}`, ErrorCode.CONCURRENT_UPDATE);
      }
    }
    const old = await s.allocationsOfConsumer(item.consumerUuid);
    const t = now();
    const rows: AllocationRecord[] = [];
    for (const [rawRp, resources] of Object.entries(item.allocations)) {
      const rp = normUuid(rawRp);
      if (!(await s.provider(rp))) throw badRequest(`Allocation for resource provider '${rawRp}' that does not exist.`);
      const invs = await s.inventories(rp);
      for (const [rc, used] of Object.entries(resources)) {
        const inv = invs.find((i) => i.resource_class === rc);
        if (!inv) {
          throw conflict(`Unable to allocate inventory: Inventory for '${rc}' on resource provider '${rp}' invalid.`);
        }
        if (used < inv.min_unit || used > inv.max_unit || used % inv.step_size !== 0) {
          throw conflict(`Unable to allocate inventory: Unable to create allocation for '${rc}' on resource provider '${rp}'. The requested amount would violate inventory constraints.`);
        }
        rows.push({ consumer_uuid: item.consumerUuid, provider_uuid: rp, resource_class: rc, used, created_at: t, updated_at: t });
      }
    }
    if (rows.length === 0) {
      await s.replaceAllocations(item.consumerUuid, []);
      if (consumer) await s.deleteConsumer(item.consumerUuid);
    } else {
      await s.putConsumer({
        uuid: item.consumerUuid, project_id: item.projectId, user_id: item.userId, generation: consumer ? consumer.generation + 1 : 0,
        consumer_type: item.consumerType ?? consumer?.consumer_type ?? null, created_at: consumer?.created_at ?? t, updated_at: t,
      });
      await s.replaceAllocations(item.consumerUuid, rows);
    }
    return {
      touched: [...new Set([...old.map((r) => r.provider_uuid), ...rows.map((r) => r.provider_uuid)])],
      requested: rows.map((r) => `${r.provider_uuid} ${r.resource_class}`),
    };
  }

  private async checkCapacity(s: PlacementStore, requested: Set<string>): Promise<void> {
    for (const p of new Set([...requested].map((r) => r.split(' ')[0]!))) {
      const used = await s.usageOnProvider(p);
      for (const inv of await s.inventories(p)) {
        if (!requested.has(`${p} ${inv.resource_class}`)) continue;
        if ((used[inv.resource_class] ?? 0) > capacity(inv)) {
          throw conflict(`Unable to allocate inventory: Unable to create allocation for '${inv.resource_class}' on resource provider '${p}'. The requested amount would exceed the capacity.`);
        }
      }
    }
  }

  async delete(uuid: string): Promise<void> {
    await this.tx.run(async (s) => {
      const rows = await s.allocationsOfConsumer(uuid);
      if (!rows.length) throw notFound(`No allocations for consumer '${uuid}'`);
      await s.replaceAllocations(uuid, []);
      await s.deleteConsumer(uuid);
      const t = now();
      for (const p of new Set(rows.map((r) => r.provider_uuid))) {
        const rec = await s.provider(p);
        if (rec) await s.updateProvider(p, { generation: rec.generation + 1, updated_at: t });
      }
    });
  }

  /** Usage of every class the provider has inventory of (0 when unused). */
  async providerUsages(uuid: string): Promise<{ provider: ProviderRecord; usages: Record<string, number> }> {
    const provider = await providerOr404(this.tx.store, uuid);
    const used = await this.tx.store.usageOnProvider(uuid);
    const usages: Record<string, number> = {};
    for (const inv of await this.tx.store.inventories(uuid)) usages[inv.resource_class] = used[inv.resource_class] ?? 0;
    for (const [rc, n] of Object.entries(used)) usages[rc] ??= n;
    return { provider, usages };
  }

  /**
   * GET /usages: class → amount; from 1.38 consumer type → {class → amount, consumer_count}, where
   * `typeFilter` 'all' puts every consumer under "all", 'unknown' those without a type under
   * "unknown", another name only that type (placement's usage.get_by_consumer_type).
   */
  async projectUsages(projectId: string, userId: string | undefined, byType: boolean, typeFilter?: string): Promise<Record<string, unknown>> {
    let rows = await this.tx.store.projectUsage(projectId, userId);
    if (!byType) return sumUsage(rows);
    if (typeFilter === 'unknown') rows = rows.filter((r) => r.consumer_type === null);
    else if (typeFilter !== undefined && typeFilter !== 'all') rows = rows.filter((r) => r.consumer_type === typeFilter);
    const out: Record<string, Record<string, number>> = {};
    const consumers: Record<string, Set<string>> = {};
    for (const r of rows) {
      // NOTE: consumers written before 1.38 have no type; placement keys them by None, which JSON shows as "null".
      const type = typeFilter === 'all' || typeFilter === 'unknown' ? typeFilter : r.consumer_type ?? 'null';
      const u = (out[type] ??= {});
      u[r.resource_class] = (u[r.resource_class] ?? 0) + r.used;
      (consumers[type] ??= new Set()).add(r.consumer_uuid);
    }
    for (const [type, u] of Object.entries(out)) u.consumer_count = consumers[type]!.size;
    return out;
  }

}
