// Resource providers and what hangs off them: trees, inventories, traits and aggregates.
import { ErrorCode } from '../faults.js';
import type { InventoryRecord, PlacementStore, ProviderRecord } from '../store/placement.store.js';
import { badRequest, capacity, conflict, generationConflict, MAX_INT, newUuid, normUuid, notFound, now, providerOr404, type Tx } from './common.js';
import type { ResourceClassesService } from './resource-classes.service.js';
import type { TraitsService } from './traits.service.js';

export interface InventoryInput {
  total: number; reserved?: number; min_unit?: number; max_unit?: number; step_size?: number; allocation_ratio?: number;
}

export interface ProviderFilters {
  name?: string; uuid?: string;
  /** Each entry: the provider must be in one of these aggregates; `forbidden`: in none of them. */
  memberOf?: string[][]; forbiddenAggregates?: string[];
  inTree?: string;
  resources?: Record<string, number>;
  required?: string[]; forbidden?: string[]; anyOf?: string[][];
}

export class ProvidersService {
  constructor(private readonly tx: Tx, private readonly classes: ResourceClassesService, private readonly traits: TraitsService) {}

  get(uuid: string): Promise<ProviderRecord> { return providerOr404(this.tx.store, uuid); }

  async create(input: { name: string; uuid?: string; parent_provider_uuid?: string | null }): Promise<ProviderRecord> {
    return this.tx.run(async (s) => {
      const uuid = input.uuid ? normUuid(input.uuid) : newUuid();
      if (await s.provider(uuid)) throw conflict(`Conflicting resource provider uuid: ${uuid} already exists.`, ErrorCode.DUPLICATE_NAME);
      if (await s.providerByName(input.name)) throw conflict(`Conflicting resource provider name: ${input.name} already exists.`, ErrorCode.DUPLICATE_NAME);
      let root = uuid;
      let parent: string | null = null;
      if (input.parent_provider_uuid) {
        parent = normUuid(input.parent_provider_uuid);
        const p = await s.provider(parent);
        if (!p) throw badRequest(`parent provider UUID cannot be found: ${input.parent_provider_uuid}`, ErrorCode.RESOURCE_PROVIDER_NOT_FOUND);
        root = p.root_uuid;
      }
      const t = now();
      const rec: ProviderRecord = { uuid, name: input.name, generation: 0, parent_uuid: parent, root_uuid: root, created_at: t, updated_at: t };
      await s.insertProvider(rec);
      return rec;
    });
  }

  /** PUT /resource_providers/{uuid}: name and (from 1.14) parent; re-parenting only from 1.37. */
  async update(uuid: string, input: { name: string; parent_provider_uuid?: string | null }, allowReparent: boolean): Promise<ProviderRecord> {
    return this.tx.run(async (s) => {
      const p = await providerOr404(s, uuid);
      const other = await s.providerByName(input.name);
      if (other && other.uuid !== uuid) throw conflict(`Conflicting resource provider name: ${input.name} already exists.`, ErrorCode.DUPLICATE_NAME);
      const patch: Partial<ProviderRecord> = { name: input.name, updated_at: now() };
      if (input.parent_provider_uuid !== undefined) {
        const wanted = input.parent_provider_uuid === null ? null : normUuid(input.parent_provider_uuid);
        if (wanted !== p.parent_uuid) {
          if (!allowReparent && (p.parent_uuid !== null || wanted === null)) {
            throw badRequest(wanted === null ? 'un-parenting a provider is not currently allowed.' : 're-parenting a provider is not currently allowed.');
          }
          let root = p.uuid;
          if (wanted !== null) {
            const parent = await s.provider(wanted);
            if (!parent) throw badRequest(`parent provider UUID cannot be found: ${wanted}`, ErrorCode.RESOURCE_PROVIDER_NOT_FOUND);
            // No loops: the new parent may not be the provider or one of its descendants.
            for (let a: ProviderRecord | undefined = parent; a; a = a.parent_uuid ? await s.provider(a.parent_uuid) : undefined) {
              if (a.uuid === p.uuid) throw badRequest('creating loop in the provider tree is not allowed.');
            }
            root = parent.root_uuid;
          }
          patch.parent_uuid = wanted;
          patch.root_uuid = root;
          await this.reRoot(s, p.uuid, root);
        }
      }
      patch.generation = p.generation + 1;
      await s.updateProvider(uuid, patch);
      return { ...p, ...patch };
    });
  }

