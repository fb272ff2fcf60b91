// DevStack's networks: `public` (external, 172.24.4.0/24, no DHCP, the default), the default subnetpool and, for project demo,
// `private` (10.0.0.0/26) with `router1` between them. Idempotent: found by name, made when missing.
import type { IdentityFacade } from '../service-module.js';
import type { NetworkDomain } from './domain/network-domain.js';

export async function seedNetworks(d: NetworkDomain, identity: IdentityFacade & { findProjectByName?: (name: string) => Promise<{ id: string } | undefined> }, projectIds: { admin?: string; demo?: string }): Promise<void> {
  const admin = { projectId: projectIds.admin, isAdmin: true };
  const nets = await d.networks.list();
  let pub = nets.find((n) => n.name === 'public');
  if (!pub) {
    pub = await d.networks.create(admin, { name: 'public', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'public', project_id: projectIds.admin ?? '' });
  }
  if (!(await d.subnets.list(pub.id)).length) {
    await d.subnets.create(admin, { name: 'public-subnet', network_id: pub.id, ip_version: 4, cidr: '172.24.4.0/24', gateway_ip: '172.24.4.1', allocation_pools: [{ start: '172.24.4.2', end: '172.24.4.254' }], enable_dhcp: false, project_id: projectIds.admin ?? '' });
  }
  // NOTE: as DevStack: `public` is the default external network and a shared default IPv4 subnetpool
  // exists, which Neutron's auto-allocated-topology (Nova's networks 'auto') needs.
  if (!pub.is_default) pub = await d.networks.update(admin, pub.id, { is_default: true });
  if (!(await d.subnets.listPools()).some((p) => p.is_default && p.ip_version === 4)) {
    await d.subnets.createPool(admin, { name: 'shared-default-subnetpool-v4', prefixes: ['10.64.0.0/16'], default_prefixlen: 26, shared: true, is_default: true, project_id: projectIds.admin ?? '' });
  }
  if (!projectIds.demo) return;
  void identity;
  const demo = { projectId: projectIds.demo, isAdmin: false };
  let priv = nets.find((n) => n.name === 'private' && n.project_id === projectIds.demo);
  if (!priv) priv = await d.networks.create(demo, { name: 'private' });
  let privSubnet = (await d.subnets.list(priv.id)).find((s) => s.ip_version === 4);
  if (!privSubnet) privSubnet = await d.subnets.create(demo, { name: 'private-subnet', network_id: priv.id, ip_version: 4, cidr: '10.0.0.0/26', gateway_ip: '10.0.0.1' });
  let router = (await d.routers.list()).find((r) => r.name === 'router1' && r.project_id === projectIds.demo);
  if (!router) router = await d.routers.create(demo, { name: 'router1' });
  if (!router.external_gateway_info) await d.routers.update({ projectId: projectIds.demo, isAdmin: true }, router.id, { external_gateway_info: { network_id: pub.id } });
  if (!(await d.routers.interfacePorts(router.id)).length) await d.routers.addInterface(demo, router.id, { subnet_id: privSubnet.id });
}
