// /os-keypairs: per user; admins reach another user's with user_id (2.10).
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { MV } from '../microversions.js';
import type { KeypairRecord } from '../store/keypairs.store.js';
import { mv, queryInt, queryStr } from './common.js';
import { KeypairCreate } from './keypairs.schema.js';
import { novaTime } from './times.js';

export function keypairRoutes(d: ComputeDomain, base: () => string): RouteSpec[] {
  const k = d.keypairs;
  /** The user the request is about: the caller, or ?user_id= from 2.10. */
  const userOf = (req: ApiRequest) => {
    const asked = mv(req, MV.keypairUserId) ? queryStr(req.query as Record<string, unknown>, 'user_id') : undefined;
    return asked ?? req.ctx.userId ?? '';
  };
  const brief = (req: ApiRequest, r: KeypairRecord) => ({
    name: r.name, public_key: r.public_key, fingerprint: r.fingerprint, ...(mv(req, MV.keypairX509) ? { type: r.type } : {}),
  });

  return [
    {
      method: 'GET', url: '/v2.1/os-keypairs',
      handler: async (req) => {
        const userId = userOf(req);
        req.ctx.authorize('os_compute_api:os-keypairs:index', { user_id: userId });
        const q = req.query as Record<string, unknown>;
        const paged = mv(req, MV.keypairPagination);
        const limit = paged ? queryInt(q, 'limit') : undefined;
        const rows = await k.list(userId, { limit, marker: paged ? queryStr(q, 'marker') : undefined });
        const out: Record<string, unknown> = { keypairs: rows.map((r) => ({ keypair: brief(req, r) })) };
        if (limit !== undefined && rows.length === limit && limit > 0) {
          const p = new URLSearchParams({ limit: String(limit), marker: rows[rows.length - 1]!.name });
          if (queryStr(q, 'user_id')) p.set('user_id', queryStr(q, 'user_id')!);
          out.keypairs_links = [{ rel: 'next', href: `${base()}/v2.1/os-keypairs?${p.toString()}` }];
        }
        return out;
      },
    },
    route({
      method: 'POST', url: '/v2.1/os-keypairs', schema: { body: KeypairCreate.loosest },
      handler: async (req) => {
        KeypairCreate.check((v) => mv(req, v), req.body);
        const b = req.body.keypair;
        const name = b.name;
        const type = b.type === undefined ? 'ssh' : b.type;
        const userId = (b.user_id as string | undefined) ?? req.ctx.userId ?? '';
        req.ctx.authorize('os_compute_api:os-keypairs:create', { user_id: userId });
        const r = await k.create({ userId, projectId: req.ctx.projectId, name, type, publicKey: b.public_key as string | undefined });
        if (mv(req, MV.keypairX509)) req.reply.code(201);
        const out: Record<string, unknown> = { ...brief(req, r), user_id: r.user_id };
        if (r.private_key) out.private_key = r.private_key;
        return { keypair: out };
      },
    }),
    {
      method: 'GET', url: '/v2.1/os-keypairs/:name',
      handler: async (req) => {
        const userId = userOf(req);
        req.ctx.authorize('os_compute_api:os-keypairs:show', { user_id: userId });
        const r = await k.get(userId, req.params.name);
        return {
          keypair: {
            public_key: r.public_key, name: r.name, fingerprint: r.fingerprint, user_id: r.user_id, created_at: novaTime(r.created_at),
            updated_at: null, deleted: false, deleted_at: null, id: r.id, ...(mv(req, MV.keypairX509) ? { type: r.type } : {}),
          },
        };
      },
    },
    {
      method: 'DELETE', url: '/v2.1/os-keypairs/:name',
      handler: async (req) => {
        const userId = userOf(req);
        req.ctx.authorize('os_compute_api:os-keypairs:delete', { user_id: userId });
        await k.delete(userId, req.params.name);
        req.reply.code(mv(req, MV.keypairX509) ? 204 : 202);
      },
    },
  ];
}
