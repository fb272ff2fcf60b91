// What every placement route shares: the request's microversion, links, query parsing and the
// version gate (a route outside its microversions answers 404, as placement's does).
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import { ErrorCode } from '../faults.js';
import { parse } from '../../../core/microversion/microversion.js';
import { atLeast, MIN_VERSION, MV, type Microversion } from '../microversions.js';
import { badRequest, isUuid, normUuid, notFound } from '../domain/common.js';

export const PLACEMENT_PATH = '/placement';

type Gate = keyof typeof MV;

export function mvOf(req: ApiRequest): Microversion {
  return (req.raw as unknown as { placementVersion?: Microversion }).placementVersion ?? parse(MIN_VERSION);
}

export function has(req: ApiRequest, feature: Gate): boolean { return atLeast(mvOf(req), MV[feature]); }

/** A route that exists only from `feature`'s microversion on. */
export function requireVersion(req: ApiRequest, feature: Gate): void {
  if (!has(req, feature)) throw notFound('The resource could not be found.');
}

/** The default policy target: the caller's own project and user. */
export const ownTarget = (req: ApiRequest) => ({ project_id: req.ctx.projectId, user_id: req.ctx.userId });

export function providerUrl(uuid: string): string { return `${PLACEMENT_PATH}/resource_providers/${uuid}`; }

/** Placement validates query strings too: an unknown parameter is a 400. */
export function checkQuery(query: Record<string, unknown>, allowed: (key: string) => boolean): void {
  const extra = Object.keys(query).filter((k) => !allowed(k));
  if (extra.length) {
    throw badRequest(`Invalid query string parameters: Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
  }
}

/** One value of a query parameter that may not repeat. */
export function single(query: Record<string, unknown>, key: string): string | undefined {
  const v = query[key];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw badRequest(`Query parameter '${key}' is allowed only once`, ErrorCode.ILLEGAL_DUPLICATE_QUERYPARAM);
  return String(v);
}
export function many(query: Record<string, unknown>, key: string): string[] {
  const v = query[key];
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

/** `VCPU:1,MEMORY_MB:512` → {VCPU: 1, MEMORY_MB: 512}. */
export function parseResources(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^([A-Z0-9_]+):(\d+)$/.exec(part.trim());
    if (!m) {
      throw badRequest(`Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: ${text}.`, ErrorCode.QUERYPARAM_BAD_VALUE);
    }
    const n = Number(m[2]);
    if (n < 1) throw badRequest(`Requested resource class '${m[1]}' has an amount of zero or less: ${n}.`, ErrorCode.QUERYPARAM_BAD_VALUE);
    if (m[1]! in out) throw badRequest(`Query parameter 'resources' has resource class '${m[1]}' more than once.`, ErrorCode.QUERYPARAM_BAD_VALUE);
    out[m[1]!] = n;
  }
  return out;
}

/** `required` values: `A,!B` (1.22 for `!`), `in:C,D` (1.39). */
export function parseRequired(req: ApiRequest, values: string[]): { required: string[]; forbidden: string[]; anyOf: string[][] } {
  const out = { required: [] as string[], forbidden: [] as string[], anyOf: [] as string[][] };
  for (const v of values) {
    if (v.startsWith('in:')) {
      if (!has(req, 'anyTraits')) throw badRequest(`Invalid query string parameters: Expected 'required' parameter value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: ${v}`, ErrorCode.QUERYPARAM_BAD_VALUE);
      const set = v.slice(3).split(',').map((s) => s.trim()).filter(Boolean);
      if (!set.length) throw badRequest(`Invalid query string parameters: Expected 'required' parameter value of the form: in:HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: ${v}`, ErrorCode.QUERYPARAM_BAD_VALUE);
      out.anyOf.push(set);
      continue;
    }
    const parts = v.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '' || p === '!')) {
      throw badRequest(`Invalid query string parameters: Expected 'required' parameter value of the form: HW_CPU_X86_VMX,CUSTOM_MAGIC. Got: ${v}`, ErrorCode.QUERYPARAM_BAD_VALUE);
    }
    for (const p of parts) {
      if (p.startsWith('!') && has(req, 'forbiddenTraits')) out.forbidden.push(p.slice(1));
      else out.required.push(p);
    }
  }
  return out;
}

/** `member_of` values: `uuid`, `in:a,b`, (1.32) `!uuid`, `!in:a,b`. */
export function parseMemberOf(req: ApiRequest, values: string[]): { memberOf: string[][]; forbidden: string[] } {
  if (values.length > 1 && !has(req, 'multipleMemberOf')) throw badRequest(`Query parameter 'member_of' is allowed only once`, ErrorCode.ILLEGAL_DUPLICATE_QUERYPARAM);
  const out = { memberOf: [] as string[][], forbidden: [] as string[] };
  for (const raw of values) {
    let v = raw;
    const negated = v.startsWith('!') && has(req, 'forbiddenAggregates');
    if (negated) v = v.slice(1);
    const list = v.startsWith('in:') ? v.slice(3).split(',') : [v];
    if (negated && v.startsWith('in:') === false && list.length > 1) throw badRequest('Invalid query string parameters');
    for (const u of list) {
      if (!isUuid(u.trim())) throw badRequest(`Invalid query string parameters: Expected 'member_of' parameter to contain valid UUID(s). Got: ${raw}`, ErrorCode.QUERYPARAM_BAD_VALUE);
    }
    const uuids = list.map((u) => normUuid(u.trim()));
    if (negated) out.forbidden.push(...uuids); else out.memberOf.push(uuids);
  }
  return out;
}

export function uuidParam(value: string, what = 'uuid'): string {
  if (!isUuid(value)) throw badRequest(`Invalid ${what}: ${value}`);
  return normUuid(value);
}
