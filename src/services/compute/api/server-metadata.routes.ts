// /servers/{id}/metadata and /servers/{id}/metadata/{key} (server-metadata.inc).
import { callerOf } from '../../../core/auth/caller.js';
import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { MetadataBody, MetaItemBody } from './schemas.js';

import { loadServer } from './servers.routes.js';
import { bodyUriMismatch, metadataItemNotFound } from '../domain/errors.js';

const M = 'os_compute_api:server-metadata:';
const Params = Type.Object({ server_id: Type.String() });
const KeyParams = Type.Object({ server_id: Type.String(), key: Type.String() });

export function serverMetadataRoutes(d: ComputeDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.1/servers/:server_id/metadata', schema: { params: Params },
      handler: async (req) => ({ metadata: (await loadServer(d, req, `${M}index`)).metadata }),
    },
    route({
      method: 'POST', url: '/v2.1/servers/:server_id/metadata', schema: { params: Params, body: MetadataBody },
      handler: async (req) => {
        const meta = req.body.metadata;
        const s = await loadServer(d, req, `${M}create`);
        return { metadata: await d.servers.setMetadata(callerOf(req.ctx), s.id, meta, false) };
      },
    }),
    route({
      method: 'PUT', url: '/v2.1/servers/:server_id/metadata', schema: { params: Params, body: MetadataBody },
      handler: async (req) => {
        const meta = req.body.metadata;
        const s = await loadServer(d, req, `${M}update_all`);
        return { metadata: await d.servers.setMetadata(callerOf(req.ctx), s.id, meta, true) };
      },
    }),
    {
      method: 'GET', url: '/v2.1/servers/:server_id/metadata/:key', schema: { params: KeyParams },
      handler: async (req) => {
        const s = await loadServer(d, req, `${M}show`);
        const v = s.metadata[req.params.key];
        if (v === undefined) throw metadataItemNotFound();
        return { meta: { [req.params.key]: v } };
      },
    },
    route({
      method: 'PUT', url: '/v2.1/servers/:server_id/metadata/:key', schema: { params: KeyParams, body: MetaItemBody },
      handler: async (req) => {
        const meta = req.body.meta;
        const keys = Object.keys(meta);
        if (keys[0] !== req.params.key) throw bodyUriMismatch();
        const s = await loadServer(d, req, `${M}update`);
        await d.servers.setMetadata(callerOf(req.ctx), s.id, meta, false);
        return { meta };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id/metadata/:key', status: 204, schema: { params: KeyParams },
      handler: async (req) => {
        const s = await loadServer(d, req, `${M}delete`);
        await d.servers.deleteMetadataKey(callerOf(req.ctx), s.id, req.params.key);
      },
    },
  ];
}
