// Placement's default policy (Zed) under the upstream names: each new system-scoped rule OR-ed with
// its deprecated `rule:admin_api` (role:admin), as Zed runs with enforce_scope and
// enforce_new_defaults off. So an admin may do everything, a project reader may read its own
// project's usages, and nobody else gets in. NOTE: `role:service` is accepted as well (the service
// users nova and neutron talk to placement with it, as placement 2023.1 formalised).

const SYSTEM_ADMIN = 'rule:system_admin_api';
const SYSTEM_READER = 'rule:system_reader_api';

export const placementPolicies: Record<string, string> = {
  admin_api: 'role:admin',
  service_api: 'role:service',
  system_admin_api: '(role:admin and system_scope:all) or rule:admin_api or rule:service_api',
  system_reader_api: '(role:reader and system_scope:all) or rule:admin_api or rule:service_api',
  project_reader_api: '(role:reader and project_id:%(project_id)s) or rule:admin_api',
  system_or_project_reader: '(rule:system_reader_api or rule:project_reader_api) or rule:admin_api',

  'placement:resource_providers:list': SYSTEM_READER,
  'placement:resource_providers:create': SYSTEM_ADMIN,
  'placement:resource_providers:show': SYSTEM_READER,
  'placement:resource_providers:update': SYSTEM_ADMIN,
  'placement:resource_providers:delete': SYSTEM_ADMIN,

  'placement:resource_providers:inventories:list': SYSTEM_READER,
  'placement:resource_providers:inventories:create': SYSTEM_ADMIN,
  'placement:resource_providers:inventories:show': SYSTEM_READER,
  'placement:resource_providers:inventories:update': SYSTEM_ADMIN,
  'placement:resource_providers:inventories:delete': SYSTEM_ADMIN,

  'placement:resource_providers:aggregates:list': SYSTEM_READER,
  'placement:resource_providers:aggregates:update': SYSTEM_ADMIN,

  'placement:resource_providers:usages': SYSTEM_READER,
  'placement:usages': 'rule:system_or_project_reader',

  'placement:resource_providers:allocations:list': SYSTEM_READER,
  'placement:allocations:list': SYSTEM_READER,
  'placement:allocations:manage': SYSTEM_ADMIN,
  'placement:allocations:update': SYSTEM_ADMIN,
  'placement:allocations:delete': SYSTEM_ADMIN,

  'placement:allocation_candidates:list': SYSTEM_READER,

  'placement:resource_classes:list': SYSTEM_READER,
  'placement:resource_classes:create': SYSTEM_ADMIN,
  'placement:resource_classes:show': SYSTEM_READER,
  'placement:resource_classes:update': SYSTEM_ADMIN,
  'placement:resource_classes:delete': SYSTEM_ADMIN,

  'placement:traits:list': SYSTEM_READER,
  'placement:traits:show': SYSTEM_READER,
  'placement:traits:update': SYSTEM_ADMIN,
  'placement:traits:delete': SYSTEM_ADMIN,
  'placement:resource_providers:traits:list': SYSTEM_READER,
  'placement:resource_providers:traits:update': SYSTEM_ADMIN,
  'placement:resource_providers:traits:delete': SYSTEM_ADMIN,

  'placement:reshaper:reshape': SYSTEM_ADMIN,
};
