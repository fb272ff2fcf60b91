import type { Migration } from '../../../core/db/database.js';

export const identityMigrations: Migration[] = [
  {
    id: '001-identity',
    statements: [
      `CREATE TABLE domains (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL DEFAULT '',
        enabled INTEGER NOT NULL DEFAULT 1, extra TEXT NOT NULL DEFAULT '{}', tags TEXT NOT NULL DEFAULT '[]')`,
      `CREATE TABLE projects (id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domains(id),
        parent_id TEXT REFERENCES projects(id), description TEXT NOT NULL DEFAULT '', enabled INTEGER NOT NULL DEFAULT 1,
        extra TEXT NOT NULL DEFAULT '{}', tags TEXT NOT NULL DEFAULT '[]', UNIQUE (domain_id, name))`,
      `CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domains(id),
        enabled INTEGER NOT NULL DEFAULT 1, default_project_id TEXT, extra TEXT NOT NULL DEFAULT '{}',
        options TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL, last_active_at TEXT,
        failed_auth_count INTEGER NOT NULL DEFAULT 0, failed_auth_at TEXT, UNIQUE (domain_id, name))`,
      `CREATE TABLE passwords (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        hash TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT)`,
      `CREATE INDEX passwords_user ON passwords (user_id, id)`,
      `CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL REFERENCES domains(id),
        description TEXT NOT NULL DEFAULT '', extra TEXT NOT NULL DEFAULT '{}', UNIQUE (domain_id, name))`,
      `CREATE TABLE group_members (group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, PRIMARY KEY (group_id, user_id))`,
      `CREATE TABLE roles (id TEXT PRIMARY KEY, name TEXT NOT NULL, domain_id TEXT NOT NULL DEFAULT '<<null>>',
        description TEXT, options TEXT NOT NULL DEFAULT '{}', extra TEXT NOT NULL DEFAULT '{}', UNIQUE (name, domain_id))`,
      `CREATE TABLE implied_roles (prior_role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        implied_role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE, PRIMARY KEY (prior_role_id, implied_role_id))`,
      // actor_type: user|group; target_type: project|domain|system (target_id 'all' for system).
      `CREATE TABLE assignments (actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, target_type TEXT NOT NULL,
        target_id TEXT NOT NULL, role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE, inherited INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (actor_type, actor_id, target_type, target_id, role_id, inherited))`,
      `CREATE INDEX assignments_target ON assignments (target_type, target_id)`,
      `CREATE TABLE regions (id TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '', parent_region_id TEXT,
        extra TEXT NOT NULL DEFAULT '{}')`,
      `CREATE TABLE services (id TEXT PRIMARY KEY, type TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1,
        extra TEXT NOT NULL DEFAULT '{}')`,
      `CREATE TABLE endpoints (id TEXT PRIMARY KEY, service_id TEXT NOT NULL REFERENCES services(id),
        interface TEXT NOT NULL, url TEXT NOT NULL, region_id TEXT, enabled INTEGER NOT NULL DEFAULT 1,
        extra TEXT NOT NULL DEFAULT '{}')`,
      `CREATE TABLE credentials (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, project_id TEXT, type TEXT NOT NULL,
        blob TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}')`,
      `CREATE TABLE application_credentials (id TEXT PRIMARY KEY, name TEXT NOT NULL, user_id TEXT NOT NULL,
        project_id TEXT NOT NULL, secret_hash TEXT NOT NULL, description TEXT, expires_at TEXT,
        unrestricted INTEGER NOT NULL DEFAULT 0, roles TEXT NOT NULL DEFAULT '[]', UNIQUE (user_id, name))`,
      `CREATE TABLE revocation_events (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT, project_id TEXT,
        domain_id TEXT, role_id TEXT, audit_id TEXT, audit_chain_id TEXT, access_token_id TEXT,
        trust_id TEXT, consumer_id TEXT, issued_before TEXT NOT NULL, revoked_at TEXT NOT NULL)`,
      `CREATE TABLE policies (id TEXT PRIMARY KEY, type TEXT NOT NULL, blob TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}')`,
      `CREATE TABLE trusts (id TEXT PRIMARY KEY, trustor_user_id TEXT NOT NULL, trustee_user_id TEXT NOT NULL,
        project_id TEXT, impersonation INTEGER NOT NULL, expires_at TEXT, remaining_uses INTEGER,
        redelegation_count INTEGER, roles TEXT NOT NULL DEFAULT '[]', extra TEXT NOT NULL DEFAULT '{}', deleted_at TEXT)`,
    ],
  },
  {
    id: '002-identity-extras',
    statements: [
      `CREATE TABLE consumers (id TEXT PRIMARY KEY, description TEXT, secret_hash TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}')`,
      `CREATE TABLE endpoint_groups (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, filters TEXT NOT NULL DEFAULT '{}')`,
      `CREATE TABLE project_endpoint_groups (endpoint_group_id TEXT NOT NULL REFERENCES endpoint_groups(id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE, PRIMARY KEY (endpoint_group_id, project_id))`,
      // Keystone's whitelisted_config and sensitive_config in one table; the rows go with their domain.
      `CREATE TABLE domain_configs (domain_id TEXT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
        config_group TEXT NOT NULL, option_name TEXT NOT NULL, value TEXT NOT NULL, sensitive INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (domain_id, config_group, option_name))`,
    ],
  },
  {
    // Names compare without regard to case, as DevStack's MySQL collation compares them: unique
    // per domain (roles per domain or global) whatever their case; lookups use lower(name).
    id: '003-identity-names-ignore-case',
    statements: [
      `CREATE UNIQUE INDEX domains_name_ci ON domains (lower(name))`,
      `CREATE UNIQUE INDEX projects_name_ci ON projects (domain_id, lower(name))`,
      `CREATE UNIQUE INDEX users_name_ci ON users (domain_id, lower(name))`,
      `CREATE UNIQUE INDEX groups_name_ci ON groups (domain_id, lower(name))`,
      `CREATE UNIQUE INDEX roles_name_ci ON roles (domain_id, lower(name))`,
    ],
  },
  {
    id: '004-access-rules',
    statements: [
      // Keystone's access_rule (external_id as id) and application_credential_access_rule: a rule
      // belongs to a user and is shared by that user's credentials naming the same service, path
      // and method; it goes with its user, and cannot go while a credential uses it.
      `CREATE TABLE access_rules (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        service TEXT NOT NULL, path TEXT NOT NULL, method TEXT NOT NULL, UNIQUE (user_id, service, path, method))`,
      `CREATE TABLE application_credential_access_rules (
        application_credential_id TEXT NOT NULL REFERENCES application_credentials(id) ON DELETE CASCADE,
        access_rule_id TEXT NOT NULL REFERENCES access_rules(id), position INTEGER NOT NULL,
        PRIMARY KEY (application_credential_id, access_rule_id))`,
      `CREATE INDEX application_credential_access_rules_rule ON application_credential_access_rules (access_rule_id)`,
    ],
  },
  {
    id: '005-oauth1-tokens',
    statements: [
      // OAuth1 signatures are keyed by the consumer's secret itself, as Keystone keeps it; consumers
      // made before this (only a hash kept) cannot sign.
      `ALTER TABLE consumers ADD COLUMN secret TEXT`,
      `CREATE TABLE oauth1_request_tokens (id TEXT PRIMARY KEY, request_secret TEXT NOT NULL, verifier TEXT,
        authorizing_user_id TEXT, requested_project_id TEXT NOT NULL, role_ids TEXT,
        consumer_id TEXT NOT NULL REFERENCES consumers(id) ON DELETE CASCADE, expires_at TEXT)`,
      `CREATE TABLE oauth1_access_tokens (id TEXT PRIMARY KEY, access_secret TEXT NOT NULL, authorizing_user_id TEXT NOT NULL,
        project_id TEXT NOT NULL, role_ids TEXT NOT NULL, consumer_id TEXT NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
        expires_at TEXT)`,
      `CREATE INDEX oauth1_access_tokens_user ON oauth1_access_tokens (authorizing_user_id)`,
    ],
  },
  {
    // Keystone's unified limits (keystone/limit/backends/sql.py): a registered limit is a service's
    // default for a resource (in a region or none); a limit is one project's (or domain's) value
    // for a registered one, whose service, region and resource it takes. Lists keep insertion order
    // (rowid, as Keystone's internal_id). NOTE: where Keystone's foreign keys would refuse a
    // service's delete with a 500, the service's registered limits (and their limits) go with it.
    id: '006-unified-limits',
    statements: [
      `CREATE TABLE registered_limits (id TEXT PRIMARY KEY, service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        region_id TEXT, resource_name TEXT NOT NULL, default_limit INTEGER NOT NULL, description TEXT)`,
      `CREATE UNIQUE INDEX registered_limits_unique ON registered_limits (service_id, ifnull(region_id, ''), resource_name)`,
      `CREATE TABLE limits (id TEXT PRIMARY KEY,
        registered_limit_id TEXT NOT NULL REFERENCES registered_limits(id) ON DELETE CASCADE,
        project_id TEXT REFERENCES projects(id) ON DELETE CASCADE, domain_id TEXT REFERENCES domains(id) ON DELETE CASCADE,
        resource_limit INTEGER NOT NULL, description TEXT)`,
      `CREATE UNIQUE INDEX limits_unique ON limits (registered_limit_id, ifnull(project_id, ''), ifnull(domain_id, ''))`,
    ],
  },
];
