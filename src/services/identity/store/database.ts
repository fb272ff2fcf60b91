// The identity tables as SQL holds them (migrations.ts creates them), so that Kysely checks every
// table, column and value of the stores and of the domain's queries. Booleans are 0/1 and
// extra, tags, options, roles and filters are JSON text; the records (tables.ts) are what the domain sees.
import type { Generated } from 'kysely';
import type { Db } from '../../../core/db/database.js';

type Json = string;
type Bool = number;

/** The identity database: every identity table by name. */
export interface IdentityDatabase {
  domains: { id: string; name: string; description: string; enabled: Bool; extra: Json; tags: Json };
  projects: {
    id: string; name: string; domain_id: string; parent_id: string | null; description: string; enabled: Bool; extra: Json; tags: Json;
  };
  users: {
    id: string; name: string; domain_id: string; enabled: Bool; default_project_id: string | null; extra: Json; options: Json;
    created_at: string; last_active_at: string | null; failed_auth_count: number; failed_auth_at: string | null;
  };
  passwords: { id: Generated<number>; user_id: string; hash: string; created_at: string; expires_at: string | null };
  groups: { id: string; name: string; domain_id: string; description: string; extra: Json };
  group_members: { group_id: string; user_id: string };
  roles: { id: string; name: string; domain_id: string; description: string | null; options: Json; extra: Json };
  implied_roles: { prior_role_id: string; implied_role_id: string };
  /** actor_type: user|group; target_type: project|domain|system (target_id 'all' for system). */
  assignments: {
    actor_type: 'user' | 'group'; actor_id: string; target_type: 'project' | 'domain' | 'system'; target_id: string; role_id: string; inherited: Bool;
  };
  regions: { id: string; description: string; parent_region_id: string | null; extra: Json };
  services: { id: string; type: string; enabled: Bool; extra: Json };
  endpoints: { id: string; service_id: string; interface: string; url: string; region_id: string | null; enabled: Bool; extra: Json };
  credentials: { id: string; user_id: string; project_id: string | null; type: string; blob: string; extra: Json };
  application_credentials: {
    id: string; name: string; user_id: string; project_id: string; secret_hash: string; description: string | null;
    expires_at: string | null; unrestricted: Bool; roles: Json;
  };
  revocation_events: {
    id: Generated<number>; user_id: string | null; project_id: string | null; domain_id: string | null; role_id: string | null;
    audit_id: string | null; audit_chain_id: string | null; access_token_id: string | null; trust_id: string | null;
    consumer_id: string | null; issued_before: string; revoked_at: string;
  };
  policies: { id: string; type: string; blob: string; extra: Json };
  trusts: {
    id: string; trustor_user_id: string; trustee_user_id: string; project_id: string | null; impersonation: Bool;
    expires_at: string | null; remaining_uses: number | null; redelegation_count: number | null; roles: Json; extra: Json;
    deleted_at: string | null;
  };
  consumers: { id: string; description: string | null; secret_hash: string; secret: string | null; extra: Json };
  /** OS-OAUTH1 request tokens: role_ids is a JSON list, set with the verifier when a user authorizes. */
  oauth1_request_tokens: {
    id: string; request_secret: string; verifier: string | null; authorizing_user_id: string | null; requested_project_id: string;
    role_ids: Json | null; consumer_id: string; expires_at: string | null;
  };
  oauth1_access_tokens: {
    id: string; access_secret: string; authorizing_user_id: string; project_id: string; role_ids: Json; consumer_id: string; expires_at: string | null;
  };
  endpoint_groups: { id: string; name: string; description: string | null; filters: Json };
  project_endpoint_groups: { endpoint_group_id: string; project_id: string };
  /** Keystone's whitelisted_config and sensitive_config in one table. */
  domain_configs: { domain_id: string; config_group: string; option_name: string; value: string; sensitive: Bool };
  /** Keystone's access_rule; id is its external_id. */
  access_rules: { id: string; user_id: string; service: string; path: string; method: string };
  /** Which rules a credential has, in the order it was created with. */
  application_credential_access_rules: { application_credential_id: string; access_rule_id: string; position: number };
  /** Keystone's registered_limit: a service's default for a resource, in a region or none. */
  registered_limits: {
    id: string; service_id: string; region_id: string | null; resource_name: string; default_limit: number; description: string | null;
  };
  /** Keystone's limit: a project's (or a domain's) value for a registered limit. */
  limits: {
    id: string; registered_limit_id: string; project_id: string | null; domain_id: string | null; resource_limit: number; description: string | null;
  };
}

/** A handle on the identity tables. */
export type IdentityDb = Db<IdentityDatabase>;
