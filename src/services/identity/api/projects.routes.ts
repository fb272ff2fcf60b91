import { Type } from '@sinclair/typebox';
import type { RequestContext } from '../../../core/auth/request-context.js';
import { BadRequest } from '../../../core/errors/errors.js';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { DomainInput } from '../domain/domains.service.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import type { ProjectInput } from '../domain/projects.service.js';
import type { DomainRecord, ProjectRecord } from '../store/tables.js';
import { authorizeFound, authorizeList } from './authorize.js';
import { boolFilter, collectionLinks, flag } from './links.js';
import { textFilters } from './filters.js';
import { Description, NullableId, params, query, splitExtra, Tags, wrapped } from './schemas.js';
import { tokenDomain } from './scope.js';
import { domainAsProjectView, projectView } from './views.js';
import { projectTagNotFound } from '../domain/errors.js';

// NOTE: `as ProjectInput` below: the schema lets description and domain_id be null, as Keystone's does; the domain types do not.
const KNOWN = ['name', 'domain_id', 'parent_id', 'description', 'enabled', 'tags', 'is_domain', 'options'];
const ProjectName = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' });
const projectProps = {
  name: ProjectName, domain_id: NullableId, parent_id: NullableId, description: Description, enabled: Type.Boolean(),
  is_domain: Type.Boolean(), tags: Tags, options: Type.Object({}, { additionalProperties: true }),
};
const Params = params('project_id');
const TagParams = params('project_id', 'tag');
const ListQuery = query('name', 'domain_id', 'enabled', 'parent_id', 'is_domain', 'tags', 'tags-any', 'not-tags', 'not-tags-any');
const ShowQuery = query('parents_as_list', 'parents_as_ids', 'subtree_as_list', 'subtree_as_ids');
const csv = (v: unknown) => (typeof v === 'string' && v !== '' ? v.split(',') : undefined);

