// SQL for placement: one class over a Kysely handle, so the domain can run it inside a transaction.
import type { Db } from '../../../core/db/database.js';
import type { AllocationRecord, ConsumerRecord, InventoryRecord, NamedRecord, PlacementDb, ProviderRecord } from './database.js';
import { insertionOrder } from './sqlite.js';

export type { AllocationRecord, ConsumerRecord, InventoryRecord, NamedRecord, ProviderRecord } from './database.js';

export class PlacementStore {
  readonly db: PlacementDb;
  /** `db`: the database or the domain's transaction in it. */
  constructor(db: Db) { this.db = db; }

  // Providers.
  provider(uuid: string): Promise<ProviderRecord | undefined> {
    return this.db.selectFrom('placement_providers').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  }
  providerByName(name: string): Promise<ProviderRecord | undefined> {
    return this.db.selectFrom('placement_providers').selectAll().where('name', '=', name).executeTakeFirst();
  }
  providers(): Promise<ProviderRecord[]> {
    // NOTE: creation order, as placement lists by its integer id.
    return this.db.selectFrom('placement_providers').selectAll().orderBy(insertionOrder).execute();
  }
  async insertProvider(p: ProviderRecord): Promise<void> { await this.db.insertInto('placement_providers').values(p).execute(); }
  async updateProvider(uuid: string, patch: Partial<ProviderRecord>): Promise<void> {
    await this.db.updateTable('placement_providers').set(patch).where('uuid', '=', uuid).execute();
  }
  async deleteProvider(uuid: string): Promise<void> { await this.db.deleteFrom('placement_providers').where('uuid', '=', uuid).execute(); }
  /** Bumps the generation if it is still `expected`; false when another writer got there first. */
  async bumpGeneration(uuid: string, expected: number, now: string): Promise<boolean> {
    const r = await this.db.updateTable('placement_providers').set({ generation: expected + 1, updated_at: now })
      .where('uuid', '=', uuid).where('generation', '=', expected).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async children(uuid: string): Promise<ProviderRecord[]> {
    return await this.db.selectFrom('placement_providers').selectAll().where('parent_uuid', '=', uuid).execute();
  }

  // Inventories.
  inventories(provider?: string): Promise<InventoryRecord[]> {
    let q = this.db.selectFrom('placement_inventories').selectAll();
    if (provider) q = q.where('provider_uuid', '=', provider);
    return q.orderBy('resource_class').execute();
  }
  async putInventory(inv: InventoryRecord): Promise<void> {
    await this.db.insertInto('placement_inventories').values(inv)
      .onConflict((oc) => oc.columns(['provider_uuid', 'resource_class']).doUpdateSet({
        total: inv.total, reserved: inv.reserved, min_unit: inv.min_unit, max_unit: inv.max_unit,
        step_size: inv.step_size, allocation_ratio: inv.allocation_ratio, updated_at: inv.updated_at,
      })).execute();
  }
  async deleteInventory(provider: string, rc: string): Promise<void> {
    await this.db.deleteFrom('placement_inventories').where('provider_uuid', '=', provider).where('resource_class', '=', rc).execute();
  }
  async inventoryClassesInUse(rc: string): Promise<boolean> {
    const a = await this.db.selectFrom('placement_inventories').select('provider_uuid').where('resource_class', '=', rc).executeTakeFirst();
    const b = await this.db.selectFrom('placement_allocations').select('provider_uuid').where('resource_class', '=', rc).executeTakeFirst();
    return !!a || !!b;
  }

  // Custom resource classes and traits.
  customClasses(): Promise<NamedRecord[]> { return this.db.selectFrom('placement_resource_classes').selectAll().orderBy('name').execute(); }
  customClass(name: string): Promise<NamedRecord | undefined> {
    return this.db.selectFrom('placement_resource_classes').selectAll().where('name', '=', name).executeTakeFirst();
  }
  async insertClass(r: NamedRecord): Promise<void> { await this.db.insertInto('placement_resource_classes').values(r).execute(); }
  async renameClass(from: string, to: string, now: string): Promise<void> {
    await this.db.updateTable('placement_resource_classes').set({ name: to, updated_at: now }).where('name', '=', from).execute();
  }
  async deleteClass(name: string): Promise<void> { await this.db.deleteFrom('placement_resource_classes').where('name', '=', name).execute(); }

  customTraits(): Promise<NamedRecord[]> { return this.db.selectFrom('placement_traits').selectAll().orderBy('name').execute(); }
  customTrait(name: string): Promise<NamedRecord | undefined> {
    return this.db.selectFrom('placement_traits').selectAll().where('name', '=', name).executeTakeFirst();
  }
  async insertTrait(r: NamedRecord): Promise<void> { await this.db.insertInto('placement_traits').values(r).execute(); }
  async deleteTrait(name: string): Promise<void> { await this.db.deleteFrom('placement_traits').where('name', '=', name).execute(); }
  async traitInUse(name: string): Promise<boolean> {
    return !!(await this.db.selectFrom('placement_provider_traits').select('trait').where('trait', '=', name).executeTakeFirst());
  }

  // Provider traits and aggregates.
  async providerTraits(provider: string): Promise<string[]> {
    return (await this.db.selectFrom('placement_provider_traits').select('trait').where('provider_uuid', '=', provider).orderBy('trait').execute()).map((r) => r.trait);
  }
  async allProviderTraits(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (const r of await this.db.selectFrom('placement_provider_traits').selectAll().execute()) {
      const s = out.get(r.provider_uuid) ?? new Set<string>(); s.add(r.trait); out.set(r.provider_uuid, s);
    }
    return out;
  }
  async setProviderTraits(provider: string, traits: string[]): Promise<void> {
    await this.db.deleteFrom('placement_provider_traits').where('provider_uuid', '=', provider).execute();
    if (traits.length) await this.db.insertInto('placement_provider_traits').values(traits.map((trait) => ({ provider_uuid: provider, trait }))).execute();
  }
  async providerAggregates(provider: string): Promise<string[]> {
    return (await this.db.selectFrom('placement_provider_aggregates').select('aggregate_uuid').where('provider_uuid', '=', provider).orderBy('aggregate_uuid').execute()).map((r) => r.aggregate_uuid);
  }
  async allProviderAggregates(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (const r of await this.db.selectFrom('placement_provider_aggregates').selectAll().execute()) {
      const s = out.get(r.provider_uuid) ?? new Set<string>(); s.add(r.aggregate_uuid); out.set(r.provider_uuid, s);
    }
    return out;
  }
  async setProviderAggregates(provider: string, aggregates: string[]): Promise<void> {
    await this.db.deleteFrom('placement_provider_aggregates').where('provider_uuid', '=', provider).execute();
    if (aggregates.length) await this.db.insertInto('placement_provider_aggregates').values(aggregates.map((aggregate_uuid) => ({ provider_uuid: provider, aggregate_uuid }))).execute();
  }

  // Consumers and allocations.
  consumer(uuid: string): Promise<ConsumerRecord | undefined> {
    return this.db.selectFrom('placement_consumers').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  }
  async putConsumer(c: ConsumerRecord): Promise<void> {
    await this.db.insertInto('placement_consumers').values(c).onConflict((oc) => oc.column('uuid').doUpdateSet({
      project_id: c.project_id, user_id: c.user_id, generation: c.generation, consumer_type: c.consumer_type, updated_at: c.updated_at,
    })).execute();
  }
  async deleteConsumer(uuid: string): Promise<void> { await this.db.deleteFrom('placement_consumers').where('uuid', '=', uuid).execute(); }
  allocationsOfConsumer(uuid: string): Promise<AllocationRecord[]> {
    return this.db.selectFrom('placement_allocations').selectAll().where('consumer_uuid', '=', uuid).execute();
  }
  allocationsOnProvider(provider: string): Promise<AllocationRecord[]> {
    return this.db.selectFrom('placement_allocations').selectAll().where('provider_uuid', '=', provider).execute();
  }
  /** Class → amount used on a provider. */
  async usageOnProvider(provider: string): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('placement_usages').select(['resource_class', 'used']).where('provider_uuid', '=', provider).execute();
    return Object.fromEntries(rows.map((r) => [r.resource_class, Number(r.used)]));
  }
  /** Provider → class → amount used, for every provider with allocations. */
  async usageByProvider(): Promise<Map<string, Record<string, number>>> {
    const rows = await this.db.selectFrom('placement_usages').select(['provider_uuid', 'resource_class', 'used']).execute();
    const out = new Map<string, Record<string, number>>();
    for (const r of rows) {
      const usage = out.get(r.provider_uuid) ?? {};
      usage[r.resource_class] = Number(r.used);
      out.set(r.provider_uuid, usage);
    }
    return out;
  }
  async replaceAllocations(consumer: string, rows: AllocationRecord[]): Promise<void> {
    await this.db.deleteFrom('placement_allocations').where('consumer_uuid', '=', consumer).execute();
    if (rows.length) await this.db.insertInto('placement_allocations').values(rows).execute();
  }
  /** Usage per class by consumers of a project (and user), with the consumer type. */
  async projectUsage(projectId: string, userId?: string): Promise<Array<{ resource_class: string; used: number; consumer_uuid: string; consumer_type: string | null }>> {
    let q = this.db.selectFrom('placement_allocations as a').innerJoin('placement_consumers as c', 'c.uuid', 'a.consumer_uuid')
      .select(['a.resource_class', 'a.used', 'a.consumer_uuid', 'c.consumer_type']).where('c.project_id', '=', projectId);
    if (userId) q = q.where('c.user_id', '=', userId);
    return await q.execute();
  }
}
