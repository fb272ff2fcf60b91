// The networking service: Neutron v2.0 at /networking, on a network driver (fake or Linux).
import { hostname } from 'node:os';
import { networkingSettings, seedSettings } from '../../config.js';
import { migrate } from '../../core/db/database.js';
import type { ServiceMount } from '../../core/http/service-plugin.js';
import { loadPolicyOverrides } from '../../core/policy/overrides.js';
import { compileRules, type RuleSet } from '../../core/policy/policy-engine.js';
import type { NetworkDriver } from '../../drivers/network/network-driver.js';
import type { ServiceContext, ServiceModule } from '../service-module.js';
import { addressScopeRoutes } from './api/address-scopes.routes.js';
import { agentRoutes } from './api/agents.routes.js';
import { autoAllocatedTopologyRoutes } from './api/auto-allocated-topologies.routes.js';
import { availabilityZoneRoutes } from './api/availability-zones.routes.js';
import { extensionRoutes } from './api/extensions.routes.js';
import { networkIpAvailabilityRoutes } from './api/network-ip-availabilities.routes.js';
import { meteringRoutes } from './api/metering.routes.js';
import { networkRoutes } from './api/networks.routes.js';
import { subnetRoutes } from './api/subnets.routes.js';
import { portRoutes } from './api/ports.routes.js';
import { qosRoutes } from './api/qos.routes.js';
import { quotaRoutes } from './api/quotas.routes.js';
import { rbacPolicyRoutes } from './api/rbac-policies.routes.js';
import { routerRoutes } from './api/routers.routes.js';
import { floatingIpRoutes } from './api/floating-ips.routes.js';
import { securityGroupRuleRoutes } from './api/security-group-rules.routes.js';
import { securityGroupRoutes } from './api/security-groups.routes.js';
import { serviceProviderRoutes } from './api/service-providers.routes.js';
import { subnetPoolRoutes } from './api/subnetpools.routes.js';
import { tagRoutes } from './api/tags.routes.js';
import { trunkRoutes } from './api/trunks.routes.js';
import { versionRoutes } from './api/versions.routes.js';
import { AutoAllocatedTopologiesService } from './domain/auto-allocated-topologies.service.js';
import { NetworkDomain } from './domain/network-domain.js';
import { networkFaults } from './faults.js';
import { networkPolicies } from './policies.js';
import { seedNetworks } from './seed.js';
import { networkMigrations } from './store/migrations.js';
import { conflict, floatingIpNotFound, notFound, securityGroupRuleNotFound } from './domain/errors.js';
import { NetworkTables, type FloatingIpRecord, type NetworkRecord, type PortRecord, type SecurityGroupRecord, type SecurityGroupRuleRecord } from './store/tables.js';

export const NETWORK_PATH = '/networking';

import type { FloatingIp, NetCaller, NetworkFacade, NetworkProxyFacade, ProxyNetwork, SecurityGroup, SecurityGroupRule, ServerAddress } from './facade.js';
export type * from './facade.js';

export class NetworkModule implements ServiceModule<NetworkFacade> {
  readonly domain: NetworkDomain;
  readonly rules: RuleSet;
  readonly facade: NetworkFacade;
  readonly topologies: AutoAllocatedTopologiesService;

  private constructor(private readonly ctx: ServiceContext, readonly driver: NetworkDriver) {
    this.domain = new NetworkDomain({ t: new NetworkTables(ctx.db), driver, host: hostname(), log: ctx.logger, networking: networkingSettings(ctx.config) });
    this.topologies = new AutoAllocatedTopologiesService(this.domain);
    this.rules = compileRules({ ...networkPolicies, ...loadPolicyOverrides(ctx.config.dataDir) });
    this.facade = makeFacade(this.domain, this.topologies);
  }

  static async open(ctx: ServiceContext): Promise<NetworkModule> {
    const driver = ctx.drivers.network;
    await migrate(ctx.db, 'network', networkMigrations);
    const m = new NetworkModule(ctx, driver);
    // NOTE: the dataplane's parts register as agents before anything is made, so that it is scheduled.
    await m.domain.agents.start();
    const identity = ctx.facades.identity;
    const seed = seedSettings(ctx.config);
    const demo = seed.demo ? (await identity.findProjectByName('demo'))?.id : undefined;
    await seedNetworks(m.domain, seed, { admin: (await identity.findProjectByName('admin'))?.id, demo });
    return m;
  }

  async start(): Promise<void> { await this.domain.reconcile(); }
  async close(): Promise<void> { await this.domain.agents.stop(); await this.driver.close(); }

