import { BadRequest } from '../../../core/errors/errors.js';
import { extraAttr } from '../store/sqlite.js';
import { listMatching, type EndpointRecord, type IdentityTables, type RegionRecord, type ServiceRecord, type TextMatch } from '../store/tables.js';
import { newId } from './ids.js';
import { duplicateId, endpointNotFound, expectingToFind, regionHasEndpoints, regionNotFound, serviceNotFound } from './errors.js';

export interface CatalogEntry {
  id: string; type: string; name: string;
  endpoints: { id: string; interface: string; region_id: string | null; region: string | null; url: string }[];
}

export interface RegionInput { id?: string; description?: string; parent_region_id?: string | null; extra?: Record<string, unknown> }

export const INTERFACES = ['public', 'internal', 'admin'];

export class CatalogService {
  private cache: CatalogEntry[] | undefined;
  constructor(private readonly t: IdentityTables) {}

  // ---- regions
  async getRegion(id: string): Promise<RegionRecord> {
    const r = await this.t.regions.get(id);
    if (!r) throw regionNotFound(id);
    return r;
  }
  listRegions(f: { parent_region_id?: string; matches?: TextMatch[] }): Promise<RegionRecord[]> {
    return listMatching(this.t.regions, { parent_region_id: f.parent_region_id }, f.matches);
  }
  async createRegion(input: RegionInput): Promise<RegionRecord> {
    const id = input.id ?? newId();
    if (await this.t.regions.get(id)) throw duplicateId('region', id);
    if (input.parent_region_id) await this.getRegion(input.parent_region_id);
    this.cache = undefined;
    return this.t.regions.insert({ id, description: input.description ?? '', parent_region_id: input.parent_region_id ?? null, extra: input.extra ?? {} });
  }
  async updateRegion(id: string, input: Omit<RegionInput, 'id'>): Promise<RegionRecord> {
    const r = await this.getRegion(id);
    if (input.parent_region_id) {
      if (input.parent_region_id === id) throw new BadRequest('Circular reference found in region tree.');
      await this.getRegion(input.parent_region_id);
    }
    await this.t.regions.update(id, { description: input.description, parent_region_id: input.parent_region_id, extra: input.extra ? { ...r.extra, ...input.extra } : undefined });
    this.cache = undefined;
    return this.getRegion(id);
  }
  async deleteRegion(id: string): Promise<void> {
    await this.getRegion(id);
    // NOTE: as Keystone: the child regions go with it, unless the region or a child has endpoints.
    const tree = [id];
    for (let i = 0; i < tree.length; i++) tree.push(...(await this.t.regions.list({ parent_region_id: tree[i]! })).map((r) => r.id));
    const used = await this.t.db.selectFrom('endpoints').select('id').where('region_id', 'in', tree).executeTakeFirst();
    if (used) throw regionHasEndpoints(id);
    for (const r of tree.reverse()) await this.t.regions.delete(r);
    this.cache = undefined;
  }

  // ---- services
  async getService(id: string): Promise<ServiceRecord> {
    const s = await this.t.services.get(id);
    if (!s) throw serviceNotFound(id);
    return s;
  }
  async listServices(f: { type?: string; name?: string; matches?: TextMatch[] }): Promise<ServiceRecord[]> {
    // NOTE: a service's name is an extra attribute, as in Keystone.
    const rows = await listMatching(this.t.services, { type: f.type }, f.matches, { name: extraAttr('name') });
    return f.name ? rows.filter((s) => s.extra.name === f.name) : rows;
  }
  async createService(input: { type: string; enabled?: boolean; extra: Record<string, unknown> }): Promise<ServiceRecord> {
    this.cache = undefined;
    return this.t.services.insert({ id: newId(), type: input.type, enabled: input.enabled ?? true, extra: input.extra });
  }
  async updateService(id: string, input: { type?: string; enabled?: boolean; extra?: Record<string, unknown> }): Promise<ServiceRecord> {
    const s = await this.getService(id);
    await this.t.services.update(id, { type: input.type, enabled: input.enabled, extra: input.extra ? { ...s.extra, ...input.extra } : undefined });
    this.cache = undefined;
    return this.getService(id);
  }
  async deleteService(id: string): Promise<void> {
    await this.getService(id);
    await this.t.db.deleteFrom('endpoints').where('service_id', '=', id).execute();
    await this.t.services.delete(id);
    this.cache = undefined;
  }

