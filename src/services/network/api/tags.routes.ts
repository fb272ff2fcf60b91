// /v2.0/<collection>/<id>/tags (standard-attr-tag): tags on any resource with standard attributes.
import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { NetworkDomain, TaggedTable } from '../domain/network-domain.js';
import { tagList } from '../domain/attributes.js';
import {
  badRequest, floatingIpNotFound, networkNotFound, notFound, portNotFound, routerNotFound, securityGroupNotFound, subnetNotFound,
  subnetPoolNotFound, trunkNotFound, type NeutronError,
} from '../domain/errors.js';
import type { NetworkRecord } from '../store/tables.js';
import { allowed, authorize, type FieldFacts } from './common.js';
import { TagsBody } from './schemas.js';

interface Taggable { table: TaggedTable; get: string; update: string; notFound: (id: string) => NeutronError }

const TAGGABLE: Record<string, Taggable> = {
  networks: { table: 'networks', get: 'get_network', update: 'update_network', notFound: networkNotFound },
  subnets: { table: 'subnets', get: 'get_subnet', update: 'update_subnet', notFound: subnetNotFound },
  ports: { table: 'ports', get: 'get_port', update: 'update_port', notFound: portNotFound },
  routers: { table: 'routers', get: 'get_router', update: 'update_router', notFound: routerNotFound },
  subnetpools: { table: 'subnetpools', get: 'get_subnetpool', update: 'update_subnetpool', notFound: subnetPoolNotFound },
  floatingips: { table: 'floatingips', get: 'get_floatingip', update: 'update_floatingip', notFound: floatingIpNotFound },
  trunks: { table: 'trunks', get: 'get_trunk', update: 'update_trunk', notFound: trunkNotFound },
  'security-groups': { table: 'securityGroups', get: 'get_security_group', update: 'update_security_group', notFound: securityGroupNotFound },
};

const Tagged = Type.Object({ res: Type.String(), id: Type.String() });
const Tag = Type.Object({ res: Type.String(), id: Type.String(), tag: Type.String() });
const tagNotFound = (tag: string) => notFound('TagNotFound', `Tag ${tag} could not be found.`);

export function tagRoutes(d: NetworkDomain): RouteSpec[] {
  /** The resource the caller may see, and how to save its tags when the caller may update it. */
  const load = async (req: ApiRequest<unknown, { res: string; id: string }>) => {
    const spec = TAGGABLE[req.params.res];
    if (!spec) throw notFound('HTTPNotFound', 'The resource could not be found.');
    const found = await d.tagged(spec.table, req.params.id);
    if (!found) throw spec.notFound(req.params.id);
    const { rec } = found;
    let facts: FieldFacts = {};
    if (spec.table === 'networks') {
      const f = d.networks.flags(rec as unknown as NetworkRecord, await d.networks.rbacOf(rec.id), req.ctx.projectId);
      facts = { shared: f.shared, external: f.external };
    }
    const target = { ...rec, 'network:tenant_id': found.networkProjectId };
    if (!allowed(req.ctx, spec.get, target, facts)) throw spec.notFound(req.params.id);
    const save = async (tags: string[]) => {
      authorize(req.ctx, spec.update, target, facts);
      await d.setTags(spec.table, rec, tags);
    };
    return { rec, spec, save };
  };

  return [
    route({ method: 'GET', url: '/v2.0/:res/:id/tags', schema: { params: Tagged }, handler: async (req) => ({ tags: (await load(req)).rec.tags }) }),
    route({
      method: 'PUT', url: '/v2.0/:res/:id/tags', schema: { params: Tagged, body: TagsBody },
      handler: async (req) => {
        const { save } = await load(req);
        const bad = tagList(req.body.tags);
        if (bad) throw badRequest(`Invalid input for tags. Reason: ${bad}.`);
        const tags = [...new Set(req.body.tags as string[])];
        await save(tags);
        return { tags };
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/:res/:id/tags', status: 204, schema: { params: Tagged },
      handler: async (req) => { await (await load(req)).save([]); },
    }),
    route({
      method: 'GET', url: '/v2.0/:res/:id/tags/:tag', status: 204, schema: { params: Tag },
      handler: async (req) => { if (!(await load(req)).rec.tags.includes(req.params.tag)) throw tagNotFound(req.params.tag); },
    }),
    route({
      method: 'PUT', url: '/v2.0/:res/:id/tags/:tag', status: 201, schema: { params: Tag }, rawBody: 'none',
      handler: async (req) => {
        const bad = tagList([req.params.tag]);
        if (bad) throw badRequest(`${bad}.`);
        const { rec, spec, save } = await load(req);
        if (!rec.tags.includes(req.params.tag)) await save([...rec.tags, req.params.tag]);
        else authorize(req.ctx, spec.update, { ...rec });
        req.reply.code(201);
        return undefined;
      },
    }),
    route({
      method: 'DELETE', url: '/v2.0/:res/:id/tags/:tag', status: 204, schema: { params: Tag },
      handler: async (req) => {
        const { rec, save } = await load(req);
        if (!rec.tags.includes(req.params.tag)) throw tagNotFound(req.params.tag);
        await save(rec.tags.filter((t) => t !== req.params.tag));
      },
    }),
  ];
}
