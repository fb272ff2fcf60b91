// The Linux network driver: Neutron's linuxbridge model driven directly (bridges, namespaces,
// dnsmasq, nftables). Contract: ../network-driver.ts. Every host object carries the tag
// `stratus:<scope> <kind> <id>` (link alias; a namespace's on its loopback), so reconcile removes
// only what this driver instance made. Calls run one at a time.
//
// Tests and operators clean up everything with `destroyAll()` (reconcile to nothing, drop the
// security group tables, stop the relay). `close()` leaves the dataplane running.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type DataplaneState, type DhcpEntriesChange, type DhcpEntry, type DriverAgent, type DriverFloatingIp, type DriverMeteringLabel, type DriverNetwork, type DriverPort,
  type DriverPortQos, type DriverPortSecurity, type DriverRouter, type DriverTrunk, type MeteringCount, type NetworkDriver, NetworkDriverError,
  type SecurityGroupMembers, type SecurityGroupMembersChange,
} from '../network-driver.js';
import { hasBinary } from './binaries.js';
import * as bridges from './bridges.js';
import * as dhcp from './dhcp.js';
import { listLinks, listNamespaces, namespaceTag } from './host-links.js';
import { ensureMetadataProxy, MetadataRelay, stopMetadataProxy, type MetadataUpstream } from './metadata.js';
import * as qos from './qos.js';
import * as metering from './metering.js';
import * as routers from './routers.js';
import * as sg from './security-groups.js';

export type { MetadataUpstream } from './metadata.js';

export interface LinuxNetworkOptions {
  /** Where hosts files, pid files, rule files and the relay socket live. */
  stateDir: string;
  /** Names this instance's objects; default: derived from stateDir. [a-z0-9-], short. */
  scope?: string;
  /** A host interface the operator gives to the external network's bridge; none by default. */
  externalInterface?: string;
  /** Host interfaces per physical network, for external networks on it (over externalInterface). */
  physicalInterfaces?: Record<string, string>;
  /** Where the metadata proxies' requests go; a function when known only later (a port after listen). */
  metadataUpstream?: MetadataUpstream | (() => MetadataUpstream);
}