export function projectRoutes(d: IdentityDomain): RouteSpec[] {
  // A domain id given to /projects/{id} addresses the domain, as Keystone's project-acting-as-domain.
  const asDomain = async (ctx: RequestContext, id: string, policy: string): Promise<DomainRecord | undefined> => {
    if (await d.projects.find(id)) return undefined;
    const domain = await d.domains.get(id).catch(() => undefined);
    if (domain) ctx.authorize(policy);
    return domain;
  };
  const loadFor = async (ctx: RequestContext, id: string, policy: string): Promise<ProjectRecord> =>
    authorizeFound(ctx, policy, 'project', id, await d.projects.find(id));
  return [
    route({
      method: 'GET', url: '/v3/projects', schema: { querystring: ListQuery },
      handler: async (req) => {
        const q = req.query;
        const tokenDomainId = authorizeList(req.ctx, 'identity:list_projects', q);
        if (q.is_domain !== undefined && boolFilter(q.is_domain)) {
          const domains = await d.domains.list({ name: q.name, enabled: boolFilter(q.enabled), matches: textFilters(q, ['name']) });
          return { projects: domains.map((x) => domainAsProjectView(req, x)), links: collectionLinks(req) };
        }
        const projects = await d.projects.list({
          name: q.name, domain_id: q.domain_id, withinDomain: tokenDomainId, enabled: boolFilter(q.enabled), parent_id: q.parent_id,
          matches: textFilters(q, ['name', 'domain_id', 'parent_id']),
          tags: csv(q.tags), tagsAny: csv(q['tags-any']), notTags: csv(q['not-tags']), notTagsAny: csv(q['not-tags-any']),
        });
        return { projects: projects.map((p) => projectView(req, p)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'POST', url: '/v3/projects', status: 201, schema: { body: wrapped('project', projectProps, ['name']) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.project, KNOWN);
        if (known.is_domain === true) {
          // NOTE: Keystone models a domain as a project acting as a domain; create it as a domain.
          req.ctx.authorize('identity:create_domain');
          const domain = await d.domains.create({ ...asDomainInput(known), extra });
          return { project: domainAsProjectView(req, domain) };
        }
        let domainId = known.domain_id ?? undefined;
        if (!domainId && known.parent_id) domainId = (await d.projects.find(known.parent_id))?.domain_id;
        domainId ??= tokenDomain(req.ctx);
        req.ctx.authorize('identity:create_project', { target: { project: { domain_id: domainId } } });
        const project = await d.projects.create({ ...(known as ProjectInput), domain_id: domainId, extra }, domainId);
        return { project: projectView(req, project) };
      },
    }),
    route({
      method: 'GET', url: '/v3/projects/:project_id', schema: { params: Params, querystring: ShowQuery },
      handler: async (req) => {
        const domain = await asDomain(req.ctx, req.params.project_id, 'identity:get_domain');
        if (domain) return { project: domainAsProjectView(req, domain) };
        const project = await loadFor(req.ctx, req.params.project_id, 'identity:get_project');
        const q = req.query;
        if (flag(q.parents_as_list) && flag(q.parents_as_ids)) throw new BadRequest('Cannot use parents_as_list and parents_as_ids query params at the same time.');
        if (flag(q.subtree_as_list) && flag(q.subtree_as_ids)) throw new BadRequest('Cannot use subtree_as_list and subtree_as_ids query params at the same time.');
        const out: Record<string, unknown> = projectView(req, project);
        if (flag(q.parents_as_list)) out.parents = (await d.projects.ancestors(project)).map((p) => ({ project: projectView(req, p) }));
        if (flag(q.subtree_as_list)) out.subtree = (await d.projects.subtree(project)).map((p) => ({ project: projectView(req, p) }));
        if (flag(q.parents_as_ids)) out.parents = idTree(await d.projects.ancestors(project), project.domain_id);
        if (flag(q.subtree_as_ids)) out.subtree = await subtreeIds(d, project);
        return { project: out };
      },
    }),
    route({
      method: 'PATCH', url: '/v3/projects/:project_id', schema: { params: Params, body: wrapped('project', projectProps) },
      handler: async (req) => {
        const { known, extra } = splitExtra(req.body.project, KNOWN);
        const domain = await asDomain(req.ctx, req.params.project_id, 'identity:update_domain');
        if (domain) return { project: domainAsProjectView(req, await d.domains.update(domain.id, { ...asDomainInput(known), extra })) };
        const current = await loadFor(req.ctx, req.params.project_id, 'identity:update_project');
        const project = await d.projects.update(current.id, { ...(known as ProjectInput), extra });
        return { project: projectView(req, project) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/projects/:project_id', status: 204, schema: { params: Params },
      handler: async (req) => {
        const domain = await asDomain(req.ctx, req.params.project_id, 'identity:delete_domain');
        if (domain) return void (await d.domains.delete(domain.id));
        await d.projects.delete((await loadFor(req.ctx, req.params.project_id, 'identity:delete_project')).id);
      },
    }),
    route({
      method: 'GET', url: '/v3/projects/:project_id/tags', schema: { params: Params },
      handler: async (req) => ({ tags: (await loadFor(req.ctx, req.params.project_id, 'identity:list_project_tags')).tags }),
    }),
    route({
      method: 'PUT', url: '/v3/projects/:project_id/tags', schema: { params: Params, body: Type.Object({ tags: Tags }, { required: ['tags'] }) },
      handler: async (req) => {
        const p = await loadFor(req.ctx, req.params.project_id, 'identity:update_project_tags');
        return { tags: await d.projects.setTags(p.id, req.body.tags) };
      },
    }),
    route({
      method: 'DELETE', url: '/v3/projects/:project_id/tags', status: 204, schema: { params: Params },
      handler: async (req) => { await d.projects.setTags((await loadFor(req.ctx, req.params.project_id, 'identity:delete_project_tags')).id, []); },
    }),
    route({
      method: 'GET', url: '/v3/projects/:project_id/tags/:tag', status: 204, schema: { params: TagParams },
      handler: async (req) => {
        const p = await loadFor(req.ctx, req.params.project_id, 'identity:get_project_tag');
        if (!p.tags.includes(req.params.tag)) throw projectTagNotFound(req.params.tag);
      },
    }),
    route({
      method: 'PUT', url: '/v3/projects/:project_id/tags/:tag', status: 201, rawBody: 'none', schema: { params: TagParams },
      handler: async (req) => {
        const p = await loadFor(req.ctx, req.params.project_id, 'identity:create_project_tag');
        await d.projects.addTag(p.id, req.params.tag);
        req.reply.header('Location', `${req.raw.protocol}://${req.headers.host}${req.raw.url}`);
      },
    }),
    route({
      method: 'DELETE', url: '/v3/projects/:project_id/tags/:tag', status: 204, schema: { params: TagParams },
      handler: async (req) => {
        const p = await loadFor(req.ctx, req.params.project_id, 'identity:delete_project_tag');
        await d.projects.removeTag(p.id, req.params.tag);
      },
    }),
  ];
}

/** The attributes of a project body that a domain (a project acting as a domain) takes. */
function asDomainInput(p: { name?: string; description?: string | null; enabled?: boolean; tags?: string[] }): DomainInput {
  return { name: p.name, description: p.description as string | undefined, enabled: p.enabled, tags: p.tags };
}

/** parents_as_ids: {"parent": {"grandparent": {"<domain>": null}}} — Keystone's nested id map,
 *  up to the domain (the project acting as a domain at the top of every tree). */
function idTree(chain: ProjectRecord[], domainId: string): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = { [domainId]: null };
  for (const p of [...chain].reverse()) out = { [p.id]: out };
  return out;
}

async function subtreeIds(d: IdentityDomain, p: ProjectRecord): Promise<Record<string, unknown> | null> {
  const children = await d.projects.children(p.id);
  if (children.length === 0) return null;
  const out: Record<string, unknown> = {};
  for (const c of children) out[c.id] = await subtreeIds(d, c);
  return out;
}