  mount(): ServiceMount {
    const d = this.domain;
    return {
      prefix: NETWORK_PATH,
      rules: () => this.rules,
      faults: networkFaults(() => `${this.ctx.baseUrl()}/identity`),
      tokens: this.ctx.tokens,
      // NOTE: Neutron also answers every path with a `.json` suffix (Tempest's quota client uses it).
      routes: [
        ...versionRoutes(), ...extensionRoutes(), ...availabilityZoneRoutes(), ...serviceProviderRoutes(), ...quotaRoutes(d),
        ...rbacPolicyRoutes(d), ...subnetPoolRoutes(d), ...networkIpAvailabilityRoutes(d), ...tagRoutes(d),
        ...networkRoutes(d), ...subnetRoutes(d), ...portRoutes(d), ...routerRoutes(d), ...floatingIpRoutes(d),
        ...securityGroupRoutes(d), ...securityGroupRuleRoutes(d), ...autoAllocatedTopologyRoutes(this.topologies),
        ...addressScopeRoutes(d), ...qosRoutes(d), ...trunkRoutes(d),
        ...agentRoutes(d), ...meteringRoutes(d),
      ].flatMap((r) => (r.url === '/' ? [r] : [r, { ...r, url: `${r.url}.json` }])),
      setup: (app) => {
        // As oslo.middleware's request_id in front of Neutron: on every answer, errors included.
        app.addHook('onRequest', async (request, reply) => { reply.header('x-openstack-request-id', request.id); });
      },
    };
  }
}

function makeFacade(d: NetworkDomain, topologies: AutoAllocatedTopologiesService): NetworkFacade {
  return { ...serverFacade(d), ...proxyFacade(d, topologies) };
}

