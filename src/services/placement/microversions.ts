// Placement's microversions (1.0-1.39, as Zed ships them) and the one table of behaviour by version.
import { ApiError } from '../../core/errors/errors.js';
import { askedVersion, negotiate, type Microversion, type MicroversionSpec } from '../../core/microversion/microversion.js';

export { atLeast, format, type Microversion } from '../../core/microversion/microversion.js';

export const MIN_VERSION = '1.0';
export const MAX_VERSION = '1.39';

/** Where behaviour changes, by the first microversion that has it (placement's rest_api_version_history). */
export const MV = {
  aggregates: '1.1',                  // GET/PUT /resource_providers/{uuid}/aggregates
  customResourceClasses: '1.2',       // /resource_classes CRUD
  memberOf: '1.3',                    // ?member_of on GET /resource_providers
  resourcesFilter: '1.4',             // ?resources on GET /resource_providers
  deleteAllInventories: '1.5',        // DELETE /resource_providers/{uuid}/inventories
  traits: '1.6',                      // /traits and provider traits
  putResourceClassNoBody: '1.7',      // PUT /resource_classes/{name} creates, no body
  allocationOwnerRequired: '1.8',     // project_id and user_id required in PUT allocations
  projectUsages: '1.9',               // GET /usages
  allocationCandidates: '1.10',       // GET /allocation_candidates
  allocationsLink: '1.11',            // 'allocations' link on providers
  allocationsDict: '1.12',            // PUT allocations as a dict; GET shows project_id/user_id
  postAllocations: '1.13',            // POST /allocations
  nested: '1.14',                     // parent_provider_uuid, root_provider_uuid, in_tree
  cacheHeaders: '1.15',               // last-modified and cache-control
  candidatesLimit: '1.16',            // ?limit on allocation candidates
  candidatesRequired: '1.17',         // ?required on allocation candidates
  providersRequired: '1.18',          // ?required on GET /resource_providers
  aggregatesGeneration: '1.19',       // aggregates body with resource_provider_generation
  createReturnsBody: '1.20',          // POST /resource_providers answers 200 with the provider
  candidatesMemberOf: '1.21',         // ?member_of on allocation candidates
  forbiddenTraits: '1.22',            // !TRAIT in required
  errorCode: '1.23',                  // 'code' in error bodies
  multipleMemberOf: '1.24',           // repeated member_of
  granular: '1.25',                   // resources1= ... groups, group_policy
  reservedEqualsTotal: '1.26',        // reserved may equal total
  allSummaries: '1.27',               // provider_summaries list every class of the provider
  consumerGeneration: '1.28',         // consumer_generation
  nestedCandidates: '1.29',           // allocation candidates over trees
  reshaper: '1.30',                   // POST /reshaper
  candidatesInTree: '1.31',           // ?in_tree on allocation candidates
  forbiddenAggregates: '1.32',        // member_of=!uuid
  anySuffix: '1.33',                  // string request group suffixes
  mappings: '1.34',                   // mappings in allocation candidates
  rootRequired: '1.35',               // ?root_required
  sameSubtree: '1.36',                // ?same_subtree
  reparent: '1.37',                   // re-parenting and un-parenting
  consumerType: '1.38',               // consumer_type in allocations and usages
  anyTraits: '1.39',                  // required=in:A,B
} as const satisfies Record<string, string>;

/**
 * Body routes that exist only from a microversion (their handlers check it too): below it they answer
 * 404 even to a body their schema refuses, as placement checks the version before it reads the body.
 */
export const BODY_ROUTES_SINCE: Readonly<Record<string, keyof typeof MV>> = {
  'POST /resource_classes': 'customResourceClasses',
  'PUT /resource_providers/:uuid/traits': 'traits',
  'PUT /resource_providers/:uuid/aggregates': 'aggregates',
  'POST /allocations': 'postAllocations',
  'POST /reshaper': 'reshaper',
};

/** The 406 microversion_parse answers before the version is known (carries min/max in the body). */
export class BadMicroversion extends ApiError {
  readonly minVersion = MIN_VERSION;
  readonly maxVersion = MAX_VERSION;
  constructor(message: string) { super(406, message); }
}

/** `OpenStack-API-Version: placement X.Y` as microversion_parse's middleware negotiates it. */
export const PLACEMENT_VERSIONS: MicroversionSpec = {
  service: 'placement', min: MIN_VERSION, max: MAX_VERSION,
  // NOTE: microversion_parse reads any digits (01.05 is 1.5), unlike Nova's pattern.
  pattern: /^(\d+)\.(\d+)$/,
  malformed: (asked) => new BadMicroversion(`Invalid microversion: invalid version string: ${asked}`),
  unsupported: (asked) => new BadMicroversion(`Invalid microversion: Unacceptable version header: ${asked}`),
};

/** The requested version (1.0 when absent, `latest` the maximum); a malformed or out-of-range value is a 406. */
export function requestedVersion(headers: Record<string, string | string[] | undefined>): Microversion {
  const asked = askedVersion(headers, PLACEMENT_VERSIONS);
  // NOTE: only `latest` itself means the maximum here (LATEST is a malformed version).
  if (asked !== undefined && asked !== 'latest' && asked.toLowerCase() === 'latest') throw PLACEMENT_VERSIONS.malformed(asked);
  return negotiate(headers, PLACEMENT_VERSIONS);
}
