// What compute's routes share: the negotiated microversion, the viewer, links, bodies. The caller
// (admin through the policy engine's context_is_admin) is core's callerOf(req.ctx).
import type { FastifyRequest } from 'fastify';
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import { atLeast, type Microversion, parse } from '../../../core/microversion/microversion.js';
import { MIN_VERSION } from '../microversions.js';
import { callerOf } from '../../../core/auth/caller.js';

export type WithVersion = FastifyRequest & { computeVersion?: Microversion };

/** The request's negotiated microversion (set by the module's onRequest hook). */
export function version(req: ApiRequest): Microversion {
  return (req.raw as WithVersion).computeVersion ?? parse(MIN_VERSION);
}
/** Whether the request's negotiated microversion is `want` or later. */
export const mv = (req: ApiRequest, want: string): boolean => atLeast(version(req), want);

/** `mv` bound to one request, for code that tests several versions (views, create's schema). */
export type MvCheck = (want: string) => boolean;
export function mvCheck(req: ApiRequest): MvCheck {
  const v = version(req);
  // NOTE: a view asks the same few versions once a server; a page of 1,000 asks them 20,000 times.
  const answers = new Map<string, boolean>();
  return (want) => {
    let yes = answers.get(want);
    if (yes === undefined) answers.set(want, (yes = atLeast(v, want)));
    return yes;
  };
}

/** The caller as flavors and server groups see it (no project: null). */
export function viewer(req: ApiRequest) {
  return { projectId: req.ctx.projectId ?? null, isAdmin: callerOf(req.ctx).isAdmin };
}

export function links(base: string, collection: string, id: string) {
  return [
    { rel: 'self', href: `${base}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${base}/${collection}/${id}` },
  ];
}

export function invalidInput(field: string, value: unknown, why: string): BadRequest {
  return new BadRequest(`Invalid input for field/attribute ${field}. Value: ${typeof value === 'string' ? value : JSON.stringify(value)}. ${why}`);
}

/** Nova's query integers (limit, marker-like): a non-negative integer or 400. */
export function queryInt(q: Record<string, unknown>, field: string, min = 0): number | undefined {
  const raw = q[field];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? String(raw[raw.length - 1]) : String(raw);
  if (!/^-?\d+$/.test(text)) throw invalidInput(field, text, `'${text}' does not match '^[0-9]*$'`);
  const n = Number(text);
  if (n < min) throw invalidInput(field, text, `${n} is less than the minimum of ${min}`);
  return n;
}

export function queryStr(q: Record<string, unknown>, field: string): string | undefined {
  const raw = q[field];
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? String(raw[raw.length - 1]) : String(raw);
}

/** oslo's strict boolean words (strutils.bool_from_string), or undefined for anything else. */
function boolFrom(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const s = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(s)) return false;
  return undefined;
}

export function bool(value: unknown, field: string): boolean {
  const b = boolFrom(value);
  if (b === undefined) throw invalidInput(field, value, `${JSON.stringify(value)} is not of type 'boolean'`);
  return b;
}

/** The servers' booleans: Nova's 'True'/'False' enum in the message. */
export function trueFalse(value: unknown, field: string): boolean {
  const b = boolFrom(value);
  if (b === undefined) {
    throw new BadRequest(`Invalid input for field/attribute ${field}. Value: ${String(value)}. '${String(value)}' is not one of ['True', 'False']`);
  }
  return b;
}
