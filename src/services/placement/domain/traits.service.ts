// Traits: the standard ones of os-traits and CUSTOM_* ones.
import type { PlacementStore } from '../store/placement.store.js';
import { badRequest, conflict, notFound, now, type Tx } from './common.js';
import { STANDARD_TRAITS } from './standard.js';

const STANDARD = new Set(STANDARD_TRAITS);
export const CUSTOM_TRAIT = /^CUSTOM_[A-Z0-9_]+$/;

export class TraitsService {
  constructor(private readonly tx: Tx) {}

  /** name: `in:A,B` (any of) or `startswith:X`; associated: only traits some provider has (or has not). */
  async list(filter: { in?: string[]; startswith?: string; associated?: boolean }): Promise<string[]> {
    let all = [...STANDARD_TRAITS, ...(await this.tx.store.customTraits()).map((r) => r.name)];
    if (filter.in) { const want = new Set(filter.in); all = all.filter((t) => want.has(t)); }
    if (filter.startswith !== undefined) all = all.filter((t) => t.startsWith(filter.startswith!));
    if (filter.associated !== undefined) {
      const used = new Set<string>();
      for (const set of (await this.tx.store.allProviderTraits()).values()) for (const t of set) used.add(t);
      all = all.filter((t) => used.has(t) === filter.associated);
    }
    return all.sort();
  }

  async exists(name: string, s: PlacementStore = this.tx.store): Promise<boolean> {
    return STANDARD.has(name) || !!(await s.customTrait(name));
  }

  async get(name: string): Promise<void> {
    if (!(await this.exists(name))) throw notFound(`No such trait(s): ${name}`);
  }

  /** PUT /traits/{name}: true when created. */
  async ensure(name: string): Promise<boolean> {
    if (!CUSTOM_TRAIT.test(name)) throw badRequest(`The trait is invalid. A valid trait must be no longer than 255 characters, start with the prefix "CUSTOM_" and use following characters: "A"-"Z", "0"-"9" and "_"`);
    if (await this.tx.store.customTrait(name)) return false;
    const t = now();
    await this.tx.store.insertTrait({ name, created_at: t, updated_at: t });
    return true;
  }

  async delete(name: string): Promise<void> {
    if (STANDARD.has(name)) throw badRequest(`Cannot delete standard trait ${name}.`);
    if (!(await this.tx.store.customTrait(name))) throw notFound(`No such trait(s): ${name}`);
    if (await this.tx.store.traitInUse(name)) throw conflict(`The trait ${name} is in use by a resource provider.`);
    await this.tx.store.deleteTrait(name);
  }
}