function proxyFacade(d: NetworkDomain, topologies: AutoAllocatedTopologiesService): NetworkProxyFacade {
  const rule = (r: SecurityGroupRuleRecord): SecurityGroupRule => ({
    id: r.id, securityGroupId: r.security_group_id, direction: r.direction, ethertype: r.ethertype, protocol: r.protocol,
    portRangeMin: r.port_range_min, portRangeMax: r.port_range_max, remoteIpPrefix: r.remote_ip_prefix, remoteGroupId: r.remote_group_id,
  });
  const group = async (g: SecurityGroupRecord): Promise<SecurityGroup> => ({
    id: g.id, name: g.name, description: g.description, projectId: g.project_id, rules: (await d.securityGroups.rules(g.id)).map(rule),
  });
  const sees = (c: NetCaller, projectId: string) => c.isAdmin || projectId === c.projectId;
  const fip = async (f: FloatingIpRecord): Promise<FloatingIp> => {
    const port = f.port_id ? await d.t.ports.get(f.port_id) : undefined;
    const net = await d.networks.find(f.floating_network_id);
    return {
      id: f.id, floatingIp: f.floating_ip_address, fixedIp: f.fixed_ip_address, portId: f.port_id, deviceId: port?.device_id || null,
      networkId: f.floating_network_id, networkName: net?.name ?? f.floating_network_id, projectId: f.project_id,
    };
  };
  const visibleFip = async (c: NetCaller, id: string) => {
    const f = await d.routers.getFip(id);
    if (!sees(c, f.project_id)) throw floatingIpNotFound(id);
    return f;
  };
  const externals = async () => {
    const out: NetworkRecord[] = [];
    for (const n of await d.networks.list()) if ((await d.networks.rbacOf(n.id)).some((r) => r.action === 'access_as_external')) out.push(n);
    return out;
  };
  return {
    async securityGroups(c, opts) {
      await d.securityGroups.ensureDefault(c.projectId);
      const all = await d.securityGroups.list();
      return Promise.all(all.filter((g) => (opts.allProjects && c.isAdmin) || g.project_id === c.projectId).map(group));
    },
    async securityGroup(c, id) { return group(await d.visibleSecurityGroup(c, id)); },
    async findSecurityGroup(c, nameOrId) {
      await d.securityGroups.ensureDefault(c.projectId);
      const byId = await d.securityGroups.find(nameOrId);
      if (byId && sees(c, byId.project_id)) return byId.id;
      const named = (await d.securityGroups.list()).filter((g) => g.name === nameOrId && g.project_id === c.projectId);
      if (named.length > 1) {
        throw conflict('NeutronClientNoUniqueMatch', `Multiple security_group matches found for name '${nameOrId}', use an ID to be more specific.`);
      }
      return named[0]?.id;
    },
    async createSecurityGroup(c, b) { return group(await d.securityGroups.create(c, { name: b.name, description: b.description })); },
    async updateSecurityGroup(c, id, b) {
      await d.visibleSecurityGroup(c, id);
      return group(await d.securityGroups.update(id, { name: b.name, description: b.description }));
    },
    async deleteSecurityGroup(c, id) { await d.visibleSecurityGroup(c, id); await d.securityGroups.delete(c, id); },
    async createSecurityGroupRule(c, r) {
      const body = {
        security_group_id: r.securityGroupId, direction: r.direction, ethertype: r.ethertype, protocol: r.protocol,
        port_range_min: r.portRangeMin, port_range_max: r.portRangeMax, remote_ip_prefix: r.remoteIpPrefix, remote_group_id: r.remoteGroupId,
      };
      return rule(await d.securityGroups.createRule(c, body, (g) => sees(c, g.project_id)));
    },
    async securityGroupRule(c, id) {
      const r = await d.securityGroups.getRule(id);
      if (!sees(c, r.project_id) && !sees(c, (await d.securityGroups.get(r.security_group_id)).project_id)) throw securityGroupRuleNotFound(id);
      return rule(r);
    },
    async deleteSecurityGroupRule(c, id) { await this.securityGroupRule(c, id); await d.securityGroups.deleteRule(id); },
    async portsOfDeviceWithGroups(deviceId) {
      const ports = await d.ports.ofDevice(deviceId);
      return ports.map((p) => ({ id: p.id, securityGroups: [...p.security_groups], applicable: p.port_security_enabled !== false && p.fixed_ips.length > 0 }));
    },
    async setPortSecurityGroups(c, portId, groups) { await d.ports.update({ ...c, isAdmin: true }, portId, { security_groups: groups }); },
    async floatingIps(c) { return Promise.all((await d.routers.listFips()).filter((f) => sees(c, f.project_id)).map(fip)); },
    async floatingIp(c, id) { return fip(await visibleFip(c, id)); },
    async allocateFloatingIp(c, pool) {
      const nets = await externals();
      const net = pool === undefined ? nets[0] : nets.find((n) => n.name === pool || n.id === pool);
      if (!net) throw notFound('ExternalNetworkNotFound', pool === undefined ? 'No external network found.' : `Floating IP pool not found.`);
      return fip(await d.routers.createFip(c, { floating_network_id: net.id }));
    },
    async deleteFloatingIp(c, id) { await visibleFip(c, id); await d.routers.deleteFip(id); },
    async updateFloatingIpPort(c, id, portId, fixedIp) {
      await visibleFip(c, id);
      return fip(await d.routers.updateFip({ ...c, isAdmin: true }, id, { port_id: portId, ...(fixedIp ? { fixed_ip_address: fixedIp } : {}) }));
    },
    async networkForAuto(projectId) {
      const usable: string[] = [];
      for (const n of await d.networks.list()) {
        const flags = d.networks.flags(n, await d.networks.rbacOf(n.id), projectId);
        if (!flags.external && (n.project_id === projectId || flags.shared)) usable.push(n.id);
      }
      if (usable.length > 1) throw conflict('NetworkAmbiguous', 'Multiple possible networks found, use a Network ID to be more specific.');
      return usable[0] ?? topologies.get(projectId);
    },
    async externalNetworks() { return (await externals()).map((n) => ({ id: n.id, name: n.name })); },
    async visibleNetworks(c) {
      const out: ProxyNetwork[] = [];
      for (const n of await d.networks.list()) {
        const rbac = await d.networks.rbacOf(n.id);
        const flags = d.networks.flags(n, rbac, c.projectId);
        if (!c.isAdmin && !flags.visible) continue;
        const subnets = (await d.subnets.list(n.id)).map((s) => ({
          cidr: s.cidr, gatewayIp: s.gateway_ip, ipVersion: s.ip_version, enableDhcp: s.enable_dhcp, dnsNameservers: s.dns_nameservers,
        }));
        out.push({ id: n.id, name: n.name, projectId: n.project_id, external: flags.external, subnets });
      }
      return out;
    },
  };
}

