// What every Neutron route shares: the caller, policy with Neutron's field checks, the request
// body wrapper, If-Match, and list handling (filters, fields=, sort_key/sort_dir, limit/marker).
import type { RequestContext } from '../../../core/auth/request-context.js';
import { enforce } from '../../../core/policy/policy-engine.js';
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import { pageAfter, withMarker } from '../../../core/pagination/pagination.js';
import { badRequest, policyNotAuthorized } from '../domain/errors.js';
import { explicitlySet, type AttrMap } from '../domain/attributes.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import type { NetworkRecord, RbacPolicyRecord } from '../store/tables.js';

/** The field checks (`field:networks:shared=True` ...) that hold for this target. */
export interface FieldFacts { shared?: boolean; external?: boolean; subnetpoolShared?: boolean; addressScopeShared?: boolean; deviceOwner?: string; rbacTarget?: string }

export function allowed(ctx: RequestContext, rule: string, target: Record<string, unknown>, facts: FieldFacts = {}): boolean {
  const field: string[] = [];
  if (facts.shared) field.push('networks:shared=True');
  if (facts.external) field.push('networks:router:external=True');
  if (facts.subnetpoolShared) field.push('subnetpools:shared=True');
  if (facts.addressScopeShared) field.push('address_scopes:shared=True');
  if (facts.deviceOwner?.startsWith('network:')) field.push('port:device_owner=~^network:');
  if (facts.rbacTarget === '*') field.push('rbac_policy:target_tenant=*');
  const base = ctx.credentials();
  const creds = { ...base, tenant_id: base.project_id, field };
  if (!ctx.rules.has(rule)) return false;
  return enforce(ctx.rules, rule, { tenant_id: target.project_id, ...target }, creds);
}

export function authorize(ctx: RequestContext, rule: string, target: Record<string, unknown>, facts: FieldFacts = {}): void {
  if (!allowed(ctx, rule, target, facts)) throw policyNotAuthorized(rule);
}

/** A network's field facts for this caller: shared with it, external. */
export function networkFacts(d: NetworkDomain, req: ApiRequest, n: NetworkRecord, rbac: RbacPolicyRecord[]): FieldFacts {
  const f = d.networks.flags(n, rbac, req.ctx.projectId);
  return { shared: f.shared, external: f.external };
}

/** The network a subnet or port is on (if it exists) and its field facts. */
export async function networkOf(d: NetworkDomain, req: ApiRequest, networkId: string): Promise<{ net?: NetworkRecord; facts: FieldFacts }> {
  const net = await d.networks.find(networkId);
  if (!net) return { facts: {} };
  return { net, facts: networkFacts(d, req, net, await d.networks.rbacOf(net.id)) };
}

/** The policy target of a subnet or port: the record with its network's owner. */
export function onNetwork(r: Record<string, unknown>, net?: NetworkRecord): Record<string, unknown> {
  return { ...r, 'network:tenant_id': net?.project_id, 'network:project_id': net?.project_id };
}

/** The action rule and, for each attribute set in the body, its `<action>:<attr>` rule. */
export function authorizeWithAttrs(
  ctx: RequestContext, action: string, target: Record<string, unknown>, given: Record<string, unknown>, map: AttrMap,
  facts: FieldFacts = {}, isCreate = true,
): void {
  authorize(ctx, action, target, facts);
  for (const name of Object.keys(given)) {
    const rule = `${action}:${name}`;
    if (!ctx.rules.has(rule)) continue;
    if (isCreate && !explicitlySet(map, given, name, given)) continue;
    authorize(ctx, rule, target, facts);
    if (name === 'fixed_ips' && Array.isArray(given.fixed_ips)) {
      for (const f of given.fixed_ips as Record<string, unknown>[]) {
        for (const sub of ['ip_address', 'subnet_id']) if (f && sub in f && ctx.rules.has(`${rule}:${sub}`)) authorize(ctx, `${rule}:${sub}`, target, facts);
      }
    }
    if (name === 'external_gateway_info' && given.external_gateway_info && typeof given.external_gateway_info === 'object') {
      for (const sub of Object.keys(given.external_gateway_info as object)) {
        if (ctx.rules.has(`${rule}:${sub}`)) authorize(ctx, `${rule}:${sub}`, target, facts);
      }
    }
  }
}

/** Removes the attributes whose `get_<resource>:<attr>` rule denies. */
export function hideAttrs(
  ctx: RequestContext, resource: string, view: Record<string, unknown>, target: Record<string, unknown>, facts: FieldFacts = {},
): Record<string, unknown> {
  for (const key of Object.keys(view)) {
    const rule = `get_${resource}:${key}`;
    if (ctx.rules.has(rule) && !allowed(ctx, rule, target, facts)) delete view[key];
  }
  return view;
}

/** The items of a create body that api/schemas.ts `wrappedOrBulk` passed, and whether it was a bulk one. */
export function itemsOf<T>(body: Partial<Record<string, T | T[]>>, resource: string, collection: string): { items: T[]; bulk: boolean } {
  const many = body[collection];
  return Array.isArray(many) ? { items: many, bulk: true } : { items: [body[resource] as T], bulk: false };
}

export function ifMatch(req: ApiRequest): number | undefined {
  const h = req.headers['if-match'];
  if (typeof h !== 'string') return undefined;
  const m = /revision_number=(\d+)/.exec(h);
  if (!m) throw badRequest(`If-Match header must be of the form revision_number=<int>.`);
  return Number(m[1]);
}

