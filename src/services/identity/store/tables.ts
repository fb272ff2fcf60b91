import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../../core/db/database.js';
import { newTable, type Row, type Table } from '../../../core/db/table.js';
import type { IdentityDb } from './database.js';
import { textCondition } from './sqlite.js';

export type Extra = Record<string, unknown>;

export interface DomainRecord { id: string; name: string; description: string; enabled: boolean; extra: Extra; tags: string[] }
export interface ProjectRecord {
  id: string; name: string; domain_id: string; parent_id: string | null; description: string;
  enabled: boolean; extra: Extra; tags: string[];
}
export interface UserRecord {
  id: string; name: string; domain_id: string; enabled: boolean; default_project_id: string | null;
  extra: Extra; options: Extra; created_at: string; last_active_at: string | null;
  failed_auth_count: number; failed_auth_at: string | null;
}
export interface GroupRecord { id: string; name: string; domain_id: string; description: string; extra: Extra }
export interface RoleRecord { id: string; name: string; domain_id: string; description: string | null; options: Extra; extra: Extra }
export interface RegionRecord { id: string; description: string; parent_region_id: string | null; extra: Extra }
export interface ServiceRecord { id: string; type: string; enabled: boolean; extra: Extra }
export interface EndpointRecord {
  id: string; service_id: string; interface: string; url: string; region_id: string | null; enabled: boolean; extra: Extra;
}
export interface CredentialRecord { id: string; user_id: string; project_id: string | null; type: string; blob: string; extra: Extra }
export interface AppCredentialRecord {
  id: string; name: string; user_id: string; project_id: string; secret_hash: string; description: string | null;
  expires_at: string | null; unrestricted: boolean; roles: { id: string; name: string; domain_id: string | null }[];
}
/** An application credential access rule: what a token of the credential may call. */
export interface AccessRuleRecord { id: string; user_id: string; service: string; path: string; method: string }
export interface PolicyRecord { id: string; type: string; blob: string; extra: Extra }
export interface TrustRecord {
  id: string; trustor_user_id: string; trustee_user_id: string; project_id: string | null; impersonation: boolean;
  expires_at: string | null; remaining_uses: number | null; redelegation_count: number | null;
  roles: { id: string; name: string }[]; extra: Extra; deleted_at: string | null;
}
/** An OS-OAUTH1 consumer: its secret signs its requests (null for consumers made when only a hash was kept). */
export interface ConsumerRecord { id: string; description: string | null; secret_hash: string; secret: string | null; extra: Extra }
/** An OS-OAUTH1 request token; authorizing_user_id, verifier and role_ids are set when a user authorizes it. */
export interface RequestTokenRecord {
  id: string; request_secret: string; verifier: string | null; authorizing_user_id: string | null; requested_project_id: string;
  role_ids: string[] | null; consumer_id: string; expires_at: string | null;
}
/** An OS-OAUTH1 access token: a consumer may act for the authorizing user on the project with these roles. */
export interface AccessTokenRecord {
  id: string; access_secret: string; authorizing_user_id: string; project_id: string; role_ids: string[]; consumer_id: string; expires_at: string | null;
}
/** An OS-EP-FILTER endpoint group: filters over interface, service_id and region_id. */
export interface EndpointGroupRecord { id: string; name: string; description: string | null; filters: Record<string, unknown> }

/** A unified limits registered limit: a service's default for a resource (in a region, or none). */
export interface RegisteredLimitRecord {
  id: string; service_id: string; region_id: string | null; resource_name: string; default_limit: number; description: string | null;
}
/** A unified limit as the API shows it: its own columns and its registered limit's service, region and resource. */
export interface LimitRecord {
  id: string; registered_limit_id: string; project_id: string | null; domain_id: string | null; resource_limit: number; description: string | null;
  service_id: string; region_id: string | null; resource_name: string;
}

/** Keystone stores global roles with this sentinel so (name, domain_id) stays unique. */
export const NULL_DOMAIN = '<<null>>';

