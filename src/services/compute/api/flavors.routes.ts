// /flavors, /flavors/{id}/os-extra_specs, /flavors/{id}/os-flavor-access and the flavor actions.
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest, MethodNotAllowed } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { FLAVOR_SORT_KEYS } from '../domain/flavors.service.js';
import { MV } from '../microversions.js';
import type { FlavorRecord } from '../store/flavors.store.js';
import { bool, invalidInput, mv, queryInt, queryStr, viewer } from './common.js';
import { ExtraSpecs, ExtraSpecsCreate, FlavorAction, FlavorCreate, FlavorUpdate } from './flavors.schema.js';
import { flavorAccessView, flavorBrief, flavorView } from './flavors.view.js';
import { asBool, asInt } from './schemas.js';
import { bodyUriMismatch, noSuchAction } from '../domain/errors.js';


export function flavorRoutes(d: ComputeDomain, base: () => string): RouteSpec[] {
  const f = d.flavors;
  const opts = async (req: ApiRequest, r?: FlavorRecord) => ({
    base: base(), mv: (v: string) => mv(req, v),
    extraSpecs: r && mv(req, MV.flavorExtraSpecsInBody) && req.ctx.can('os_compute_api:os-flavor-extra-specs:index', { project_id: req.ctx.projectId })
      ? await f.extraSpecs(r.id) : undefined,
  });

  const list = (detail: boolean) => async (req: ApiRequest) => {
    const q = req.query as Record<string, unknown>;
    const v = viewer(req);
    let isPublic: boolean | null | undefined;
    const ip = queryStr(q, 'is_public');
    if (ip !== undefined) {
      if (ip.toLowerCase() === 'none') isPublic = null;
      else { try { isPublic = bool(ip, 'is_public'); } catch { throw new BadRequest(`Invalid is_public filter [${ip}]`); } }
    }
    const num = (name: string) => {
      const s = queryStr(q, name);
      if (s === undefined) return undefined;
      if (!/^-?\d+$/.test(s.trim())) throw new BadRequest(`Invalid ${name} filter [${s}]`);
      return Number(s);
    };
    const sortKey = queryStr(q, 'sort_key');
    if (sortKey !== undefined && !FLAVOR_SORT_KEYS.includes(sortKey)) throw invalidInput('sort_key', sortKey, `'${sortKey}' is not one of ${JSON.stringify(FLAVOR_SORT_KEYS)}`);
    const sortDir = queryStr(q, 'sort_dir');
    if (sortDir !== undefined && sortDir !== 'asc' && sortDir !== 'desc') throw invalidInput('sort_dir', sortDir, `'${sortDir}' is not one of ['asc', 'desc']`);
    const limit = queryInt(q, 'limit');
    const marker = queryStr(q, 'marker');
    const rows = await f.list(v, { isPublic, minRam: num('minRam'), minDisk: num('minDisk'), sortKey, sortDir: sortDir as 'asc' | 'desc' | undefined, limit, marker });
    const out: Record<string, unknown> = {
      flavors: await Promise.all(rows.map(async (r) => (detail ? flavorView(r, await opts(req, r)) : flavorBrief(r, await opts(req))))),
    };
    if (limit !== undefined && rows.length === limit && rows.length > 0) {
      const params = new URLSearchParams();
      for (const [k, val] of Object.entries(q)) if (k !== 'marker' && val !== undefined) params.set(k, String(val));
      params.set('marker', rows[rows.length - 1]!.id);
      out.flavors_links = [{ rel: 'next', href: `${base()}/v2.1/flavors${detail ? '/detail' : ''}?${params.toString()}` }];
    }
    return out;
  };

  return [
    { method: 'GET', url: '/v2.1/flavors', handler: list(false) },
    { method: 'GET', url: '/v2.1/flavors/detail', handler: list(true) },
    {
      method: 'GET', url: '/v2.1/flavors/:id',
      handler: async (req) => {
        const r = await f.get(req.params.id, viewer(req));
        return { flavor: flavorView(r, await opts(req, r)) };
      },
    },
    route({
      method: 'POST', url: '/v2.1/flavors', schema: { body: FlavorCreate.loosest },
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-manage:create', {});
        FlavorCreate.check((v) => mv(req, v), req.body);
        const b = req.body.flavor;
        const name = b.name;
        const id = b.id === undefined || b.id === null ? null : String(b.id);
        const rxtx = b.rxtx_factor === undefined ? 1.0 : Number(b.rxtx_factor);
        const description = b.description ?? null;
        const rec = await f.create({
          name, id, ram: asInt(b.ram), vcpus: asInt(b.vcpus), disk: asInt(b.disk),
          ephemeral: b['OS-FLV-EXT-DATA:ephemeral'] === undefined ? 0 : asInt(b['OS-FLV-EXT-DATA:ephemeral']),
          swap: b.swap === undefined ? 0 : asInt(b.swap),
          rxtx_factor: rxtx,
          is_public: b['os-flavor-access:is_public'] === undefined ? true : asBool(b['os-flavor-access:is_public']),
          description,
        });
        return { flavor: flavorView(rec, await opts(req, rec)) };
      },
    }),
    route({
      method: 'PUT', url: '/v2.1/flavors/:id', schema: { body: FlavorUpdate.loosest },
      handler: async (req) => {
        if (!mv(req, MV.flavorDescription)) throw new MethodNotAllowed();
        req.ctx.authorize('os_compute_api:os-flavor-manage:update', {});
        FlavorUpdate.check(() => true, req.body);
        const desc = req.body.flavor.description;
        const rec = await f.updateDescription((req.params as { id: string }).id, desc);
        return { flavor: flavorView(rec, await opts(req, rec)) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/flavors/:id', status: 202,
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-manage:delete', {});
        await f.delete(req.params.id);
      },
    },
    // extra specs
    {
      method: 'GET', url: '/v2.1/flavors/:id/os-extra_specs',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-extra-specs:index', { project_id: req.ctx.projectId });
        const r = await f.get(req.params.id, viewer(req));
        return { extra_specs: await f.extraSpecs(r.id) };
      },
    },
    route({
      method: 'POST', url: '/v2.1/flavors/:id/os-extra_specs', schema: { body: ExtraSpecsCreate },
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-extra-specs:create', { project_id: req.ctx.projectId });
        const specs = specsOf(req.body.extra_specs);
        await f.setExtraSpecs((req.params as { id: string }).id, specs);
        return { extra_specs: specs };
      },
    }),
    {
      method: 'GET', url: '/v2.1/flavors/:id/os-extra_specs/:key',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-extra-specs:show', { project_id: req.ctx.projectId });
        const r = await f.get(req.params.id, viewer(req));
        return { [req.params.key]: await f.extraSpec(r.id, req.params.key) };
      },
    },
    route({
      method: 'PUT', url: '/v2.1/flavors/:id/os-extra_specs/:key', schema: { body: ExtraSpecs },
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-extra-specs:update', { project_id: req.ctx.projectId });
        const params = req.params as { id: string; key: string };
        const specs = specsOf(req.body);
        if (!(params.key in specs)) throw bodyUriMismatch();
        if (Object.keys(specs).length > 1) throw new BadRequest('Request body contains too many items');
        await f.setExtraSpecs(params.id, specs);
        return specs;
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/flavors/:id/os-extra_specs/:key',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-extra-specs:delete', { project_id: req.ctx.projectId });
        await f.deleteExtraSpec(req.params.id, req.params.key);
      },
    },
    // access
    {
      method: 'GET', url: '/v2.1/flavors/:id/os-flavor-access',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-access', {});
        return flavorAccessView(req.params.id, await f.access(req.params.id));
      },
    },
    route({
      method: 'POST', url: '/v2.1/flavors/:id/action', schema: { body: FlavorAction },
      handler: async (req) => {
        const b = req.body;
        const params = req.params as { id: string };
        const action = Object.keys(b)[0];
        if (action === 'addTenantAccess' || action === 'removeTenantAccess') {
          const add = action === 'addTenantAccess';
          req.ctx.authorize(`os_compute_api:os-flavor-access:${add ? 'add' : 'remove'}_tenant_access`, {});
          const tenant = b[action]!.tenant;
          return flavorAccessView(params.id, add ? await f.addAccess(params.id, tenant) : await f.removeAccess(params.id, tenant));
        }
        throw noSuchAction(action ?? '');
      },
    }),
  ];
}

/** Extra spec values as stored: text, booleans as Python prints them. */
function specsOf(o: Record<string, string | number | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) out[k] = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
  return out;
}
