// GET /allocation_candidates: which providers (or trees of providers) can satisfy a request of
// resources, traits and aggregates right now, with a summary of each provider involved.
import { StampedCache } from '../../../core/db/table-stamps.js';
import { PlacementStore, type InventoryRecord, type ProviderRecord } from '../store/placement.store.js';
import { capacity, type Tx } from './common.js';
import { aggregatesMatch, traitsMatch } from './providers.service.js';

export interface RequestGroup {
  /** '' for the unsuffixed group. */
  suffix: string;
  resources: Record<string, number>;
  required: string[]; forbidden: string[]; anyOf: string[][];
  memberOf: string[][]; forbiddenAggregates: string[];
  inTree?: string;
}

export interface CandidatesRequest {
  groups: RequestGroup[];
  groupPolicy?: 'none' | 'isolate';
  limit?: number;
  /** From 1.29 the unsuffixed group may be spread over the providers of a tree. */
  nested: boolean;
  rootRequired?: { required: string[]; forbidden: string[] };
  /** From 1.34 requests that differ only in which group sits where are distinct (their mappings differ). */
  distinctMappings?: boolean;
  /** (1.36) Each set of group suffixes must be satisfied within one subtree (one provider the ancestor of all). */
  sameSubtree?: string[][];
}

export interface Candidate {
  allocations: Record<string, Record<string, number>>;
  /** Group suffix → providers that satisfy it. */
  mappings: Record<string, string[]>;
}

export interface ProviderSummary {
  provider: ProviderRecord;
  resources: Record<string, { capacity: number; used: number }>;
  traits: string[];
}

// NOTE: a bound on the combinations tried per tree, so a big request cannot run away.
const MAX_COMBINATIONS = 10_000;

export class AllocationCandidatesService {
  constructor(private readonly tx: Tx) {}

  // NOTE: read for every request (every build's scheduling), written when providers are set up:
  // kept while their tables' stamps stay the same. Providers (their generation changes with every
  // claim) and usages are read each time.
  private readonly providerShape = new StampedCache(
    ['placement_inventories', 'placement_provider_traits', 'placement_provider_aggregates'],
    async (db) => {
      const s = new PlacementStore(db);
      const invs = new Map<string, InventoryRecord[]>();
      for (const i of await s.inventories()) { const l = invs.get(i.provider_uuid) ?? []; l.push(i); invs.set(i.provider_uuid, l); }
      return { invs, traits: await s.allProviderTraits(), aggs: await s.allProviderAggregates() };
    },
  );

  /**
   * The providers that alone can hold `resources` (one unsuffixed group, no traits, no aggregates),
   * each with its usage of its inventory's classes: what find() answers for such a request when no
   * provider has a parent (every tree is one provider), without building its combinations (the
   * scheduler asks this for every build). undefined when a tree has more than one provider.
   */
  async fittingProviders(resources: Record<string, number>): Promise<Array<{ provider: ProviderRecord; usage: Record<string, number> }> | undefined> {
    return this.tx.run(async (s) => {
      const providers = await s.providers();
      if (providers.some((p) => p.parent_uuid !== null)) return undefined;
      const { invs } = await this.providerShape.get(s.db);
      const used = await s.usageByProvider();
      const wanted = Object.entries(resources);
      if (wanted.length === 0) return [];
      const out: Array<{ provider: ProviderRecord; usage: Record<string, number> }> = [];
      for (const p of providers) {
        const mine = invs.get(p.uuid) ?? [];
        const usage = used.get(p.uuid);
        const fits = wanted.every(([rc, n]) => {
          const inv = mine.find((i) => i.resource_class === rc);
          return !!inv && n >= inv.min_unit && n <= inv.max_unit && n % inv.step_size === 0 && (usage?.[rc] ?? 0) + n <= capacity(inv);
        });
        if (fits) out.push({ provider: p, usage: Object.fromEntries(mine.map((i) => [i.resource_class, usage?.[i.resource_class] ?? 0])) });
      }
      return out;
    });
  }

