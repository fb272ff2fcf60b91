// DevStack's networks: `public` (external, 172.24.4.0/24, no DHCP, the default), the default subnetpool and, for project demo,
// `private` (10.0.0.0/26) with `router1` between them; each shaped by the seed settings (local.conf's FLOATING_RANGE ...,
// Packstack's CONFIG_PROVISION_DEMO). Idempotent: found by name, made when missing.
import type { SeedSettings } from '../../config.js';
import type { NetworkDomain } from './domain/network-domain.js';

export async function seedNetworks(d: NetworkDomain, seed: SeedSettings, projectIds: { admin?: string; demo?: string }): Promise<void> {
  const admin = { projectId: projectIds.admin, isAdmin: true };
  // NOTE: as Packstack with CONFIG_PROVISION_DEMO=n: no networks at all, so a lab's own `public` or `router1` is free.
  const want = seed.publicNetwork;
  if (!want) return;
  const nets = await d.networks.list();
  let pub = nets.find((n) => n.name === want.name);
  if (!pub) {
    pub = await d.networks.create(admin, { name: want.name, 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': want.physicalNetwork, project_id: projectIds.admin ?? '' });
  }
  if (!(await d.subnets.list(pub.id)).length) {
    await d.subnets.create(admin, {
      name: want.subnetName ?? `${want.name}-subnet`, network_id: pub.id, ip_version: 4, cidr: want.cidr, enable_dhcp: false, project_id: projectIds.admin ?? '',
      ...(want.gateway ? { gateway_ip: want.gateway } : {}), ...(want.pool ? { allocation_pools: [want.pool] } : {}),
    });
  }
  // NOTE: as DevStack: `public` is the default external network and a shared default IPv4 subnetpool
  // exists, which Neutron's auto-allocated-topology (Nova's networks 'auto') needs.
  if (!pub.is_default) pub = await d.networks.update(admin, pub.id, { is_default: true });
  if (!(await d.subnets.listPools()).some((p) => p.is_default && p.ip_version === 4)) {
    await d.subnets.createPool(admin, { name: 'shared-default-subnetpool-v4', prefixes: ['10.64.0.0/16'], default_prefixlen: 26, shared: true, is_default: true, project_id: projectIds.admin ?? '' });
  }
  if (!projectIds.demo) return;
  const demo = { projectId: projectIds.demo, isAdmin: false };
  let priv = nets.find((n) => n.name === 'private' && n.project_id === projectIds.demo);
  if (!priv) priv = await d.networks.create(demo, { name: 'private' });
  let privSubnet = (await d.subnets.list(priv.id)).find((s) => s.ip_version === 4);
  if (!privSubnet) {
    const gateway = seed.privateNetwork.gateway ? { gateway_ip: seed.privateNetwork.gateway } : {};
    privSubnet = await d.subnets.create(demo, { name: seed.privateNetwork.subnetName ?? 'private-subnet', network_id: priv.id, ip_version: 4, cidr: seed.privateNetwork.cidr, ...gateway });
  }
  let router = (await d.routers.list()).find((r) => r.name === 'router1' && r.project_id === projectIds.demo);
  if (!router) router = await d.routers.create(demo, { name: 'router1' });
  if (!router.external_gateway_info) await d.routers.update({ projectId: projectIds.demo, isAdmin: true }, router.id, { external_gateway_info: { network_id: pub.id } });
  if (!(await d.routers.interfacePorts(router.id)).length) await d.routers.addInterface(demo, router.id, { subnet_id: privSubnet.id });
}
