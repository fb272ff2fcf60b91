import { Type } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { PlacementDomain } from '../domain/placement-domain.js';
import type { ConsumerAllocations } from '../domain/allocations.service.js';
import { badRequest, isUuid, normUuid } from '../domain/common.js';
import { checkQuery, has, ownTarget, requireVersion, single } from './common.js';
import { pathUuid } from './resource-providers.routes.js';
import { modifiedAt } from './times.js';

// NOTE: placement's [placement] incomplete_consumer_project_id / _user_id defaults, used for
// allocations written before 1.8 without an owner.
const INCOMPLETE = '00000000-0000-0000-0000-000000000000';

/** One consumer's allocations: the members allowed, and the shape of `allocations`, depend on the microversion. */
const ConsumerBody = Type.Object({ allocations: Type.Unknown() });
/** POST /allocations: {consumer uuid: {allocations, project_id, user_id, ...}, ...}. */
const ConsumersBody = Type.Record(Type.String(), Type.Unknown(), { minProperties: 1 });

const invalid = (m: string) => badRequest(`JSON does not validate: ${m}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function resources(v: unknown, where: string): Record<string, number> {
  if (!isObject(v)) throw invalid(`${JSON.stringify(v)} is not of type 'object'`);
  if (Object.keys(v).length === 0) throw invalid(`{} does not have enough properties (in ${where})`);
  for (const [rc, n] of Object.entries(v)) {
    if (!/^[A-Z0-9_]+$/.test(rc)) throw invalid(`'${rc}' does not match any of the regexes: '^[0-9A-Z_]+$'`);
    if (!Number.isInteger(n)) throw invalid(`${JSON.stringify(n)} is not of type 'integer'`);
    if ((n as number) < 1) throw invalid(`${n} is less than the minimum of 1`);
  }
  return v as Record<string, number>;
}

function ownerFields(req: ApiRequest, b: Record<string, unknown>, allowed: Set<string>): { projectId: string; userId: string; consumerGeneration?: number | null; consumerType?: string } {
  const extra = Object.keys(b).filter((k) => !allowed.has(k));
  if (extra.length) throw invalid(`Additional properties are not allowed ('${extra[0]}' was unexpected)`);
  const needOwner = has(req, 'allocationOwnerRequired');
  for (const k of ['project_id', 'user_id']) {
    if (b[k] === undefined) { if (needOwner) throw invalid(`'${k}' is a required property`); continue; }
    if (typeof b[k] !== 'string' || (b[k] as string).length < 1 || (b[k] as string).length > 255) throw invalid(`${JSON.stringify(b[k])} is not of type 'string'`);
  }
  const out: { projectId: string; userId: string; consumerGeneration?: number | null; consumerType?: string } = {
    projectId: (b.project_id as string | undefined) ?? INCOMPLETE, userId: (b.user_id as string | undefined) ?? INCOMPLETE,
  };
  if (has(req, 'consumerGeneration')) {
    if (!('consumer_generation' in b)) throw invalid(`'consumer_generation' is a required property`);
    const g = b.consumer_generation;
    if (g !== null && !Number.isInteger(g)) throw invalid(`${JSON.stringify(g)} is not of type 'integer', 'null'`);
    out.consumerGeneration = g as number | null;
  }
  if (has(req, 'consumerType')) {
    const t = b.consumer_type;
    if (t === undefined) throw invalid(`'consumer_type' is a required property`);
    if (typeof t !== 'string' || !/^[A-Z0-9_]+$/.test(t) || t.length > 255) throw invalid(`${JSON.stringify(t)} does not match '^[A-Z0-9_]+$'`);
    out.consumerType = t;
  }
  return out;
}

function dictAllocations(v: unknown, allowEmpty: boolean): Record<string, Record<string, number>> {
  if (!isObject(v)) throw invalid(`${JSON.stringify(v)} is not of type 'object'`);
  if (!allowEmpty && Object.keys(v).length === 0) throw invalid(`{} does not have enough properties`);
  const out: Record<string, Record<string, number>> = {};
  for (const [rp, a] of Object.entries(v)) {
    if (!isUuid(rp)) throw invalid(`'${rp}' does not match any of the regexes`);
    if (!isObject(a)) throw invalid(`${JSON.stringify(a)} is not of type 'object'`);
    const extra = Object.keys(a).filter((k) => k !== 'resources' && k !== 'generation');
    if (extra.length) throw invalid(`Additional properties are not allowed ('${extra[0]}' was unexpected)`);
    if (!('resources' in a)) throw invalid(`'resources' is a required property`);
    out[normUuid(rp)] = resources(a.resources, rp);
  }
  return out;
}

/** The PUT body of one consumer at the request's microversion. */
function parsePut(req: ApiRequest, b: Record<string, unknown>, consumerUuid: string): ConsumerAllocations {
  const allowed = new Set(['allocations', 'project_id', 'user_id']);
  if (has(req, 'consumerGeneration')) allowed.add('consumer_generation');
  if (has(req, 'consumerType')) allowed.add('consumer_type');
  let allocations: Record<string, Record<string, number>>;
  if (has(req, 'allocationsDict')) {
    allocations = dictAllocations(b.allocations, has(req, 'consumerGeneration'));
  } else {
    const list = b.allocations;
    if (!Array.isArray(list)) throw invalid(`${JSON.stringify(list)} is not of type 'array'`);
    if (list.length === 0) throw invalid('[] is too short');
    allocations = {};
    for (const item of list) {
      if (!isObject(item) || !isObject(item.resource_provider) || typeof item.resource_provider.uuid !== 'string' || !isUuid(item.resource_provider.uuid)) {
        throw invalid(`'resource_provider' is a required property`);
      }
      const rp = normUuid(item.resource_provider.uuid);
      allocations[rp] = { ...(allocations[rp] ?? {}), ...resources(item.resources, rp) };
    }
  }
  return { consumerUuid, allocations, ...ownerFields(req, b, allowed) };
}

/** {consumer uuid: {allocations, project_id, user_id, ...}}: POST /allocations and the reshaper's allocations. */
export function parseConsumers(req: ApiRequest, b: unknown): ConsumerAllocations[] {
  if (!isObject(b)) throw invalid(`${JSON.stringify(b)} is not of type 'object'`);
  if (Object.keys(b).length === 0) throw invalid('{} does not have enough properties');
  const items: ConsumerAllocations[] = [];
  const allowed = new Set(['allocations', 'project_id', 'user_id']);
  if (has(req, 'consumerGeneration')) allowed.add('consumer_generation');
  if (has(req, 'consumerType')) allowed.add('consumer_type');
  for (const [consumer, body] of Object.entries(b)) {
    if (!isUuid(consumer)) throw invalid(`'${consumer}' does not match any of the regexes`);
    if (!isObject(body)) throw invalid(`${JSON.stringify(body)} is not of type 'object'`);
    if (!('allocations' in body)) throw invalid(`'allocations' is a required property`);
    const owner = ownerFields(req, body, allowed);
    if (body.project_id === undefined || body.user_id === undefined) throw invalid(`'project_id' is a required property`);
    items.push({ consumerUuid: normUuid(consumer), allocations: dictAllocations(body.allocations, true), ...owner });
  }
  return items;
}

export function allocationRoutes(d: PlacementDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/allocations/:consumer',
      handler: async (req) => {
        req.ctx.authorize('placement:allocations:list', ownTarget(req));
        const { consumer, allocations } = await d.allocations.ofConsumer(req.params.consumer);
        const out: Record<string, Record<string, unknown>> = {};
        for (const a of allocations) {
          const e = (out[a.provider_uuid] ??= { generation: a.generation, resources: {} as Record<string, number> });
          (e.resources as Record<string, number>)[a.resource_class] = a.used;
        }
        modifiedAt(req, allocations);
        const body: Record<string, unknown> = { allocations: out };
        if (consumer && allocations.length) {
          if (has(req, 'allocationsDict')) { body.project_id = consumer.project_id; body.user_id = consumer.user_id; }
          if (has(req, 'consumerGeneration')) body.consumer_generation = consumer.generation;
          if (has(req, 'consumerType')) body.consumer_type = consumer.consumer_type ?? 'unknown';
        }
        return body;
      },
    },
    route({
      method: 'PUT', url: '/allocations/:consumer', status: 204, schema: { body: ConsumerBody },
      handler: async (req) => {
        req.ctx.authorize('placement:allocations:update', ownTarget(req));
        await d.allocations.set([parsePut(req, req.body, req.params.consumer)]);
      },
    }),
    {
      method: 'DELETE', url: '/allocations/:consumer', status: 204,
      handler: async (req) => {
        req.ctx.authorize('placement:allocations:delete', ownTarget(req));
        await d.allocations.delete(req.params.consumer);
      },
    },
    route({
      method: 'POST', url: '/allocations', status: 204, schema: { body: ConsumersBody },
      handler: async (req) => {
        requireVersion(req, 'postAllocations');
        req.ctx.authorize('placement:allocations:manage', ownTarget(req));
        await d.allocations.set(parseConsumers(req, req.body));
      },
    }),
    {
      method: 'GET', url: '/resource_providers/:uuid/allocations',
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:allocations:list', ownTarget(req));
        const { provider, allocations } = await d.allocations.onProvider(pathUuid(req.params.uuid));
        const out: Record<string, { resources: Record<string, number> }> = {};
        for (const a of allocations) (out[a.consumer_uuid] ??= { resources: {} }).resources[a.resource_class] = a.used;
        modifiedAt(req, allocations);
        return { allocations: out, resource_provider_generation: provider.generation };
      },
    },
    {
      method: 'GET', url: '/resource_providers/:uuid/usages',
      handler: async (req) => {
        req.ctx.authorize('placement:resource_providers:usages', ownTarget(req));
        const { provider, usages } = await d.allocations.providerUsages(pathUuid(req.params.uuid));
        return { usages, resource_provider_generation: provider.generation };
      },
    },
    {
      method: 'GET', url: '/usages',
      handler: async (req) => {
        requireVersion(req, 'projectUsages');
        const q = req.query as Record<string, unknown>;
        const projectId = single(q, 'project_id');
        // NOTE: placement authorises against the project asked about, before it validates the query.
        req.ctx.authorize('placement:usages', { project_id: projectId });
        checkQuery(q, (k) => k === 'project_id' || k === 'user_id' || (k === 'consumer_type' && has(req, 'consumerType')));
        if (projectId === undefined) throw badRequest(`Invalid query string parameters: 'project_id' is a required property`);
        const type = single(q, 'consumer_type');
        if (type !== undefined && !/^([A-Z0-9_]+|all|unknown)$/.test(type)) throw badRequest(`Invalid query string parameters: '${type}' does not match '^([A-Z0-9_]+|all|unknown)$'`);
        return { usages: await d.allocations.projectUsages(projectId, single(q, 'user_id'), has(req, 'consumerType'), type) };
      },
    },
  ];
}
