// Who may change things, by the roles of OpenStack's default policies (free of React, for the unit tests).

/** Whether the token's roles may change things in the project (the services' default policies:
 *  member or admin; a reader only reads). */
export function canChange(roles: string[]): boolean {
  return roles.includes('admin') || roles.includes('member');
}
