// The networking domain: the resource services wired together, quotas, and the dataplane sync
// that turns database state into plain-value driver calls after each commit.
import type { DataplaneState, DhcpEntry, DriverNetwork, DriverPortSecurity, DriverRouter, NetworkDriver, SecurityGroupMembers } from '../../../drivers/network/network-driver.js';
import type { NetworkRecord, NetworkTables, PortRecord, SubnetRecord, SubPort, TrunkRecord } from '../store/tables.js';
import { AddressScopesService } from './address-scopes.service.js';
import { QosService } from './qos.service.js';
import { TrunksService } from './trunks.service.js';
import { type Caller, type DomainDeps, Locks } from './context.js';
import { now, toInt } from './attributes.js';
import { badRequest, conflict, networkNotFound, NeutronError, portNotFound, securityGroupNotFound, subnetNotFound } from './errors.js';
import { NetworksService } from './networks.service.js';
import { PortsService } from './ports.service.js';
import { RoutersService } from './routers.service.js';
import { normalizedCidr, SecurityGroupsService } from './security-groups.service.js';
import { SubnetsService } from './subnets.service.js';
import { AgentsService } from './agents.service.js';
import { MeteringService } from './metering.service.js';
import { AgentsStore } from '../store/agents.store.js';
import { MeteringStore } from '../store/metering.store.js';

export const DEFAULT_QUOTAS: Record<string, number> = {
  network: 100, subnet: 100, subnetpool: -1, port: 500, router: 10, floatingip: 50,
  security_group: 10, security_group_rule: 100, rbac_policy: 10,
};

/** The tables of the resources with standard attributes (tags, revision_number). */
export type TaggedTable = 'networks' | 'subnets' | 'ports' | 'routers' | 'subnetpools' | 'floatingips' | 'securityGroups'
  | 'addressScopes' | 'qosPolicies' | 'trunks';

/** What tagging needs of such a record; the rest of it is kept as it is. */
export interface TaggedRecord { id: string; project_id: string; tags: string[]; revision_number: number; network_id?: string; [k: string]: unknown }

export class NetworkDomain {
  readonly networks: NetworksService;
  readonly subnets: SubnetsService;
  readonly ports: PortsService;
  readonly routers: RoutersService;
  readonly securityGroups: SecurityGroupsService;
  readonly addressScopes: AddressScopesService;
  readonly qos: QosService;
  readonly trunks: TrunksService;
  readonly agents: AgentsService;
  readonly metering: MeteringService;
  readonly t: NetworkTables;
  private readonly driver: NetworkDriver;