  private async reRoot(s: PlacementStore, uuid: string, root: string): Promise<void> {
    await s.updateProvider(uuid, { root_uuid: root });
    for (const c of await s.children(uuid)) await this.reRoot(s, c.uuid, root);
  }

  async delete(uuid: string): Promise<void> {
    await this.tx.run(async (s) => {
      await providerOr404(s, uuid);
      if ((await s.allocationsOnProvider(uuid)).length) {
        throw conflict(`Unable to delete resource provider ${uuid}: Resource provider has allocations.`, ErrorCode.PROVIDER_IN_USE);
      }
      if ((await s.children(uuid)).length) {
        throw conflict(`Unable to delete parent resource provider ${uuid}: It has child resource providers.`, ErrorCode.PROVIDER_CANNOT_DELETE_PARENT);
      }
      await s.deleteProvider(uuid);
    });
  }

  async list(f: ProviderFilters): Promise<ProviderRecord[]> {
    const s = this.tx.store;
    let all = await s.providers();
    if (f.name !== undefined) all = all.filter((p) => p.name === f.name);
    if (f.uuid !== undefined) all = all.filter((p) => p.uuid === f.uuid);
    if (f.inTree !== undefined) {
      const t = await s.provider(f.inTree);
      all = t ? all.filter((p) => p.root_uuid === t.root_uuid) : [];
    }
    if (f.memberOf?.length || f.forbiddenAggregates?.length) {
      const aggs = await s.allProviderAggregates();
      all = all.filter((p) => aggregatesMatch(aggs.get(p.uuid), f.memberOf ?? [], f.forbiddenAggregates ?? []));
    }
    if (f.required?.length || f.forbidden?.length || f.anyOf?.length) {
      const traits = await s.allProviderTraits();
      all = all.filter((p) => traitsMatch(traits.get(p.uuid), f.required ?? [], f.forbidden ?? [], f.anyOf ?? []));
    }
    if (f.resources && Object.keys(f.resources).length) {
      const invs = await s.inventories();
      const used = await s.usageByProvider();
      all = all.filter((p) => {
        const mine = invs.filter((i) => i.provider_uuid === p.uuid);
        const u = used.get(p.uuid) ?? {};
        return Object.entries(f.resources!).every(([rc, n]) => {
          const inv = mine.find((i) => i.resource_class === rc);
          return !!inv && n <= inv.max_unit && n >= inv.min_unit && (u[rc] ?? 0) + n <= capacity(inv);
        });
      });
    }
    return all;
  }

  // Inventories.

  async inventories(uuid: string): Promise<{ provider: ProviderRecord; inventories: InventoryRecord[] }> {
    const provider = await providerOr404(this.tx.store, uuid);
    return { provider, inventories: await this.tx.store.inventories(uuid) };
  }

  private async checkInventory(s: PlacementStore, rc: string, inv: InventoryInput, uuid: string, reservedMayEqualTotal: boolean): Promise<void> {
    if (!(await this.classes.exists(rc, s))) throw badRequest(`Unknown resource class in inventory for resource provider ${uuid}: ${rc}`);
    const reserved = inv.reserved ?? 0;
    if (reservedMayEqualTotal ? reserved > inv.total : reserved >= inv.total && inv.total !== 0) {
      throw badRequest(`Unable to update inventory for resource provider ${uuid}: Invalid inventory for '${rc}' on resource provider '${uuid}'. The reserved value is greater than or equal to total.`);
    }
    if ((inv.min_unit ?? 1) > (inv.max_unit ?? MAX_INT)) {
      throw badRequest(`Unable to update inventory for resource provider ${uuid}: Invalid inventory for '${rc}' on resource provider '${uuid}'. The min_unit value is greater than the max_unit value.`);
    }
  }

