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
// Agents and their schedulers (neutron_lib/exceptions/agent.py, dhcpagentscheduler.py; neutron/extensions/l3agentscheduler.py).
export const agentNotFound = (id: string) => notFound('AgentNotFound', `Agent ${id} could not be found.`);
export const invalidDhcpAgent = (id: string) => notFound('InvalidDHCPAgent', `Agent ${id} is not a valid DHCP Agent or has been disabled.`);
export const invalidL3Agent = (id: string) => notFound('InvalidL3Agent', `Agent ${id} is not a L3 Agent or has been disabled`);
export const networkHostedByDhcpAgent = (networkId: string, agentId: string) =>
  conflict('NetworkHostedByDHCPAgent', `The network ${networkId} has been already hosted by the DHCP Agent ${agentId}.`);
export const networkNotHostedByDhcpAgent = (networkId: string, agentId: string) =>
  conflict('NetworkNotHostedByDhcpAgent', `The network ${networkId} is not hosted by the DHCP Agent ${agentId}.`);
export const routerHostedByL3Agent = (routerId: string, agentId: string) =>
  conflict('RouterHostedByL3Agent', `The router ${routerId} has been already hosted by the L3 Agent ${agentId}.`);
export const routerNotHostedByL3Agent = (routerId: string, agentId: string) =>
  conflict('RouterNotHostedByL3Agent', `The router ${routerId} is not hosted by the L3 Agent ${agentId}.`);

// Metering (neutron_lib/exceptions/metering.py).
export const meteringLabelNotFound = (id: string) => notFound('MeteringLabelNotFound', `Metering label '${id}' does not exist.`);
export const meteringLabelRuleNotFound = (id: string) => notFound('MeteringLabelRuleNotFound', `Metering label rule '${id}' does not exist.`);
export const meteringLabelRuleOverlaps = (prefix: string) =>
  conflict('MeteringLabelRuleOverlaps', `Metering label rule with remote_ip_prefix '${prefix}' overlaps another.`);
