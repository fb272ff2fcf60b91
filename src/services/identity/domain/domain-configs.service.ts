import type { IdentityTables } from '../store/tables.js';
import { domainConfigNotFound, invalidDomainConfig } from './errors.js';

// Keystone's domain-specific configuration (resource/core.py DomainConfigManager): only these
// options may be stored per domain; sensitive ones are stored but never read back.

export const WHITELISTED_OPTIONS: Record<string, string[]> = {
  identity: ['driver', 'list_limit'],
  ldap: [
    'url', 'user', 'suffix', 'query_scope', 'page_size', 'alias_dereferencing', 'debug_level', 'chase_referrals',
    'user_tree_dn', 'user_filter', 'user_objectclass', 'user_id_attribute', 'user_name_attribute', 'user_mail_attribute',
    'user_description_attribute', 'user_pass_attribute', 'user_enabled_attribute', 'user_enabled_invert',
    'user_enabled_mask', 'user_enabled_default', 'user_attribute_ignore', 'user_default_project_id_attribute',
    'user_enabled_emulation', 'user_enabled_emulation_dn', 'user_enabled_emulation_use_group_config',
    'user_additional_attribute_mapping', 'group_tree_dn', 'group_filter', 'group_objectclass', 'group_id_attribute',
    'group_name_attribute', 'group_members_are_ids', 'group_member_attribute', 'group_desc_attribute',
    'group_attribute_ignore', 'group_additional_attribute_mapping', 'tls_cacertfile', 'tls_cacertdir', 'use_tls',
    'tls_req_cert', 'use_pool', 'pool_size', 'pool_retry_max', 'pool_retry_delay', 'pool_connection_timeout',
    'pool_connection_lifetime', 'use_auth_pool', 'auth_pool_size', 'auth_pool_connection_lifetime',
  ],
};
export const SENSITIVE_OPTIONS: Record<string, string[]> = { identity: [], ldap: ['password'] };

/** keystone.conf's defaults (Zed) for the whitelisted options: what /v3/domains/config/default shows. */
export const CONFIG_DEFAULTS: Record<string, Record<string, unknown>> = {
  identity: { driver: 'sql', list_limit: null },
  ldap: {
    url: 'ldap://localhost', user: null, suffix: 'cn=example,cn=com', query_scope: 'one', page_size: 0,
    alias_dereferencing: 'default', debug_level: null, chase_referrals: null, user_tree_dn: null, user_filter: null,
    user_objectclass: 'inetOrgPerson', user_id_attribute: 'cn', user_name_attribute: 'sn', user_mail_attribute: 'mail',
    user_description_attribute: 'description', user_pass_attribute: 'userPassword', user_enabled_attribute: 'enabled',
    user_enabled_invert: false, user_enabled_mask: 0, user_enabled_default: 'True', user_attribute_ignore: ['default_project_id'],
    user_default_project_id_attribute: null, user_enabled_emulation: false, user_enabled_emulation_dn: null,
    user_enabled_emulation_use_group_config: false, user_additional_attribute_mapping: [], group_tree_dn: null,
    group_filter: null, group_objectclass: 'groupOfNames', group_id_attribute: 'cn', group_name_attribute: 'ou',
    group_members_are_ids: false, group_member_attribute: 'member', group_desc_attribute: 'description',
    group_attribute_ignore: [], group_additional_attribute_mapping: [], tls_cacertfile: null, tls_cacertdir: null,
    use_tls: false, tls_req_cert: 'demand', use_pool: true, pool_size: 10, pool_retry_max: 3, pool_retry_delay: 0.1,
    pool_connection_timeout: -1, pool_connection_lifetime: 600, use_auth_pool: true, auth_pool_size: 100,
    auth_pool_connection_lifetime: 60,
  },
};

/** The [security_compliance] options any user may read for the default domain. */
const READABLE_SECURITY_OPTIONS = ['password_regex', 'password_regex_description'];

export type DomainConfig = Record<string, Record<string, unknown>>;
interface OptionRow { group: string; option: string; value: unknown; sensitive: boolean }

