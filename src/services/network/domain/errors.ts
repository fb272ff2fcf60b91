import { ApiError } from '../../../core/errors/errors.js';

/** A Neutron exception: its class name travels as NeutronError.type (neutron_lib/exceptions). */
export class NeutronError extends ApiError {
  constructor(status: number, readonly type: string, message: string) { super(status, message); }
}

export const badRequest = (message: string, type = 'HTTPBadRequest') => new NeutronError(400, type, message);
export const invalidInput = (message: string) => new NeutronError(400, 'InvalidInput', `Invalid input for operation: ${message}.`);
export const notFound = (type: string, message: string) => new NeutronError(404, type, message);
export const conflict = (type: string, message: string) => new NeutronError(409, type, message);
export const policyNotAuthorized = (rule: string) => new NeutronError(403, 'PolicyNotAuthorized', `(rule:${rule}) is disallowed by policy`);
export const revisionConstraintFailed = (ifMatch: number, current: number) =>
  new NeutronError(412, 'RevisionNumberConstraintFailed', `Constrained to ${ifMatch}, but current revision is ${current}`);
export const autoAllocationFailure = (reason: string) => new NeutronError(409, 'AutoAllocationFailure', `Deployment error: ${reason}.`);
export const securityGroupsNeedPortSecurity = () => conflict('PortSecurityAndIPRequiredForSecurityGroups',
  'Port security must be enabled and port must have an IP address in order to use security groups.');
export const invalidProtocol = (message: string) => new NeutronError(400, 'SecurityGroupRuleInvalidProtocol', message);

export const networkNotFound = (id: string) => notFound('NetworkNotFound', `Network ${id} could not be found.`);
export const subnetNotFound = (id: string) => notFound('SubnetNotFound', `Subnet ${id} could not be found.`);
export const portNotFound = (id: string) => notFound('PortNotFound', `Port ${id} could not be found.`);
export const routerNotFound = (id: string) => notFound('RouterNotFound', `Router ${id} could not be found.`);
export const floatingIpNotFound = (id: string) => notFound('FloatingIPNotFound', `Floating IP ${id} could not be found`);
export const securityGroupNotFound = (id: string) => notFound('SecurityGroupNotFound', `Security group ${id} does not exist`);
export const securityGroupRuleNotFound = (id: string) => notFound('SecurityGroupRuleNotFound', `Security group rule ${id} does not exist`);
export const subnetPoolNotFound = (id: string) => notFound('SubnetPoolNotFound', `Subnet pool ${id} could not be found.`);
export const rbacObjectNotFound = (objectId: string) => notFound('NotFound', `RBAC policy on object ${objectId} not found.`);
export const rbacPolicyNotFound = (id: string) => notFound('RbacPolicyNotFound', `RBAC policy of type rbac_policy with ID ${id} not found`);

// address-scope, qos, trunk.
export const addressScopeNotFound = (id: string) => notFound('AddressScopeNotFound', `Address scope ${id} could not be found.`);
export const addressScopeInUse = (id: string) => conflict('AddressScopeInUse',
  `Unable to complete operation on address scope ${id}. There are one or more subnet pools in use on the address scope.`);
export const qosPolicyNotFound = (id: string) => notFound('QosPolicyNotFound', `QoS policy ${id} could not be found.`);
export const qosRuleNotFound = (ruleId: string, policyId: string) =>
  notFound('QosRuleNotFound', `QoS rule ${ruleId} for policy ${policyId} could not be found.`);
export const trunkNotFound = (id: string) => notFound('TrunkNotFound', `Trunk ${id} could not be found.`);
