// Swift keeps no oslo.policy file: keystoneauth reads role lists from its configuration. These
// rules hold those lists (DevStack's defaults) so that an operator overrides them as any policy.
export const POLICY = {
  /** reseller_admin_role: every account, as its owner. */
  resellerAdmin: 'swift:reseller_admin',
  /** operator_roles: the owner of its own project's account. */
  operator: 'swift:operator',
  /** project_reader_roles: GET and HEAD on its own project's account. */
  projectReader: 'swift:project_reader',
} as const;

export const objectStorePolicies: Record<string, string> = {
  [POLICY.resellerAdmin]: 'role:ResellerAdmin',
  [POLICY.operator]: 'role:admin or role:member or role:swiftoperator',
  [POLICY.projectReader]: 'role:reader',
};
