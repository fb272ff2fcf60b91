import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { PlacementDomain } from '../domain/placement-domain.js';
import { badRequest, isUuid } from '../domain/common.js';
import { has, ownTarget, requireVersion } from './common.js';
import { pathUuid } from './resource-providers.routes.js';
import { modifiedAt } from './times.js';

/** A list (before 1.19) or an object (from 1.19): which one, and its members, the handler checks by microversion. */
const AggregatesBody = Type.Union([Type.Array(Type.Unknown()), Type.Record(Type.String(), Type.Unknown())]);

/** Before 1.19 the body is a bare list of uuids; from 1.19 {aggregates, resource_provider_generation}. */
function parseBody(body: unknown, withGeneration: boolean): { aggregates: string[]; generation?: number } {
  const list = (v: unknown): string[] => {
    if (!Array.isArray(v) || v.some((u) => typeof u !== 'string' || !isUuid(u))) throw badRequest(`JSON does not validate: ${JSON.stringify(v)} is not valid under any of the given schemas`);
    if (new Set(v).size !== v.length) throw badRequest(`JSON does not validate: ${JSON.stringify(v)} has non-unique elements`);
    return v as string[];
  };
  if (!withGeneration) return { aggregates: list(body) };
  const b = body as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw badRequest(`JSON does not validate: ${JSON.stringify(body)} is not of type 'object'`);
  const extra = Object.keys(b).filter((k) => k !== 'aggregates' && k !== 'resource_provider_generation');
  if (extra.length) throw badRequest(`JSON does not validate: Additional properties are not allowed ('${extra[0]}' was unexpected)`);
  if (!('aggregates' in b)) throw badRequest(`JSON does not validate: 'aggregates' is a required property`);
  if (!Number.isInteger(b.resource_provider_generation)) throw badRequest(`JSON does not validate: 'resource_provider_generation' is a required property`);
  return { aggregates: list(b.aggregates), generation: b.resource_provider_generation as number };
}

export function aggregateRoutes(d: PlacementDomain): RouteSpec[] {
  const view = (withGen: boolean, p: { generation: number }, aggregates: string[]) =>
    (withGen ? { aggregates, resource_provider_generation: p.generation } : { aggregates });
  return [
    {
      method: 'GET', url: '/resource_providers/:uuid/aggregates',
      handler: async (req) => {
        requireVersion(req, 'aggregates');
        req.ctx.authorize('placement:resource_providers:aggregates:list', ownTarget(req));
        const { provider, aggregates } = await d.providers.aggregatesOf(pathUuid(req.params.uuid));
        return view(has(req, 'aggregatesGeneration'), provider, aggregates);
      },
    },
    route({
      method: 'PUT', url: '/resource_providers/:uuid/aggregates', schema: { body: AggregatesBody },
      handler: async (req) => {
        requireVersion(req, 'aggregates');
        req.ctx.authorize('placement:resource_providers:aggregates:update', ownTarget(req));
        const withGen = has(req, 'aggregatesGeneration');
        const { aggregates, generation } = parseBody(req.body, withGen);
        const r = await d.providers.setAggregates(pathUuid(req.params.uuid), aggregates, generation);
        modifiedAt(req);
        return view(withGen, r.provider, r.aggregates);
      },
    }),
  ];
}