const what = (group?: string, option?: string) => option ? `option ${option} in group ${group}` : group ? `group ${group}` : 'any options';

/**
 * Per-domain identity configuration. Validation failures are Keystone's InvalidDomainConfig (403);
 * a missing domain, group or option is DomainConfigNotFound (404).
 */
export class DomainConfigsService {
  constructor(
    private readonly t: IdentityTables,
    private readonly opts: { defaultDomainId: string; securityCompliance: () => Record<string, unknown> },
  ) {}

  /** Whether the domain holds any option, sensitive ones included (PUT answers 201 when not). */
  async exists(domainId: string): Promise<boolean> {
    return (await this.rows(domainId)).length > 0;
  }

  /** Whitelisted options only; `option` alone answers `{option: value}`. */
  async get(domainId: string, group?: string, option?: string): Promise<Record<string, unknown>> {
    assertValidGroupAndOption(group, option);
    const rows = (await this.rows(domainId, group, option)).filter((r) => !r.sensitive);
    if (rows.length === 0) throw domainConfigNotFound(domainId, what(group, option));
    return toConfig(rows, option);
  }

  /** Replaces the whole configuration and answers the whitelisted part of it. */
  async create(domainId: string, config: unknown): Promise<DomainConfig> {
    const valid = assertValidConfig(config);
    await this.t.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('domain_configs').where('domain_id', '=', domainId).execute();
      for (const r of toRows(valid)) await tx.insertInto('domain_configs').values(encode(domainId, r)).execute();
    });
    return toConfig((await this.rows(domainId)).filter((r) => !r.sensitive)) as DomainConfig;
  }

  /** Merges options in; with a group (and option) only that existing group (option) may be named. */
  async update(domainId: string, config: unknown, group?: string, option?: string): Promise<DomainConfig> {
    const update = group && option ? { [group]: config } : config;
    const valid = assertValidConfig(update);
    assertValidGroupAndOption(group, option);
    if (group) {
      const groups = Object.keys(valid);
      if (groups.length !== 1 || (option && Object.keys(valid[groups[0]!]!).length !== 1)) {
        throw invalidDomainConfig(option
          ? `Trying to update option ${option} in group ${group}, so that, and only that, option must be specified  in the config`
          : `Trying to update group ${group}, so that, and only that, group must be specified in the config`);
      }
      if (!(group in valid)) throw invalidDomainConfig(`request to update group ${group}, but config provided contains group ${groups[0]} instead`);
      if (option && !(option in valid[group]!)) {
        throw invalidDomainConfig(`Trying to update option ${option} in group ${group}, but config provided contains option ${Object.keys(valid[group]!)[0]} instead`);
      }
      if ((await this.rows(domainId, group, option)).length === 0) throw domainConfigNotFound(domainId, what(group, option));
    }
    await this.t.db.transaction().execute(async (tx) => {
      for (const r of toRows(valid)) {
        await tx.deleteFrom('domain_configs').where('domain_id', '=', domainId)
          .where('config_group', '=', r.group).where('option_name', '=', r.option).execute();
        await tx.insertInto('domain_configs').values(encode(domainId, r)).execute();
      }
    });
    return this.get(domainId) as Promise<DomainConfig>;
  }

  /** Deletes all, a group or an option; a named group or option must exist. */
  async delete(domainId: string, group?: string, option?: string): Promise<void> {
    assertValidGroupAndOption(group, option);
    if (group) {
      const current = await this.rows(domainId, group);
      if (current.length === 0) throw domainConfigNotFound(domainId, what(group));
      // NOTE: as Keystone, an option holding a falsy value counts as absent.
      if (option && !current.find((r) => r.option === option)?.value) throw domainConfigNotFound(domainId, what(group, option));
    }
    let q = this.t.db.deleteFrom('domain_configs').where('domain_id', '=', domainId);
    if (group) q = q.where('config_group', '=', group);
    if (group && option) q = q.where('option_name', '=', option);
    await q.execute();
  }

  /** keystone.conf defaults of the whitelisted options. */
  getDefault(group?: string, option?: string): Record<string, unknown> {
    assertValidGroupAndOption(group, option);
    if (group && option) {
      if (!WHITELISTED_OPTIONS[group]!.includes(option)) throw invalidDomainConfig(`Reading the default for option ${option} in group ${group} is not supported`);
      return { [option]: CONFIG_DEFAULTS[group]![option] };
    }
    const groups = group ? [group] : Object.keys(WHITELISTED_OPTIONS);
    return Object.fromEntries(groups.map((g) => [g, Object.fromEntries(WHITELISTED_OPTIONS[g]!.map((o) => [o, CONFIG_DEFAULTS[g]![o]]))]));
  }

  /** The readable [security_compliance] options, for the default domain only. */
  getSecurityCompliance(domainId: string, option?: string): Record<string, unknown> {
    if (domainId !== this.opts.defaultDomainId) {
      throw invalidDomainConfig('Reading security compliance information for any domain other than the default domain is not allowed or supported');
    }
    if (option && !READABLE_SECURITY_OPTIONS.includes(option)) {
      throw invalidDomainConfig('Reading security compliance values other than password_regex and password_regex_description is not allowed');
    }
    const values = this.opts.securityCompliance();
    if (option) return { [option]: values[option] ?? null };
    return { security_compliance: Object.fromEntries(READABLE_SECURITY_OPTIONS.map((o) => [o, values[o] ?? null])) };
  }

  private async rows(domainId: string, group?: string, option?: string): Promise<OptionRow[]> {
    let q = this.t.db.selectFrom('domain_configs').selectAll().where('domain_id', '=', domainId);
    if (group) q = q.where('config_group', '=', group);
    if (group && option) q = q.where('option_name', '=', option);
    return (await q.orderBy('config_group').orderBy('option_name').execute()).map((r) => ({
      group: r.config_group as string, option: r.option_name as string, value: JSON.parse(r.value as string), sensitive: Boolean(r.sensitive),
    }));
  }
}