  constructor(private readonly deps: DomainDeps) {
    this.t = deps.t;
    this.driver = deps.driver;
    const inUse = async (id: string) =>
      (await this.t.ports.list({ network_id: id })).some((p) => p.device_owner !== 'network:dhcp' && p.device_owner !== 'network:floatingip');
    this.networks = new NetworksService(deps, inUse, async (id) => {
      // NOTE: trunks on the network's ports go with them (Neutron refuses; the cascade is ours).
      for (const tr of await this.t.trunks.list()) {
        const parent = await this.t.ports.get(tr.port_id);
        if (parent?.network_id === id) { await this.t.trunks.delete(tr.id); await this.trunkDeleted(tr); }
      }
      // NOTE: as Neutron's L3 plugin does, floating IPs go with their external network.
      for (const f of await this.t.floatingips.list({ network_id: id })) await this.routers.deleteFip(f.id);
      for (const p of await this.t.ports.list({ network_id: id })) await this.ports.delete(p.id, { force: true });
      for (const s of await this.t.subnets.list({ network_id: id })) await this.t.subnets.delete(s.id);
      await this.agents.networkDeleted(id);
      await this.safe(() => this.driver.deleteNetwork(id));
    });
    this.subnets = new SubnetsService(deps, (id) => this.networks.get(id), async (id) => {
      const n = await this.t.networks.get(id);
      if (n) await this.networks.touch(n);
      // NOTE: as Neutron's DHCP notifier: a network with a DHCP subnet and no DHCP agent is scheduled.
      if ((await this.t.subnets.list({ network_id: id })).some((x) => x.enable_dhcp)) await this.agents.scheduleNetwork(id);
      await this.syncNetwork(id);
      await this.syncDhcp(id);
    }, async (s) => (await this.t.allocations({ subnet_id: s.id })).filter((a) => a.port_id).length - await this.autoDeletable(s),
    async () => {}, async (s) => {
      for (const a of await this.t.allocations({ subnet_id: s.id })) {
        const p = a.port_id ? await this.t.ports.get(a.port_id) : undefined;
        const next = p && await this.ports.save({ ...p, fixed_ips: p.fixed_ips.filter((f) => f.subnet_id !== s.id) });
        await this.t.release(s.id, a.ip_address);
        if (next) await this.syncPortGroups(next, p);
      }
      await this.safe(() => this.driver.setDhcpEntries(s.network_id, s.id, []));
    }, (s, before) => this.subnetUpdated(s, before));
    this.ports = new PortsService(deps, {
      network: (id) => this.networks.get(id),
      subnets: (id) => this.subnets.list(id),
      securityGroups: async (caller, projectId, given) => {
        if (given === undefined) { const d = await this.securityGroups.ensureDefault(projectId || caller.projectId); return d ? [d] : []; }
        return this.securityGroups.checkUsable(given, (g) => caller.isAdmin || g.project_id === projectId || g.project_id === caller.projectId);
      },
      onDeleted: async (p) => {
        await this.routers.portDeleted(p.id);
        await this.safe(() => this.driver.unplugPort(p.id, p.binding_host_id || deps.host));
        await this.safe(() => this.driver.removePortSecurity(p.id));
        await this.syncPortDhcp(undefined, p);
        await this.syncPortGroups(undefined, p);
      },
      checkQos: (caller, projectId, id) => this.qos.checkUsable(caller, projectId, id),
      guardDelete: (p) => this.trunks.guardPortDelete(p.id),
      changed: async (p, before) => {
        if (p.binding_host_id) {
          await this.safe(() => this.driver.plugPort(this.driverPort(p), p.binding_host_id));
          await this.syncPortQos(p);
        }
        if (before && (before.binding_host_id !== p.binding_host_id)) {
          const { parentOf } = await this.trunks.ofPort(p.id);
          if (parentOf) await this.syncTrunk(parentOf, []);
        }
        // NOTE: members before the port's own rules, so its remote-group rules admit its peers at once.
        await this.syncPortGroups(p, before);
        if (!p.device_owner.startsWith('network:')) await this.safe(async () => this.driver.setPortSecurity(await this.portSecurity(p)));
        await this.syncPortDhcp(p, before);
      },
    });
    this.addressScopes = new AddressScopesService(deps);
    this.subnets.scopeCheck = (caller, pool) => this.addressScopes.checkPool(caller, pool);
    this.qos = new QosService(deps, async (policyId) => {
      for (const p of await this.t.ports.list()) if (p.binding_host_id) {
        const net = await this.t.networks.get(p.network_id);
        if (p.qos_policy_id === policyId || (!p.qos_policy_id && net?.qos_policy_id === policyId)) await this.syncPortQos(p, net);
      }
    });
    this.networks.qosCheck = (caller, projectId, id) => this.qos.checkUsable(caller, projectId, id);
    this.trunks = new TrunksService(deps, { changed: (t, removed) => this.syncTrunk(t, removed), deleted: (t) => this.trunkDeleted(t) });
    this.securityGroups = new SecurityGroupsService(deps, async (sgIds) => {
      for (const p of await this.t.ports.list()) if (p.security_groups.some((g) => sgIds.includes(g))) await this.safe(async () => this.driver.setPortSecurity(await this.portSecurity(p)));
    }, (p, r, n) => this.checkQuota(p, r, n));
    this.routers = new RoutersService(deps, this.ports, {
      network: (id) => this.networks.get(id),
      isExternal: async (n) => (await this.networks.rbacOf(n.id)).some((r) => r.action === 'access_as_external'),
      subnets: (id) => this.subnets.list(id),
      subnet: (id) => this.subnets.get(id),
      port: async (caller, id) => {
        const p = await this.ports.get(id);
        if (!caller.isAdmin && p.project_id !== caller.projectId) throw portNotFound(id);
        return p;
      },
      routerChanged: (id) => this.syncRouter(id),
      routerCreated: async (id) => { await this.agents.scheduleRouter(id); },
      routerDeleted: async (id) => { await this.agents.routerDeleted(id); await this.safe(() => this.driver.deleteRouter(id)); },
      quota: (p, r, n) => this.checkQuota(p, r, n),
    });
    this.agents = new AgentsService(deps, new AgentsStore(deps.t.db), {
      dhcpNetworks: async () => [...new Set((await this.t.subnets.list()).filter((x) => x.enable_dhcp).map((x) => x.network_id))],
      routers: async () => (await this.t.routers.list()).map((r) => r.id),
      networksChanged: async (ids) => { for (const id of ids) await this.syncNetwork(id); },
      routersChanged: async (ids) => { for (const id of ids) await this.syncRouter(id); },
    });
    this.metering = new MeteringService(new MeteringStore(deps.t.db), {
      routers: () => this.t.routers.list(),
      routersChanged: async (ids) => { for (const id of ids) await this.syncMetering(id); },
    });
  }

