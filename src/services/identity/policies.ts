// Keystone's default policy (Zed) as oslo.policy strings under the upstream names. As Zed ships
// it (enforce_scope and enforce_new_defaults off), each new scoped default is OR-ed with its
// deprecated rule, which is why a project-scoped admin may manage identity, as Tempest expects.
// test/policy/identity/zed-defaults.test.ts checks that every rule here decides as Zed's does;
// the routes build the targets as keystone/api/*.py does (e.g. target.user, the URL's user_id).

const SYSTEM_READER = '(role:reader and system_scope:all)';
const SYSTEM_ADMIN = '(role:admin and system_scope:all)';
const ADMIN = 'rule:admin_required';
const domainReader = (path: string) => `(role:reader and domain_id:%(${path})s)`;
const domainAdmin = (path: string) => `(role:admin and domain_id:%(${path})s)`;
const read = (path: string) => `${SYSTEM_READER} or ${domainReader(path)} or ${ADMIN}`;
const write = (path: string) => `${SYSTEM_ADMIN} or ${domainAdmin(path)} or ${ADMIN}`;
const adminOnlyRead = `${SYSTEM_READER} or ${ADMIN}`;
const adminOnlyWrite = `${SYSTEM_ADMIN} or ${ADMIN}`;
const ANY = '';
// Grants: the actor and the target in the caller's domain, the role global or of that domain.
const grantOn = (role: string) => [
  ['user', 'project.domain_id'], ['user', 'domain.id'], ['group', 'project.domain_id'], ['group', 'domain.id'],
].map(([actor, target]) => `(role:${role} and domain_id:%(target.${actor}.domain_id)s and domain_id:%(target.${target})s)`).join(' or ');
const ROLE_IN_DOMAIN = '(domain_id:%(target.role.domain_id)s or None:%(target.role.domain_id)s)';

