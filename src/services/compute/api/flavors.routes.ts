// /flavors, /flavors/{id}/os-extra_specs, /flavors/{id}/os-flavor-access and the flavor actions.
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest, MethodNotAllowed } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { FLAVOR_SORT_KEYS } from '../domain/flavors.service.js';
import { MV } from '../microversions.js';
import type { FlavorRecord } from '../store/flavors.store.js';
import { bool, intParam, invalidInput, mv, queryInt, queryStr, requireObject, viewer } from './common.js';
import { flavorAccessView, flavorBrief, flavorView } from './flavors.view.js';

const ID_RE = /^(?! )[a-zA-Z0-9. _-]+(?<! )$/;
const SPEC_KEY_RE = /^[a-zA-Z0-9-_:. ]{1,255}$/;

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
    {
      method: 'POST', url: '/v2.1/flavors',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-manage:create', {});
        const b = requireObject(req.body, 'flavor');
        const allowed = ['name', 'id', 'ram', 'vcpus', 'disk', 'OS-FLV-EXT-DATA:ephemeral', 'swap', 'rxtx_factor', 'os-flavor-access:is_public', ...(mv(req, MV.flavorDescription) ? ['description'] : [])];
        for (const k of Object.keys(b)) if (!allowed.includes(k)) throw new BadRequest(`Invalid input for field/attribute flavor. Value: ${JSON.stringify(b)}. Additional properties are not allowed ('${k}' was unexpected)`);
        for (const k of ['name', 'ram', 'vcpus', 'disk']) if (b[k] === undefined) throw new BadRequest(`Invalid input for field/attribute flavor. Value: ${JSON.stringify(b)}. '${k}' is a required property`);
        const name = b.name;
        if (typeof name !== 'string') throw invalidInput('name', name, `${JSON.stringify(name)} is not of type 'string'`);
        if (name.length < 1 || name.length > 255 || name.trim() !== name || /[\x00-\x1f]/.test(name)) throw invalidInput('name', name, 'Invalid flavor name.');
        let id: string | null = null;
        if (b.id !== undefined && b.id !== null) {
          // NOTE: Nova's schema takes a number too (tempest sends int ids) and stores its text.
          if (typeof b.id === 'number' && Number.isFinite(b.id)) b.id = String(b.id);
          if (typeof b.id !== 'string' || b.id.length < 1 || b.id.length > 255 || !ID_RE.test(b.id)) throw invalidInput('id', b.id, `${JSON.stringify(b.id)} does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'`);
          id = b.id;
        }
        let rxtx = 1.0;
        if (b.rxtx_factor !== undefined) {
          const n = typeof b.rxtx_factor === 'string' ? Number(b.rxtx_factor) : b.rxtx_factor;
          if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 3.40282e38) throw invalidInput('rxtx_factor', b.rxtx_factor, `${JSON.stringify(b.rxtx_factor)} is not valid`);
          rxtx = n;
        }
        let description: string | null = null;
        if (b.description !== undefined && b.description !== null) {
          if (typeof b.description !== 'string' || b.description.length > 65535) throw invalidInput('description', b.description, 'is not valid');
          description = b.description;
        }
        const rec = await f.create({
          name, id, ram: intParam(b.ram, 'ram', 1), vcpus: intParam(b.vcpus, 'vcpus', 1), disk: intParam(b.disk, 'disk', 0),
          ephemeral: b['OS-FLV-EXT-DATA:ephemeral'] === undefined ? 0 : intParam(b['OS-FLV-EXT-DATA:ephemeral'], 'OS-FLV-EXT-DATA:ephemeral', 0),
          swap: b.swap === undefined ? 0 : intParam(b.swap, 'swap', 0),
          rxtx_factor: rxtx,
          is_public: b['os-flavor-access:is_public'] === undefined ? true : bool(b['os-flavor-access:is_public'], 'os-flavor-access:is_public'),
          description,
        });
        return { flavor: flavorView(rec, await opts(req, rec)) };
      },
    },
    {
      method: 'PUT', url: '/v2.1/flavors/:id',
      handler: async (req) => {
        if (!mv(req, MV.flavorDescription)) throw new MethodNotAllowed();
        req.ctx.authorize('os_compute_api:os-flavor-manage:update', {});
        const b = requireObject(req.body, 'flavor');
        for (const k of Object.keys(b)) if (k !== 'description') throw new BadRequest(`Invalid input for field/attribute flavor. Value: ${JSON.stringify(b)}. Additional properties are not allowed ('${k}' was unexpected)`);
        if (!('description' in b)) throw new BadRequest(`Invalid input for field/attribute flavor. Value: ${JSON.stringify(b)}. 'description' is a required property`);
        const desc = b.description;
        if (desc !== null && (typeof desc !== 'string' || desc.length > 65535)) throw invalidInput('description', desc, 'is not valid');
        const rec = await f.updateDescription(req.params.id, desc as string | null);
        return { flavor: flavorView(rec, await opts(req, rec)) };
      },
    },
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
    {
      method: 'POST', url: '/v2.1/flavors/:id/os-extra_specs',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-extra-specs:create', { project_id: req.ctx.projectId });
        const specs = specsOf(requireObject(req.body, 'extra_specs'));
        await f.setExtraSpecs(req.params.id, specs);
        return { extra_specs: specs };
      },
    },
    {
      method: 'GET', url: '/v2.1/flavors/:id/os-extra_specs/:key',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-extra-specs:show', { project_id: req.ctx.projectId });
        const r = await f.get(req.params.id, viewer(req));
        return { [req.params.key]: await f.extraSpec(r.id, req.params.key) };
      },
    },
    {
      method: 'PUT', url: '/v2.1/flavors/:id/os-extra_specs/:key',
      handler: async (req) => {
        req.ctx.authorize('os_compute_api:os-flavor-extra-specs:update', { project_id: req.ctx.projectId });
        const b = req.body as Record<string, unknown>;
        if (!b || typeof b !== 'object' || Array.isArray(b)) throw new BadRequest('Malformed request body');
        const specs = specsOf(b);
        if (!(req.params.key in specs)) throw new BadRequest('Request body and URI mismatch');
        if (Object.keys(specs).length > 1) throw new BadRequest('Request body contains too many items');
        await f.setExtraSpecs(req.params.id, specs);
        return specs;
      },
    },
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
    {
      method: 'POST', url: '/v2.1/flavors/:id/action',
      handler: async (req) => {
        const b = req.body as Record<string, any>;
        if (!b || typeof b !== 'object') throw new BadRequest('Malformed request body');
        const action = Object.keys(b)[0];
        if (action === 'addTenantAccess' || action === 'removeTenantAccess') {
          const add = action === 'addTenantAccess';
          req.ctx.authorize(`os_compute_api:os-flavor-access:${add ? 'add' : 'remove'}_tenant_access`, {});
          const inner = requireObject(b, action);
          const tenant = inner.tenant;
          if (typeof tenant !== 'string' || tenant.length < 1 || tenant.length > 255) throw invalidInput('tenant', tenant, `'tenant' is a required property`);
          for (const k of Object.keys(inner)) if (k !== 'tenant') throw new BadRequest(`Invalid input for field/attribute ${action}. Value: ${JSON.stringify(inner)}. Additional properties are not allowed ('${k}' was unexpected)`);
          return flavorAccessView(req.params.id, add ? await f.addAccess(req.params.id, tenant) : await f.removeAccess(req.params.id, tenant));
        }
        throw new BadRequest(`There is no such action: ${action ?? ''}`);
      },
    },
  ];
}

function specsOf(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (!SPEC_KEY_RE.test(k)) throw new BadRequest(`Invalid input for field/attribute extra_specs. Value: ${JSON.stringify(o)}. '${k}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof v === 'string') { if (v.length > 255) throw invalidInput(k, v, 'is too long'); out[k] = v; }
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
    else throw new BadRequest(`Invalid input for field/attribute ${k}. Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'string', 'integer', 'number', 'boolean'`);
  }
  return out;
}