  /**
   * A subnet's update reaches the dataplane, as Neutron's DHCP and L3 agents hear of it: the
   * network's DHCP server takes the new options (DNS servers, host routes, gateway; dnsmasq's opts
   * file rewritten and reloaded), its host entries follow enable_dhcp, and the routers with a port
   * on the subnet are rebuilt (their routes and router advertisements).
   */
  private async subnetUpdated(s: SubnetRecord, before: SubnetRecord): Promise<void> {
    if (s.enable_dhcp && !before.enable_dhcp) await this.agents.scheduleNetwork(s.network_id);
    await this.syncNetwork(s.network_id);
    if (s.enable_dhcp !== before.enable_dhcp) await this.syncDhcp(s.network_id);
    const routers = new Set<string>();
    for (const p of await this.t.ports.list({ network_id: s.network_id })) {
      if (p.device_owner.startsWith('network:router_') && p.fixed_ips.some((f) => f.subnet_id === s.id)) routers.add(p.device_id);
    }
    for (const id of routers) await this.syncRouter(id);
  }

  /**
   * A port joined, left or changed its addresses or groups (`before` → `p`; `p` absent for a
   * delete): the addresses each of its groups gains and loses, one driver call per group that
   * changes. Every rule naming a group as its remote group follows, on every port, without
   * re-sending any port's rules. An address leaves a group only when no other port of the group
   * holds it (asked by address, indexed); per group, one change at a time, so a port taking the
   * address meanwhile cannot lose it to a stale removal.
   */
  private async syncPortGroups(p: PortRecord | undefined, before: PortRecord | undefined): Promise<void> {
    await this.portChange((p ?? before)!.id, async (cur) => {
      const now = addressesByGroup(cur), was = addressesByGroup(before), sent = addressesByGroup(p);
      for (const g of new Set([...now.keys(), ...was.keys(), ...sent.keys()])) {
        const added = [...(now.get(g) ?? [])].filter((a) => !was.get(g)?.has(a));
        const lost = [...new Set([...(was.get(g) ?? []), ...(sent.get(g) ?? [])])].filter((a) => !now.get(g)?.has(a));
        if (!added.length && !lost.length) continue;
        await this.groupLocks.run(g, async () => {
          const removed: string[] = [];
          for (const a of lost) if (!(await this.heldInGroup(g, a, (p ?? before)!.id))) removed.push(a);
          if (!added.length && !removed.length) return;
          await this.safe(() => this.driver.updateSecurityGroupMembers(g, { add: byFamily(added), remove: byFamily(removed) }));
        });
      }
    });
  }

  private readonly groupLocks = new Locks();
  private readonly portLocks = new Locks();

  /**
   * Runs a port's dataplane change one at a time per port, with the port as the database has it
   * now (undefined once deleted): a change that raced this one (an update and a delete of the same
   * port) has committed by then, so the last change sent is the database's, whatever the order.
   */
  private portChange(portId: string, work: (cur: PortRecord | undefined) => Promise<void>): Promise<void> {
    return this.portLocks.run(portId, async () => work(await this.t.ports.get(portId)));
  }

  /** Whether a port of group `g` other than `portId` has the fixed address `ip`. */
  private async heldInGroup(g: string, ip: string, portId: string): Promise<boolean> {
    const holders = (await this.t.allocations({ ip_address: ip })).map((a) => a.port_id).filter((id): id is string => !!id && id !== portId);
    return (await this.t.ports.withIds([...new Set(holders)])).some((q) => q.security_groups.includes(g) && q.fixed_ips.some((f) => f.ip_address === ip));
  }

  /**
   * A port's DHCP entries after it changed (`before` → `p`; `p` absent for a delete): per subnet
   * where they differ, the port's entries replaced or removed. O(the port).
   */
  private async syncPortDhcp(p: PortRecord | undefined, before: PortRecord | undefined): Promise<void> {
    const { id, network_id: networkId } = (p ?? before)!;
    await this.portChange(id, async (cur) => {
      const subnets = await this.t.subnets.list({ network_id: networkId });
      const now = portDhcpEntries(cur, subnets), was = portDhcpEntries(before, subnets), sent = portDhcpEntries(p, subnets);
      for (const sid of new Set([...now.keys(), ...was.keys(), ...sent.keys()])) {
        const entries = now.get(sid) ?? [];
        if (JSON.stringify(entries) === JSON.stringify(was.get(sid) ?? []) && JSON.stringify(entries) === JSON.stringify(sent.get(sid) ?? [])) continue;
        const change = entries.length ? { upsert: entries, remove: [] } : { upsert: [], remove: [id] };
        await this.safe(() => this.driver.updateDhcpEntries(networkId, sid, change));
      }
    });
  }

