import { BadRequest } from '../../../core/errors/errors.js';
import {
  listMatching, type EndpointGroupRecord, type EndpointRecord, type IdentityTables, type ProjectRecord, type TextMatch,
} from '../store/tables.js';
import type { CatalogService } from './catalog.service.js';
import { newId } from './ids.js';
import type { ProjectsService } from './projects.service.js';
import { duplicateEntry, endpointGroupNotFound, endpointGroupProjectNotFound, expectingToFind } from './errors.js';

export const ENDPOINT_GROUP_FILTER_KEYS = ['service_id', 'region_id', 'interface'];

export interface EndpointGroupInput { name?: string; description?: string | null; filters?: Record<string, unknown> }

/** Keystone's OS-EP-FILTER endpoint groups and their project associations. */
export class EndpointGroupsService {
  constructor(private readonly t: IdentityTables, private readonly catalog: CatalogService, private readonly projects: ProjectsService) {}

  async get(id: string): Promise<EndpointGroupRecord> {
    const g = await this.t.endpointGroups.get(id);
    if (!g) throw endpointGroupNotFound(id);
    return g;
  }

  async list(f: { name?: string; matches?: TextMatch[] }): Promise<EndpointGroupRecord[]> {
    return listMatching(this.t.endpointGroups, { name: f.name }, f.matches);
  }

  async create(input: EndpointGroupInput): Promise<EndpointGroupRecord> {
    if (!input.filters || Object.keys(input.filters).length === 0) throw new BadRequest('filters field is required and cannot be empty');
    assertValidFilters(input.filters);
    return this.t.endpointGroups.insert({ id: newId(), name: input.name!, description: input.description ?? null, filters: input.filters });
  }

  async update(id: string, input: EndpointGroupInput): Promise<EndpointGroupRecord> {
    await this.get(id);
    if (input.filters !== undefined) assertValidFilters(input.filters);
    await this.t.endpointGroups.update(id, { name: input.name, description: input.description, filters: input.filters });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    // NOTE: the project associations go with it (ON DELETE CASCADE).
    await this.t.endpointGroups.delete(id);
  }

  /** The endpoints whose interface, service_id and region_id equal every filter of the group. */
  async endpoints(id: string): Promise<EndpointRecord[]> {
    const { filters } = await this.get(id);
    const all = await this.catalog.listEndpoints({});
    return all.filter((e) => Object.entries(filters).every(([k, v]) => (e as unknown as Record<string, unknown>)[k] === v));
  }

  // ---- project associations

  async getInProject(id: string, projectId: string): Promise<{ endpoint_group_id: string; project_id: string }> {
    await this.projects.get(projectId);
    await this.get(id);
    const row = await this.t.db.selectFrom('project_endpoint_groups').selectAll()
      .where('endpoint_group_id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
    if (!row) throw endpointGroupProjectNotFound();
    return { endpoint_group_id: id, project_id: projectId };
  }

  async addToProject(id: string, projectId: string): Promise<void> {
    await this.projects.get(projectId);
    await this.get(id);
    const row = await this.t.db.selectFrom('project_endpoint_groups').select('project_id')
      .where('endpoint_group_id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
    if (row) throw duplicateEntry('project_endpoint_group');
    await this.t.db.insertInto('project_endpoint_groups').values({ endpoint_group_id: id, project_id: projectId }).execute();
  }

  async removeFromProject(id: string, projectId: string): Promise<void> {
    await this.getInProject(id, projectId);
    await this.t.db.deleteFrom('project_endpoint_groups').where('endpoint_group_id', '=', id).where('project_id', '=', projectId).execute();
  }

  /** Projects associated with the group; Keystone answers an empty list for an unknown group. */
  async projectsFor(id: string): Promise<ProjectRecord[]> {
    const rows = await this.t.db.selectFrom('project_endpoint_groups').select('project_id').where('endpoint_group_id', '=', id).execute();
    const out: ProjectRecord[] = [];
    for (const r of rows) out.push(await this.projects.get(r.project_id as string));
    return out;
  }

  async groupsForProject(projectId: string): Promise<EndpointGroupRecord[]> {
    await this.projects.get(projectId);
    const rows = await this.t.db.selectFrom('project_endpoint_groups').select('endpoint_group_id').where('project_id', '=', projectId).execute();
    const out: EndpointGroupRecord[] = [];
    for (const r of rows) out.push(await this.get(r.endpoint_group_id as string));
    return out;
  }
}

function assertValidFilters(filters: Record<string, unknown>): void {
  for (const key of Object.keys(filters)) {
    if (!ENDPOINT_GROUP_FILTER_KEYS.includes(key)) {
      throw expectingToFind(ENDPOINT_GROUP_FILTER_KEYS.join(' or '), 'endpoint_group');
    }
  }
}
