// /servers: create, list, detail, show, update, delete (Nova v2.1 servers.inc).
import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../core/auth/caller.js';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import type { CreateServerInput } from '../domain/servers.service.js';
import { statesForStatus } from '../domain/servers.states.js';
import { asBool, asInt } from './schemas.js';
import { ServerCreate, ServerUpdate } from './servers.schema.js';
import type { InstanceRecord } from '../store/servers.store.js';
import { trueFalse as bool, invalidInput as invalid, mvCheck } from './common.js';
import { serverBasic, serverDetail, type ViewContext } from './servers.view.js';
import { changesSinceAfterBefore, instanceNotOnNetwork, notADateTime } from '../domain/errors.js';

const P = 'os_compute_api:servers:';
export const ServerParams = Type.Object({ server_id: Type.String() });
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function viewContext(d: ComputeDomain, req: ApiRequest, projectId?: string): ViewContext {
  const target = { project_id: projectId ?? req.ctx.projectId };
  return {
    computeUrl: d.computeUrl(), mv: mvCheck(req),
    extendedAttrs: req.ctx.can('os_compute_api:os-extended-server-attributes', target),
    isAdmin: callerOf(req.ctx).isAdmin,
    extraSpecs: req.ctx.can(`${P}show:flavor-extra-specs`, target),
  };
}

/** Show body of one server with its fault, tags and host status as the microversion asks. */
export async function showServer(d: ComputeDomain, req: ApiRequest, s: InstanceRecord, opts: { minimal?: boolean; showUserData?: boolean } = {}) {
  const v = viewContext(d, req, s.project_id);
  const hostStatus = v.mv('2.16') && !opts.minimal && req.ctx.can(`${P}show:host_status`, { project_id: s.project_id });
  const x = await d.servers.extras(s, { tags: v.mv('2.26'), hostStatus, serverGroups: v.mv('2.71') });
  let addresses: Record<string, unknown[]> = x.addresses;
  // NOTE: PUT and rebuild before 2.75 show addresses without the OS-EXT-IPS attributes.
  if (opts.minimal) addresses = Object.fromEntries(Object.entries(x.addresses).map(([k, v]) => [k, v.map((a) => ({ version: a.version, addr: a.addr }))]));
  return serverDetail(v, s, { ...x, minimal: opts.minimal, showUserData: opts.showUserData, addresses });
}

export async function loadServer(d: ComputeDomain, req: ApiRequest, policy: string, opts: { allowDeleted?: boolean } = {}): Promise<InstanceRecord> {
  const s = await d.servers.get(req.params.server_id, callerOf(req.ctx), opts);
  req.ctx.authorize(policy, { project_id: s.project_id, user_id: s.user_id });
  return s;
}