  private async autoDeletable(s: SubnetRecord): Promise<number> {
    let n = 0;
    for (const a of await this.t.allocations({ subnet_id: s.id })) {
      const p = a.port_id ? await this.t.ports.get(a.port_id) : undefined;
      const automatic = s.ip_version === 6 && (s.ipv6_address_mode === 'slaac' || s.ipv6_address_mode === 'dhcpv6-stateless');
      if (p && (p.device_owner === 'network:dhcp' || (automatic && p.device_owner !== 'network:router_interface'))) n++;
    }
    return n;
  }

  // Quotas.
  async quotaOf(projectId: string): Promise<Record<string, number>> {
    return { ...DEFAULT_QUOTAS, ...(await this.t.quotas(projectId)) };
  }

  async usage(projectId: string): Promise<Record<string, number>> {
    const count = (tbl: { count(w: { project_id: string }): Promise<number> }) => tbl.count({ project_id: projectId });
    return {
      network: await count(this.t.networks), subnet: await count(this.t.subnets), subnetpool: await count(this.t.subnetpools),
      port: await count(this.t.ports), router: await count(this.t.routers), floatingip: await count(this.t.floatingips),
      security_group: await count(this.t.securityGroups), security_group_rule: await count(this.t.securityGroupRules),
      rbac_policy: await count(this.t.rbac),
    };
  }

  /** Per network (all, or the one), its subnets with their pool sizes and allocated addresses (network-ip-availability). */
  async ipAvailability(networkId?: string): Promise<{ network: NetworkRecord; subnets: { subnet: SubnetRecord; total: number; used: number }[] }[]> {
    const out = [];
    for (const network of (await this.networks.list()).filter((n) => networkId === undefined || n.id === networkId)) {
      const subnets = [];
      for (const subnet of await this.subnets.list(network.id)) {
        subnets.push({ subnet, total: Number(SubnetsService.poolSize(subnet)), used: (await this.t.allocations({ subnet_id: subnet.id })).length });
      }
      out.push({ network, subnets });
    }
    return out;
  }

  // Tags (standard-attr-tag) on any resource with standard attributes.
  /** The record of resource `id` in `table`, with the project of its network where it has one. */
  async tagged(table: TaggedTable, id: string): Promise<{ rec: TaggedRecord; networkProjectId?: string } | undefined> {
    const rec = await this.tagTable(table).get(id);
    if (!rec) return undefined;
    return { rec, networkProjectId: rec.network_id ? (await this.networks.find(rec.network_id))?.project_id : undefined };
  }

  /** Replaces the tags of `rec` (a new revision). */
  async setTags(table: TaggedTable, rec: TaggedRecord, tags: string[]): Promise<void> {
    await this.tagTable(table).put({ ...rec, tags, revision_number: rec.revision_number + 1, updated_at: now() });
  }

  private tagTable(table: TaggedTable) {
    return this.t[table] as unknown as { get(id: string): Promise<TaggedRecord | undefined>; put(r: TaggedRecord): Promise<unknown> };
  }

  /** The projects with quotas of their own. */
  async quotaProjects(): Promise<string[]> { return this.t.quotaProjects(); }