function assertValidGroupAndOption(group?: string, option?: string): void {
  if (!group) return;
  if (!(group in WHITELISTED_OPTIONS) && !(group in SENSITIVE_OPTIONS)) {
    throw invalidDomainConfig(`Group ${group} is not supported for domain specific configurations`);
  }
  if (option && !WHITELISTED_OPTIONS[group]!.includes(option) && !SENSITIVE_OPTIONS[group]!.includes(option)) {
    throw invalidDomainConfig(`Option ${option} in group ${group} is not supported for domain specific configurations`);
  }
}

function assertValidConfig(config: unknown): DomainConfig {
  if (!config || typeof config !== 'object' || Array.isArray(config) || Object.keys(config).length === 0) throw invalidDomainConfig('No options specified');
  for (const [group, options] of Object.entries(config)) {
    if (!options || typeof options !== 'object' || Array.isArray(options) || Object.keys(options).length === 0) {
      throw invalidDomainConfig(`The value of group ${group} specified in the config should be a dictionary of options`);
    }
    for (const option of Object.keys(options)) assertValidGroupAndOption(group, option);
  }
  return config as DomainConfig;
}

function toRows(config: DomainConfig): OptionRow[] {
  return Object.entries(config).flatMap(([group, options]) => Object.entries(options).map(([option, value]) => ({
    group, option, value, sensitive: SENSITIVE_OPTIONS[group]?.includes(option) ?? false,
  })));
}

function encode(domainId: string, r: OptionRow) {
  return { domain_id: domainId, config_group: r.group, option_name: r.option, value: JSON.stringify(r.value), sensitive: r.sensitive ? 1 : 0 };
}

function toConfig(rows: OptionRow[], option?: string): Record<string, unknown> {
  if (option) return { [rows[0]!.option]: rows[0]!.value };
  const out: DomainConfig = {};
  for (const r of rows) (out[r.group] ??= {})[r.option] = r.value;
  return out;
}
