// Flavors: sizes servers are built with, their extra specs and, for private ones, the projects
// allowed to use them. Seeded with DevStack's flavors.
import { randomUUID } from 'node:crypto';
import { BadRequest } from '../../../core/errors/errors.js';
import { type FlavorRecord, FlavorsStore } from '../store/flavors.store.js';
import { pageAfter } from '../../../core/pagination/pagination.js';
import { flavorAccessExists, flavorAccessNotFound, flavorExtraSpecNotFound, flavorIdExists, flavorNameExists, flavorNotFound, markerNotFound, publicFlavorAccess, publicFlavorAccessList } from './errors.js';

export interface Viewer { projectId: string | null; isAdmin: boolean }

export interface FlavorInput {
  name: string; id?: string | null; ram: number; vcpus: number; disk: number;
  ephemeral?: number; swap?: number; rxtx_factor?: number; is_public?: boolean; description?: string | null;
}

// NOTE: API sort keys are Nova's column names.
const SORT_COLUMNS: Record<string, string> = {
  flavorid: 'id', id: 'created_at', name: 'name', memory_mb: 'ram', root_gb: 'disk', ephemeral_gb: 'ephemeral', vcpus: 'vcpus',
  swap: 'swap', rxtx_factor: 'rxtx_factor', is_public: 'is_public', disabled: 'disabled', created_at: 'created_at',
  updated_at: 'updated_at', description: 'description', vcpu_weight: 'created_at',
};
export const FLAVOR_SORT_KEYS = Object.keys(SORT_COLUMNS);

/** DevStack's flavors (lib/nova create_flavors, lib/tempest m1.nano/m1.micro), all with hw_rng:allowed. */
const DEVSTACK_FLAVORS: Array<[string, string, number, number, number]> = [
  // id, name, ram, disk, vcpus
  ['1', 'm1.tiny', 512, 1, 1], ['2', 'm1.small', 2048, 20, 1], ['3', 'm1.medium', 4096, 40, 2],
  ['4', 'm1.large', 8192, 80, 4], ['5', 'm1.xlarge', 16384, 160, 8],
  ['42', 'm1.nano', 128, 1, 1], ['84', 'm1.micro', 192, 1, 1],
  ['c1', 'cirros256', 256, 1, 1], ['d1', 'ds512M', 512, 5, 1], ['d2', 'ds1G', 1024, 10, 1],
  ['d3', 'ds2G', 2048, 10, 2], ['d4', 'ds4G', 4096, 20, 4],
];

export class FlavorsService {
  constructor(readonly store: FlavorsStore) {}

  /** Creates DevStack's flavors that are missing (by id and by name): safe on every start. */
  async seed(): Promise<void> {
    for (const [id, name, ram, disk, vcpus] of DEVSTACK_FLAVORS) {
      if ((await this.store.get(id)) || (await this.store.byName(name))) continue;
      await this.create({ id, name, ram, disk, vcpus });
      await this.store.setExtraSpecs(id, { 'hw_rng:allowed': 'True' });
    }
  }

  /** The flavor as the caller may see it; NotFound ("Flavor X could not be found.") otherwise. */
  async get(id: string, viewer?: Viewer): Promise<FlavorRecord> {
    const f = await this.store.get(id);
    if (!f || (viewer && !(await this.visible(f, viewer)))) throw flavorNotFound(id);
    return f;
  }

  async visible(f: FlavorRecord, viewer: Viewer): Promise<boolean> {
    if (viewer.isAdmin || f.is_public) return true;
    return viewer.projectId ? this.store.canAccess(f.id, viewer.projectId) : false;
  }

  async list(viewer: Viewer, q: { isPublic?: boolean | null; minRam?: number; minDisk?: number; sortKey?: string; sortDir?: 'asc' | 'desc'; limit?: number; marker?: string }): Promise<FlavorRecord[]> {
    const sortKey = q.sortKey ?? 'flavorid';
    const column = SORT_COLUMNS[sortKey];
    if (!column) throw new BadRequest(`Invalid sort key: ${sortKey}`);
    let rows = await this.store.list({
      isPublic: viewer.isAdmin ? (q.isPublic === undefined ? true : q.isPublic) : true,
      projectId: viewer.projectId, includeDisabled: viewer.isAdmin,
      minRam: q.minRam, minDisk: q.minDisk, sortKey: column, sortDir: q.sortDir ?? 'asc',
    });
    return pageAfter(rows, q, (r) => r.id, markerNotFound);
  }

  async create(input: FlavorInput): Promise<FlavorRecord> {
    const id = input.id === undefined || input.id === null || input.id === 'auto' ? randomUUID() : input.id;
    if (await this.store.get(id)) throw flavorIdExists(id);
    if (await this.store.byName(input.name)) throw flavorNameExists(input.name);
    const r: FlavorRecord = {
      id, name: input.name, ram: input.ram, vcpus: input.vcpus, disk: input.disk, ephemeral: input.ephemeral ?? 0,
      swap: input.swap ?? 0, rxtx_factor: input.rxtx_factor ?? 1.0, is_public: input.is_public ?? true, disabled: false,
      description: input.description ?? null, created_at: new Date().toISOString(), updated_at: null,
    };
    await this.store.insert(r);
    return r;
  }

  async updateDescription(id: string, description: string | null): Promise<FlavorRecord> {
    await this.get(id);
    await this.store.update(id, { description, updated_at: new Date().toISOString() });
    return (await this.store.get(id))!;
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.store.delete(id);
  }

  extraSpecs(id: string) { return this.store.extraSpecs(id); }

  async extraSpec(id: string, key: string): Promise<string> {
    const specs = await this.store.extraSpecs(id);
    if (!(key in specs)) throw flavorExtraSpecNotFound(id, key);
    return specs[key]!;
  }

  async setExtraSpecs(id: string, specs: Record<string, string>): Promise<void> {
    await this.get(id);
    await this.store.setExtraSpecs(id, specs);
  }

  async deleteExtraSpec(id: string, key: string): Promise<void> {
    await this.get(id);
    if (!(await this.store.deleteExtraSpec(id, key))) throw flavorExtraSpecNotFound(id, key);
  }

  async access(id: string): Promise<string[]> {
    const f = await this.get(id);
    if (f.is_public) throw publicFlavorAccessList();
    return this.store.projects(id);
  }

  async addAccess(id: string, projectId: string): Promise<string[]> {
    const f = await this.get(id);
    if (f.is_public) throw publicFlavorAccess();
    if (await this.store.canAccess(id, projectId)) throw flavorAccessExists(id, projectId);
    await this.store.addProject(id, projectId);
    return this.store.projects(id);
  }

  async removeAccess(id: string, projectId: string): Promise<string[]> {
    await this.get(id);
    if (!(await this.store.removeProject(id, projectId))) throw flavorAccessNotFound(id, projectId);
    return this.store.projects(id);
  }
}
