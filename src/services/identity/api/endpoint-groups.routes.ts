import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { IdentityDomain } from '../domain/identity-domain.js';
import { collectionLinks } from './links.js';
import { textFilters } from './filters.js';
import { Description, Name, params, query } from './schemas.js';
import { endpointGroupView, endpointView, projectEndpointGroupView, projectView } from './views.js';
import { cannotChangeId } from '../domain/errors.js';

// keystone/catalog/schema.py endpoint_group_create/update. NOTE: Keystone's schema lets other
// attributes through and then fails with a 500 in its SQL model; here they are a 400.
const groupProps = {
  name: Name, description: Description, filters: Type.Object({}, { additionalProperties: true }), id: Type.String(),
};
const createSchema = Type.Object({
  endpoint_group: Type.Object({
    name: groupProps.name, filters: groupProps.filters,
    description: Type.Optional(groupProps.description), id: Type.Optional(groupProps.id),
  }, { additionalProperties: false }),
}, { required: ['endpoint_group'] });
const updateSchema = Type.Object({
  endpoint_group: Type.Partial(Type.Object(groupProps), { additionalProperties: false, minProperties: 1 }),
}, { required: ['endpoint_group'] });
const Params = params('endpoint_group_id');
const ProjectParams = params('endpoint_group_id', 'project_id');
const ForProjectParams = params('project_id');

const BASE = '/v3/OS-EP-FILTER/endpoint_groups';

// NOTE: every GET here answers HEAD too (index.ts withHead), as Flask does for Keystone.
export function endpointGroupRoutes(d: IdentityDomain): RouteSpec[] {
  const g = d.endpointGroups;
  return [
    route({
      method: 'POST', url: BASE, status: 201, schema: { body: createSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:create_endpoint_group');
        const { name, description, filters } = req.body.endpoint_group;
        return { endpoint_group: endpointGroupView(req, await g.create({ name, description, filters })) };
      },
    }),
    route({
      method: 'GET', url: BASE, schema: { querystring: query('name') },
      handler: async (req) => {
        req.ctx.authorize('identity:list_endpoint_groups');
        return { endpoint_groups: (await g.list({ name: req.query.name, matches: textFilters(req.query, ['name']) })).map((x) => endpointGroupView(req, x)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: `${BASE}/:endpoint_group_id`, schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:get_endpoint_group');
        return { endpoint_group: endpointGroupView(req, await g.get(req.params.endpoint_group_id)) };
      },
    }),
    route({
      method: 'PATCH', url: `${BASE}/:endpoint_group_id`, schema: { params: Params, body: updateSchema },
      handler: async (req) => {
        req.ctx.authorize('identity:update_endpoint_group');
        const { id, name, description, filters } = req.body.endpoint_group;
        if (id !== undefined && id !== req.params.endpoint_group_id) throw cannotChangeId();
        return { endpoint_group: endpointGroupView(req, await g.update(req.params.endpoint_group_id, { name, description, filters })) };
      },
    }),
    route({
      method: 'DELETE', url: `${BASE}/:endpoint_group_id`, status: 204, schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:delete_endpoint_group');
        await g.delete(req.params.endpoint_group_id);
      },
    }),
    route({
      method: 'GET', url: `${BASE}/:endpoint_group_id/endpoints`, schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:list_endpoints_associated_with_endpoint_group');
        const endpoints = await g.endpoints(req.params.endpoint_group_id);
        return { endpoints: endpoints.map((e) => endpointView(req, e)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: `${BASE}/:endpoint_group_id/projects`, schema: { params: Params },
      handler: async (req) => {
        req.ctx.authorize('identity:list_projects_associated_with_endpoint_group');
        const projects = await g.projectsFor(req.params.endpoint_group_id);
        return { projects: projects.map((p) => projectView(req, p)), links: collectionLinks(req) };
      },
    }),
    route({
      method: 'GET', url: `${BASE}/:endpoint_group_id/projects/:project_id`, schema: { params: ProjectParams },
      handler: async (req) => {
        req.ctx.authorize('identity:get_endpoint_group_in_project');
        const association = await g.getInProject(req.params.endpoint_group_id, req.params.project_id);
        return { project_endpoint_group: projectEndpointGroupView(association) };
      },
    }),
    route({
      method: 'PUT', url: `${BASE}/:endpoint_group_id/projects/:project_id`, status: 204, rawBody: 'none', schema: { params: ProjectParams },
      handler: async (req) => {
        req.ctx.authorize('identity:add_endpoint_group_to_project');
        await g.addToProject(req.params.endpoint_group_id, req.params.project_id);
      },
    }),
    route({
      method: 'DELETE', url: `${BASE}/:endpoint_group_id/projects/:project_id`, status: 204, schema: { params: ProjectParams },
      handler: async (req) => {
        req.ctx.authorize('identity:remove_endpoint_group_from_project');
        await g.removeFromProject(req.params.endpoint_group_id, req.params.project_id);
      },
    }),
    route({
      method: 'GET', url: '/v3/OS-EP-FILTER/projects/:project_id/endpoint_groups', schema: { params: ForProjectParams },
      handler: async (req) => {
        req.ctx.authorize('identity:list_endpoint_groups_for_project');
        const groups = await g.groupsForProject(req.params.project_id);
        return { endpoint_groups: groups.map((x) => endpointGroupView(req, x)), links: collectionLinks(req) };
      },
    }),
  ];
}
