// /v2.0/extensions: the extensions Stratus implements, under Neutron's aliases.
import { Type } from '@sinclair/typebox';
import { route, type RouteSpec } from '../../../core/http/service-plugin.js';
import { notFound } from '../domain/errors.js';
import { listResponse } from './common.js';
import { extensionView } from './views.js';

/** The extensions we implement, under Neutron's aliases. */
export const EXTENSIONS: [alias: string, name: string, description: string, updated?: string][] = [
  ['router', 'Neutron L3 Router', 'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.'],
  ['external-net', 'Neutron external network', 'Adds external network attribute to network resource.'],
  [
    'ext-gw-mode', 'Neutron L3 Configurable external gateway mode',
    'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway',
  ],
  ['security-group', 'security-group', 'The security groups extension.'],
  ['quotas', 'Quota management support', 'Expose functions for quotas management per tenant'],
  ['quota_details', 'Quota details management support', 'Expose functions for quotas usage statistics per project'],
  ['provider', 'Provider Network', 'Expose mapping of virtual networks to physical networks'],
  ['binding', 'Port Binding', 'Expose port bindings of a virtual port to external application'],
  ['allowed-address-pairs', 'Allowed Address Pairs', 'Provides allowed address pairs'],
  ['port-security', 'Port Security', 'Provides port security'],
  [
    'extra_dhcp_opt', 'Neutron Extra DHCP options',
    'Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)',
  ],
  ['extraroute', 'Neutron Extra Route', 'Extra routes configuration for L3 router'],
  ['extraroute-atomic', 'Atomically add/remove extra routes', 'Edit extra routes of a router on server side by atomically adding/removing extra routes'],
  [
    'standard-attr-tag',
    'Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, '
      + 'security_group, floatingip',
    'Enables to set tag on resources with standard attribute.',
  ],
  ['standard-attr-revisions', 'Resource revision numbers', 'This extension will display the revision number of neutron resources.'],
  ['standard-attr-timestamp', 'Resource timestamps', 'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.'],
  ['standard-attr-description', 'standard-attr-description', 'Extension to add descriptions to standard attributes'],
  ['revision-if-match', 'If-Match constraints based on revision_number', 'Extension indicating that If-Match based on revision_number is supported.'],
  ['subnet_allocation', 'Subnet Allocation', 'Enables allocation of subnets from a subnet pool'],
  ['auto-allocated-topology', 'Auto Allocated Topology Services', 'Auto Allocated Topology Services.'],
  ['default-subnetpools', 'Default Subnetpools', 'Provides ability to mark and use a subnetpool as the default.'],
  ['network-ip-availability', 'Network IP Availability', 'Provides IP availability data for each network and subnet.'],
  ['rbac-policies', 'RBAC Policies', 'Allows creation and modification of policies that control tenant access to resources.'],
  ['availability_zone', 'Availability Zone', 'The availability zone extension.'],
  ['network_availability_zone', 'Network Availability Zone', 'Availability zone support for network.'],
  ['router_availability_zone', 'Router Availability Zone', 'Availability zone support for router.'],
  ['net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.'],
  ['net-mtu-writable', 'Network MTU (writable)', 'Provides a writable MTU attribute for a network resource.'],
  ['pagination', 'Pagination support', 'Extension that indicates that pagination is enabled.'],
  ['sorting', 'Sorting support', 'Extension that indicates that sorting is enabled.'],
  ['project-id', 'project_id field enabled', 'Extension that indicates that project_id field is enabled.'],
  ['fip-port-details', 'Floating IP Port Details Extension', 'Add port_details attribute to Floating IP resource'],
  ['subnet-service-types', 'Subnet service types', 'Provides ability to set the subnet service_types field'],
  ['stateful-security-group', 'Stateful security group', 'Indicates if the security group is stateful or not'],
  ['service-type', 'Neutron Service Type Management', 'API for retrieving service providers for Neutron advanced services'],
  ['ip-substring-filtering', 'IP address substring filtering', 'Provides IP address substring filtering when listing ports'],
  ['empty-string-filtering', 'Empty String Filtering Extension', 'Allow filtering by attributes with empty string value'],
  // address-scope, qos, trunk (neutron-lib's definitions, with their UPDATED_TIMESTAMPs).
  ['address-scope', 'Address scope', 'Address scopes extension.', '2015-07-26T10:00:00-00:00'],
  ['qos', 'Quality of Service', 'The Quality of Service extension.', '2015-06-08T10:00:00-00:00'],
  ['qos-default', 'QoS default policy', 'Expose the QoS default policy per project', '2017-041-06T10:00:00-00:00'],
  [
    'qos-bw-limit-direction', 'Direction for QoS bandwidth limit rule',
    'Allow to configure QoS bandwidth limit rule with specific direction: ingress or egress', '2017-04-10T10:00:00-00:00',
  ],
  ['qos-rule-type-details', 'Details of QoS rule types', 'Expose details about QoS rule types supported by loaded backend drivers', '2017-06-22T10:00:00-00:00'],
  ['trunk', 'Trunk Extension', 'Provides support for trunk ports', '2016-01-01T10:00:00-00:00'],
  ['trunk-details', 'Trunk port details', 'Expose trunk port details', '2016-01-01T10:00:00-00:00'],
  // Agents, their schedulers, metering and dvr, with neutron-lib's own update times.
  ['agent', 'agent', 'The agent management extension.', '2013-02-03T10:00:00-00:00'],
  ['agent-resources-synced', "Agent's Resource View Synced to Placement", 'Stores success/failure of last sync to Placement', '2018-12-19T00:00:00-00:00'],
  ['dhcp_agent_scheduler', 'DHCP Agent Scheduler', 'Schedule networks among dhcp agents', '2013-02-07T10:00:00-00:00'],
  ['l3_agent_scheduler', 'L3 Agent Scheduler', 'Schedule routers among l3 agents', '2013-02-07T10:00:00-00:00'],
  ['metering', 'Neutron Metering', 'Neutron Metering extension.', '2013-06-12T10:00:00-00:00'],
  ['dvr', 'Distributed Virtual Router', 'Enables configuration of Distributed Virtual Routers.', '2014-06-1T10:00:00-00:00'],
];

export function extensionRoutes(): RouteSpec[] {
  return [
    { method: 'GET', url: '/v2.0/extensions', handler: async (req) => listResponse(req, 'extensions', EXTENSIONS.map(extensionView)) },
    route({
      method: 'GET', url: '/v2.0/extensions/:alias', schema: { params: Type.Object({ alias: Type.String() }) },
      handler: async (req) => {
        const e = EXTENSIONS.find(([a]) => a === req.params.alias);
        if (!e) throw notFound('HTTPNotFound', `Extension with alias ${req.params.alias} does not exist`);
        return { extension: extensionView(e) };
      },
    }),
  ];
}
