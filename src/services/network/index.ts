// The networking service: Neutron v2.0 at /networking, on a network driver (fake or Linux).
import { hostname } from 'node:os';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../core/db/database.js';
import type { ServiceMount } from '../../core/http/service-plugin.js';
import { compileRules, type RuleSet } from '../../core/policy/policy-engine.js';
import type { NetworkDriver } from '../../drivers/network/network-driver.js';
import type { ServiceContext, ServiceModule } from '../index.js';
import { miscRoutes } from './api/misc.routes.js';
import { networkRoutes } from './api/networks.routes.js';
import { portRoutes } from './api/ports.routes.js';
import { routerRoutes } from './api/routers.routes.js';
import { securityGroupRoutes } from './api/security-groups.routes.js';
import { NetworkDomain } from './domain/network-domain.js';
import { networkFaults } from './faults.js';
import { networkPolicies } from './policies.js';
import { seedNetworks } from './seed.js';
import { networkMigrations } from './store/migrations.js';
import { NetworkTables } from './store/tables.js';

export const NETWORK_PATH = '/networking';

/** An address of a server as Nova shows it under `addresses`. */
export interface ServerAddress { networkName: string; addr: string; version: 4 | 6; type: 'fixed' | 'floating'; macAddr: string }

/**
 * What compute may call (plain values in and out):
 * - createPortForServer: a port for a server on `networkId` (or an existing `portId` bound to it),
 *   with optional fixed IP; binds it to `host`. Throws Neutron's typed errors (NetworkNotFound, IpAddressInUse ...).
 * - deletePortsOfDevice: deletes the ports of a server (those compute created) and frees their addresses.
 * - portsOfDevice: the server's ports as { id, networkId, macAddress, fixedIps } for its interfaces.
 * - addressesOfDevice: Nova's `addresses` map (network name → fixed and floating addresses).
 * - floatingIpsOfPorts: the floating IPs bound to the given ports.
 */
export interface NetworkFacade {
  createPortForServer(req: { projectId: string; serverId: string; host: string; networkId?: string; portId?: string; fixedIp?: string }): Promise<{ id: string; networkId: string; macAddress: string; fixedIps: { subnetId: string; ipAddress: string }[] }>;
  deletePortsOfDevice(deviceId: string): Promise<void>;
  portsOfDevice(deviceId: string): Promise<{ id: string; networkId: string; macAddress: string; fixedIps: { subnetId: string; ipAddress: string }[] }[]>;
  addressesOfDevice(deviceId: string): Promise<Record<string, ServerAddress[]>>;
  floatingIpsOfPorts(portIds: string[]): Promise<{ id: string; floatingIp: string; fixedIp: string; portId: string }[]>;
}

export class NetworkModule implements ServiceModule {
  readonly domain: NetworkDomain;
  readonly rules: RuleSet;
  readonly facade: NetworkFacade;

  private constructor(private readonly ctx: ServiceContext, readonly driver: NetworkDriver) {
    this.domain = new NetworkDomain({ t: new NetworkTables(ctx.db), driver, host: hostname(), log: ctx.logger });
    this.rules = compileRules({ ...networkPolicies, ...loadPolicyOverrides(ctx.config.dataDir) });
    this.facade = makeFacade(this.domain);
  }

  static async open(ctx: ServiceContext, driver: NetworkDriver): Promise<NetworkModule> {
    await migrate(ctx.db, 'network', networkMigrations);
    const m = new NetworkModule(ctx, driver);
    const findByName = async (name: string) => (ctx.identity as unknown as { findProjectByName?: (n: string) => Promise<{ id: string } | undefined> }).findProjectByName?.(name);
    await seedNetworks(m.domain, ctx.identity, { admin: (await findByName('admin'))?.id, demo: (await findByName('demo'))?.id });
    return m;
  }

  async start(): Promise<void> { await this.domain.reconcile(); }
  async close(): Promise<void> { await this.driver.close(); }

  mount(): ServiceMount {
    const d = this.domain;
    return {
      prefix: NETWORK_PATH,
      rules: () => this.rules,
      faults: networkFaults,
      tokens: this.ctx.tokens,
      // NOTE: Neutron also answers every path with a `.json` suffix (Tempest's quota client uses it).
      routes: [...miscRoutes(d), ...networkRoutes(d), ...portRoutes(d), ...routerRoutes(d), ...securityGroupRoutes(d)]
        .flatMap((r) => (r.url === '/' ? [r] : [r, { ...r, url: `${r.url}.json` }])),
    };
  }
}

function makeFacade(d: NetworkDomain): NetworkFacade {
  const plain = (p: { id: string; network_id: string; mac_address: string; fixed_ips: { subnet_id: string; ip_address: string }[] }) =>
    ({ id: p.id, networkId: p.network_id, macAddress: p.mac_address, fixedIps: p.fixed_ips.map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })) });
  return {
    async createPortForServer(req) {
      const caller = { projectId: req.projectId, isAdmin: true };
      if (req.portId) {
        const p = await d.ports.update(caller, req.portId, { device_id: req.serverId, device_owner: 'compute:nova', 'binding:host_id': req.host });
        return plain(p);
      }
      const p = await d.createPort(caller, {
        network_id: req.networkId, project_id: req.projectId, device_id: req.serverId, device_owner: 'compute:nova', 'binding:host_id': req.host,
        ...(req.fixedIp ? { fixed_ips: [{ ip_address: req.fixedIp }] } : {}),
      });
      return plain(p);
    },
    async deletePortsOfDevice(deviceId) {
      for (const p of await d.ports.ofDevice(deviceId)) if (p.device_owner.startsWith('compute:')) await d.ports.delete(p.id);
    },
    async portsOfDevice(deviceId) { return (await d.ports.ofDevice(deviceId)).map(plain); },
    async addressesOfDevice(deviceId) {
      const out: Record<string, ServerAddress[]> = {};
      const ports = await d.ports.ofDevice(deviceId);
      const fips = await d.routers.fipsOfPorts(ports.map((p) => p.id));
      for (const p of ports) {
        const net = await d.networks.find(p.network_id);
        const list = (out[net?.name ?? p.network_id] ??= []);
        for (const f of p.fixed_ips) {
          list.push({ networkName: net?.name ?? '', addr: f.ip_address, version: f.ip_address.includes(':') ? 6 : 4, type: 'fixed', macAddr: p.mac_address });
          for (const fip of fips.filter((x) => x.port_id === p.id && x.fixed_ip_address === f.ip_address)) {
            list.push({ networkName: net?.name ?? '', addr: fip.floating_ip_address, version: 4, type: 'floating', macAddr: p.mac_address });
          }
        }
      }
      return out;
    },
    async floatingIpsOfPorts(portIds) {
      return (await d.routers.fipsOfPorts(portIds))
        .map((f) => ({ id: f.id, floatingIp: f.floating_ip_address, fixedIp: f.fixed_ip_address!, portId: f.port_id! }));
    },
  };
}

function loadPolicyOverrides(dataDir: string): Record<string, string> {
  const json = join(dataDir, 'policy.json');
  return existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) as Record<string, string> : {};
}
