// Helpers the server routes share: the caller, the request's microversion, links.
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { Caller } from '../domain/servers.service.js';

/** The highest compute microversion servers know (the module's maximum wins when lower). */
export const SERVERS_MAX_MV = '2.96';

export interface MvCheck { (v: string): boolean; version: string }

const parse = (v: string): [number, number] => { const [a, b] = v.split('.').map(Number); return [a ?? 2, b ?? 1]; };
export const mvAtLeast = (have: string, want: string): boolean => {
  const [a1, b1] = parse(have); const [a2, b2] = parse(want);
  return a1 > a2 || (a1 === a2 && b1 >= b2);
};

/** The microversion asked for (OpenStack-API-Version: compute X or X-OpenStack-Nova-API-Version), 2.1 by default. */
export function requestMv(req: ApiRequest, max = SERVERS_MAX_MV): MvCheck {
  let v = '2.1';
  const h1 = req.headers['openstack-api-version'];
  const h2 = req.headers['x-openstack-nova-api-version'];
  const text = typeof h1 === 'string' ? h1.split(',').map((s) => s.trim()).find((s) => s.toLowerCase().startsWith('compute '))?.slice(8).trim() : undefined;
  const asked = text ?? (typeof h2 === 'string' ? h2.trim() : undefined);
  if (asked) v = asked.toLowerCase() === 'latest' ? max : asked;
  const check = ((want: string) => mvAtLeast(v, want)) as MvCheck;
  check.version = v;
  return check;
}

export function callerOf(req: ApiRequest): Caller {
  const ctx = req.ctx;
  return {
    projectId: ctx.projectId ?? '', userId: ctx.userId ?? '',
    isAdmin: (ctx.token?.roles ?? []).some((r) => r.name === 'admin'),
    requestId: req.raw.id.startsWith('req-') ? req.raw.id : `req-${req.raw.id}`,
  };
}

export function bool(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(s)) return false;
  throw new BadRequest(`Invalid input for field/attribute ${field}. Value: ${String(value)}. '${String(value)}' is not one of ['True', 'False']`);
}

export function invalid(field: string, value: unknown, why: string): BadRequest {
  return new BadRequest(`Invalid input for field/attribute ${field}. Value: ${typeof value === 'string' ? value : JSON.stringify(value)}. ${why}`);
}
