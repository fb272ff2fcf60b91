// /v3/{project_id}/os-volume-transfer and /volume-transfers (3.55): offer a volume, list and show
// the offers, accept one with its auth key, withdraw it.
import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { isTrue } from '../domain/listing.js';
import type { VolumeDomain } from '../domain/volume-domain.js';
import type { TransferRecord } from '../store/tables.js';
import { AnyQuery, caller, IdParams, links, mv, ProjectParams, requireVersion, VOLUME_PATH } from './common.js';
import { boolOf, Bool, NullableString } from './schemas.js';

const TransferCreate = Type.Object({
  transfer: Type.Object({ volume_id: Type.String(), name: Type.Optional(NullableString({ maxLength: 255 })), no_snapshots: Type.Optional(Bool) }, { additionalProperties: false }),
}, { additionalProperties: false });
const TransferAccept = Type.Object({ accept: Type.Object({ auth_key: Type.String({ minLength: 1 }) }, { additionalProperties: false }) }, { additionalProperties: false });

export function transferRoutes(d: VolumeDomain, origin: () => string): RouteSpec[] {
  const view = (req: ApiRequest, t: TransferRecord, detail: boolean) => {
    const body: Record<string, unknown> = { id: t.id, name: t.name, volume_id: t.volume_id, links: links(`${origin()}${VOLUME_PATH}`, req.params.project_id, 'os-volume-transfer', t.id) };
    if (detail) {
      body.created_at = t.created_at;
      if (mv(req, '3.55')) body.no_snapshots = t.no_snapshots;
      if (mv(req, '3.57')) { body.source_project_id = t.project_id; body.destination_project_id = null; body.accepted = false; }
    }
    return body;
  };
  const routes = (base: string, minVersion?: string): RouteSpec[] => {
    const gate = (req: ApiRequest) => { if (minVersion) requireVersion(req, minVersion); };
    const list = (detail: boolean) => async (req: ApiRequest<unknown, { project_id?: string }, Record<string, string | string[]>>) => {
      gate(req);
      const c = caller(req);
      req.ctx.authorize('volume:get_all_transfers', { project_id: c.projectId });
      return { transfers: (await d.transfers.list(c, isTrue(req.query.all_tenants as string | undefined))).map((t) => view(req, t, detail)) };
    };
    return [
      route({ method: 'GET', url: `/v3/:project_id/${base}`, schema: { params: ProjectParams, querystring: AnyQuery }, handler: list(false) }),
      route({ method: 'GET', url: `/v3/:project_id/${base}/detail`, schema: { params: ProjectParams, querystring: AnyQuery }, handler: list(true) }),
      route({
        method: 'POST', url: `/v3/:project_id/${base}`, status: 202, schema: { params: ProjectParams, body: TransferCreate },
        handler: async (req) => {
          gate(req);
          const c = caller(req);
          const b = req.body.transfer;
          req.ctx.authorize('volume:create_transfer', { project_id: c.projectId });
          const { transfer, authKey } = await d.transfers.create(c, b.volume_id, b.name ?? null, mv(req, '3.55') && b.no_snapshots !== undefined ? boolOf(b.no_snapshots) : false);
          return { transfer: { ...view(req, transfer, true), auth_key: authKey } };
        },
      }),
      route({
        method: 'GET', url: `/v3/:project_id/${base}/:id`, schema: { params: IdParams },
        handler: async (req) => {
          gate(req);
          const t = await d.transfers.get(caller(req), req.params.id);
          req.ctx.authorize('volume:get_transfer', { project_id: t.project_id });
          return { transfer: view(req, t, true) };
        },
      }),
      route({
        method: 'POST', url: `/v3/:project_id/${base}/:id/accept`, status: 202, schema: { params: IdParams, body: TransferAccept },
        handler: async (req) => {
          gate(req);
          const c = caller(req);
          req.ctx.authorize('volume:accept_transfer', { project_id: c.projectId });
          const t = await d.transfers.accept(c, req.params.id, req.body.accept.auth_key);
          return { transfer: view(req, t, false) };
        },
      }),
      route({
        method: 'DELETE', url: `/v3/:project_id/${base}/:id`, status: 202, schema: { params: IdParams },
        handler: async (req) => {
          gate(req);
          const c = caller(req);
          const t = await d.transfers.get(c, req.params.id);
          req.ctx.authorize('volume:delete_transfer', { project_id: t.project_id });
          await d.transfers.delete(c, t.id);
          return undefined;
        },
      }),
    ];
  };
  return [...routes('os-volume-transfer'), ...routes('volume-transfers', '3.55')];
}
