// Compute microversions: 2.1 .. MAX, negotiated from `OpenStack-API-Version: compute X` (wins) or
// `X-OpenStack-Nova-API-Version: X`; `latest` is MAX; both headers and Vary are echoed.
import { BadRequest } from '../../core/errors/errors.js';
import { type Microversion, type MicroversionSpec, negotiate as negotiateVersion } from '../../core/microversion/microversion.js';
import { NotAcceptable } from './faults.js';

export const MIN_VERSION = '2.1';
// NOTE: Zed stops at 2.93; 2.94-2.96 change only servers (hostname FQDN, evacuate stopped, pinned
// AZ), which compute's servers implement.
export const MAX_VERSION = '2.96';

/** Behaviour changes the non-server resources honour (nova/api/openstack/api_version_request.py). */
export const MV = {
  keypairX509: '2.2',            // keypair `type` (ssh | x509)
  flavorExtraSpecsAccess: '2.7', // add_tenant_access on a public flavor is 409
  keypairUserId: '2.10',         // admin's ?user_id= and body user_id
  aggregateUuid: '2.41',         // aggregate `uuid`
  quotaNoNetwork: '2.36',        // no floating_ips/fixed_ips/security_group* quotas and limits; proxy APIs 404
  networkProxies: '2.36',        // os-security-groups, -rules, os-floating-ips, -pools, os-networks, os-tenant-networks: 404
  limitsNoImageMeta: '2.39',     // maxImageMeta gone from limits
  keypairPagination: '2.35',     // keypairs limit/marker
  floatingIpActionsRemoved: '2.44', // addFloatingIp/removeFloatingIp actions gone
  flavorDescription: '2.55',     // flavor description, PUT /flavors/{id}
  quotaNoInjected: '2.57',       // no injected_file* quotas/limits (personality)
  flavorExtraSpecsInBody: '2.61',// extra_specs in flavor views
  serverGroupPolicy: '2.64',     // policy + rules instead of policies; metadata gone
  flavorSwapZero: '2.75',        // swap 0 instead of "" in flavor views
  keypairGenerationRemoved: '2.92', // public_key required on create; name may hold '@' etc.
} as const;

/** Compute's versions and Nova's refusals (nova/api/openstack/wsgi.py, api_version_request.py). */
export const COMPUTE_VERSIONS: MicroversionSpec = {
  service: 'compute',
  min: MIN_VERSION,
  max: MAX_VERSION,
  legacyHeader: 'X-OpenStack-Nova-API-Version',
  malformed: (asked) => new BadRequest(`API Version String ${asked} is of invalid format. Must be of format MajorNum.MinorNum.`),
  unsupported: (asked) => new NotAcceptable(`Version ${asked} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`),
};

/** The request's version, or BadRequest (malformed) / NotAcceptable (406, out of range). */
export const negotiate = (headers: Record<string, string | string[] | undefined>): Microversion => negotiateVersion(headers, COMPUTE_VERSIONS);