export interface IdentityTables {
  db: IdentityDb;
  domains: Table<DomainRecord>;
  projects: Table<ProjectRecord>;
  users: Table<UserRecord>;
  groups: Table<GroupRecord>;
  roles: Table<RoleRecord>;
  regions: Table<RegionRecord>;
  services: Table<ServiceRecord>;
  endpoints: Table<EndpointRecord>;
  credentials: Table<CredentialRecord>;
  appCredentials: Table<AppCredentialRecord>;
  accessRules: Table<AccessRuleRecord>;
  policies: Table<PolicyRecord>;
  trusts: Table<TrustRecord>;
  consumers: Table<ConsumerRecord>;
  requestTokens: Table<RequestTokenRecord>;
  accessTokens: Table<AccessTokenRecord>;
  endpointGroups: Table<EndpointGroupRecord>;
  registeredLimits: Table<RegisteredLimitRecord>;
}

export function identityTables(db: Db): IdentityTables {
  return {
    db,
    domains: newTable(db, 'domains', { bools: ['enabled'], json: ['extra', 'tags'] }),
    projects: newTable(db, 'projects', { bools: ['enabled'], json: ['extra', 'tags'] }),
    users: newTable(db, 'users', { bools: ['enabled'], json: ['extra', 'options'] }),
    groups: newTable(db, 'groups', { json: ['extra'] }),
    roles: newTable(db, 'roles', { json: ['extra', 'options'] }),
    regions: newTable(db, 'regions', { json: ['extra'] }),
    services: newTable(db, 'services', { bools: ['enabled'], json: ['extra'] }),
    endpoints: newTable(db, 'endpoints', { bools: ['enabled'], json: ['extra'] }),
    credentials: newTable(db, 'credentials', { json: ['extra'] }),
    appCredentials: newTable(db, 'application_credentials', { bools: ['unrestricted'], json: ['roles'] }),
    accessRules: newTable(db, 'access_rules', {}),
    policies: newTable(db, 'policies', { json: ['extra'] }),
    trusts: newTable(db, 'trusts', { bools: ['impersonation'], json: ['roles', 'extra'] }),
    consumers: newTable(db, 'consumers', { json: ['extra'] }),
    requestTokens: newTable(db, 'oauth1_request_tokens', { json: ['role_ids'] }),
    accessTokens: newTable(db, 'oauth1_access_tokens', { json: ['role_ids'] }),
    endpointGroups: newTable(db, 'endpoint_groups', { json: ['filters'] }),
    registeredLimits: newTable(db, 'registered_limits', {}),
  };
}

/**
 * A filter on one text attribute as Keystone's list hints carry it: `name=x` (equals),
 * `name__contains=x`, `name__istartswith=x` ... The `i` variants are case-insensitive.
 */
export interface TextMatch { attr: string; comparator: 'equals' | 'contains' | 'startswith' | 'endswith'; value: string; caseSensitive: boolean }

/** Names compare as DevStack's MySQL collation compares them: without regard to case. */
export const nameIs = (value: string, attr = 'name'): TextMatch => ({ attr, comparator: 'equals', value, caseSensitive: false });

/** A list's matches: the exact `name` filter (when given) and the others. */
export const withName = (name: string | undefined, matches: TextMatch[] = []): TextMatch[] =>
  name === undefined ? matches : [nameIs(name), ...matches];

/**
 * `table.list(where)` with text matches in SQL. An attribute is its column unless `columns` says
 * otherwise (an extra attribute kept in the JSON of `extra`, for one).
 */
export async function listMatching<R extends Row>(
  table: Table<R>, where: Row, matches: TextMatch[] = [], columns: Record<string, RawBuilder<unknown>> = {},
): Promise<R[]> {
  let q = table.db.selectFrom(table.name).selectAll();
  for (const [col, value] of Object.entries(where)) {
    if (value === undefined) continue;
    q = value === null ? q.where(col, 'is', null) : q.where(col, '=', value);
  }
  for (const m of matches) q = q.where(textCondition(columns[m.attr] ?? sql.ref(m.attr), m));
  return (await q.execute()).map(table.decode);
}
