// Records → Neutron's wire format (Zed), with the attributes of the extensions we list.
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import type { NetworkDomain } from '../domain/network-domain.js';
import type { AgentRecord } from '../store/agents.store.js';
import type { MeteringLabelRecord, MeteringLabelRuleRecord } from '../store/metering.store.js';
import type {
  AddressScopeRecord, BandwidthLimitRule, QosPolicyRecord, TrunkRecord,
  FloatingIpRecord, NetworkRecord, PortRecord, RbacPolicyRecord, RouterRecord, SecurityGroupRecord, SecurityGroupRuleRecord,
  SubnetPoolRecord, SubnetRecord,
} from '../store/tables.js';
import { hideAttrs, networkFacts } from './common.js';

const owner = (r: { project_id: string }) => ({ project_id: r.project_id, tenant_id: r.project_id });
const std = (r: { created_at: string; updated_at: string; revision_number: number; tags: string[] }) =>
  ({ tags: r.tags, created_at: r.created_at, updated_at: r.updated_at, revision_number: r.revision_number });

export function networkView(
  n: NetworkRecord, flags: { shared: boolean; external: boolean }, subnetIds: string[], scopes: { ipv4: string | null; ipv6: string | null } = { ipv4: null, ipv6: null },
) {
  return {
    id: n.id, name: n.name, ...owner(n), admin_state_up: n.admin_state_up, mtu: n.mtu, status: n.status, subnets: subnetIds,
    shared: flags.shared, 'router:external': flags.external, port_security_enabled: n.port_security_enabled,
    availability_zone_hints: n.availability_zone_hints, availability_zones: ['nova'], ipv4_address_scope: scopes.ipv4, ipv6_address_scope: scopes.ipv6,
    qos_policy_id: n.qos_policy_id ?? null,
    'provider:network_type': n.network_type, 'provider:physical_network': n.physical_network, 'provider:segmentation_id': n.segmentation_id,
    l2_adjacency: true, is_default: n.is_default ?? false, description: n.description, ...std(n),
  };
}

export function subnetView(s: SubnetRecord) {
  return {
    id: s.id, name: s.name, ...owner(s), network_id: s.network_id, ip_version: s.ip_version, cidr: s.cidr, gateway_ip: s.gateway_ip,
    allocation_pools: s.allocation_pools, dns_nameservers: s.dns_nameservers, host_routes: s.host_routes, enable_dhcp: s.enable_dhcp,
    ipv6_ra_mode: s.ipv6_ra_mode, ipv6_address_mode: s.ipv6_address_mode, subnetpool_id: s.subnetpool_id, service_types: s.service_types,
    description: s.description, ...std(s),
  };
}

export function subnetPoolView(p: SubnetPoolRecord) {
  return {
    id: p.id, name: p.name, ...owner(p), prefixes: p.prefixes, default_prefixlen: p.default_prefixlen, min_prefixlen: p.min_prefixlen,
    max_prefixlen: p.max_prefixlen, default_quota: p.default_quota, ip_version: p.ip_version, shared: p.shared, is_default: p.is_default,
    address_scope_id: p.address_scope_id, description: p.description, ...std(p),
  };
}

/** A port; a trunk's parent port carries trunk_details (trunk-details). */
export function portView(p: PortRecord, trunk?: { trunk: TrunkRecord; macs: Map<string, string> }) {
  return {
    ...(trunk ? { trunk_details: {
      trunk_id: trunk.trunk.id,
      sub_ports: trunk.trunk.sub_ports.map((s) => ({ ...s, mac_address: trunk.macs.get(s.port_id) ?? null })),
    } } : {}),
    qos_policy_id: p.qos_policy_id ?? null,
    id: p.id, name: p.name, ...owner(p), network_id: p.network_id, admin_state_up: p.admin_state_up, mac_address: p.mac_address,
    fixed_ips: p.fixed_ips, device_id: p.device_id, device_owner: p.device_owner, status: p.status, security_groups: p.security_groups,
    port_security_enabled: p.port_security_enabled, allowed_address_pairs: p.allowed_address_pairs, extra_dhcp_opts: p.extra_dhcp_opts,
    'binding:host_id': p.binding_host_id, 'binding:vnic_type': p.binding_vnic_type, 'binding:profile': p.binding_profile,
    'binding:vif_type': p.binding_vif_type, 'binding:vif_details': p.binding_vif_type === 'bridge' ? { port_filter: true, connectivity: 'l2' } : {},
    description: p.description, ...std(p),
  };
}

export function routerView(r: RouterRecord) {
  return {
    id: r.id, name: r.name, ...owner(r), admin_state_up: r.admin_state_up, status: r.status,
    external_gateway_info: r.external_gateway_info, routes: r.routes, availability_zone_hints: r.availability_zone_hints,
    availability_zones: ['nova'], distributed: r.distributed ?? false, description: r.description, ...std(r),
  };
}

export function floatingIpView(f: FloatingIpRecord, port?: PortRecord) {
  return {
    id: f.id, ...owner(f), floating_network_id: f.floating_network_id, floating_ip_address: f.floating_ip_address,
    port_id: f.port_id, fixed_ip_address: f.fixed_ip_address, router_id: f.router_id, status: f.status, description: f.description,
    port_details: port ? {
      name: port.name, network_id: port.network_id, mac_address: port.mac_address, admin_state_up: port.admin_state_up, status: port.status,
      device_id: port.device_id, device_owner: port.device_owner,
    } : null,
    ...std(f),
  };
}

