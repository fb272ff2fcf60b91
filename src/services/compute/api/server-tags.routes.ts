// /servers/{id}/tags (server-tags.inc, microversion 2.26).
import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import type { InstanceRecord } from '../store/servers.store.js';
import { TagsBody } from './server-tags.schema.js';
import { mv } from './common.js';
import { checkTags, loadServer } from './servers.routes.js';
import { instanceInvalidState, resourceNotFound, tagNotFound } from '../domain/errors.js';

const T = 'os_compute_api:os-server-tags:';
const Params = Type.Object({ server_id: Type.String() });
const TagParams = Type.Object({ server_id: Type.String(), tag: Type.String() });
const EDITABLE = new Set(['active', 'paused', 'suspended', 'stopped', 'shelved', 'shelved_offloaded', 'error', 'resized', 'rescued', 'building']);

export function serverTagRoutes(d: ComputeDomain): RouteSpec[] {
  const load = async (req: ApiRequest, policy: string, change = false): Promise<InstanceRecord> => {
    if (!mv(req, '2.26')) throw resourceNotFound();
    const s = await loadServer(d, req, policy);
    if (change && (!EDITABLE.has(s.vm_state) || s.task_state !== null && s.vm_state !== 'building')) {
      throw instanceInvalidState('update tags', s.id, 'vm_state', s.vm_state);
    }
    return s;
  };
  return [
    { method: 'GET', url: '/v2.1/servers/:server_id/tags', schema: { params: Params }, handler: async (req) => ({ tags: await d.serverTags.list((await load(req, `${T}index`)).id) }) },
    route({
      method: 'PUT', url: '/v2.1/servers/:server_id/tags', schema: { params: Params, body: TagsBody },
      handler: async (req) => {
        const tags = req.body.tags;
        const s = await load(req, `${T}update_all`, true);
        return { tags: await d.serverTags.replace(s.id, tags) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id/tags', status: 204, schema: { params: Params },
      handler: async (req) => { const s = await load(req, `${T}delete_all`, true); await d.serverTags.replace(s.id, []); },
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/tags/:tag', status: 204, schema: { params: TagParams },
      handler: async (req) => {
        const s = await load(req, `${T}show`);
        if (!(await d.serverTags.list(s.id)).includes(req.params.tag)) throw tagNotFound(req.params.tag);
      },
    },
    {
      method: 'PUT', url: '/v2.1/servers/:server_id/tags/:tag', schema: { params: TagParams }, rawBody: 'none',
      handler: async (req) => {
        const tag = String(req.params.tag);
        checkTags([tag]);
        const s = await load(req, `${T}update`, true);
        if (!(await d.serverTags.add(s.id, tag))) { req.reply.code(204); return undefined; }
        req.reply.code(201).header('Location', `${d.computeUrl()}/v2.1/servers/${s.id}/tags/${encodeURIComponent(tag)}`);
        return undefined;
      },
    },
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id/tags/:tag', status: 204, schema: { params: TagParams },
      handler: async (req) => {
        const s = await load(req, `${T}delete`, true);
        await d.serverTags.remove(s.id, req.params.tag);
      },
    },
  ];
}
