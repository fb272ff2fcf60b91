// Neutron's attribute maps (neutron_lib/api/definitions): which attributes a resource takes on
// POST and PUT, their defaults, converters and validators, and Neutron's messages when they fail.
import { badRequest, NeutronError } from './errors.js';
import { normalizeIp, parseCidr, parseIp } from './ip.js';
import { neutronTime } from './times.js';

export interface Attr {
  post?: boolean;
  put?: boolean;
  required?: boolean;
  default?: unknown;
  /** Returns the converted value or throws a reason string. */
  convert?: (v: unknown) => unknown;
  /** Returns a reason when the (converted) value is invalid. */
  validate?: (v: any) => string | undefined;
  /** Visible in responses (the rest are request-only). */
  hidden?: boolean;
}
export type AttrMap = Record<string, Attr>;

export const UNSPECIFIED = Symbol('unspecified');

export const STANDARD_ATTRS: AttrMap = {
  id: {}, tenant_id: { post: true, validate: str(255) }, project_id: { post: true, validate: str(255) },
  created_at: {}, updated_at: {}, revision_number: {},
  description: { post: true, put: true, default: '', validate: str(255) },
  tags: { post: true, validate: tagList },
};

/**
 * Checks a request body against the map as Neutron's API layer does: unknown attributes, attributes
 * not allowed for the method, required ones, conversion and validation. Returns only what was given
 * (POST fills defaults in).
 */
export function checkBody(resource: string, map: AttrMap, raw: unknown, method: 'POST' | 'PUT'): Record<string, any> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest(`Resource body required.`);
  }
  const body = raw as Record<string, unknown>;
  const unknown = Object.keys(body).filter((k) => !(k in map));
  if (unknown.length) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
  const out: Record<string, any> = {};
  for (const [name, attr] of Object.entries(map)) {
    const given = name in body;
    if (given) {
      if (method === 'POST' && !attr.post) throw badRequest(`Attribute '${name}' not allowed in POST`);
      if (method === 'PUT' && !attr.put) throw badRequest(`Cannot update read-only attribute ${name}`);
      let v = body[name];
      if (attr.convert) {
        try { v = attr.convert(v); } catch (e) { if (e instanceof NeutronError) throw e; throw badRequest(`Invalid input for ${name}. Reason: ${typeof e === 'string' ? e : (e as Error).message}.`); }
      }
      const reason = attr.validate?.(v);
      if (reason) throw badRequest(`Invalid input for ${name}. Reason: ${reason}.`);
      out[name] = v;
    } else if (method === 'POST' && attr.post) {
      if (attr.required) throw badRequest(`Failed to parse request. Required attribute '${name}' not specified`);
      if ('default' in attr) out[name] = structuredClone(attr.default);
    }
  }
  if (method === 'POST') {
    if (out.tenant_id !== undefined && out.project_id !== undefined && out.tenant_id !== out.project_id) {
      throw badRequest(`'project_id' and 'tenant_id' do not match`);
    }
  }
  return out;
}

/** True when the attribute was given and differs from its default (neutron's policy rule). */
export function explicitlySet(map: AttrMap, body: Record<string, unknown>, name: string, given: Record<string, unknown>): boolean {
  if (!(name in given)) return false;
  const a = map[name];
  if (a && 'default' in a) return JSON.stringify(body[name]) !== JSON.stringify(a.default);
  return true;
}

export function str(max: number) {
  return (v: unknown) => (typeof v !== 'string' ? `'${fmt(v)}' is not a valid string` : v.length > max ? `'${v}' exceeds maximum length of ${max}` : undefined);
}
export function nullableStr(max: number) { return (v: unknown) => (v === null ? undefined : str(max)(v)); }

export function toBoolean(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && ['true', '1'].includes(v.toLowerCase())) return true;
  if (typeof v === 'string' && ['false', '0'].includes(v.toLowerCase())) return false;
  if (v === 0 || v === 1) return v === 1;
  throw `'${fmt(v)}' cannot be converted to boolean`;
}
export function toInt(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  throw `'${fmt(v)}' is not an integer`;
}
export function toNullableInt(v: unknown): number | null { return v === null ? null : toInt(v); }
export function toList(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function uuid(v: unknown): string | undefined {
  return typeof v === 'string' && /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(v) ? undefined : `'${fmt(v)}' is not a valid UUID`;
}
export function nullableUuid(v: unknown) { return v === null ? undefined : uuid(v); }
export function ipAddress(v: unknown) { return typeof v === 'string' && parseIp(v) ? undefined : `'${fmt(v)}' is not a valid IP address`; }
export function nullableIp(v: unknown) { return v === null ? undefined : ipAddress(v); }
export function cidrOrIp(v: unknown) { return typeof v === 'string' && parseCidr(v) ? undefined : `'${fmt(v)}' is not a valid IP subnet`; }
export function nonNegative(v: unknown) { return typeof v === 'number' && v >= 0 ? undefined : `'${fmt(v)}' should be non-negative`; }
export function oneOf(values: unknown[]) { return (v: unknown) => (values.includes(v) ? undefined : `'${fmt(v)}' is not in ${fmtList(values)}`); }
export function isDict(v: unknown) { return v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : `'${fmt(v)}' is not a dictionary`; }

export function tagList(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `'${fmt(v)}' is not a list`;
  for (const t of v) {
    if (typeof t !== 'string') return `'${fmt(t)}' is not a valid string`;
    if (t.length > 255) return `'${t}' exceeds maximum length of 255`;
    if (t.includes(',')) return `'${t}' contains ','`;
  }
  return undefined;
}

export function ipList(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `'${fmt(v)}' is not a list`;
  const seen = new Set<string>();
  for (const ip of v) {
    if (typeof ip !== 'string' || !parseIp(ip)) return `'${fmt(ip)}' is not a valid nameserver. '${fmt(ip)}' is not a valid IP address`;
    const n = normalizeIp(ip)!;
    if (seen.has(n)) return `Duplicate nameserver '${ip}'`;
    seen.add(n);
  }
  return undefined;
}

export function hostRoutes(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `Invalid data format for hostroute: '${fmt(v)}'`;
  const seen = new Set<string>();
  for (const r of v) {
    if (r === null || typeof r !== 'object' || Object.keys(r).sort().join(',') !== 'destination,nexthop') return `Invalid data format for hostroute: '${fmt(r)}'`;
    if (!parseCidr(r.destination)) return `'${fmt(r.destination)}' is not a valid IP subnet`;
    if (!parseIp(r.nexthop)) return `'${fmt(r.nexthop)}' is not a valid IP address`;
    const key = `${r.destination}|${r.nexthop}`;
    if (seen.has(key)) return `Duplicate hostroute '${fmt(r)}'`;
    seen.add(key);
  }
  return undefined;
}

export function fmt(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'object') return pyRepr(v);
  return String(v);
}
function fmtList(values: unknown[]): string { return `[${values.map((x) => (typeof x === 'string' ? `'${x}'` : fmt(x))).join(', ')}]`; }
function pyRepr(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : pyRepr(x))).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `'${k}': ${typeof x === 'string' ? `'${x}'` : pyRepr(x)}`).join(', ')}}`;
  return fmt(v);
}

/** Standard attributes' times (times.ts). */
export const now = (): string => neutronTime();