  // ---- endpoints
  async getEndpoint(id: string): Promise<EndpointRecord> {
    const e = await this.t.endpoints.get(id);
    if (!e) throw endpointNotFound(id);
    return e;
  }
  listEndpoints(f: { service_id?: string; interface?: string; region_id?: string; enabled?: boolean; matches?: TextMatch[] }): Promise<EndpointRecord[]> {
    const enabled = f.enabled === undefined ? undefined : f.enabled ? 1 : 0;
    return listMatching(this.t.endpoints, { service_id: f.service_id, interface: f.interface, region_id: f.region_id, enabled }, f.matches);
  }
  /** `legacyRegion`: the region came as `region` (not `region_id`), which Keystone creates when unknown. */
  async createEndpoint(input: { service_id: string; interface: string; url: string; region_id?: string | null; enabled?: boolean; extra?: Record<string, unknown> }, legacyRegion = false): Promise<EndpointRecord> {
    await this.getService(input.service_id).catch(() => { throw expectingToFind('endpoint service_id', 'service table'); });
    if (input.region_id) await this.checkRegion(input.region_id, legacyRegion);
    this.cache = undefined;
    return this.t.endpoints.insert({
      id: newId(), service_id: input.service_id, interface: input.interface, url: input.url,
      region_id: input.region_id ?? null, enabled: input.enabled ?? true, extra: input.extra ?? {},
    });
  }
  async updateEndpoint(id: string, input: { service_id?: string; interface?: string; url?: string; region_id?: string | null; enabled?: boolean; extra?: Record<string, unknown> }, legacyRegion = false): Promise<EndpointRecord> {
    const e = await this.getEndpoint(id);
    if (input.service_id) await this.getService(input.service_id).catch(() => { throw expectingToFind('endpoint service_id', 'service table'); });
    if (input.region_id) await this.checkRegion(input.region_id, legacyRegion);
    await this.t.endpoints.update(id, {
      service_id: input.service_id, interface: input.interface, url: input.url, region_id: input.region_id,
      enabled: input.enabled, extra: input.extra ? { ...e.extra, ...input.extra } : undefined,
    });
    this.cache = undefined;
    return this.getEndpoint(id);
  }
  async deleteEndpoint(id: string): Promise<void> {
    await this.getEndpoint(id);
    await this.t.endpoints.delete(id);
    this.cache = undefined;
  }

  /** An unknown region_id is a 400; an unknown legacy `region` is created, as Keystone does. */
  private async checkRegion(id: string, create: boolean): Promise<void> {
    if (await this.t.regions.get(id)) return;
    if (!create) throw expectingToFind('endpoint region_id', 'region table');
    await this.t.regions.insert({ id, description: '', parent_region_id: null, extra: {} });
  }

  /** The token catalog: enabled services with their enabled endpoints. Cached until the catalog changes. */
  async catalog(): Promise<CatalogEntry[]> {
    if (this.cache) return this.cache;
    const services = await this.t.services.list({ enabled: 1 });
    const endpoints = await this.t.endpoints.list({ enabled: 1 });
    this.cache = services.map((s) => ({
      id: s.id, type: s.type, name: String(s.extra.name ?? ''),
      endpoints: endpoints.filter((e) => e.service_id === s.id).map((e) => ({
        id: e.id, interface: e.interface, region_id: e.region_id, region: e.region_id, url: e.url,
      })),
    }));
    return this.cache;
  }

  /** Makes the catalog hold exactly this service's three endpoints at `url` (seeding and HOST_IP changes). */
  async register(type: string, name: string, url: string, region: string): Promise<void> {
    if (!(await this.t.regions.get(region))) await this.t.regions.insert({ id: region, description: '', parent_region_id: null, extra: {} });
    let svc = (await this.t.services.list({ type })).find((s) => s.extra.name === name);
    svc ??= await this.createService({ type, extra: { name } });
    const existing = await this.t.endpoints.list({ service_id: svc.id });
    for (const iface of INTERFACES) {
      const e = existing.find((x) => x.interface === iface && x.region_id === region);
      if (!e) await this.createEndpoint({ service_id: svc.id, interface: iface, url, region_id: region });
      else if (e.url !== url) await this.t.endpoints.update(e.id, { url });
    }
    this.cache = undefined;
  }

  /** Drops a seeded service that is no longer running from the catalog. */
  async unregister(type: string, name: string): Promise<void> {
    for (const s of await this.t.services.list({ type })) if (s.extra.name === name) await this.deleteService(s.id);
  }
}
