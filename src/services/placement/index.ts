// The placement service: OpenStack Placement (Zed, microversions 1.0-1.39) at /placement.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { migrate } from '../../core/db/database.js';
import { routeUrl, type ServiceMount } from '../../core/http/service-plugin.js';
import { loadPolicyOverrides } from '../../core/policy/overrides.js';
import { compileRules, type RuleSet } from '../../core/policy/policy-engine.js';
import type { ServiceContext, ServiceModule } from '../service-module.js';
import { aggregateRoutes } from './api/aggregates.routes.js';
import { allocationCandidateRoutes } from './api/allocation-candidates.routes.js';
import { allocationRoutes } from './api/allocations.routes.js';
import { PLACEMENT_PATH } from './api/common.js';
import { inventoryRoutes } from './api/inventories.routes.js';
import { resourceClassRoutes } from './api/resource-classes.routes.js';
import { resourceProviderRoutes } from './api/resource-providers.routes.js';
import { reshaperRoutes } from './api/reshaper.routes.js';
import { traitRoutes } from './api/traits.routes.js';
import { versionRoutes } from './api/versions.routes.js';
import { PlacementDomain } from './domain/placement-domain.js';
import type { InventoryInput } from './domain/providers.service.js';
import type { PlacementFacade } from './facade.js';
import { PlacementError, placementFaults } from './faults.js';
import { parse } from '../../core/microversion/microversion.js';
import { atLeast, format, MIN_VERSION, MV, requestedVersion, type Microversion } from './microversions.js';
import { httpNow, lastModifiedHeader } from './api/times.js';
import { placementPolicies } from './policies.js';
import { placementMigrations } from './store/migrations.js';

export type { PlacementFacade } from './facade.js';
export { PLACEMENT_PATH };

// NOTE: Nova's initial allocation ratios (initial_cpu_allocation_ratio 4.0, ram 1.0, disk 1.0).
const DEFAULT_RATIOS = { VCPU: 4.0, MEMORY_MB: 1.0, DISK_GB: 1.0 };

export class PlacementModule implements ServiceModule<PlacementFacade> {
  readonly domain: PlacementDomain;
  readonly rules: RuleSet;
  readonly facade: PlacementFacade;

  private constructor(private readonly ctx: ServiceContext) {
    this.domain = new PlacementDomain(ctx.db);
    this.rules = compileRules({ ...placementPolicies, ...loadPolicyOverrides(ctx.config.dataDir) });
    const r = ctx.config.allocationRatios ?? {};
    // NOTE: the operator's cpu/ram/disk_allocation_ratio (nova.conf; Packstack's CONFIG_NOVA_SCHED_*_ALLOC_RATIO) win over compute's initial ones.
    this.facade = makeFacade(this.domain, { ...(r.cpu ? { VCPU: r.cpu } : {}), ...(r.ram ? { MEMORY_MB: r.ram } : {}), ...(r.disk ? { DISK_GB: r.disk } : {}) });
  }

  static async open(ctx: ServiceContext): Promise<PlacementModule> {
    await migrate(ctx.db, 'placement', placementMigrations);
    return new PlacementModule(ctx);
  }

  mount(): ServiceMount {
    const d = this.domain;
    return {
      prefix: PLACEMENT_PATH,
      rules: () => this.rules,
      faults: placementFaults(() => `${this.ctx.baseUrl()}/identity`),
      tokens: this.ctx.tokens,
      routes: [
        ...versionRoutes(), ...resourceProviderRoutes(d), ...inventoryRoutes(d), ...resourceClassRoutes(d), ...traitRoutes(d),
        ...aggregateRoutes(d), ...allocationRoutes(d), ...allocationCandidateRoutes(d), ...reshaperRoutes(d),
      ],
      setup: (app: FastifyInstance) => {
        type WithVersion = FastifyRequest & { placementVersion?: Microversion };
        // microversion_parse's middleware: the version for the handlers, echoed on the answer.
        app.addHook('onRequest', async (request) => {
          (request as WithVersion).placementVersion = requestedVersion(request.headers);
        });
        // util.require_content('application/json') on every handler that reads a body.
        app.addHook('preValidation', async (request) => {
          if (request.method !== 'POST' && request.method !== 'PUT') return;
          const url = routeUrl(request) ?? '';
          if (url.endsWith('/traits/:name') || (url.endsWith('/resource_classes/:name') && atLeast((request as WithVersion).placementVersion ?? parse(MIN_VERSION), MV.putResourceClassNoBody))) return;
          const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
          if (type !== 'application/json') {
            throw new PlacementError(415, `The media type ${type || 'None'} is not supported, use application/json`);
          }
        });
        app.addHook('onSend', async (request, reply, payload) => {
          const v = (request as WithVersion).placementVersion;
          if (v) {
            reply.header('OpenStack-API-Version', `placement ${format(v)}`);
            reply.header('Vary', 'openstack-api-version');
            const modified = lastModifiedHeader(request);
            if (atLeast(v, MV.cacheHeaders) && reply.statusCode < 300 && (request.method === 'GET' || modified !== undefined)) {
              reply.header('Cache-Control', 'no-cache');
              if (modified !== null) reply.header('Last-Modified', modified ?? httpNow());
            }
          }
          if (reply.statusCode >= 400 && typeof payload === 'string' && payload.startsWith('{"errors"')) {
            const body = JSON.parse(payload) as { errors: Array<Record<string, unknown>> };
            for (const e of body.errors) {
              if (!v || !atLeast(v, MV.errorCode)) delete e.code;
              e.request_id = request.id;
            }
            return JSON.stringify(body);
          }
          return payload;
        });
      },
    };
  }
}

