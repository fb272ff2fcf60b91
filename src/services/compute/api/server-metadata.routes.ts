// /servers/{id}/metadata and /servers/{id}/metadata/{key} (server-metadata.inc).
import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../core/auth/caller.js';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest, NotFound } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { invalidInput as invalid } from './common.js';
import { loadServer } from './servers.routes.js';

const M = 'os_compute_api:server-metadata:';
const Params = Type.Object({ server_id: Type.String() });
const KeyParams = Type.Object({ server_id: Type.String(), key: Type.String() });

function checkMeta(field: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, value, `${JSON.stringify(value)} is not of type 'object'`);
  for (const [k, v] of Object.entries(value)) {
    if (k.length < 1 || k.length > 255 || !/^[a-zA-Z0-9-_:. ]{1,255}$/.test(k)) throw invalid(field, value, `Additional properties are not allowed ('${k}' was unexpected)`);
    if (typeof v !== 'string') throw invalid(`${field}/${k}`, v, `${JSON.stringify(v)} is not of type 'string'`);
    if (v.length > 255) throw invalid(`${field}/${k}`, v, `'${v}' is too long`);
  }
  return value as Record<string, string>;
}

export function serverMetadataRoutes(d: ComputeDomain): RouteSpec[] {
  const wrapperOnly = (body: any, key: string) => {
    if (typeof body !== 'object' || body === null || !(key in body)) throw new BadRequest(`Invalid input for field/attribute ${key}. '${key}' is a required property`);
    for (const k of Object.keys(body)) if (k !== key) throw new BadRequest(`Invalid input for field/attribute body. Additional properties are not allowed ('${k}' was unexpected)`);
  };
  return [
    {
      method: 'GET', url: '/v2.1/servers/:server_id/metadata', schema: { params: Params },
      handler: async (req) => ({ metadata: (await loadServer(d, req, `${M}index`)).metadata }),
    },
    {
      method: 'POST', url: '/v2.1/servers/:server_id/metadata', schema: { params: Params },
      handler: async (req) => {
        wrapperOnly(req.body, 'metadata');
        const meta = checkMeta('metadata', req.body.metadata);
        const s = await loadServer(d, req, `${M}create`);
        return { metadata: await d.servers.setMetadata(callerOf(req.ctx), s.id, meta, false) };
      },
    },
    {
      method: 'PUT', url: '/v2.1/servers/:server_id/metadata', schema: { params: Params },
      handler: async (req) => {
        wrapperOnly(req.body, 'metadata');
        const meta = checkMeta('metadata', req.body.metadata);
        const s = await loadServer(d, req, `${M}update_all`);
        return { metadata: await d.servers.setMetadata(callerOf(req.ctx), s.id, meta, true) };
      },
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/metadata/:key', schema: { params: KeyParams },
      handler: async (req) => {
        const s = await loadServer(d, req, `${M}show`);
        const v = s.metadata[req.params.key];
        if (v === undefined) throw new NotFound('Metadata item was not found');
        return { meta: { [req.params.key]: v } };
      },
    },
    {
      method: 'PUT', url: '/v2.1/servers/:server_id/metadata/:key', schema: { params: KeyParams },
      handler: async (req) => {
        wrapperOnly(req.body, 'meta');
        const meta = checkMeta('meta', req.body.meta);
        const keys = Object.keys(meta);
        if (keys.length !== 1) throw invalid('meta', req.body.meta, keys.length === 0 ? '{} does not have enough properties' : 'has too many properties');
        if (keys[0] !== req.params.key) throw new BadRequest('Request body and URI mismatch');
        const s = await loadServer(d, req, `${M}update`);
        await d.servers.setMetadata(callerOf(req.ctx), s.id, meta, false);
        return { meta };
      },
    },
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id/metadata/:key', status: 204, schema: { params: KeyParams },
      handler: async (req) => {
        const s = await loadServer(d, req, `${M}delete`);
        await d.servers.deleteMetadataKey(callerOf(req.ctx), s.id, req.params.key);
      },
    },
  ];
}