  async find(req: CandidatesRequest): Promise<{ candidates: Candidate[]; summaries: ProviderSummary[] }> {
    return this.tx.run(async (s) => {
      const providers = await s.providers();
      const { invs, traits, aggs } = await this.providerShape.get(s.db);
      const byUuid = new Map(providers.map((p) => [p.uuid, p]));
      const used = await s.usageByProvider();

      const fits = (p: string, amounts: Record<string, number>) => Object.entries(amounts).every(([rc, n]) => {
        const inv = invs.get(p)?.find((i) => i.resource_class === rc);
        if (!inv) return false;
        return n >= inv.min_unit && n <= inv.max_unit && n % inv.step_size === 0 && (used.get(p)?.[rc] ?? 0) + n <= capacity(inv);
      });
      const trees = new Map<string, ProviderRecord[]>();
      for (const p of providers) { const l = trees.get(p.root_uuid) ?? []; l.push(p); trees.set(p.root_uuid, l); }

      const candidates: Candidate[] = [];
      const seen = new Set<string>();
      for (const [root, members] of trees) {
        if (req.rootRequired && !traitsMatch(traits.get(root), req.rootRequired.required, req.rootRequired.forbidden, [])) continue;
        // Before 1.29 only providers outside any tree (no parent, no children) take part.
        const pool = req.nested ? members : members.filter((p) => members.length === 1 && p.parent_uuid === null);
        if (pool.length === 0) continue;
        const inTree = (g: RequestGroup) => !g.inTree || byUuid.get(g.inTree)?.root_uuid === root;
        const groupOk = (g: RequestGroup, p: string) => aggregatesMatch(aggs.get(p), g.memberOf, g.forbiddenAggregates);
        // Pieces per group: the ways one group can be satisfied in this tree.
        const perGroup: Array<Array<{ alloc: Record<string, Record<string, number>>; providers: string[] }>> = [];
        let possible = true;
        for (const g of req.groups) {
          if (!inTree(g)) { possible = false; break; }
          const pieces: Array<{ alloc: Record<string, Record<string, number>>; providers: string[] }> = [];
          const classes = Object.keys(g.resources);
          if (g.suffix !== '' || !req.nested) {
            for (const p of pool) {
              if (!fits(p.uuid, g.resources) || !groupOk(g, p.uuid)) continue;
              if (!traitsMatch(traits.get(p.uuid), g.required, g.forbidden, g.anyOf)) continue;
              pieces.push({ alloc: classes.length ? { [p.uuid]: { ...g.resources } } : {}, providers: [p.uuid] });
            }
          } else {
            // The unsuffixed group: each class from any provider of the tree; traits over those used.
            const options = classes.map((rc) => pool.filter((p) => fits(p.uuid, { [rc]: g.resources[rc]! }) && groupOk(g, p.uuid)).map((p) => p.uuid));
            for (const combo of product(options)) {
              const alloc: Record<string, Record<string, number>> = {};
              combo.forEach((p, i) => { (alloc[p] ??= {})[classes[i]!] = g.resources[classes[i]!]!; });
              const usedProviders = classes.length ? [...new Set(combo)] : [root];
              const union = new Set<string>();
              for (const p of usedProviders) for (const t of traits.get(p) ?? []) union.add(t);
              // NOTE: as placement, traits of the unsuffixed group may sit on any provider of the tree when
              // no resource is asked; otherwise on the providers supplying it.
              if (!traitsMatch(union, g.required, g.forbidden, g.anyOf)) continue;
              pieces.push({ alloc, providers: usedProviders });
            }
          }
          if (pieces.length === 0) { possible = false; break; }
          perGroup.push(pieces);
        }
        if (!possible) continue;
        for (const combo of product(perGroup)) {
          if (req.groupPolicy === 'isolate') {
            const numbered = combo.filter((_, i) => req.groups[i]!.suffix !== '').map((c) => c.providers[0]);
            if (new Set(numbered).size !== numbered.length) continue;
          }
          const merged: Record<string, Record<string, number>> = {};
          for (const piece of combo) for (const [p, res] of Object.entries(piece.alloc)) {
            const m = (merged[p] ??= {});
            for (const [rc, n] of Object.entries(res)) m[rc] = (m[rc] ?? 0) + n;
          }
          if (!Object.entries(merged).every(([p, res]) => fits(p, res))) continue;
          if (Object.keys(merged).length === 0) continue;
          const mappings: Record<string, string[]> = {};
          combo.forEach((piece, i) => { mappings[req.groups[i]!.suffix] = [...new Set(Object.keys(piece.alloc).length ? Object.keys(piece.alloc) : piece.providers)]; });
          if (req.sameSubtree?.length) {
            const ancestors = (p: string): Set<string> => {
              const out = new Set<string>();
              for (let a = byUuid.get(p); a; a = a.parent_uuid ? byUuid.get(a.parent_uuid) : undefined) out.add(a.uuid);
              return out;
            };
            const ok = req.sameSubtree.every((set) => {
              const ps = [...new Set(set.flatMap((suffix) => mappings[suffix] ?? []))];
              return ps.some((top) => ps.every((p) => ancestors(p).has(top)));
            });
            if (!ok) continue;
          }
          const key = JSON.stringify([
            Object.keys(merged).sort().map((p) => [p, Object.entries(merged[p]!).sort()]),
            req.distinctMappings ? Object.entries(mappings).sort() : [],
          ]);
          if (seen.has(key)) continue;
          seen.add(key);
          candidates.push({ allocations: merged, mappings });
        }
      }
      const kept = req.limit !== undefined ? candidates.slice(0, req.limit) : candidates;
      const involved = new Set<string>();
      for (const c of kept) for (const p of Object.keys(c.allocations)) {
        if (req.nested) { const root = byUuid.get(p)!.root_uuid; for (const m of trees.get(root)!) involved.add(m.uuid); } else involved.add(p);
      }
      const summaries = providers.filter((p) => involved.has(p.uuid)).map((p) => {
        const resources: Record<string, { capacity: number; used: number }> = {};
        for (const inv of invs.get(p.uuid) ?? []) resources[inv.resource_class] = { capacity: capacity(inv), used: used.get(p.uuid)?.[inv.resource_class] ?? 0 };
        return { provider: p, resources, traits: [...(traits.get(p.uuid) ?? [])].sort() };
      });
      return { candidates: kept, summaries };
    });
  }
}

function* product<T>(lists: T[][]): Generator<T[]> {
  if (lists.length === 0) { yield []; return; }
  let count = 0;
  const idx = lists.map(() => 0);
  if (lists.some((l) => l.length === 0)) return;
  while (count++ < MAX_COMBINATIONS) {
    yield idx.map((i, k) => lists[k]![i]!);
    let k = lists.length - 1;
    while (k >= 0 && ++idx[k]! === lists[k]!.length) { idx[k] = 0; k--; }
    if (k < 0) return;
  }
}