  /** Sets a project's quotas from a `quota` body, checked as Neutron's quota attribute map does; returns them all. */
  async setQuotas(projectId: string, body: Record<string, unknown>): Promise<Record<string, number>> {
    const unknown = Object.keys(body).filter((k) => !(k in DEFAULT_QUOTAS) && k !== 'force' && k !== 'check_limit');
    if (unknown.length) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(body)) {
      if (k === 'force' || k === 'check_limit') continue;
      let n: number;
      try { n = toInt(v); } catch { throw badRequest(`Invalid input for ${k}. Reason: '${String(v)}' is not an integer.`); }
      if (n < -1) throw badRequest(`Invalid input for ${k}. Reason: '${n}' is too small - must be at least '-1'.`);
      values[k] = n;
    }
    for (const [k, n] of Object.entries(values)) await this.t.setQuota(projectId, k, n);
    return this.quotaOf(projectId);
  }

  async deleteQuotas(projectId: string): Promise<void> { await this.t.deleteQuotas(projectId); }

  async checkQuota(projectId: string, resource: string, adding: number): Promise<void> {
    if (!projectId) return;
    const limit = (await this.quotaOf(projectId))[resource];
    if (limit === undefined || limit < 0) return;
    const used = (await this.usage(projectId))[resource] ?? 0;
    if (used + adding > limit) throw conflict('OverQuota', `Quota exceeded for resources: ['${resource}'].`);
  }

  // Creation entry points that count against quotas.
  async createNetwork(caller: Caller, body: unknown) {
    const owner = ownerOf(caller, body);
    await this.checkQuota(owner, 'network', 1);
    let b = body;
    if (b && typeof b === 'object' && !Array.isArray(b)) {
      const given = (b as Record<string, unknown>).qos_policy_id;
      if (typeof given === 'string') await this.qos.checkUsable(caller, owner, given);
      // NOTE: qos-default: a network created without a policy gets its project's default one.
      const dflt = given === undefined ? await this.qos.defaultOf(owner) : undefined;
      if (dflt) b = { ...b, qos_policy_id: dflt.id };
    }
    const n = await this.networks.create(caller, b);
    await this.syncNetwork(n.id);
    return n;
  }
  async createSubnet(caller: Caller, body: unknown) {
    await this.checkQuota(ownerOf(caller, body), 'subnet', 1);
    return this.subnets.create(caller, body);
  }
  async createPort(caller: Caller, body: unknown) {
    await this.checkQuota(ownerOf(caller, body), 'port', 1);
    return this.ports.create(caller, body);
  }

  /** Updates a network; when its qos_policy_id changes, its bound ports follow. */
  async updateNetwork(caller: Caller, id: string, body: Record<string, unknown>, ifMatch?: number): Promise<NetworkRecord> {
    const n = await this.networks.update(caller, id, body, ifMatch);
    if ('qos_policy_id' in body) await this.networkQosChanged(id);
    return n;
  }

  private async networkQosChanged(networkId: string): Promise<void> {
    const net = await this.t.networks.get(networkId);
    for (const p of await this.t.ports.list({ network_id: networkId })) if (p.binding_host_id && !p.qos_policy_id) await this.syncPortQos(p, net);
  }

  private async syncPortQos(p: PortRecord, net?: NetworkRecord): Promise<void> {
    const limits = await this.qos.limitsOf(p, net ?? await this.t.networks.get(p.network_id));
    await this.safe(() => this.driver.setPortQos({ portId: p.id, ...limits }));
  }

  /**
   * Binds a trunk's subports where its parent is bound and asks the driver to wire them. As
   * Neutron's trunk plugin reports it: DOWN while the parent is unbound, ACTIVE once wired,
   * DEGRADED with the subports' binding failed when the host cannot carry them.
   */
  private async syncTrunk(trunk: TrunkRecord, removed: SubPort[]): Promise<void> {
    for (const s of removed) {
      const p = await this.t.ports.get(s.port_id);
      if (p) {
        await this.ports.save({ ...p, device_owner: '', device_id: '', binding_host_id: '', binding_vif_type: 'unbound', status: 'DOWN' });
        if (p.binding_host_id) await this.safe(() => this.driver.unplugPort(p.id, p.binding_host_id));
      }
    }
    const parent = await this.t.ports.get(trunk.port_id);
    const host = parent?.binding_host_id ?? '';
    let status: TrunkRecord['status'] = 'DOWN';
    let vifType = 'unbound';
    if (parent && host) {
      const subports = [];
      for (const s of trunk.sub_ports) {
        const p = await this.t.ports.get(s.port_id);
        if (p) subports.push({ portId: p.id, networkId: p.network_id, macAddress: p.mac_address, segmentationType: 'vlan' as const, segmentationId: s.segmentation_id });
      }
      try {
        await this.driver.setTrunk({ parentPortId: parent.id, subports });
        status = 'ACTIVE'; vifType = 'bridge';
      } catch (e) {
        this.deps.log.warn({ err: e, trunk: trunk.id }, 'trunk subports could not be bound');
        status = 'DEGRADED'; vifType = 'binding_failed';
      }
    } else {
      await this.safe(() => this.driver.setTrunk({ parentPortId: trunk.port_id, subports: [] }));
    }
    for (const s of trunk.sub_ports) {
      const p = await this.t.ports.get(s.port_id);
      if (!p) continue;
      const bound = vifType === 'bridge';
      const next = { ...p, device_owner: 'trunk:subport', device_id: trunk.id, binding_host_id: host, binding_vif_type: vifType, status: bound ? 'ACTIVE' : 'DOWN' };
      if (JSON.stringify(next) !== JSON.stringify(p)) await this.ports.save(next);
    }
    const cur = await this.t.trunks.get(trunk.id);
    if (cur && cur.status !== status) await this.t.trunks.put({ ...cur, status });
  }

  private async trunkDeleted(trunk: TrunkRecord): Promise<void> {
    await this.syncTrunk({ ...trunk, sub_ports: [] }, trunk.sub_ports);
    await this.safe(() => this.driver.setTrunk({ parentPortId: trunk.port_id, subports: [] }));
  }

  // Dataplane sync: database state → plain values → driver, after the commit.
  private async safe(fn: () => Promise<void>): Promise<void> {
    try { await fn(); } catch (e) { this.deps.log.warn({ err: e }, 'network driver call failed'); }
  }

  private driverPort(p: PortRecord) {
    return {
      id: p.id, networkId: p.network_id, macAddress: p.mac_address, fixedIps: p.fixed_ips.map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })),
      deviceOwner: p.device_owner, deviceId: p.device_id, adminStateUp: p.admin_state_up, mtu: 1500,
    };
  }

  async driverNetwork(id: string): Promise<DriverNetwork | undefined> {
    const n = await this.t.networks.get(id);
    if (!n) return undefined;
    const subnets = await this.t.subnets.list({ network_id: id });
    const external = (await this.networks.rbacOf(id)).some((r) => r.action === 'access_as_external');
    // NOTE: DHCP is served where a DHCP agent that is administratively up hosts the network.
    const served = await this.agents.dhcpServed(id);
    return {
      id, mtu: n.mtu, networkType: n.network_type as DriverNetwork['networkType'], physicalNetwork: n.physical_network, segmentationId: n.segmentation_id,
      external, adminStateUp: n.admin_state_up,
      subnets: subnets.map((s) => ({
        id: s.id, cidr: s.cidr, ipVersion: s.ip_version, gatewayIp: s.gateway_ip, enableDhcp: s.enable_dhcp && served, dnsNameservers: s.dns_nameservers,
        hostRoutes: s.host_routes, ipv6AddressMode: s.ipv6_address_mode, ipv6RaMode: s.ipv6_ra_mode,
      })),
    };
  }

  private async syncNetwork(id: string): Promise<void> {
    const n = await this.driverNetwork(id);
    if (n) await this.safe(() => this.driver.ensureNetwork(n));
  }

  /** Every subnet's DHCP entries (empty for subnets without DHCP): the whole set, for reconcile and subnet changes. */
  private async dhcpEntries(networkId: string): Promise<Record<string, DhcpEntry[]>> {
    const subnets = await this.t.subnets.list({ network_id: networkId });
    const out: Record<string, DhcpEntry[]> = Object.fromEntries(subnets.map((s) => [s.id, []]));
    for (const p of await this.t.ports.list({ network_id: networkId })) for (const [sid, e] of portDhcpEntries(p, subnets)) out[sid]!.push(...e);
    return out;
  }

  /** A network's DHCP entries sent whole: after a subnet changed (enable_dhcp toggled, a subnet added or gone). */
  private async syncDhcp(networkId: string): Promise<void> {
    for (const [subnetId, entries] of Object.entries(await this.dhcpEntries(networkId))) await this.safe(() => this.driver.setDhcpEntries(networkId, subnetId, entries));
  }

  /** A port's rules and anti-spoofing as the driver takes them; remote groups by id (their members go separately). */
  private async portSecurity(p: PortRecord): Promise<DriverPortSecurity> {
    const rules = [];
    for (const sg of p.security_groups) {
      for (const r of await this.t.securityGroupRules.list({ network_id: sg })) {
        rules.push({
          direction: r.direction, ethertype: r.ethertype, protocol: r.protocol, portRangeMin: r.port_range_min, portRangeMax: r.port_range_max,
          remotePrefixes: r.remote_ip_prefix && !r.remote_group_id ? [normalizedCidr(r.remote_ip_prefix)!] : null, remoteGroupId: r.remote_group_id,
        });
      }
    }
    return {
      portId: p.id, enabled: p.port_security_enabled, macAddress: p.mac_address, ips: p.fixed_ips.map((f) => f.ip_address),
      allowedAddressPairs: p.allowed_address_pairs.map((a) => ({ ipAddress: a.ip_address, macAddress: a.mac_address })), rules,
    };
  }

  async driverRouter(id: string): Promise<DriverRouter | undefined> {
    const r = await this.t.routers.get(id);
    if (!r) return undefined;
    const subnet = async (sid: string) => this.t.subnets.get(sid);
    let gateway: DriverRouter['gateway'] = null;
    if (r.gw_port_id && r.external_gateway_info) {
      const gp = await this.t.ports.get(r.gw_port_id);
      if (gp) {
        const ips = [];
        for (const f of gp.fixed_ips) { const s = await subnet(f.subnet_id); if (s) ips.push({ subnetId: s.id, ipAddress: f.ip_address, cidr: s.cidr, gatewayIp: s.gateway_ip }); }
        gateway = { networkId: gp.network_id, portId: gp.id, macAddress: gp.mac_address, enableSnat: r.external_gateway_info.enable_snat, ips };
      }
    }
    const interfaces = [];
    for (const p of await this.routers.interfacePorts(id)) {
      for (const f of p.fixed_ips) {
        const s = await subnet(f.subnet_id);
        if (!s) continue;
        const v6 = s.ip_version === 6 ? { ipv6RaMode: s.ipv6_ra_mode, dnsNameservers: s.dns_nameservers, mtu: (await this.t.networks.get(p.network_id))?.mtu } : {};
        interfaces.push({ portId: p.id, subnetId: s.id, cidr: s.cidr, ipAddress: f.ip_address, macAddress: p.mac_address, networkId: p.network_id, ...v6 });
      }
    }
    return { id, adminStateUp: r.admin_state_up, gateway, interfaces, routes: r.routes };
  }

  private async driverFips(routerId: string) {
    return (await this.t.floatingips.list()).filter((f) => f.router_id === routerId && f.port_id && f.fixed_ip_address)
      .map((f) => ({ floatingIp: f.floating_ip_address, fixedIp: f.fixed_ip_address!, portId: f.port_id! }));
  }

  /**
   * A router is built where an L3 agent that is administratively up hosts it, and taken down
   * otherwise. Its floating IPs' status follows, as the L3 agent reports it (update_fip_statuses):
   * ACTIVE once the router that carries them is built, DOWN while no agent hosts it.
   */
  private async syncRouter(id: string): Promise<void> {
    const r = await this.driverRouter(id);
    if (!r) return;
    if (!(await this.agents.l3Served(id))) {
      await this.safe(() => this.driver.deleteRouter(id));
      await this.setFipStatuses(id, 'DOWN');
      return;
    }
    await this.safe(() => this.driver.ensureRouter(r));
    const fips = await this.driverFips(id);
    await this.safe(() => this.driver.setFloatingIps(id, fips));
    await this.syncMetering(id);
    await this.setFipStatuses(id, 'ACTIVE');
  }

  /** The status of the router's associated floating IPs; a change is an update (a new revision). */
  private async setFipStatuses(routerId: string, status: 'ACTIVE' | 'DOWN'): Promise<void> {
    for (const f of await this.t.floatingips.list()) {
      if (f.router_id !== routerId || !f.port_id || f.status === status) continue;
      await this.t.floatingips.put({ ...f, status, revision_number: f.revision_number + 1, updated_at: now() });
    }
  }

  private async syncMetering(routerId: string): Promise<void> {
    const r = await this.t.routers.get(routerId);
    if (!r || !(await this.agents.l3Served(routerId))) return;
    const labels = await this.metering.labelsOf(r);
    await this.safe(() => this.driver.setMeteringLabels(routerId, labels));
  }

  /** The whole wanted dataplane, for the driver's reconcile on start. */
  async dataplaneState(): Promise<DataplaneState> {
    const networks = [];
    for (const n of await this.t.networks.list()) { const d = await this.driverNetwork(n.id); if (d) networks.push(d); }
    const routers: DriverRouter[] = [];
    const floatingIps: DataplaneState['floatingIps'] = {};
    const metering: DataplaneState['metering'] = {};
    for (const r of await this.t.routers.list()) {
      const d = await this.driverRouter(r.id);
      if (!d || !(await this.agents.l3Served(r.id))) continue;
      routers.push(d);
      floatingIps[r.id] = await this.driverFips(r.id);
      metering[r.id] = await this.metering.labelsOf(r);
    }
    const ports = [];
    const portSecurity = [];
    const portQos: NonNullable<DataplaneState['portQos']> = [];
    const all = await this.t.ports.list();
    for (const p of all) {
      if (p.binding_host_id && p.device_owner !== 'trunk:subport') {
        ports.push({ port: this.driverPort(p), host: p.binding_host_id });
        const limits = await this.qos.limitsOf(p, await this.t.networks.get(p.network_id));
        if (limits.egress || limits.ingress) portQos.push({ portId: p.id, ...limits });
      }
      if (!p.device_owner.startsWith('network:')) portSecurity.push(await this.portSecurity(p));
    }
    const dhcp: DataplaneState['dhcp'] = {};
    for (const n of networks) for (const [sid, e] of Object.entries(await this.dhcpEntries(n.id))) dhcp[`${n.id}/${sid}`] = e;
    // NOTE: every group with ports, and every group a rule names (empty when it has none).
    const groupMembers: DataplaneState['groupMembers'] = Object.fromEntries(groupMembersOf(all));
    for (const r of await this.t.securityGroupRules.list()) if (r.remote_group_id) groupMembers[r.remote_group_id] ??= { ipv4: [], ipv6: [] };
    return { networks, routers, floatingIps, ports, portSecurity, dhcp, groupMembers, portQos, metering };
  }

  async reconcile(): Promise<void> { await this.driver.reconcile(await this.dataplaneState()); }

  // Lookups that hide what the caller may not see, for route handlers that need a parent.
  async visibleNetwork(caller: Caller, id: string) {
    const n = await this.t.networks.get(id);
    if (!n) throw networkNotFound(id);
    if (!caller.isAdmin && !this.networks.flags(n, await this.networks.rbacOf(id), caller.projectId).visible) throw networkNotFound(id);
    return n;
  }
  async visibleSubnet(caller: Caller, id: string) {
    const s = await this.t.subnets.get(id);
    if (!s) throw subnetNotFound(id);
    if (!caller.isAdmin && s.project_id !== caller.projectId) {
      const n = await this.t.networks.get(s.network_id);
      if (!n || !this.networks.flags(n, await this.networks.rbacOf(n.id), caller.projectId).visible) throw subnetNotFound(id);
    }
    return s;
  }
  async visibleSecurityGroup(caller: Caller, id: string) {
    const g = await this.t.securityGroups.get(id);
    if (!g || (!caller.isAdmin && g.project_id !== caller.projectId)) throw securityGroupNotFound(id);
    return g;
  }
}