/** Nova's create schema, per microversion: unknown attributes are a 400. */
export function parseCreate(req: ApiRequest, mv: (v: string) => boolean): CreateServerInput {
  ServerCreate.check(mv, req.body);
  const body = req.body as Record<string, any>;
  const server = body.server as Record<string, any>;
  const out: CreateServerInput = { name: server.name, flavorRef: String(server.flavorRef) };
  if (server.imageRef !== undefined && server.imageRef !== null && server.imageRef !== '') {
    if (!UUID_RE.test(server.imageRef.replace(/\/+$/, '').split('/').pop()!)) throw invalid('imageRef', server.imageRef, `'${server.imageRef}' is not a 'uuid'`);
    out.imageRef = server.imageRef;
  }
  if (server.description !== undefined) {
    out.description = server.description;
  }
  if (server.metadata !== undefined) out.metadata = server.metadata;
  if (server.key_name !== undefined && server.key_name !== null) {
    out.key_name = server.key_name;
  }
  if (server.user_data !== undefined && server.user_data !== null) {
    out.user_data = server.user_data;
  }
  if (server.availability_zone !== undefined && server.availability_zone !== null) {
    out.availability_zone = server.availability_zone;
  }
  if (server.min_count !== undefined) out.min_count = asInt(server.min_count);
  if (server.max_count !== undefined) out.max_count = asInt(server.max_count);
  if (server.return_reservation_id !== undefined) out.return_reservation_id = asBool(server.return_reservation_id);
  if (server.networks !== undefined) {
    const n = server.networks;
    if (n === 'auto' || n === 'none') out.networks = n;
    else if (Array.isArray(n)) {
      for (const x of n) {
        if (x.uuid !== undefined && !UUID_RE.test(String(x.uuid))) throw new BadRequest(`Bad networks format: network uuid is not in proper format (${x.uuid})`);
        if (x.fixed_ip !== undefined && !/^[\d.]+$|:/.test(String(x.fixed_ip))) throw new BadRequest(`Invalid fixed IP address (${x.fixed_ip})`);
      }
      out.networks = n;
    }
  }
  if (server.security_groups !== undefined) {
    out.security_groups = server.security_groups.map((g: any) => ({ name: g.name }));
  }
  if (server.config_drive !== undefined) out.config_drive = asBool(server.config_drive);
  if (server.block_device_mapping_v2 !== undefined) {
    out.block_device_mapping_v2 = server.block_device_mapping_v2;
  }
  if (server['OS-DCF:diskConfig'] !== undefined) {
    out['OS-DCF:diskConfig'] = server['OS-DCF:diskConfig'];
  }
  for (const k of ['accessIPv4', 'accessIPv6'] as const) {
    if (server[k] === undefined || server[k] === '') continue;
    const v6 = k === 'accessIPv6' && typeof server[k] === 'string' ? canonicalIpv6(server[k]) : undefined;
    const ok = k === 'accessIPv4' ? /^(\d{1,3})(\.\d{1,3}){3}$/.test(server[k]) : v6 !== undefined;
    if (!ok) throw invalid(k, server[k], `'${server[k]}' is not a '${k === 'accessIPv4' ? 'ipv4' : 'ipv6'}'`);
    out[k] = v6 ?? server[k];
  }
  if (server.adminPass !== undefined) {
    out.adminPass = server.adminPass;
  }
  if (server.tags !== undefined) out.tags = server.tags;
  if (server.trusted_image_certificates !== undefined) out.trusted_image_certificates = server.trusted_image_certificates;
  if (server.host !== undefined) out.host = server.host;
  if (server.hostname !== undefined) out.hostname = server.hostname;
  out.schedulerHints = (body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints'] ?? {}) as Record<string, unknown>;
  return out;
}

/** RFC 5952 text of an IPv6 address (what Nova stores through netaddr), or undefined when invalid. */
export function canonicalIpv6(text: string): string | undefined {
  let t = text.trim().toLowerCase();
  const v4 = t.match(/^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (v4) {
    const b = v4.slice(2).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    t = `${v4[1]}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const parse = (x: string) => (x === '' ? [] : x.split(':'));
  const head = parse(halves[0]!); const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const nums = groups.map((g) => parseInt(g, 16).toString(16));
  let best = -1; let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (nums[i] !== '0') { i++; continue; }
    let j = i; while (j < 8 && nums[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return nums.join(':');
  return `${nums.slice(0, best).join(':')}::${nums.slice(best + bestLen).join(':')}`;
}

export function checkTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) throw invalid('tags', tags, "is not of type 'array'");
  if (tags.length > 50) throw invalid('tags', tags, 'is too long');
  for (const t of tags) {
    if (typeof t !== 'string' || t.length < 1 || t.length > 60 || /[,/]/.test(t)) throw invalid('tags', tags, `'${t}' does not match '^[^,/]*$'`);
  }
  return tags as string[];
}

const SORT_KEYS = new Set(['access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone', 'config_drive', 'created_at', 'display_description',
  'display_name', 'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id', 'key_name', 'launch_index', 'launched_at', 'locked',
  'locked_by', 'node', 'power_state', 'progress', 'project_id', 'ramdisk_id', 'root_device_name', 'task_state', 'terminated_at', 'updated_at',
  'user_id', 'uuid', 'vm_state']);
const SORT_COLUMN: Record<string, string> = { display_name: 'name', display_description: 'description', uuid: 'id', instance_type_id: 'flavor' };
const ADMIN_SORT = new Set(['host', 'node', 'power_state', 'task_state', 'vm_state', 'launch_index', 'locked_by', 'root_device_name']);

const multi = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
const one = (v: unknown): string | undefined => (v === undefined ? undefined : Array.isArray(v) ? String(v[v.length - 1]) : String(v));

function isoTime(v: string, field: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(v);
  const d = new Date(/[T ]/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? `${v.replace(' ', 'T')}Z` : v.replace(' ', 'T'));
  if (!ok || Number.isNaN(d.getTime())) throw notADateTime(field, v);
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

async function listServers(d: ComputeDomain, req: ApiRequest, detail: boolean) {
  const q = req.query as Record<string, unknown>;
  const mv = mvCheck(req);
  const caller = callerOf(req.ctx);
  req.ctx.authorize(`${P}${detail ? 'detail' : 'index'}`, { project_id: caller.projectId });
  const allTenants = q.all_tenants !== undefined && (one(q.all_tenants) === '' || bool(one(q.all_tenants), 'all_tenants'));
  const admin = req.ctx.can(`${P}${detail ? 'detail' : 'index'}:get_all_tenants`, { project_id: caller.projectId });
  const allFilters = req.ctx.can(`${P}allow_all_filters`, { project_id: caller.projectId });
  // NOTE: as Nova (lp:#1185290), tenant_id/project_id filter only with all_tenants; otherwise the caller's project.
  let projectId: string | null = caller.projectId ?? '';
  const pid = one(q.project_id) ?? one(q.tenant_id);
  if (allTenants && admin) projectId = pid && allFilters ? pid : null;

  const changesSince = one(q['changes-since']) ? isoTime(one(q['changes-since'])!, 'changes-since') : undefined;
  const changesBefore = mv('2.66') && one(q['changes-before']) ? isoTime(one(q['changes-before'])!, 'changes-before') : undefined;
  if (changesSince && changesBefore && changesBefore < changesSince) {
    throw changesSinceAfterBefore();
  }
  const statuses = multi(q.status);
  let status: { vmStates: string[]; taskStates: (string | null)[] | null } | undefined;
  let deleted: boolean | undefined;
  if (statuses.length) {
    if (statuses.some((x) => x.toUpperCase() === 'DELETED')) {
      if (!allFilters) return { servers: [] };
      deleted = true;
    } else {
      const st = statesForStatus(statuses);
      if (st.vmStates.length === 0) {
        if (mv('2.38')) throw new BadRequest(`Invalid status value`);
        return { servers: [] };
      }
      status = st;
    }
  }
  if (q.deleted !== undefined && allFilters) deleted = bool(one(q.deleted), 'deleted');
  const limitRaw = one(q.limit);
  let limit: number | undefined;
  if (limitRaw !== undefined) {
    if (!/^\d+$/.test(limitRaw)) throw new BadRequest(`Invalid input for query parameters limit. Value: ${limitRaw}. '${limitRaw}' does not match '^[0-9]*$'`);
    limit = Math.min(Number(limitRaw), 1000);
  } else limit = 1000;
  const sortKeys = multi(q.sort_key);
  const sortDirs = multi(q.sort_dir);
  const sort: { key: string; dir: 'asc' | 'desc' }[] = [];
  sortKeys.forEach((k, i) => {
    if (!SORT_KEYS.has(k) || (ADMIN_SORT.has(k) && !allFilters)) throw new BadRequest(`Invalid input for query parameters sort_key. Value: ${k}.`);
    const dir = (sortDirs[i] ?? sortDirs[0] ?? 'desc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw new BadRequest(`Invalid input for query parameters sort_dir. Value: ${dir}.`);
    sort.push({ key: SORT_COLUMN[k] ?? k, dir });
  });
  if (sort.length === 0) sort.push({ key: 'created_at', dir: 'desc' });
  const lockedRaw = one(q.locked);
  if (lockedRaw !== undefined && !mv('2.73')) { /* ignored before 2.73 */ }
  const showHost = detail && mv('2.16') && req.ctx.can(`${P}show:host_status`, { project_id: caller.projectId });
  const { servers, extras } = await d.servers.list({
    projectId, name: one(q.name), status, deleted, changesSince, changesBefore,
    image: one(q.image)?.split('/').pop(), flavor: one(q.flavor)?.split('/').pop(),
    host: allFilters ? one(q.host) : undefined, node: allFilters ? one(q.node) : undefined,
    reservationId: one(q.reservation_id), availabilityZone: allFilters || mv('2.83') ? one(q.availability_zone) : undefined,
    userId: allFilters || mv('2.83') ? one(q.user_id) : undefined,
    locked: mv('2.73') && lockedRaw !== undefined ? bool(lockedRaw, 'locked') : undefined,
    tags: one(q.tags)?.split(',').filter(Boolean), tagsAny: one(q['tags-any'])?.split(',').filter(Boolean),
    notTags: one(q['not-tags'])?.split(',').filter(Boolean), notTagsAny: one(q['not-tags-any'])?.split(',').filter(Boolean),
    sort, limit, markerId: one(q.marker), ip: one(q.ip) ?? one(q.ip6),
  }, detail ? { tags: mv('2.26'), hostStatus: showHost } : undefined);
  const v = viewContext(d, req);
  let items: Record<string, unknown>[];
  if (extras) {
    // NOTE: the rule's target is the server's project only: decided once a project, not once a server.
    const extended = new Map<string, boolean>();
    const extendedFor = (projectId: string) => {
      if (!extended.has(projectId)) extended.set(projectId, req.ctx.can('os_compute_api:os-extended-server-attributes', { project_id: projectId }));
      return extended.get(projectId)!;
    };
    items = servers.map((s) => serverDetail({ ...v, extendedAttrs: extendedFor(s.project_id) }, s, {
      ...extras.get(s.id)!, tags: extras.get(s.id)!.tags ?? [],
    }));
  } else {
    items = servers.map((s) => serverBasic(v, s));
  }
  const out: Record<string, unknown> = { servers: items };
  if (limit !== undefined && servers.length === limit && servers.length > 0) {
    const params = new URLSearchParams();
    for (const [k, val] of Object.entries(q)) if (k !== 'marker') for (const x of multi(val)) params.append(k, x);
    params.set('limit', String(limit));
    params.set('marker', servers[servers.length - 1]!.id);
    out.servers_links = [{ rel: 'next', href: `${d.computeUrl()}/v2.1/servers${detail ? '/detail' : ''}?${params.toString()}` }];
  }
  return out;
}

export function serverRoutes(d: ComputeDomain): RouteSpec[] {
  return [
    { method: 'GET', url: '/v2.1/servers', handler: (req) => listServers(d, req, false) },
    { method: 'GET', url: '/v2.1/servers/detail', handler: (req) => listServers(d, req, true) },
    {
      method: 'POST', url: '/v2.1/servers', status: 202,
      schema: { body: ServerCreate.loosest },
      handler: async (req) => {
        const mv = mvCheck(req);
        const caller = callerOf(req.ctx);
        const input = parseCreate(req, mv);
        req.ctx.authorize(`${P}create`, { project_id: caller.projectId, user_id: caller.userId });
        if ((input.host || input.hypervisor_hostname)) req.ctx.authorize(`${P}create:requested_destination`, { project_id: caller.projectId });
        if (input.availability_zone?.includes(':')) req.ctx.authorize(`${P}create:forced_host`, { project_id: caller.projectId });
        const r = await d.servers.create(caller, input, { mv });
        if (input.return_reservation_id) return { reservation_id: r.reservationId };
        const s = r.servers[0]!;
        const v = viewContext(d, req);
        const server: Record<string, unknown> = {
          id: s.id, links: serverBasic(v, s).links, 'OS-DCF:diskConfig': s.auto_disk_config ? 'AUTO' : 'MANUAL',
          security_groups: input.security_groups ?? [{ name: 'default' }], adminPass: r.adminPass,
        };
        req.reply.header('Location', `${d.computeUrl()}/v2.1/servers/${s.id}`);
        return { server };
      },
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id', schema: { params: ServerParams },
      handler: async (req) => ({ server: await showServer(d, req, await loadServer(d, req, `${P}show`)) }),
    },
    {
      method: 'PUT', url: '/v2.1/servers/:server_id', schema: { params: ServerParams, body: ServerUpdate.loosest },
      handler: async (req) => {
        const mv = mvCheck(req);
        ServerUpdate.check(mv, req.body);
        const body = req.body.server as Record<string, any>;
        const s = await loadServer(d, req, `${P}update`);
        let v6 = body.accessIPv6;
        if (typeof v6 === 'string' && v6 !== '') { v6 = canonicalIpv6(v6); if (!v6) throw invalid('accessIPv6', body.accessIPv6, "is not a 'ipv6'"); }
        if (body.accessIPv4 !== undefined && body.accessIPv4 !== '' && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(String(body.accessIPv4))) throw invalid('accessIPv4', body.accessIPv4, "is not a 'ipv4'");
        const updated = await d.servers.update(callerOf(req.ctx), s.id, { name: body.name, description: body.description, accessIPv4: body.accessIPv4, accessIPv6: v6, hostname: body.hostname, diskConfig: body['OS-DCF:diskConfig'] });
        return { server: await showServer(d, req, updated, { minimal: !mv('2.75'), showUserData: false }) };
      },
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/ips', schema: { params: ServerParams },
      handler: async (req) => {
        const s = await loadServer(d, req, 'os_compute_api:ips:index');
        const all = await d.servers.addresses(s);
        return { addresses: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.map((a) => ({ version: a.version, addr: a.addr }))])) };
      },
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/ips/:network', schema: { params: Type.Object({ server_id: Type.String(), network: Type.String() }) },
      handler: async (req) => {
        const s = await loadServer(d, req, 'os_compute_api:ips:show');
        const list = (await d.servers.addresses(s))[req.params.network];
        if (!list) throw instanceNotOnNetwork();
        return { [req.params.network]: list.map((a) => ({ version: a.version, addr: a.addr })) };
      },
    },
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id', status: 204, schema: { params: ServerParams },
      handler: async (req) => { const s = await loadServer(d, req, `${P}delete`); await d.servers.delete(callerOf(req.ctx), s.id); },
    },
  ];
}
