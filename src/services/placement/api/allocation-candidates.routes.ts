import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { PlacementDomain } from '../domain/placement-domain.js';
import type { CandidatesRequest, RequestGroup } from '../domain/allocation-candidates.service.js';
import { badRequest, isUuid, normUuid } from '../domain/common.js';
import { ErrorCode } from '../faults.js';
import { has, many, ownTarget, parseMemberOf, parseRequired, parseResources, requireVersion, single } from './common.js';

const GROUP_KEYS = ['resources', 'required', 'member_of', 'in_tree'];

/** The query as placement's RequestGroup.dict_from_request reads it: unsuffixed and suffixed groups. */
async function parseRequest(d: PlacementDomain, req: ApiRequest): Promise<CandidatesRequest> {
  const q = req.query as Record<string, unknown>;
  const suffixRe = has(req, 'anySuffix') ? /^(resources|required|member_of|in_tree)([a-zA-Z0-9_-]{1,64})$/ : /^(resources|required|member_of|in_tree)([1-9][0-9]*)$/;
  const groups = new Map<string, Record<string, string[]>>();
  const top = new Set(['limit', 'group_policy']);
  if (has(req, 'rootRequired')) top.add('root_required');
  if (has(req, 'sameSubtree')) top.add('same_subtree');
  for (const key of Object.keys(q)) {
    if (top.has(key)) continue;
    let base = key; let suffix = '';
    if (!GROUP_KEYS.includes(key)) {
      const m = has(req, 'granular') ? suffixRe.exec(key) : null;
      if (!m) throw badRequest(`Invalid query string parameters: Additional properties are not allowed ('${key}' was unexpected)`);
      base = m[1]!; suffix = m[2]!;
    }
    if (base === 'required' && !has(req, 'candidatesRequired')) throw badRequest(`Invalid query string parameters: Additional properties are not allowed ('${key}' was unexpected)`);
    if (base === 'member_of' && !has(req, 'candidatesMemberOf')) throw badRequest(`Invalid query string parameters: Additional properties are not allowed ('${key}' was unexpected)`);
    if (base === 'in_tree' && !has(req, 'candidatesInTree')) throw badRequest(`Invalid query string parameters: Additional properties are not allowed ('${key}' was unexpected)`);
    const g = groups.get(suffix) ?? {};
    g[base] = many(q, key);
    groups.set(suffix, g);
  }
  const out: RequestGroup[] = [];
  for (const [suffix, g] of groups) {
    if (g.resources && g.resources.length > 1) throw badRequest(`Query parameter 'resources${suffix}' is allowed only once`, ErrorCode.ILLEGAL_DUPLICATE_QUERYPARAM);
    if (!g.resources && suffix !== '') {
      throw badRequest(`All traits parameters must be associated with resources.  Found the following orphaned traits keys: required${suffix}`);
    }
    const resources = g.resources ? parseResources(g.resources[0]!) : {};
    for (const rc of Object.keys(resources)) {
      if (!(await d.classes.exists(rc))) throw badRequest(`Invalid resource class in resources parameter: No such resource class ${rc}.`);
    }
    if (g.required && g.required.length > 1 && !has(req, 'anyTraits')) throw badRequest(`Query parameter 'required${suffix}' is allowed only once`, ErrorCode.ILLEGAL_DUPLICATE_QUERYPARAM);
    const traits = parseRequired(req, g.required ?? []);
    const unknown: string[] = [];
    for (const t of [...traits.required, ...traits.forbidden, ...traits.anyOf.flat()]) if (!(await d.traits.exists(t))) unknown.push(t);
    if (unknown.length) throw badRequest(`Invalid query string parameters: No such trait(s): ${unknown.join(', ')}`);
    const member = parseMemberOf(req, g.member_of ?? []);
    let inTree: string | undefined;
    if (g.in_tree) {
      const t = g.in_tree[0]!;
      if (g.in_tree.length > 1) throw badRequest(`Query parameter 'in_tree${suffix}' is allowed only once`, ErrorCode.ILLEGAL_DUPLICATE_QUERYPARAM);
      if (!isUuid(t)) throw badRequest(`Invalid query string parameters: '${t}' is not a 'uuid'`);
      inTree = normUuid(t);
    }
    out.push({ suffix, resources, required: traits.required, forbidden: traits.forbidden, anyOf: traits.anyOf, memberOf: member.memberOf, forbiddenAggregates: member.forbidden, inTree });
  }
  if (!out.some((g) => Object.keys(g.resources).length)) {
    throw badRequest(has(req, 'granular') ? `There must be at least one resources or resources[$S] parameter.` : `Invalid query string parameters: 'resources' is a required property`, ErrorCode.QUERYPARAM_MISSING_VALUE);
  }
  const limitText = single(q, 'limit');
  let limit: number | undefined;
  if (limitText !== undefined) {
    if (!has(req, 'candidatesLimit')) throw badRequest(`Invalid query string parameters: Additional properties are not allowed ('limit' was unexpected)`);
    if (!/^[1-9][0-9]*$/.test(limitText)) throw badRequest(`Invalid query string parameters: '${limitText}' does not match '^[1-9][0-9]*$'`);
    limit = Number(limitText);
  }
  const groupPolicy = single(q, 'group_policy');
  if (groupPolicy !== undefined) {
    if (!has(req, 'granular')) throw badRequest(`Invalid query string parameters: Additional properties are not allowed ('group_policy' was unexpected)`);
    if (groupPolicy !== 'none' && groupPolicy !== 'isolate') throw badRequest(`Invalid query string parameters: '${groupPolicy}' is not one of ['none', 'isolate']`);
  }
  if (out.filter((g) => g.suffix !== '').length > 1 && groupPolicy === undefined) {
    throw badRequest(`The "group_policy" parameter is required when specifying more than one "resources{N}" parameter.`);
  }
  let rootRequired: CandidatesRequest['rootRequired'];
  const rr = many(q, 'root_required');
  if (rr.length) { const t = parseRequired(req, rr); rootRequired = { required: t.required, forbidden: t.forbidden }; }
  const sameSubtree: string[][] = [];
  for (const v of many(q, 'same_subtree')) {
    const set = v.split(',').map((x) => x.trim());
    const known = new Set(out.map((g) => g.suffix));
    const missing = set.filter((x) => !known.has(x));
    if (set.some((x) => x === '') || missing.length) {
      throw badRequest(`Real request group suffixes are required in same_subtree. The following suffixes were not found in the request: ${missing.join(', ') || v}`, ErrorCode.QUERYPARAM_BAD_VALUE);
    }
    sameSubtree.push(set);
  }
  return { sameSubtree, groups: out, groupPolicy: groupPolicy as 'none' | 'isolate' | undefined, limit, nested: has(req, 'nestedCandidates'), rootRequired, distinctMappings: has(req, 'mappings') };
}

