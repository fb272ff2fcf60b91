import { BadRequest } from '../../../core/errors/errors.js';
import { listMatching, nameIs, withName, type IdentityTables, type ProjectRecord } from '../store/tables.js';
import { newId } from './ids.js';
import { boundedDomain, type ListFilter } from './list-filters.js';
import type { Revocations } from './revocations.service.js';
import { domainNotFound, duplicateProjectName, parentUpdateNotAllowed, projectNotFound, projectNotLeaf, projectParentDisabled, projectParentsDisabled, projectSubtreeEnabled, projectTagNotFound, updateNotAllowed } from './errors.js';

export interface ProjectInput {
  name?: string; domain_id?: string; parent_id?: string | null; description?: string; enabled?: boolean;
  tags?: string[]; extra?: Record<string, unknown>; is_domain?: boolean;
}

export interface ProjectFilters extends ListFilter {
  parent_id?: string;
  tags?: string[]; tagsAny?: string[]; notTags?: string[]; notTagsAny?: string[];
}

const MAX_TAGS = 80;

export class ProjectsService {
  constructor(private readonly t: IdentityTables, private readonly revocations: Revocations) {}

  async get(id: string): Promise<ProjectRecord> {
    const p = await this.t.projects.get(id);
    if (!p) throw projectNotFound(id);
    return p;
  }

  async find(id: string): Promise<ProjectRecord | undefined> {
    return this.t.projects.get(id);
  }

  async byName(name: string, domainId: string): Promise<ProjectRecord | undefined> {
    return (await listMatching(this.t.projects, { domain_id: domainId }, [nameIs(name)]))[0];
  }

  async list(f: ProjectFilters): Promise<ProjectRecord[]> {
    const domainId = boundedDomain(f);
    if (domainId === null) return [];
    const rows = await listMatching(this.t.projects, {
      domain_id: domainId, parent_id: f.parent_id, enabled: f.enabled === undefined ? undefined : f.enabled ? 1 : 0,
    }, withName(f.name, f.matches));
    return rows.filter((p) =>
      (!f.tags || f.tags.every((tag) => p.tags.includes(tag))) &&
      (!f.tagsAny || f.tagsAny.some((tag) => p.tags.includes(tag))) &&
      (!f.notTags || !f.notTags.every((tag) => p.tags.includes(tag))) &&
      (!f.notTagsAny || !f.notTagsAny.some((tag) => p.tags.includes(tag))));
  }

  async create(input: ProjectInput, defaultDomainId: string): Promise<ProjectRecord> {
    if (input.is_domain) throw new BadRequest('Creating a project acting as a domain is not supported; create a domain instead.');
    let domainId = input.domain_id;
    let parent: ProjectRecord | undefined;
    if (input.parent_id) {
      parent = await this.t.projects.get(input.parent_id);
      if (!parent) {
        // NOTE: Keystone treats a domain id as the parent of a top-level project.
        const asDomain = await this.t.domains.get(input.parent_id);
        if (!asDomain) throw projectNotFound(input.parent_id);
        domainId ??= asDomain.id;
        if (domainId !== asDomain.id) throw new BadRequest('Cannot create project, the parent is a different domain.');
      } else {
        domainId ??= parent.domain_id;
        if (parent.domain_id !== domainId) throw new BadRequest('Cannot create project, the parent is in a different domain.');
        if (!parent.enabled) throw projectParentDisabled(parent.id);
      }
    }
    domainId ??= defaultDomainId;
    if (!(await this.t.domains.get(domainId))) throw domainNotFound(domainId);
    validateTags(input.tags ?? []);
    if (await this.byName(input.name!, domainId)) {
      throw duplicateProjectName(input.name);
    }
    return this.t.projects.insert({
      id: newId(), name: input.name!, domain_id: domainId, parent_id: parent?.id ?? null,
      description: input.description ?? '', enabled: input.enabled ?? true, tags: input.tags ?? [], extra: input.extra ?? {},
    });
  }