type View = Record<string, unknown>;

function asArray(v: unknown): string[] { return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]; }

function matches(value: unknown, wanted: string[]): boolean {
  return wanted.some((w) => {
    if (typeof value === 'boolean') return String(value) === w.toLowerCase() || (w === '1' && value) || (w === '0' && !value);
    if (value === null || value === undefined) return w === '' || w === 'None' || w === 'null';
    if (Array.isArray(value)) return value.map(String).includes(w);
    return String(value) === w;
  });
}

/** Query filters as Neutron applies them: equality on any attribute, repeated values OR-ed. */
export function applyFilters(
  items: View[], query: Record<string, unknown>, extra: (item: View, key: string, values: string[]) => boolean | undefined = () => undefined,
): View[] {
  let out = items;
  for (const [key, raw] of Object.entries(query)) {
    const values = asArray(raw);
    if (key === 'tags' || key === 'tags-any' || key === 'not-tags' || key === 'not-tags-any') {
      const tags = values.flatMap((v) => v.split(','));
      out = out.filter((i) => {
        const have = (i.tags as string[] | undefined) ?? [];
        if (key === 'tags') return tags.every((t) => have.includes(t));
        if (key === 'tags-any') return tags.some((t) => have.includes(t));
        if (key === 'not-tags') return !tags.every((t) => have.includes(t));
        return !tags.some((t) => have.includes(t));
      });
      continue;
    }
    if (key === 'fixed_ips') {
      const conds = values.map((v) => Object.fromEntries(v.split('&').map((kv) => kv.split('=') as [string, string])));
      out = out.filter((i) => conds.every((c) => ((i.fixed_ips as { subnet_id: string; ip_address: string }[]) ?? []).some((f) =>
        (!c.subnet_id || f.subnet_id === c.subnet_id) && (!c.ip_address || f.ip_address === c.ip_address)
        && (!c.ip_address_substr || f.ip_address.includes(c.ip_address_substr)))));
      continue;
    }
    if (['fields', 'limit', 'marker', 'sort_key', 'sort_dir', 'page_reverse'].includes(key)) continue;
    out = out.filter((i) => {
      const special = extra(i, key, values);
      if (special !== undefined) return special;
      if (!(key in i)) return true; // NOTE: a filter on an attribute the resource lacks filters nothing out.
      return matches(i[key], values);
    });
  }
  return out;
}

export function selectFields(view: View, query: Record<string, unknown>): View {
  const fields = asArray(query.fields).flatMap((f) => f.split(',')).filter(Boolean);
  if (!fields.length) return view;
  return Object.fromEntries(fields.filter((f) => f in view).map((f) => [f, view[f]]));
}

/** Sorting and limit/marker pagination with `<collection>_links`, as Neutron's pagination helper. */
export function listResponse(req: ApiRequest, collection: string, items: View[], prefix = '/networking/v2.0'): Record<string, unknown> {
  const q = req.query as Record<string, unknown>;
  const keys = asArray(q.sort_key);
  const dirs = asArray(q.sort_dir);
  if (dirs.some((d) => d !== 'asc' && d !== 'desc')) throw badRequest(`sort_dir must be one of 'asc' or 'desc'.`);
  if (keys.length) {
    for (const k of keys) if (items.length && !(k in items[0]!)) throw badRequest(`${k} is invalid attribute for sort_key`);
    items = [...items].sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!; const dir = (dirs[i] ?? 'asc') === 'desc' ? -1 : 1;
        const c = compare(a[k], b[k]);
        if (c) return c * dir;
      }
      return compare(a.id, b.id);
    });
  }
  const limit = q.limit === undefined ? undefined : Number(q.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw badRequest(`Limit must be an integer 0 or greater and not '${String(q.limit)}'.`);
  const reverse = String(q.page_reverse ?? 'false').toLowerCase() === 'true';
  let page = items;
  let links: { rel: string; href: string }[] | undefined;
  if (limit) {
    const marker = q.marker as string | undefined;
    const at = marker === undefined ? -1 : items.findIndex((i) => i.id === marker);
    let start: number;
    if (!reverse) {
      // NOTE: a marker that names no item starts from the first (core's pageAfter refuses it).
      page = pageAfter(items, { marker: at >= 0 ? marker : undefined, limit }, (i) => String(i.id), () => badRequest('marker'));
      start = at + 1;
    } else {
      const end = at >= 0 ? at : items.length;
      start = Math.max(0, end - limit);
      page = items.slice(start, end);
    }
    // Neutron's links: `next` after a full page that is not the last (always when paging back),
    // `previous` (page_reverse=True) when paging back with items before, or forward from a marker.
    const base = `${req.raw.protocol}://${req.headers.host}${prefix}/${collection.replace(/_/g, '-')}`;
    const { page_reverse: _, ...rest } = q;
    const href = (m: unknown, rev: boolean) => `${base}?${withMarker(rest, String(m))}${rev ? '&page_reverse=True' : ''}`;
    links = [];
    if (page.length === limit && (reverse || start + page.length < items.length)) links.push({ rel: 'next', href: href(page[page.length - 1]!.id, false) });
    if (page.length && (reverse ? start > 0 : marker !== undefined)) links.push({ rel: 'previous', href: href(page[0]!.id, true) });
  }
  const out: Record<string, unknown> = { [collection]: page.map((v) => selectFields(v, q)) };
  if (links) out[`${collection}_links`] = links;
  return out;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : 1;
}