export const identityPolicies: Record<string, string> = {
  admin_required: 'role:admin or is_admin:1',
  service_role: 'role:service',
  service_or_admin: 'rule:admin_required or rule:service_role',
  owner: 'user_id:%(user_id)s',
  admin_or_owner: 'rule:admin_required or rule:owner',
  token_subject: 'user_id:%(target.token.user_id)s',
  admin_or_token_subject: 'rule:admin_required or rule:token_subject',
  service_admin_or_token_subject: 'rule:service_or_admin or rule:token_subject',

  'identity:validate_token': `${SYSTEM_READER} or rule:service_admin_or_token_subject`,
  'identity:check_token': `${SYSTEM_READER} or rule:admin_or_token_subject`,
  'identity:revoke_token': `${SYSTEM_ADMIN} or rule:admin_or_token_subject`,
  'identity:get_auth_catalog': ANY,
  'identity:get_auth_projects': ANY,
  'identity:get_auth_domains': ANY,
  'identity:get_auth_system': ANY,

  'identity:get_domain': `${SYSTEM_READER} or token.domain.id:%(target.domain.id)s or token.project.domain.id:%(target.domain.id)s or ${ADMIN}`,
  'identity:list_domains': adminOnlyRead,
  'identity:create_domain': adminOnlyWrite,
  'identity:update_domain': adminOnlyWrite,
  'identity:delete_domain': adminOnlyWrite,

  'identity:get_project': `${read('target.project.domain_id')} or project_id:%(target.project.id)s`,
  'identity:list_projects': read('target.domain_id'),
  'identity:list_user_projects': `${read('target.user.domain_id')} or user_id:%(target.user.id)s or rule:owner`,
  'identity:create_project': write('target.project.domain_id'),
  'identity:update_project': write('target.project.domain_id'),
  'identity:delete_project': write('target.project.domain_id'),
  'identity:get_project_tag': `${read('target.project.domain_id')} or project_id:%(target.project.id)s`,
  'identity:list_project_tags': `${read('target.project.domain_id')} or project_id:%(target.project.id)s`,
  'identity:create_project_tag': `${write('target.project.domain_id')} or (role:admin and project_id:%(target.project.id)s)`,
  'identity:update_project_tags': `${write('target.project.domain_id')} or (role:admin and project_id:%(target.project.id)s)`,
  'identity:delete_project_tag': `${write('target.project.domain_id')} or (role:admin and project_id:%(target.project.id)s)`,
  'identity:delete_project_tags': `${write('target.project.domain_id')} or (role:admin and project_id:%(target.project.id)s)`,

  'identity:get_user': `${read('target.user.domain_id')} or user_id:%(target.user.id)s or rule:owner`,
  'identity:list_users': read('target.domain_id'),
  'identity:create_user': write('target.user.domain_id'),
  'identity:update_user': write('target.user.domain_id'),
  'identity:delete_user': write('target.user.domain_id'),

  'identity:get_group': read('target.group.domain_id'),
  'identity:list_groups': read('target.group.domain_id'),
  'identity:list_groups_for_user': `${read('target.user.domain_id')} or user_id:%(user_id)s`,
  'identity:create_group': write('target.group.domain_id'),
  'identity:update_group': write('target.group.domain_id'),
  'identity:delete_group': write('target.group.domain_id'),
  'identity:list_users_in_group': read('target.group.domain_id'),
  'identity:check_user_in_group': `${SYSTEM_READER} or (role:reader and domain_id:%(target.group.domain_id)s and domain_id:%(target.user.domain_id)s) or ${ADMIN}`,
  'identity:add_user_to_group': `${SYSTEM_ADMIN} or (role:admin and domain_id:%(target.group.domain_id)s and domain_id:%(target.user.domain_id)s) or ${ADMIN}`,
  'identity:remove_user_from_group': `${SYSTEM_ADMIN} or (role:admin and domain_id:%(target.group.domain_id)s and domain_id:%(target.user.domain_id)s) or ${ADMIN}`,

  'identity:get_role': adminOnlyRead,
  'identity:list_roles': adminOnlyRead,
  'identity:create_role': adminOnlyWrite,
  'identity:update_role': adminOnlyWrite,
  'identity:delete_role': adminOnlyWrite,
  'identity:get_domain_role': adminOnlyRead,
  'identity:list_domain_roles': adminOnlyRead,
  'identity:create_domain_role': adminOnlyWrite,
  'identity:update_domain_role': adminOnlyWrite,
  'identity:delete_domain_role': adminOnlyWrite,
  'identity:get_implied_role': adminOnlyRead,
  'identity:list_implied_roles': adminOnlyRead,
  'identity:list_role_inference_rules': adminOnlyRead,
  'identity:check_implied_role': adminOnlyRead,
  'identity:create_implied_role': adminOnlyWrite,
  'identity:delete_implied_role': adminOnlyWrite,

  'identity:check_grant': `${SYSTEM_READER} or (${grantOn('reader')}) and ${ROLE_IN_DOMAIN} or ${ADMIN}`,
  'identity:list_grants': `${SYSTEM_READER} or ${grantOn('reader')} or ${ADMIN}`,
  'identity:create_grant': `${SYSTEM_ADMIN} or (${grantOn('admin')}) and ${ROLE_IN_DOMAIN} or ${ADMIN}`,
  'identity:revoke_grant': `${SYSTEM_ADMIN} or (${grantOn('admin')}) and ${ROLE_IN_DOMAIN} or ${ADMIN}`,
  'identity:check_system_grant_for_user': adminOnlyRead,
  'identity:list_system_grants_for_user': adminOnlyRead,
  'identity:create_system_grant_for_user': adminOnlyWrite,
  'identity:revoke_system_grant_for_user': adminOnlyWrite,
  'identity:check_system_grant_for_group': adminOnlyRead,
  'identity:list_system_grants_for_group': adminOnlyRead,
  'identity:create_system_grant_for_group': adminOnlyWrite,
  'identity:revoke_system_grant_for_group': adminOnlyWrite,
  'identity:list_role_assignments': read('target.domain_id'),
  'identity:list_role_assignments_for_tree': `${read('target.project.domain_id')} or (role:admin and project_id:%(target.project.id)s)`,

  'identity:get_region': ANY,
  'identity:list_regions': ANY,
  'identity:create_region': adminOnlyWrite,
  'identity:update_region': adminOnlyWrite,
  'identity:delete_region': adminOnlyWrite,
  'identity:get_service': adminOnlyRead,
  'identity:list_services': adminOnlyRead,
  'identity:create_service': adminOnlyWrite,
  'identity:update_service': adminOnlyWrite,
  'identity:delete_service': adminOnlyWrite,
  'identity:get_endpoint': adminOnlyRead,
  'identity:list_endpoints': adminOnlyRead,
  'identity:create_endpoint': adminOnlyWrite,
  'identity:update_endpoint': adminOnlyWrite,
  'identity:delete_endpoint': adminOnlyWrite,

  'identity:get_credential': `${SYSTEM_READER} or user_id:%(target.credential.user_id)s or ${ADMIN}`,
  'identity:list_credentials': `${SYSTEM_READER} or user_id:%(target.credential.user_id)s or ${ADMIN}`,
  'identity:create_credential': `${SYSTEM_ADMIN} or user_id:%(target.credential.user_id)s or ${ADMIN}`,
  'identity:update_credential': `${SYSTEM_ADMIN} or user_id:%(target.credential.user_id)s or ${ADMIN}`,
  'identity:delete_credential': `${SYSTEM_ADMIN} or user_id:%(target.credential.user_id)s or ${ADMIN}`,

  'identity:get_application_credential': `${SYSTEM_READER} or rule:admin_or_owner`,
  'identity:list_application_credentials': `${SYSTEM_READER} or rule:admin_or_owner`,
  'identity:create_application_credential': 'user_id:%(user_id)s',
  'identity:delete_application_credential': `${SYSTEM_ADMIN} or rule:admin_or_owner`,

  'identity:get_access_rule': `${SYSTEM_READER} or user_id:%(target.user.id)s`,
  'identity:list_access_rules': `${SYSTEM_READER} or user_id:%(target.user.id)s`,
  'identity:delete_access_rule': `${SYSTEM_ADMIN} or user_id:%(target.user.id)s`,

  'identity:ec2_get_credential': `${SYSTEM_READER} or user_id:%(target.credential.user_id)s or rule:admin_required or (rule:owner and user_id:%(target.credential.user_id)s)`,
  'identity:ec2_list_credentials': `${SYSTEM_READER} or rule:admin_or_owner`,
  'identity:ec2_create_credential': `${SYSTEM_ADMIN} or rule:admin_or_owner`,
  'identity:ec2_delete_credential': `${SYSTEM_ADMIN} or user_id:%(target.credential.user_id)s or rule:admin_required or (rule:owner and user_id:%(target.credential.user_id)s)`,

  'identity:create_trust': 'user_id:%(trust.trustor_user_id)s',
  'identity:list_trusts': adminOnlyRead,
  'identity:list_trusts_for_trustor': `${SYSTEM_READER} or user_id:%(target.trust.trustor_user_id)s`,
  'identity:list_trusts_for_trustee': `${SYSTEM_READER} or user_id:%(target.trust.trustee_user_id)s`,
  'identity:get_trust': `${SYSTEM_READER} or user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s`,
  'identity:delete_trust': `${SYSTEM_ADMIN} or user_id:%(target.trust.trustor_user_id)s`,
  'identity:list_roles_for_trust': `${SYSTEM_READER} or user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s`,
  'identity:get_role_for_trust': `${SYSTEM_READER} or user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s`,

  'identity:get_policy': adminOnlyRead,
  'identity:list_policies': adminOnlyRead,
  'identity:create_policy': adminOnlyWrite,
  'identity:update_policy': adminOnlyWrite,
  'identity:delete_policy': adminOnlyWrite,

  'identity:get_consumer': adminOnlyRead,
  'identity:list_consumers': adminOnlyRead,
  'identity:create_consumer': adminOnlyWrite,
  'identity:update_consumer': adminOnlyWrite,
  'identity:delete_consumer': adminOnlyWrite,

  'identity:authorize_request_token': ADMIN,
  'identity:list_access_tokens': ADMIN,
  'identity:get_access_token': ADMIN,
  'identity:delete_access_token': ADMIN,
  'identity:list_access_token_roles': ADMIN,
  'identity:get_access_token_role': ADMIN,

  'identity:create_endpoint_group': adminOnlyWrite,
  'identity:list_endpoint_groups': adminOnlyRead,
  'identity:get_endpoint_group': adminOnlyRead,
  'identity:update_endpoint_group': adminOnlyWrite,
  'identity:delete_endpoint_group': adminOnlyWrite,
  'identity:list_projects_associated_with_endpoint_group': adminOnlyRead,
  'identity:list_endpoints_associated_with_endpoint_group': adminOnlyRead,
  'identity:get_endpoint_group_in_project': adminOnlyRead,
  'identity:list_endpoint_groups_for_project': adminOnlyRead,
  'identity:add_endpoint_group_to_project': adminOnlyWrite,
  'identity:remove_endpoint_group_from_project': adminOnlyWrite,

  'identity:create_domain_config': adminOnlyWrite,
  'identity:get_domain_config': adminOnlyRead,
  'identity:get_security_compliance_domain_config': ANY,
  'identity:update_domain_config': adminOnlyWrite,
  'identity:delete_domain_config': adminOnlyWrite,
  'identity:get_domain_config_default': adminOnlyRead,

  // NOTE: Zed's unified limits rules have no deprecated rule: writes are a system admin's only.
  'identity:get_registered_limit': ANY,
  'identity:list_registered_limits': ANY,
  'identity:create_registered_limits': SYSTEM_ADMIN,
  'identity:update_registered_limit': SYSTEM_ADMIN,
  'identity:delete_registered_limit': SYSTEM_ADMIN,
  'identity:get_limit_model': ANY,
  'identity:get_limit': `${SYSTEM_READER} or (domain_id:%(target.limit.domain.id)s or domain_id:%(target.limit.project.domain_id)s) or (project_id:%(target.limit.project_id)s and not None:%(target.limit.project_id)s)`,
  'identity:list_limits': ANY,
  'identity:create_limits': SYSTEM_ADMIN,
  'identity:update_limit': SYSTEM_ADMIN,
  'identity:delete_limit': SYSTEM_ADMIN,
};
