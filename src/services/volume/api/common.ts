// What every Cinder route shares: the negotiated microversion, the caller, the URL's project and
// the link base.
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { callerOf, type Caller } from '../../../core/auth/caller.js';
import { BadRequest, NotFound } from '../../../core/errors/errors.js';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { parse } from '../../../core/microversion/microversion.js';
import { atLeast, MIN_VERSION, type Microversion } from '../microversions.js';

export const VOLUME_PATH = '/volume';
export type WithVersion = FastifyRequest & { volumeVersion?: Microversion };

export function version(req: ApiRequest): Microversion {
  return (req.raw as WithVersion).volumeVersion ?? parse(MIN_VERSION);
}
export const mv = (req: ApiRequest, want: string): boolean => atLeast(version(req), want);

/** A resource that a microversion brought: before `want` Cinder's router does not know it (404). */
export function requireVersion(req: ApiRequest, want: string): void {
  if (!mv(req, want)) throw new NotFound('The resource could not be found.');
}

/**
 * The caller, after Cinder's check that the URL's project is the token's ("Malformed request
 * url" otherwise, as cinder/api/openstack/wsgi.py answers).
 */
export function caller(req: ApiRequest<unknown, { project_id?: string }>): Caller {
  const c = callerOf(req.ctx);
  if (req.params.project_id !== undefined && req.params.project_id !== c.projectId) throw new BadRequest('Malformed request url');
  return c;
}

/**
 * Cinder's self and bookmark links of a resource; `base` is http://HOST_IP:PORT/volume. They name
 * the project only when the request's URL did (cinder/api/common.py `_get_project_id_in_url`).
 */
export function links(base: string, projectId: string | undefined, collection: string, id: string) {
  const p = projectId ? `${projectId}/` : '';
  return [
    { href: `${base}/v3/${p}${collection}/${id}`, rel: 'self' },
    { href: `${base}/${p}${collection}/${id}`, rel: 'bookmark' },
  ];
}

/**
 * Cinder's ProjectMapper (3.67): every `/v3/{project_id}/...` route also answers without the
 * project segment, at every microversion (3.67 only tells clients so); the project is then the
 * token's. Routes are declared once with `:project_id` and doubled here.
 */
export function withoutProjectIds(routes: RouteSpec[]): RouteSpec[] {
  const prefix = '/v3/:project_id/';
  return routes.flatMap((r) => (r.url.startsWith(prefix) ? [r, { ...r, url: `/v3/${r.url.slice(prefix.length)}` }] : [r]));
}

/** The URL's project: absent when the request left it out (3.67). */
const UrlProject = Type.Optional(Type.String());
export const ProjectParams = Type.Object({ project_id: UrlProject });
export const IdParams = Type.Object({ project_id: UrlProject, id: Type.String() });
export const KeyParams = Type.Object({ project_id: UrlProject, id: Type.String(), key: Type.String() });
/** Query strings are read by the domain (Cinder ignores nothing it cannot parse). */
export const AnyQuery = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
/** Cinder's metadata: string keys 1-255, string values up to 255. */
export const Metadata = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.String({ maxLength: 255 }));
