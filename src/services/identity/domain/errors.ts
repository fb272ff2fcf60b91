// Keystone's messages for the errors its domain and routes raise, as typed errors from core
// (keystone/exception.py); faults.ts renders them.
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from '../../../core/errors/errors.js';

/** The tail Keystone's ValidationError appends to its message. */
export const CLIENT_ERROR = ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

// ---- 404: "Could not find <kind>: <id>." -------------------------------------------------------

/** `id` may be a name the request gave, or undefined (printed as such, as Keystone prints None). */
export const notFound = (kind: string, id: string | undefined) => new NotFound(`Could not find ${kind}: ${id}.`);
export const userNotFound = (id: string) => notFound('user', id);
export const groupNotFound = (id: string) => notFound('group', id);
export const projectNotFound = (id: string) => notFound('project', id);
export const domainNotFound = (id: string) => notFound('domain', id);
export const roleNotFound = (id: string | undefined) => notFound('role', id);
export const credentialNotFound = (id: string) => notFound('credential', id);
export const trustNotFound = (id: string) => notFound('trust', id);
export const tokenNotFound = (id: string) => notFound('token', id);
export const policyNotFound = (id: string) => notFound('policy', id);
export const regionNotFound = (id: string) => notFound('region', id);
export const serviceNotFound = (id: string) => notFound('service', id);
export const endpointNotFound = (id: string) => notFound('endpoint', id);
export const endpointGroupNotFound = (id: string) => notFound('Endpoint Group', id);
export const applicationCredentialNotFound = (id: string) => notFound('Application Credential', id);
export const accessRuleNotFound = (id: string) => notFound('Access Rule', id);
export const roleAssignmentNotFound = (roleId: string, actorId: string, targetId: string) =>
  new NotFound(`Could not find role assignment with role: ${roleId}, user or group: ${actorId}, project, domain, or system: ${targetId}.`);
export const impliedRoleNotFound = (priorId: string, impliedId: string) => new NotFound(`${priorId} does not imply ${impliedId}.`);
/** A project's tag: the route's wording names the tag only, the domain's the project too. */
export const projectTagNotFound = (tag: string, projectId?: string) =>
  new NotFound(projectId === undefined ? `Tag ${tag} was not found.` : `Tag ${tag} was not found on project ${projectId}.`);
export const userNotInGroup = (userId: string, groupId: string) => new NotFound(`User '${userId}' not found in group '${groupId}'`);
export const endpointGroupProjectNotFound = () => new NotFound('Endpoint Group Project Association not found');
export const domainConfigNotFound = (domainId: string, what: string) =>
  new NotFound(`Could not find ${what} in domain configuration for domain ${domainId}.`);
export const consumerNotFound = () => new NotFound('Consumer not found');
export const accessTokenNotFound = () => new NotFound('Access token not found');
export const requestTokenNotFound = () => new NotFound('Request token not found');
/** Keystone's unformatted NotFound for another user's OAuth access token (its %(target)s left as is). */
export const targetNotFound = () => new NotFound('Could not find: %(target)s.');
export const ec2AccessKeyNotFound = () => new NotFound('EC2 access key not found.');
export const registeredLimitNotFound = (id: string) => new NotFound(`Could not find registered limit for ${id}.`);
export const limitNotFound = (id: string) => new NotFound(`Could not find limit for ${id}.`);

// ---- 409 ------------------------------------------------------------------------------------------

export const duplicateName = (type: string, name: string | undefined) =>
  new Conflict(`Conflict occurred attempting to store ${type} - Duplicate entry found with name ${name}.`);
/** Users and groups: their names are unique within a domain. */
export const duplicateNameInDomain = (type: string, name: string | undefined, domainId: string) =>
  new Conflict(`Conflict occurred attempting to store ${type} - Duplicate entry found with name ${name} at domain ID ${domainId}.`);
export const duplicateId = (type: string, id: string) => new Conflict(`Conflict occurred attempting to store ${type} - Duplicate ID, ${id}.`);
export const duplicateEntry = (type: string) => new Conflict(`Conflict occurred attempting to store ${type} - Duplicate entry.`);
export const duplicateProjectName = (name: string | undefined) =>
  new Conflict(`Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : ${name}.`);

// ---- 400 ------------------------------------------------------------------------------------------

/** Keystone's ValidationError "Expecting to find <attribute> in <target>." */
export const expectingToFind = (attribute: string, target: string) => new BadRequest(`Expecting to find ${attribute} in ${target}.${CLIENT_ERROR}`);
export const timestampNotInFormat = () => new BadRequest(`Timestamp not in expected format.${CLIENT_ERROR}`);
export const expiresBeforeNow = () => new BadRequest(`The 'expires_at' must not be before now.${CLIENT_ERROR}`);
export const cannotChangeId = () => new BadRequest('Cannot change ID');
export const cannotChangeUserId = () => new BadRequest('Cannot change user ID.');
export const cannotChangeDomainId = () => new BadRequest('Cannot change Domain ID.');
/** "Update of `<attr>` is not allowed." (400; the project's parent_id is the 403 below). */
export const updateNotAllowed = (attr: string) => new BadRequest(`Update of \`${attr}\` is not allowed.`);