function serverFacade(d: NetworkDomain): Omit<NetworkFacade, keyof NetworkProxyFacade> {
  const plain = (p: { id: string; network_id: string; mac_address: string; status: string; fixed_ips: { subnet_id: string; ip_address: string }[] }) =>
    ({
      id: p.id, networkId: p.network_id, macAddress: p.mac_address, status: p.status,
      fixedIps: p.fixed_ips.map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })),
    });
  const asOwner = (p: PortRecord) => ({ projectId: p.project_id, isAdmin: true });
  /** A server's port leaves it: deleted, or (the user's own) unbound and kept, as Nova's deallocate. */
  // One query for the ports of a page of servers and one for their floating IPs.
  const addressesOfDevices = async (deviceIds: string[]) => {
    const out = new Map<string, Record<string, ServerAddress[]>>(deviceIds.map((id) => [id, {}]));
    const ports = await d.t.ports.withField('device_id', [...new Set(deviceIds)]);
    const fips = await d.routers.fipsOfPorts(ports.map((p) => p.id));
    const networks = new Map<string, Promise<NetworkRecord | undefined>>();
    for (const p of ports) {
      const byNet = out.get(p.device_id);
      if (!byNet) continue;
      if (!networks.has(p.network_id)) networks.set(p.network_id, d.networks.find(p.network_id));
      const net = await networks.get(p.network_id);
      const list = (byNet[net?.name ?? p.network_id] ??= []);
      for (const f of p.fixed_ips) {
        list.push({ networkName: net?.name ?? '', addr: f.ip_address, version: f.ip_address.includes(':') ? 6 : 4, type: 'fixed', macAddr: p.mac_address });
        for (const fip of fips.filter((x) => x.port_id === p.id && x.fixed_ip_address === f.ip_address)) {
          list.push({ networkName: net?.name ?? '', addr: fip.floating_ip_address, version: 4, type: 'floating', macAddr: p.mac_address });
        }
      }
    }
    return out;
  };
  const release = async (p: PortRecord, remove: boolean) => {
    if (remove) await d.ports.delete(p.id);
    else await d.ports.update(asOwner(p), p.id, { device_id: '', device_owner: '', 'binding:host_id': '' });
  };
  return {
    async createPortForServer(req) {
      const caller = { projectId: req.projectId, isAdmin: true };
      if (req.portId) {
        const p = await d.ports.update(caller, req.portId, { device_id: req.serverId, device_owner: 'compute:nova', 'binding:host_id': req.host });
        return plain(p);
      }
      // NOTE: the server's security groups (names or ids, checked when it was created) on the new port.
      let groups: string[] | undefined;
      const net = req.networkId ? await d.networks.find(req.networkId) : undefined;
      const onlyDefault = req.securityGroups?.length === 1 && req.securityGroups[0] === 'default';
      if (req.securityGroups?.length && !onlyDefault && net?.port_security_enabled !== false) {
        await d.securityGroups.ensureDefault(req.projectId);
        const all = await d.securityGroups.list();
        groups = [...new Set(req.securityGroups.flatMap((n) => {
          const g = all.find((x) => x.id === n) ?? all.find((x) => x.name === n && x.project_id === req.projectId);
          return g ? [g.id] : [];
        }))];
      }
      const p = await d.createPort(caller, {
        network_id: req.networkId, project_id: req.projectId, device_id: req.serverId, device_owner: 'compute:nova', 'binding:host_id': req.host,
        ...(req.fixedIp ? { fixed_ips: [{ ip_address: req.fixedIp }] } : {}), ...(groups ? { security_groups: groups } : {}),
      });
      return plain(p);
    },
    async deletePortsOfDevice(deviceId, preserve = []) {
      for (const p of await d.ports.ofDevice(deviceId)) {
        if (p.device_owner.startsWith('compute:')) await release(p, !preserve.includes(p.id));
      }
    },
    async bindPortsOfDevice(deviceId, host) {
      for (const p of await d.ports.ofDevice(deviceId)) {
        if (p.binding_host_id !== host) await d.ports.update(asOwner(p), p.id, { 'binding:host_id': host });
      }
    },
    async portsOfDevice(deviceId) { return (await d.ports.ofDevice(deviceId)).map(plain); },
    async deviceWithAddress(networkId, ip) {
      // NOTE: through the address's allocation (indexed), the first port holding it as before.
      const holders = (await d.t.allocations({ network_id: networkId, ip_address: ip })).flatMap((a) => (a.port_id ? [a.port_id] : []));
      const ports = await d.t.ports.withIds([...new Set(holders)]);
      return ports.find((p) => p.network_id === networkId && p.fixed_ips.some((f) => f.ip_address === ip))?.device_id || undefined;
    },
    async releasePortOfDevice(deviceId, portId, remove) {
      const port = (await d.ports.ofDevice(deviceId)).find((p) => p.id === portId);
      if (!port) return false;
      await release(port, remove);
      return true;
    },
    async addressesOfDevice(deviceId) {
      return (await addressesOfDevices([deviceId])).get(deviceId)!;
    },
    addressesOfDevices,
    async floatingIpsOfPorts(portIds) {
      return (await d.routers.fipsOfPorts(portIds))
        .map((f) => ({ id: f.id, floatingIp: f.floating_ip_address, fixedIp: f.fixed_ip_address!, portId: f.port_id! }));
    },
  };
}