/** A compute host's provider uuid when the caller has none: stable per host name. */
function hostUuid(name: string): string {
  const h = createHash('sha1').update(`stratus-compute-node:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function makeFacade(d: PlacementDomain, configuredRatios: Partial<typeof DEFAULT_RATIOS>): PlacementFacade {
  /** Retries a write that lost a generation race (another writer bumped the provider first). */
  const retrying = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let i = 0; ; i++) {
      try { return await fn(); } catch (e) {
        if (i < 5 && (e as { code?: string }).code === 'placement.concurrent_update') continue;
        throw e;
      }
    }
  };
  return {
    async ensureComputeProvider(host) {
      const uuid = host.uuid ?? hostUuid(host.name);
      let p = await d.tx.store.provider(uuid);
      if (!p) {
        const clash = await d.tx.store.providerByName(host.name);
        // NOTE: a provider left by an older node of the same name gives way when it holds nothing.
        if (clash && (await d.tx.store.allocationsOnProvider(clash.uuid)).length === 0) await d.providers.delete(clash.uuid);
        p = await d.providers.create({ name: host.name, uuid });
      } else if (p.name !== host.name) {
        p = await retrying(() => d.providers.update(uuid, { name: host.name }, false));
      }
      const ratios = { ...DEFAULT_RATIOS, ...(host.allocationRatio ?? {}), ...configuredRatios };
      const inventories: Record<string, InventoryInput> = {};
      for (const rc of ['VCPU', 'MEMORY_MB', 'DISK_GB'] as const) {
        const total = host.inventory[rc];
        if (total > 0) inventories[rc] = { total, reserved: 0, min_unit: 1, max_unit: total, step_size: 1, allocation_ratio: ratios[rc] };
      }
      await retrying(async () => {
        const cur = await d.providers.get(uuid);
        await d.providers.setInventories(uuid, cur.generation, inventories, { reservedMayEqualTotal: true });
      });
      if (host.traits) {
        for (const t of host.traits) if (!(await d.traits.exists(t))) await d.traits.ensure(t);
        await retrying(async () => {
          const cur = await d.providers.get(uuid);
          await d.providers.setTraits(uuid, cur.generation, host.traits!);
        });
      }
      return uuid;
    },

    async allocationCandidates(req) {
      if (!req.memberOf?.length && req.limit === undefined) {
        const fitting = await d.candidates.fittingProviders(req.resources);
        if (fitting) return fitting.map((f) => ({ providerUuid: f.provider.uuid, providerName: f.provider.name, usage: f.usage }));
      }
      const memberOf = req.memberOf?.length ? [req.memberOf] : [];
      const { candidates, summaries } = await d.candidates.find({
        groups: [{ suffix: '', resources: req.resources, required: [], forbidden: [], anyOf: [], memberOf, forbiddenAggregates: [] }],
        nested: true, limit: req.limit,
      });
      const byUuid = new Map(summaries.map((s) => [s.provider.uuid, s.provider]));
      const usage = new Map(summaries.map((s) => [s.provider.uuid, Object.fromEntries(Object.entries(s.resources).map(([rc, r]) => [rc, r.used]))]));
      const out: Array<{ providerUuid: string; providerName: string; usage: Record<string, number> }> = [];
      const seen = new Set<string>();
      for (const c of candidates) {
        const first = byUuid.get(Object.keys(c.allocations)[0]!)!;
        const root = byUuid.get(first.root_uuid) ?? first;
        if (seen.has(root.uuid)) continue;
        seen.add(root.uuid);
        out.push({ providerUuid: root.uuid, providerName: root.name, usage: usage.get(root.uuid) ?? {} });
      }
      return out;
    },

    async claim(req) {
      return d.allocations.trySet({
        consumerUuid: req.consumerUuid, projectId: req.projectId, userId: req.userId,
        allocations: { [req.providerUuid]: Object.fromEntries(Object.entries(req.resources).filter(([, n]) => n > 0)) },
      });
    },

    async release(consumerUuid) {
      try { await d.allocations.delete(consumerUuid); } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
      }
    },

    async allocationsOf(consumerUuid) {
      const out: Record<string, Record<string, number>> = {};
      for (const a of (await d.allocations.ofConsumer(consumerUuid)).allocations) (out[a.provider_uuid] ??= {})[a.resource_class] = a.used;
      return out;
    },

    async setProviderAggregates(providerUuid, aggregateUuids) {
      await retrying(async () => {
        const p = await d.providers.get(providerUuid);
        await d.providers.setAggregates(providerUuid, aggregateUuids, p.generation);
      });
    },

    async providerAggregates(providerUuid) { return (await d.providers.aggregatesOf(providerUuid)).aggregates; },

    async usagesOf(providerUuid) { return (await d.allocations.providerUsages(providerUuid)).usages; },
  };
}