export class LinuxNetworkDriver implements NetworkDriver {
  readonly name = 'linux';
  readonly scope: string;
  private readonly stateDir: string;
  private readonly relay: MetadataRelay | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: LinuxNetworkOptions) {
    this.stateDir = resolve(opts.stateDir);
    this.scope = opts.scope ?? createHash('sha256').update(this.stateDir).digest('hex').slice(0, 8);
    if (!/^[a-z0-9-]{1,16}$/.test(this.scope)) throw new NetworkDriverError(`scope '${this.scope}' must be 1-16 of [a-z0-9-]`);
    const upstream = opts.metadataUpstream;
    if (upstream) this.relay = new MetadataRelay(join(this.stateDir, 'metadata.sock'), typeof upstream === 'function' ? upstream : () => upstream);
  }

  private get common() { return { scope: this.scope, stateDir: this.stateDir, externalInterface: this.opts.externalInterface, physicalInterfaces: this.opts.physicalInterfaces, metadata: !!this.relay }; }

  /** One call at a time; any failure becomes a NetworkDriverError fit for a fault. */
  private serial<T>(what: string, work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await mkdir(this.stateDir, { recursive: true });
      try {
        return await work();
      } catch (err) {
        if (err instanceof NetworkDriverError) throw err;
        throw new NetworkDriverError(`${what}: ${(err as Error).message}`);
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  ensureNetwork(net: DriverNetwork) { return this.serial(`network ${net.id}`, () => this.doEnsureNetwork(net)); }

  private async doEnsureNetwork(net: DriverNetwork): Promise<void> {
    const dir = dhcp.networkDir(this.stateDir, net.id);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'network.json'), JSON.stringify(net));
    await bridges.ensureBridge(net, this.common);
    await sg.addNetworkZone(net.id, this.common);
    const server = await dhcp.ensureDhcp(net, this.common);
    if (server && this.relay && this.opts.metadataUpstream) {
      await this.relay.start();
      const upstream = typeof this.opts.metadataUpstream === 'function' ? this.opts.metadataUpstream() : this.opts.metadataUpstream;
      await ensureMetadataProxy(dir, net.id, server.namespace, this.relay.socketPath, upstream);
    } else {
      await stopMetadataProxy(dir);
    }
  }

  deleteNetwork(id: string) { return this.serial(`network ${id}`, () => this.doDeleteNetwork(id)); }

  private async doDeleteNetwork(id: string): Promise<void> {
    await dhcp.teardownDhcp(id, this.common);
    await bridges.deleteBridge(id, this.common);
    await sg.removeNetworkZone(id, this.common);
    await rm(dhcp.networkDir(this.stateDir, id), { recursive: true, force: true });
  }

  plugPort(port: DriverPort, _host: string) {
    return this.serial(`port ${port.id}`, async () => { await bridges.plugPort(port, this.common); await qos.applyPortQos(port.id, this.common); });
  }
  unplugPort(id: string, _host: string) {
    return this.serial(`port ${id}`, async () => { await bridges.unplugPort(id, this.common); await qos.removePortQos(id, this.common); });
  }

  setPortQos(q: DriverPortQos) { return this.serial(`port ${q.portId}`, () => qos.setPortQos(q, this.common)); }

  // NOTE: no 802.1Q VLAN devices (nor bridge vlan_filtering) on the hosts this driver runs on: subports cannot be wired.
  setTrunk(trunk: DriverTrunk) {
    return this.serial(`trunk ${trunk.parentPortId}`, async () => {
      if (trunk.subports.length) throw new NetworkDriverError(`trunk of port ${trunk.parentPortId}: this host has no 802.1Q VLAN devices for its subports`);
    });
  }

  ensureRouter(r: DriverRouter) { return this.serial(`router ${r.id}`, () => routers.ensureRouter(r, this.common)); }
  deleteRouter(id: string) { return this.serial(`router ${id}`, () => routers.deleteRouter(id, this.common)); }
  setFloatingIps(id: string, fips: DriverFloatingIp[]) { return this.serial(`router ${id}`, () => routers.setFloatingIps(id, fips, this.common)); }

  setMeteringLabels(id: string, labels: DriverMeteringLabel[]) {
    return this.serial(`router ${id}`, async () => {
      await metering.saveLabels(this.stateDir, id, labels);
      await metering.applyMetering(this.stateDir, await routers.savedRouter(this.stateDir, id), id);
    });
  }
  meteringCounts(id: string): Promise<Record<string, MeteringCount>> { return this.serial(`router ${id}`, () => metering.meteringCounts(id)); }

  /**
   * linuxbridge's agents as parts of this driver: each works when its tools are there (and the
   * metadata relay when it listens). Reads only the file system: no call waits on the queue.
   */
  async agents(host: string): Promise<DriverAgent[]> {
    const has = async (...names: string[]) => (await Promise.all(names.map(hasBinary))).every(Boolean);
    const networks = (await dhcp.savedNetworks(this.stateDir)).length;
    const routerCount = (await routers.savedRouters(this.stateDir)).length;
    const part = (agentType: string, binary: string, topic: string, alive: boolean, configurations: Record<string, unknown>): DriverAgent =>
      ({ agentType, binary, topic, alive, configurations, description: null });
    return [
      part('Linux bridge agent', 'neutron-linuxbridge-agent', 'N/A', await has('ip', 'bridge'), {
        interface_mappings: this.opts.physicalInterfaces ?? {}, bridge_mappings: {}, tunnel_types: ['vxlan'], l2_population: false, host,
      }),
      part('DHCP agent', 'neutron-dhcp-agent', 'dhcp_agent', await has('ip', 'dnsmasq'), {
        dhcp_driver: 'dnsmasq', dhcp_lease_duration: 86400, log_agent_heartbeats: false, networks,
      }),
      part('L3 agent', 'neutron-l3-agent', 'l3_agent', await has('ip', 'nft', 'sysctl'), {
        agent_mode: 'legacy', routers: routerCount, ex_gw_ports: 0, interfaces: 0, floating_ips: 0, log_agent_heartbeats: false,
      }),
      // NOTE: the relay starts with the first network that serves DHCP; until then there is nothing to relay.
      part('Metadata agent', 'neutron-metadata-agent', 'N/A', !!this.relay && (this.relay.listening || networks === 0), {
        metadata_proxy_socket: this.relay?.socketPath ?? null, log_agent_heartbeats: false,
      }),
      part('Metering agent', 'neutron-metering-agent', 'metering_agent', await has('ip', 'nft'), {
        metering_driver: 'nftables', measure_interval: 30, report_interval: 300,
      }),
    ];
  }

  setPortSecurity(sec: DriverPortSecurity) { return this.serial(`port ${sec.portId}`, () => sg.setPortSecurity(sec, this.common)); }
  removePortSecurity(id: string) { return this.serial(`port ${id}`, () => sg.removePortSecurity(id, this.common)); }
  setSecurityGroupMembers(groupId: string, members: SecurityGroupMembers) {
    return this.serial(`security group ${groupId}`, () => sg.setGroupMembers(groupId, members, this.common));
  }
  updateSecurityGroupMembers(groupId: string, change: SecurityGroupMembersChange) {
    return this.serial(`security group ${groupId}`, () => sg.updateGroupMembers(groupId, change, this.common));
  }

  setDhcpEntries(networkId: string, subnetId: string, entries: DhcpEntry[]) {
    return this.serial(`network ${networkId}`, async () => {
      await dhcp.saveEntries(this.stateDir, networkId, subnetId, entries);
      const net = await this.savedNetwork(networkId);
      if (net) await this.doEnsureNetwork(net);
    });
  }

  updateDhcpEntries(networkId: string, subnetId: string, change: DhcpEntriesChange) {
    return this.serial(`network ${networkId}`, async () => {
      await dhcp.changeEntries(this.stateDir, networkId, subnetId, change);
      const net = await this.savedNetwork(networkId);
      if (net) await this.doEnsureNetwork(net);
    });
  }

  private async savedNetwork(id: string): Promise<DriverNetwork | undefined> {
    const text = await readFile(join(dhcp.networkDir(this.stateDir, id), 'network.json'), 'utf8').catch(() => undefined);
    return text ? (JSON.parse(text) as DriverNetwork) : undefined;
  }

  reconcile(state: DataplaneState) { return this.serial('reconcile', () => this.doReconcile(state)); }

  private async doReconcile(state: DataplaneState): Promise<void> {
    const networks = new Set(state.networks.map((n) => n.id));
    const routerIds = new Set(state.routers.map((r) => r.id));
    const ports = new Set(state.ports.map((p) => p.port.id));

    // Remove what the state does not name: routers, ports, DHCP servers, bridges, then saved files.
    for (const id of await routers.hostRouters(this.scope)) if (!routerIds.has(id)) await routers.deleteRouter(id, this.common);
    for (const id of await routers.savedRouters(this.stateDir)) if (!routerIds.has(id)) await routers.deleteRouter(id, this.common);
    for (const p of await bridges.pluggedPorts(this.scope)) if (!ports.has(p.portId)) await bridges.unplugPort(p.portId, this.common);
    for (const ns of (await listNamespaces()).filter((n) => n.startsWith('qdhcp-'))) {
      const tag = await namespaceTag(ns);
      if (tag?.scope === this.scope && !networks.has(tag.id)) await dhcp.teardownDhcp(tag.id, this.common);
    }
    for (const id of await bridges.bridgedNetworks(this.scope)) if (!networks.has(id)) await this.doDeleteNetwork(id);
    for (const id of await dhcp.savedNetworks(this.stateDir)) if (!networks.has(id)) await this.doDeleteNetwork(id);
    for (const l of await listLinks()) {
      // NOTE: leftovers of a crash (a VXLAN or veth whose network or router is gone).
      if (l.tag?.scope === this.scope && ['vxlan', 'dhcp', 'router-port'].includes(l.tag.kind) && !l.master) await bridges.deleteLink(l.name);
    }

    // Rebuild the rest; one broken object does not keep the others down.
    const failures: string[] = [];
    const attempt = async (what: string, work: () => Promise<void>) => {
      try { await work(); } catch (err) { failures.push(`${what}: ${(err as Error).message}`); }
    };
    for (const net of state.networks) {
      await attempt(`network ${net.id}`, async () => {
        for (const s of net.subnets) await dhcp.saveEntries(this.stateDir, net.id, s.id, state.dhcp[`${net.id}/${s.id}`] ?? []);
        await this.doEnsureNetwork(net);
      });
    }
    for (const { port } of state.ports) await attempt(`port ${port.id}`, () => bridges.plugPort(port, this.common));
    for (const r of state.routers) {
      await attempt(`router ${r.id}`, async () => {
        await routers.ensureRouter(r, this.common);
        await metering.saveLabels(this.stateDir, r.id, state.metering[r.id] ?? []);
        await routers.setFloatingIps(r.id, state.floatingIps[r.id] ?? [], this.common);
        await metering.applyMetering(this.stateDir, r, r.id);
      });
    }
    await attempt('qos', () => qos.replaceAllPortQos(state.portQos ?? [], this.common));
    await attempt('security groups', () => sg.replaceAllPortSecurity(state.portSecurity, state.networks.map((n) => n.id), state.groupMembers, this.common));
    if (failures.length) throw new NetworkDriverError(`reconcile: ${failures.join('; ')}`);
  }

  /** Removes everything this instance made (reconcile to nothing, the rule tables, the relay). */
  async destroyAll(): Promise<void> {
    try {
      await this.reconcile({ networks: [], routers: [], floatingIps: {}, ports: [], portSecurity: [], dhcp: {}, groupMembers: {}, metering: {} });
    } finally {
      await this.serial('destroy', async () => {
        await sg.deleteSecurityTables(this.scope);
        await qos.deleteQosTable(this.scope);
        await this.relay?.close();
      });
    }
  }

  async close(): Promise<void> {
    await this.queue;
    await this.relay?.close();
  }

  /** What is on the host now (for tests and diagnostics): read back from links, namespaces and nft. */
  async observe(): Promise<{ networks: string[]; ports: string[]; routers: string[]; floatingIps: Record<string, string[]>; groupMembers: Record<string, SecurityGroupMembers> }> {
    const networks = (await bridges.bridgedNetworks(this.scope)).sort();
    const plugged = await bridges.pluggedPorts(this.scope);
    const ports = plugged.filter((p) => p.master?.startsWith('brq')).map((p) => p.portId).sort();
    const routerIds: string[] = [];
    const floatingIps: Record<string, string[]> = {};
    for (const id of (await routers.hostRouters(this.scope)).sort()) {
      if (!(await routers.hasNatTable(id))) continue;
      routerIds.push(id);
      const fips = await routers.hostFloatingIps(id, this.common);
      if (fips.length) floatingIps[id] = fips.sort();
    }
    return { networks, ports, routers: routerIds, floatingIps, groupMembers: await sg.hostGroupMembers(this.scope) };
  }
}