function ownerOf(caller: Caller, body: unknown): string {
  const b = (body ?? {}) as Record<string, unknown>;
  return String(b.project_id ?? b.tenant_id ?? caller.projectId ?? '');
}

export { NeutronError };

/** Security group → the fixed addresses of its ports, per family (what a remote-group rule admits). */
function groupMembersOf(ports: PortRecord[]): Map<string, SecurityGroupMembers> {
  const out = new Map<string, SecurityGroupMembers>();
  for (const p of ports) {
    for (const g of p.security_groups) {
      let m = out.get(g);
      if (!m) out.set(g, (m = { ipv4: [], ipv6: [] }));
      for (const f of p.fixed_ips) (f.ip_address.includes(':') ? m.ipv6 : m.ipv4).push(f.ip_address);
    }
  }
  return out;
}

/** Security group → the fixed addresses one port gives it (none for no port). */
function addressesByGroup(p: PortRecord | undefined): Map<string, Set<string>> {
  return new Map((p?.security_groups ?? []).map((g) => [g, new Set(p!.fixed_ips.map((f) => f.ip_address))]));
}

const byFamily = (addresses: string[]): SecurityGroupMembers => ({ ipv4: addresses.filter((a) => !a.includes(':')), ipv6: addresses.filter((a) => a.includes(':')) });

/** Subnet id → one port's DHCP entries there (its addresses on subnets with DHCP; none for floating IP and gateway ports). */
function portDhcpEntries(p: PortRecord | undefined, subnets: SubnetRecord[]): Map<string, DhcpEntry[]> {
  const out = new Map<string, DhcpEntry[]>();
  if (!p || p.device_owner === 'network:floatingip' || p.device_owner === 'network:router_gateway') return out;
  for (const f of p.fixed_ips) {
    if (!subnets.find((x) => x.id === f.subnet_id)?.enable_dhcp) continue;
    const entries = out.get(f.subnet_id) ?? [];
    out.set(f.subnet_id, entries);
    entries.push({
      portId: p.id, macAddress: p.mac_address, ipAddress: f.ip_address, hostname: `host-${f.ip_address.replace(/[.:]/g, '-')}`,
      extraOptions: p.extra_dhcp_opts.map((o) => ({ name: o.opt_name, value: o.opt_value, ipVersion: o.ip_version })),
    });
  }
  return out;
}