  private record(uuid: string, rc: string, inv: InventoryInput, t: string): InventoryRecord {
    return {
      provider_uuid: uuid, resource_class: rc, total: inv.total, reserved: inv.reserved ?? 0, min_unit: inv.min_unit ?? 1,
      max_unit: inv.max_unit ?? MAX_INT, step_size: inv.step_size ?? 1, allocation_ratio: inv.allocation_ratio ?? 1.0, created_at: t, updated_at: t,
    };
  }

  /** PUT .../inventories: replaces every class; a removed class with allocations is a 409. */
  async setInventories(uuid: string, generation: number, inventories: Record<string, InventoryInput>, mv: { reservedMayEqualTotal: boolean }): Promise<{ provider: ProviderRecord; inventories: InventoryRecord[] }> {
    return this.tx.run((s) => this.setInventoriesIn(s, uuid, generation, inventories, mv));
  }

  /** The same inside an open transaction; the reshaper moves allocations in the same step, so may skip the in-use check. */
  async setInventoriesIn(s: PlacementStore, uuid: string, generation: number, inventories: Record<string, InventoryInput>, mv: { reservedMayEqualTotal: boolean; skipInUse?: boolean }): Promise<{ provider: ProviderRecord; inventories: InventoryRecord[] }> {
    {
      const p = await providerOr404(s, uuid);
      if (p.generation !== generation) throw generationConflict();
      for (const [rc, inv] of Object.entries(inventories)) await this.checkInventory(s, rc, inv, uuid, mv.reservedMayEqualTotal);
      const used = mv.skipInUse ? {} : await s.usageOnProvider(uuid);
      const current = await s.inventories(uuid);
      const t = now();
      for (const old of current) {
        if (inventories[old.resource_class]) continue;
        if (used[old.resource_class]) {
          throw conflict(`update conflict: Inventory for '${old.resource_class}' on resource provider '${uuid}' in use.`, ErrorCode.INVENTORY_INUSE);
        }
        await s.deleteInventory(uuid, old.resource_class);
      }
      for (const [rc, inv] of Object.entries(inventories)) await s.putInventory(this.record(uuid, rc, inv, t));
      if (!(await s.bumpGeneration(uuid, generation, t))) throw generationConflict();
      return { provider: { ...p, generation: generation + 1 }, inventories: await s.inventories(uuid) };
    }
  }

  /** POST (create one, 409 when present) or PUT (update one, 400 when absent) of one class. */
  async putInventory(uuid: string, rc: string, generation: number, inv: InventoryInput, mode: 'create' | 'update', mv: { reservedMayEqualTotal: boolean }): Promise<{ provider: ProviderRecord; inventory: InventoryRecord }> {
    return this.tx.run(async (s) => {
      const p = await providerOr404(s, uuid);
      if (p.generation !== generation) throw generationConflict();
      await this.checkInventory(s, rc, inv, uuid, mv.reservedMayEqualTotal);
      const exists = (await s.inventories(uuid)).find((i) => i.resource_class === rc);
      if (mode === 'create' && exists) {
        throw conflict(`Update to resource provider ${uuid} failed: Inventory for '${rc}' on resource provider '${uuid}' already exists.`);
      }
      if (mode === 'update' && !exists) throw badRequest(`No inventory record with resource class for resource provider ${uuid}: ${rc}`);
      const t = now();
      const rec = { ...this.record(uuid, rc, inv, t), created_at: exists?.created_at ?? t };
      await s.putInventory(rec);
      if (!(await s.bumpGeneration(uuid, generation, t))) throw generationConflict();
      return { provider: { ...p, generation: generation + 1 }, inventory: rec };
    });
  }

