// Glance's default policy (Zed) under the upstream names: the new secure-RBAC defaults
// (glance/policies/base.py), as Glance enforces them with enforce_secure_rbac = True, so that a
// reader cannot write and only an admin publicizes. Visibility and membership of what a project
// may see at all are the domain's (images.service.ts visible()), as in Glance's DB layer.

const PROJECT_MEMBER = 'role:member and project_id:%(project_id)s';
const PROJECT_READER = 'role:reader and project_id:%(project_id)s';
const IMAGE_MEMBER_CHECK = 'project_id:%(member_id)s';
const COMMUNITY = "'community':%(visibility)s";
const PUBLIC = "'public':%(visibility)s";
const SHARED = "'shared':%(visibility)s";

const ADMIN_OR_PROJECT_MEMBER = `role:admin or (${PROJECT_MEMBER})`;
const ADMIN_OR_PROJECT_READER = `role:admin or (${PROJECT_READER})`;
const ADMIN_OR_PROJECT_READER_GET_IMAGE = `role:admin or (role:reader and (project_id:%(project_id)s or ${IMAGE_MEMBER_CHECK} or ${COMMUNITY} or ${PUBLIC} or ${SHARED}))`;
const ADMIN_OR_PROJECT_MEMBER_DOWNLOAD_IMAGE = `role:admin or (role:member and (project_id:%(project_id)s or ${IMAGE_MEMBER_CHECK} or ${COMMUNITY} or ${PUBLIC} or ${SHARED}))`;
const ADMIN_OR_PROJECT_MEMBER_CREATE_IMAGE = `role:admin or (${PROJECT_MEMBER} and project_id:%(owner)s)`;
const ADMIN_OR_SHARED_MEMBER = `role:admin or (role:member and ${IMAGE_MEMBER_CHECK})`;
const ADMIN_OR_PROJECT_READER_GET_NAMESPACE = `role:admin or (role:reader and (project_id:%(project_id)s or ${PUBLIC}))`;
const ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER = `role:admin or role:reader and (project_id:%(project_id)s or ${IMAGE_MEMBER_CHECK})`;

export const imagePolicies: Record<string, string> = {
  default: '',
  context_is_admin: 'role:admin',
  add_image: ADMIN_OR_PROJECT_MEMBER_CREATE_IMAGE,
  delete_image: ADMIN_OR_PROJECT_MEMBER,
  get_image: ADMIN_OR_PROJECT_READER_GET_IMAGE,
  get_images: ADMIN_OR_PROJECT_READER,
  modify_image: ADMIN_OR_PROJECT_MEMBER,
  publicize_image: 'role:admin',
  communitize_image: ADMIN_OR_PROJECT_MEMBER,
  download_image: ADMIN_OR_PROJECT_MEMBER_DOWNLOAD_IMAGE,
  upload_image: ADMIN_OR_PROJECT_MEMBER,
  delete_image_location: 'role:admin',
  get_image_location: ADMIN_OR_PROJECT_READER,
  set_image_location: ADMIN_OR_PROJECT_MEMBER,
  add_member: ADMIN_OR_PROJECT_MEMBER,
  delete_member: ADMIN_OR_PROJECT_MEMBER,
  get_member: ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER,
  get_members: ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER,
  modify_member: ADMIN_OR_SHARED_MEMBER,
  manage_image_cache: 'role:admin',
  deactivate: ADMIN_OR_PROJECT_MEMBER,
  reactivate: ADMIN_OR_PROJECT_MEMBER,
  copy_image: 'role:admin',
  get_task: '',
  get_tasks: '',
  add_task: '',
  modify_task: '',
  tasks_api_access: 'role:admin',
  stage_image: ADMIN_OR_PROJECT_MEMBER,

  metadef_default: '',
  metadef_admin: 'role:admin',
  get_metadef_namespace: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_namespaces: ADMIN_OR_PROJECT_READER,
  modify_metadef_namespace: 'rule:metadef_admin',
  add_metadef_namespace: 'rule:metadef_admin',
  delete_metadef_namespace: 'rule:metadef_admin',
  get_metadef_object: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_objects: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  modify_metadef_object: 'rule:metadef_admin',
  add_metadef_object: 'rule:metadef_admin',
  delete_metadef_object: 'rule:metadef_admin',
  list_metadef_resource_types: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_resource_type: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  add_metadef_resource_type_association: 'rule:metadef_admin',
  remove_metadef_resource_type_association: 'rule:metadef_admin',
  get_metadef_property: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_properties: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  modify_metadef_property: 'rule:metadef_admin',
  add_metadef_property: 'rule:metadef_admin',
  remove_metadef_property: 'rule:metadef_admin',
  get_metadef_tag: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  get_metadef_tags: ADMIN_OR_PROJECT_READER_GET_NAMESPACE,
  modify_metadef_tag: 'rule:metadef_admin',
  add_metadef_tag: 'rule:metadef_admin',
  add_metadef_tags: 'rule:metadef_admin',
  delete_metadef_tag: 'rule:metadef_admin',
  delete_metadef_tags: 'rule:metadef_admin',
};