export function allocationCandidateRoutes(d: PlacementDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/allocation_candidates',
      handler: async (req) => {
        requireVersion(req, 'allocationCandidates');
        req.ctx.authorize('placement:allocation_candidates:list', ownTarget(req));
        const request = await parseRequest(d, req);
        const { candidates, summaries } = await d.candidates.find(request);
        const requested = new Set(request.groups.flatMap((g) => Object.keys(g.resources)));
        const allocation_requests = candidates.map((c) => {
          if (!has(req, 'allocationsDict')) {
            return { allocations: Object.entries(c.allocations).map(([uuid, resources]) => ({ resource_provider: { uuid }, resources })) };
          }
          const out: Record<string, unknown> = { allocations: Object.fromEntries(Object.entries(c.allocations).map(([uuid, resources]) => [uuid, { resources }])) };
          if (has(req, 'mappings')) out.mappings = c.mappings;
          return out;
        });
        const provider_summaries: Record<string, unknown> = {};
        for (const s of summaries) {
          const resources = has(req, 'allSummaries') ? s.resources : Object.fromEntries(Object.entries(s.resources).filter(([rc]) => requested.has(rc)));
          const e: Record<string, unknown> = { resources };
          if (has(req, 'candidatesRequired')) e.traits = s.traits;
          if (has(req, 'nestedCandidates')) { e.parent_provider_uuid = s.provider.parent_uuid; e.root_provider_uuid = s.provider.root_uuid; }
          provider_summaries[s.provider.uuid] = e;
        }
        return { allocation_requests, provider_summaries };
      },
    },
  ];
}