export function securityGroupRuleView(r: SecurityGroupRuleRecord) {
  return {
    id: r.id, ...owner(r), security_group_id: r.security_group_id, direction: r.direction, ethertype: r.ethertype, protocol: r.protocol,
    port_range_min: r.port_range_min, port_range_max: r.port_range_max, remote_ip_prefix: r.remote_ip_prefix,
    remote_group_id: r.remote_group_id, remote_address_group_id: r.remote_address_group_id, description: r.description,
    created_at: r.created_at, updated_at: r.updated_at, revision_number: r.revision_number,
  };
}

export function securityGroupView(g: SecurityGroupRecord, rules: SecurityGroupRuleRecord[]) {
  return {
    id: g.id, name: g.name, ...owner(g), description: g.description, stateful: g.stateful,
    security_group_rules: rules.map(securityGroupRuleView), ...std(g),
  };
}

export function addressScopeView(s: AddressScopeRecord) {
  return { id: s.id, name: s.name, ...owner(s), shared: s.shared, ip_version: s.ip_version, description: s.description, ...std(s) };
}

export function bandwidthLimitRuleView(r: BandwidthLimitRule) {
  return { id: r.id, max_kbps: r.max_kbps, max_burst_kbps: r.max_burst_kbps, direction: r.direction };
}

export function qosPolicyView(p: QosPolicyRecord) {
  return {
    id: p.id, name: p.name, ...owner(p), description: p.description, shared: p.shared, is_default: p.is_default,
    rules: p.rules.map((r) => ({ ...bandwidthLimitRuleView(r), qos_policy_id: p.id, type: 'bandwidth_limit' })), ...std(p),
  };
}

export function ruleTypeView(type: string, drivers?: unknown[]) {
  return drivers ? { type, drivers } : { type };
}

export function trunkView(t: TrunkRecord) {
  return {
    id: t.id, name: t.name, ...owner(t), port_id: t.port_id, admin_state_up: t.admin_state_up, status: t.status,
    sub_ports: t.sub_ports, description: t.description, ...std(t),
  };
}

export function rbacView(r: RbacPolicyRecord) {
  return { id: r.id, ...owner(r), object_type: r.object_type, object_id: r.object_id, action: r.action, target_tenant: r.target_tenant };
}

export function versionView(base: string) {
  return { id: 'v2.0', status: 'CURRENT', links: [{ href: `${base}/`, rel: 'self' }] };
}

/** One entry of /v2.0's resource index: `security-groups` is the collection `security_groups` of `security_group`. */
export function resourceLinkView(base: string, path: string) {
  return { name: path.replace(/s$/, '').replace('-', '_'), collection: path.replace('-', '_'), links: [{ href: `${base}/${path}`, rel: 'self' }] };
}

export function extensionView([alias, name, description, updated]: [string, string, string, string?]) {
  return { alias, name, description, updated: updated ?? '2013-01-20T00:00:00-00:00', links: [] };
}

export function quotaDetailsView(limits: Record<string, number>, used: Record<string, number>) {
  return Object.fromEntries(Object.entries(limits).map(([k, v]) => [k, { limit: v, used: used[k] ?? 0, reserved: 0 }]));
}

export function ipAvailabilityView(n: NetworkRecord, subnets: { subnet: SubnetRecord; total: number; used: number }[]) {
  const subs = subnets.map(({ subnet: s, total, used }) => ({
    subnet_id: s.id, subnet_name: s.name, cidr: s.cidr, ip_version: s.ip_version, total_ips: total, used_ips: used,
  }));
  return {
    network_id: n.id, network_name: n.name, ...owner(n), subnet_ip_availability: subs,
    total_ips: subs.reduce((a, s) => a + s.total_ips, 0), used_ips: subs.reduce((a, s) => a + s.used_ips, 0),
  };
}

/** The network of a project's auto-allocated topology (`dry-run=pass` for a dry run). */
export function topologyView(id: string, projectId: string) {
  return { id, tenant_id: projectId, project_id: projectId };
}

/** Neutron's agents show their times as its database has them: `2017-09-12 19:40:38`. */
const agentTime = (iso: string) => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');

export function agentView(a: AgentRecord, alive: boolean) {
  return {
    id: a.id, agent_type: a.agent_type, binary: a.binary, topic: a.topic, host: a.host, admin_state_up: a.admin_state_up, alive,
    availability_zone: a.availability_zone, configurations: a.configurations, description: a.description,
    created_at: agentTime(a.created_at), started_at: agentTime(a.started_at), heartbeat_timestamp: agentTime(a.heartbeat_timestamp),
    resources_synced: null,
  };
}

export function meteringLabelView(l: MeteringLabelRecord) {
  return { id: l.id, name: l.name, description: l.description, shared: l.shared, ...owner(l) };
}

export function meteringLabelRuleView(r: MeteringLabelRuleRecord) {
  return { id: r.id, metering_label_id: r.metering_label_id, direction: r.direction, excluded: r.excluded, remote_ip_prefix: r.remote_ip_prefix };
}

/** The networks an agent hosts, each as the caller may see it. */
export const hostedNetworksView = async (d: NetworkDomain, req: ApiRequest, ids: string[]) => {
  const out = [];
  for (const id of ids) {
    const n = await d.networks.find(id);
    if (!n) continue;
    const rbac = await d.networks.rbacOf(id);
    const facts = networkFacts(d, req, n, rbac);
    const v = networkView(n, d.networks.flags(n, rbac, req.ctx.projectId), (await d.subnets.list(id)).map((s) => s.id));
    out.push(hideAttrs(req.ctx, 'network', v, v, facts));
  }
  return out;
};

/** The routers an agent hosts, each as the caller may see it. */
export const hostedRoutersView = async (d: NetworkDomain, req: ApiRequest, ids: string[]) => {
  const out = [];
  for (const id of ids) { const r = await d.routers.find(id); if (r) out.push(hideAttrs(req.ctx, 'router', routerView(r), { ...r })); }
  return out;
};