  async deleteInventory(uuid: string, rc: string): Promise<void> {
    await this.tx.run(async (s) => {
      const p = await providerOr404(s, uuid);
      const exists = (await s.inventories(uuid)).find((i) => i.resource_class === rc);
      if (!exists) throw notFound(`No inventory of class ${rc} found for delete`);
      if ((await s.usageOnProvider(uuid))[rc]) {
        throw conflict(`Unable to delete inventory of class ${rc}: Inventory for '${rc}' on resource provider '${uuid}' in use.`, ErrorCode.INVENTORY_INUSE);
      }
      await s.deleteInventory(uuid, rc);
      await s.bumpGeneration(uuid, p.generation, now());
    });
  }

  async deleteAllInventories(uuid: string): Promise<void> {
    await this.tx.run(async (s) => {
      const p = await providerOr404(s, uuid);
      const used = await s.usageOnProvider(uuid);
      const inUse = Object.keys(used).filter((rc) => used[rc]);
      if (inUse.length) {
        throw conflict(`Inventory for '${inUse.join(', ')}' on resource provider '${uuid}' in use.`, ErrorCode.INVENTORY_INUSE);
      }
      for (const inv of await s.inventories(uuid)) await s.deleteInventory(uuid, inv.resource_class);
      await s.bumpGeneration(uuid, p.generation, now());
    });
  }

  // Traits of a provider.

  async traitsOf(uuid: string): Promise<{ provider: ProviderRecord; traits: string[] }> {
    const provider = await providerOr404(this.tx.store, uuid);
    return { provider, traits: await this.tx.store.providerTraits(uuid) };
  }

  async setTraits(uuid: string, generation: number, traits: string[]): Promise<{ provider: ProviderRecord; traits: string[] }> {
    return this.tx.run(async (s) => {
      const p = await providerOr404(s, uuid);
      const unknown: string[] = [];
      for (const t of traits) if (!(await this.traits.exists(t, s))) unknown.push(t);
      if (unknown.length) throw badRequest(`No such trait(s): ${unknown.join(', ')}`);
      if (p.generation !== generation) throw generationConflict();
      const list = [...new Set(traits)].sort();
      await s.setProviderTraits(uuid, list);
      if (!(await s.bumpGeneration(uuid, generation, now()))) throw generationConflict();
      return { provider: { ...p, generation: generation + 1 }, traits: list };
    });
  }

  async deleteTraits(uuid: string): Promise<void> {
    await this.tx.run(async (s) => {
      const p = await providerOr404(s, uuid);
      await s.setProviderTraits(uuid, []);
      await s.bumpGeneration(uuid, p.generation, now());
    });
  }

  // Aggregates of a provider.

  async aggregatesOf(uuid: string): Promise<{ provider: ProviderRecord; aggregates: string[] }> {
    const provider = await providerOr404(this.tx.store, uuid);
    return { provider, aggregates: await this.tx.store.providerAggregates(uuid) };
  }

  /** From 1.19 the generation must match and is bumped; before, it is neither checked nor bumped. */
  async setAggregates(uuid: string, aggregates: string[], generation?: number): Promise<{ provider: ProviderRecord; aggregates: string[] }> {
    return this.tx.run(async (s) => {
      const p = await providerOr404(s, uuid);
      if (generation !== undefined && p.generation !== generation) throw generationConflict();
      const list = [...new Set(aggregates.map(normUuid))].sort();
      await s.setProviderAggregates(uuid, list);
      let gen = p.generation;
      if (generation !== undefined) {
        if (!(await s.bumpGeneration(uuid, generation, now()))) throw generationConflict();
        gen += 1;
      }
      return { provider: { ...p, generation: gen }, aggregates: list };
    });
  }
}

export function aggregatesMatch(mine: Set<string> | undefined, memberOf: string[][], forbidden: string[]): boolean {
  const m = mine ?? new Set<string>();
  return memberOf.every((anyOf) => anyOf.some((a) => m.has(a))) && !forbidden.some((a) => m.has(a));
}

export function traitsMatch(mine: Set<string> | undefined, required: string[], forbidden: string[], anyOf: string[][]): boolean {
  const m = mine ?? new Set<string>();
  return required.every((t) => m.has(t)) && !forbidden.some((t) => m.has(t)) && anyOf.every((set) => set.some((t) => m.has(t)));
}
