// Nova's default rules under their upstream names (nova/policies/*.py, with the new defaults:
// readers read, members act, admin everything) for flavors, keypairs, availability zones,
// aggregates, server groups, quotas and limits. The servers part adds its own (servers.policies.ts);
// DATA_DIR/policy.json overrides any of them.
const ADMIN = 'rule:context_is_admin';
const MEMBER = 'rule:project_member_or_admin';
const READER = 'rule:project_reader_or_admin';
const ANY = '@';
const ADMIN_OR_KEY_OWNER = '(rule:context_is_admin) or user_id:%(user_id)s';

export const computePolicies: Record<string, string> = {
  context_is_admin: 'role:admin',
  admin_or_owner: 'is_admin:True or project_id:%(project_id)s',
  admin_api: 'is_admin:True',
  project_member_api: 'role:member and project_id:%(project_id)s',
  project_reader_api: 'role:reader and project_id:%(project_id)s',
  project_member_or_admin: 'rule:project_member_api or rule:context_is_admin',
  project_reader_or_admin: 'rule:project_reader_api or rule:context_is_admin',

  'os_compute_api:os-flavor-manage:create': ADMIN,
  'os_compute_api:os-flavor-manage:update': ADMIN,
  'os_compute_api:os-flavor-manage:delete': ADMIN,
  'os_compute_api:os-flavor-extra-specs:index': READER,
  'os_compute_api:os-flavor-extra-specs:show': READER,
  'os_compute_api:os-flavor-extra-specs:create': ADMIN,
  'os_compute_api:os-flavor-extra-specs:update': ADMIN,
  'os_compute_api:os-flavor-extra-specs:delete': ADMIN,
  'os_compute_api:os-flavor-access': ADMIN,
  'os_compute_api:os-flavor-access:add_tenant_access': ADMIN,
  'os_compute_api:os-flavor-access:remove_tenant_access': ADMIN,

  'os_compute_api:os-keypairs:index': ADMIN_OR_KEY_OWNER,
  'os_compute_api:os-keypairs:create': ADMIN_OR_KEY_OWNER,
  'os_compute_api:os-keypairs:delete': ADMIN_OR_KEY_OWNER,
  'os_compute_api:os-keypairs:show': ADMIN_OR_KEY_OWNER,

  'os_compute_api:os-availability-zone:list': ANY,
  'os_compute_api:os-availability-zone:detail': ADMIN,

  'os_compute_api:os-aggregates:index': ADMIN,
  'os_compute_api:os-aggregates:create': ADMIN,
  'os_compute_api:os-aggregates:show': ADMIN,
  'os_compute_api:os-aggregates:update': ADMIN,
  'os_compute_api:os-aggregates:delete': ADMIN,
  'os_compute_api:os-aggregates:add_host': ADMIN,
  'os_compute_api:os-aggregates:remove_host': ADMIN,
  'os_compute_api:os-aggregates:set_metadata': ADMIN,
  'os_compute_api:os-aggregates:images': ADMIN,

  'os_compute_api:os-server-groups:create': MEMBER,
  'os_compute_api:os-server-groups:delete': MEMBER,
  'os_compute_api:os-server-groups:index': READER,
  'os_compute_api:os-server-groups:index:all_projects': ADMIN,
  'os_compute_api:os-server-groups:show': READER,

  'os_compute_api:os-quota-sets:show': READER,
  'os_compute_api:os-quota-sets:update': ADMIN,
  'os_compute_api:os-quota-sets:defaults': ANY,
  'os_compute_api:os-quota-sets:delete': ADMIN,
  'os_compute_api:os-quota-sets:detail': READER,

  'os_compute_api:os-quota-class-sets:show': ADMIN,
  'os_compute_api:os-quota-class-sets:update': ADMIN,

  'os_compute_api:limits': ANY,
  'os_compute_api:limits:other_project': ADMIN,

  // Network proxies (nova/policies/security_groups.py, floating_ips.py, floating_ip_pools.py, networks.py, tenant_networks.py).
  'os_compute_api:os-security-groups:get': READER,
  'os_compute_api:os-security-groups:show': READER,
  'os_compute_api:os-security-groups:create': MEMBER,
  'os_compute_api:os-security-groups:update': MEMBER,
  'os_compute_api:os-security-groups:delete': MEMBER,
  'os_compute_api:os-security-groups:rule:create': MEMBER,
  'os_compute_api:os-security-groups:rule:delete': MEMBER,
  'os_compute_api:os-security-groups:list': READER,
  'os_compute_api:os-floating-ips:add': MEMBER,
  'os_compute_api:os-floating-ips:remove': MEMBER,
  'os_compute_api:os-floating-ips:list': READER,
  'os_compute_api:os-floating-ips:create': MEMBER,
  'os_compute_api:os-floating-ips:show': READER,
  'os_compute_api:os-floating-ips:delete': MEMBER,
  'os_compute_api:os-floating-ip-pools': ANY,
  'os_compute_api:os-networks:list': READER,
  'os_compute_api:os-networks:show': READER,
  'os_compute_api:os-tenant-networks:list': READER,
  'os_compute_api:os-tenant-networks:show': READER,
};