  async update(id: string, input: ProjectInput): Promise<ProjectRecord> {
    const p = await this.get(id);
    if (input.domain_id !== undefined && input.domain_id !== p.domain_id) throw updateNotAllowed('domain_id');
    if (input.parent_id !== undefined && input.parent_id !== p.parent_id) throw parentUpdateNotAllowed();
    if (input.is_domain !== undefined && input.is_domain) throw updateNotAllowed('is_domain');
    if (input.name !== undefined && input.name !== p.name && ![undefined, id].includes((await this.byName(input.name, p.domain_id))?.id)) {
      throw duplicateProjectName(input.name);
    }
    if (input.tags) validateTags(input.tags);
    if (input.enabled === false && p.enabled) {
      const children = await this.children(id);
      if (children.some((c) => c.enabled)) {
        throw projectSubtreeEnabled(id);
      }
    }
    if (input.enabled === true && !p.enabled && p.parent_id) {
      const parent = await this.get(p.parent_id);
      if (!parent.enabled) throw projectParentsDisabled(id);
    }
    await this.t.projects.update(id, {
      name: input.name, description: input.description, enabled: input.enabled, tags: input.tags,
      extra: input.extra ? { ...p.extra, ...input.extra } : undefined,
    });
    if (input.enabled === false && p.enabled) await this.revocations.revoke({ project_id: id });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    if ((await this.children(id)).length > 0) {
      throw projectNotLeaf(id);
    }
    await this.t.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('assignments').where('target_type', '=', 'project').where('target_id', '=', id).execute();
      await tx.updateTable('users').set({ default_project_id: null }).where('default_project_id', '=', id).execute();
      await tx.deleteFrom('projects').where('id', '=', id).execute();
    });
    await this.revocations.revoke({ project_id: id });
  }

  children(id: string): Promise<ProjectRecord[]> {
    return this.t.projects.list({ parent_id: id });
  }

  async ancestors(p: ProjectRecord): Promise<ProjectRecord[]> {
    const out: ProjectRecord[] = [];
    let cur = p;
    while (cur.parent_id) {
      const parent = await this.t.projects.get(cur.parent_id);
      if (!parent) break;
      out.push(parent);
      cur = parent;
    }
    return out;
  }

  async subtree(p: ProjectRecord): Promise<ProjectRecord[]> {
    const out: ProjectRecord[] = [];
    let level = [p];
    while (level.length) {
      const next: ProjectRecord[] = [];
      for (const q of level) next.push(...(await this.children(q.id)));
      out.push(...next);
      level = next;
    }
    return out;
  }

  async setTags(id: string, tags: string[]): Promise<string[]> {
    await this.get(id);
    validateTags(tags);
    await this.t.projects.update(id, { tags: [...new Set(tags)] });
    return (await this.get(id)).tags;
  }

  async addTag(id: string, tag: string): Promise<void> {
    const p = await this.get(id);
    validateTags([...p.tags, tag]);
    if (!p.tags.includes(tag)) await this.t.projects.update(id, { tags: [...p.tags, tag] });
  }

  async removeTag(id: string, tag: string): Promise<void> {
    const p = await this.get(id);
    if (!p.tags.includes(tag)) throw projectTagNotFound(tag, id);
    await this.t.projects.update(id, { tags: p.tags.filter((x) => x !== tag) });
  }
}

function validateTags(tags: string[]): void {
  if (tags.length > MAX_TAGS) throw new BadRequest(`The number of tags is greater than the maximum of ${MAX_TAGS}.`);
  for (const tag of tags) {
    if (tag.length === 0 || tag.length > 255 || tag.includes('/') || tag.includes(',')) {
      throw new BadRequest(`Invalid project tag: ${tag}. Tags must be 1-255 characters without "/" or ",".`);
    }
  }
}