/** A domain-specific role in a system assignment. */
export const domainSpecificRoleInSystem = (roleId: string) =>
  new BadRequest(`Role ${roleId} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`);

// ---- 403 ------------------------------------------------------------------------------------------

/** A policy-style refusal with Keystone's reason appended. */
export const notAuthorized = (reason: string) => new Forbidden(`You are not authorized to perform the requested action: ${reason}`);
/** What a restricted application credential's token may not manage (e.g. "trusts"). */
export const applicationCredentialMethodNotAllowed = (what: string) =>
  notAuthorized(`Using method 'application_credential' is not allowed for managing ${what}.`);
/** "Cannot <action> with a token issued via delegation." */
export const delegatedToken = (action: string) => new Forbidden(`Cannot ${action} with a token issued via delegation.`);
export const parentUpdateNotAllowed = () => new Forbidden('Update of `parent_id` is not allowed.');
export const roleImmutable = (id: string) => new Forbidden(`Role ${id} is immutable.`);
export const invalidDomainConfig = (reason: string) => new Forbidden(`Invalid domain specific configuration: ${reason}.`);

// Invalid states of a resource the request names.
export const projectParentDisabled = (parentId: string) => new Forbidden(`cannot create a project in a branch containing a disabled project: ${parentId}`);
export const projectSubtreeEnabled = (id: string) => new Forbidden(`cannot disable project ${id} since its subtree contains enabled projects.`);
export const projectParentsDisabled = (id: string) => new Forbidden(`cannot enable project ${id} since it has disabled parents`);
export const projectNotLeaf = (id: string) =>
  new Forbidden(`cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`);
export const domainStillEnabled = () => new Forbidden('Cannot delete a domain that is enabled, please disable it first.');
export const domainSpecificRoleImplied = (impliedId: string) => new Forbidden(`${impliedId} is a domain-specific role and cannot be implied by a global role.`);
export const roleImplicationLoop = (impliedId: string, priorId: string) => new Forbidden(`Role ${impliedId} is implied by ${priorId}; a loop is not allowed.`);
export const projectRoleDomainMismatch = (projectId: string, roleId: string) =>
  new Forbidden(`Project ${projectId} must be in the same domain as the role ${roleId} being assigned.`);
export const regionHasEndpoints = (id: string) => new Forbidden(`Unable to delete region ${id} because it or its child regions have associated endpoints.`);
export const accessRuleInUse = () => new Forbidden('May not delete access rule in use');
/** Keystone's NoLimitReference: a limit names no registered limit (service, region, resource). */
export const noLimitReference = () => new Forbidden('Unable to create a limit that has no corresponding registered limit.');
/** Keystone's RegisteredLimitError: a registered limit with limits may be neither updated nor deleted. */
export const registeredLimitInUse = (id: string) =>
  new Forbidden(`Unable to update or delete registered limit ${id} because there are project limits associated with it.`);

// ---- 401 ------------------------------------------------------------------------------------------

/** Keystone's bare 401 ("The request you have made requires authentication."). */
export const unauthorized = () => new Unauthorized();
/** A scope that names no project or domain: 401 with the not-found wording. */
export const scopeNotFound = (kind: 'project' | 'domain', id: string | undefined) => new Unauthorized(`Could not find ${kind}: ${id}.`);
export const projectDisabled = (id: string) => new Unauthorized(`Project ${id} is disabled.`);
export const domainDisabled = (id: string) => new Unauthorized(`Domain ${id} is disabled.`);
/** "User <id> has no access to <target>" (target: "project X", "domain X", "the system"). */
export const noAccess = (userId: string, target: string) => new Unauthorized(`User ${userId} has no access to ${target}`);
export const accountDisabled = (userId: string) => new Unauthorized(`The account is disabled for user: ${userId}.`);
export const accountLocked = (userId: string) => new Unauthorized(`The account is locked for user: ${userId}.`);
export const passwordExpired = (userId: string) => new Unauthorized(`The password is expired and needs to be changed for user: ${userId}.`);
export const userIdsDoNotMatch = () => new Unauthorized('User IDs do not match');
export const invalidOAuthSignature = () => new Unauthorized('Invalid signature');
export const invalidEc2Signature = () => new Unauthorized('Invalid EC2 signature.');
export const userNotValidForProject = () => new Unauthorized('User not valid for project.');
export const accessTokenExpired = () => new Unauthorized('Access token is expired');
export const requestTokenExpired = () => new Unauthorized('Request token is expired');
/** A credential that is not an EC2 one, as the EC2 routes see it (401, not 404). */
export const notAnEc2AccessKey = () => new Unauthorized('EC2 access key not found.');

export { BadRequest, Conflict, Forbidden, NotFound, Unauthorized };
