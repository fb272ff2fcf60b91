// A network driver that does no host work: it keeps the wanted dataplane in memory and records
// every call, so the whole cloud runs on machines where it is not root, and tests can see what
// the service asked for.
import {
  type DataplaneState, type DhcpEntriesChange, type DhcpEntry, type DriverAgent, type DriverFloatingIp, type DriverMeteringLabel, type DriverNetwork, type DriverPort,
  type DriverPortQos, type DriverPortSecurity, type DriverRouter, type DriverTrunk, type MeteringCount, type NetworkDriver, NetworkDriverError,
  type SecurityGroupMembers, type SecurityGroupMembersChange,
} from './network-driver.js';

/** The parts the fake stands for: linuxbridge's agents, as the Linux driver has them. */
export const FAKE_AGENTS: Omit<DriverAgent, 'alive' | 'configurations'>[] = [
  { agentType: 'Linux bridge agent', binary: 'neutron-linuxbridge-agent', topic: 'N/A', description: null },
  { agentType: 'DHCP agent', binary: 'neutron-dhcp-agent', topic: 'dhcp_agent', description: null },
  { agentType: 'L3 agent', binary: 'neutron-l3-agent', topic: 'l3_agent', description: null },
  { agentType: 'Metadata agent', binary: 'neutron-metadata-agent', topic: 'N/A', description: null },
  { agentType: 'Metering agent', binary: 'neutron-metering-agent', topic: 'metering_agent', description: null },
];

export interface FakeNetworkCall { readonly op: string; readonly args: unknown[] }

/** A recorded call: its arguments kept as JSON text (compact, a copy), parsed when read. */
class RecordedCall implements FakeNetworkCall {
  constructor(readonly op: string, private readonly text: string) {}
  get args(): unknown[] { return JSON.parse(this.text) as unknown[]; }
  get size(): number { return this.text.length; }
}

/** A group's members as the fake keeps them: sets, so a change costs O(its size). */
interface MemberSets { ipv4: Set<string>; ipv6: Set<string> }

export class FakeNetworkDriver implements NetworkDriver {
  readonly name = 'fake';
  static readonly CALLS_KEPT = 10_000;
  /** The calls kept hold at most this many characters of arguments (the latest call always kept). */
  static readonly CALL_CHARS_KEPT = 4_000_000;
  readonly calls: FakeNetworkCall[] = [];
  private callChars = 0;
  readonly networks = new Map<string, DriverNetwork>();
  readonly ports = new Map<string, { port: DriverPort; host: string }>();
  readonly routers = new Map<string, DriverRouter>();
  readonly floatingIps = new Map<string, DriverFloatingIp[]>();
  readonly portSecurity = new Map<string, DriverPortSecurity>();
  /** `networkId/subnetId` → port id → the port's DHCP entries there; subnets without entries are absent. */
  readonly dhcp = new Map<string, Map<string, DhcpEntry[]>>();
  /** Security group id → its members; groups with no members are absent. */
  readonly groupMembers = new Map<string, MemberSets>();
  /** Port id → its bandwidth limits; ports without limits are absent. */
  readonly portQos = new Map<string, DriverPortQos>();
  /** Parent port id → its trunk's subports; trunks without subports are absent. */
  readonly trunks = new Map<string, DriverTrunk>();
  /** Router id → its metering labels. */
  readonly metering = new Map<string, DriverMeteringLabel[]>();
  /** Agent types reported as not working (a part of a broken host), for tests of `alive`. */
  readonly brokenAgents = new Set<string>();
  /** Each call waits up to this long (at random) before it changes anything: for tests of calls that race. */
  latencyMs = 0;
  /** Set to make the next call fail, as a broken host would. */
  failNext: string | undefined;

  private async record(op: string, ...args: unknown[]): Promise<void> {
    // NOTE: the latest calls only, bounded by count and by size, so a long-running cloud on the
    // fake does not grow without bound (whole-set calls of a big network are megabytes each).
    const call = new RecordedCall(op, JSON.stringify(args));
    this.calls.push(call);
    this.callChars += call.size;
    while (this.calls.length > 1 && (this.calls.length > FakeNetworkDriver.CALLS_KEPT || this.callChars > FakeNetworkDriver.CALL_CHARS_KEPT)) {
      this.callChars -= (this.calls.shift() as RecordedCall).size;
    }
    if (this.failNext) { const m = this.failNext; this.failNext = undefined; throw new NetworkDriverError(m); }
    // NOTE: recorded in the order called, applied after a random pause, as a host's calls take time.
    if (this.latencyMs) await new Promise((r) => setTimeout(r, Math.random() * this.latencyMs));
  }

  /** A subnet's DHCP entries, port by port in the order the ports got them. */
  dhcpEntries(networkId: string, subnetId: string): DhcpEntry[] { return [...(this.dhcp.get(`${networkId}/${subnetId}`)?.values() ?? [])].flat(); }

  /** A group's members, sorted (empty lists for a group without members). */
  members(groupId: string): SecurityGroupMembers {
    const m = this.groupMembers.get(groupId);
    return { ipv4: [...(m?.ipv4 ?? [])].sort(), ipv6: [...(m?.ipv6 ?? [])].sort() };
  }

  private setMembers(groupId: string, members: SecurityGroupMembers): void {
    if (members.ipv4.length || members.ipv6.length) this.groupMembers.set(groupId, { ipv4: new Set(members.ipv4), ipv6: new Set(members.ipv6) });
    else this.groupMembers.delete(groupId);
  }

  private setEntries(key: string, entries: DhcpEntry[]): void {
    const byPort = new Map<string, DhcpEntry[]>();
    for (const e of structuredClone(entries)) byPort.set(e.portId, [...(byPort.get(e.portId) ?? []), e]);
    if (byPort.size) this.dhcp.set(key, byPort); else this.dhcp.delete(key);
  }

  async ensureNetwork(net: DriverNetwork) { await this.record('ensureNetwork', net); this.networks.set(net.id, structuredClone(net)); }
  async deleteNetwork(id: string) {
    await this.record('deleteNetwork', id);
    this.networks.delete(id);
    for (const key of [...this.dhcp.keys()]) if (key.startsWith(`${id}/`)) this.dhcp.delete(key);
  }
  async plugPort(port: DriverPort, host: string) {
    await this.record('plugPort', port, host);
    if (!this.networks.has(port.networkId)) throw new NetworkDriverError(`network ${port.networkId} is not on this host`);
    this.ports.set(port.id, { port: structuredClone(port), host });
  }
  async unplugPort(id: string, host: string) { await this.record('unplugPort', id, host); this.ports.delete(id); this.portQos.delete(id); }
  async ensureRouter(r: DriverRouter) { await this.record('ensureRouter', r); this.routers.set(r.id, structuredClone(r)); }
  async deleteRouter(id: string) { await this.record('deleteRouter', id); this.routers.delete(id); this.floatingIps.delete(id); this.metering.delete(id); }
  async setFloatingIps(routerId: string, fips: DriverFloatingIp[]) {
    await this.record('setFloatingIps', routerId, fips);
    if (fips.length) this.floatingIps.set(routerId, structuredClone(fips)); else this.floatingIps.delete(routerId);
  }
  async setPortSecurity(sec: DriverPortSecurity) { await this.record('setPortSecurity', sec); this.portSecurity.set(sec.portId, structuredClone(sec)); }
  async removePortSecurity(id: string) { await this.record('removePortSecurity', id); this.portSecurity.delete(id); }
  async setSecurityGroupMembers(groupId: string, members: SecurityGroupMembers) {
    await this.record('setSecurityGroupMembers', groupId, members);
    this.setMembers(groupId, members);
  }
  async updateSecurityGroupMembers(groupId: string, change: SecurityGroupMembersChange) {
    await this.record('updateSecurityGroupMembers', groupId, change);
    const m = this.groupMembers.get(groupId) ?? { ipv4: new Set<string>(), ipv6: new Set<string>() };
    for (const f of ['ipv4', 'ipv6'] as const) {
      for (const a of change.remove[f]) m[f].delete(a);
      for (const a of change.add[f]) m[f].add(a);
    }
    if (m.ipv4.size || m.ipv6.size) this.groupMembers.set(groupId, m); else this.groupMembers.delete(groupId);
  }
  async setPortQos(qos: DriverPortQos) {
    await this.record('setPortQos', qos);
    if (qos.egress || qos.ingress) this.portQos.set(qos.portId, structuredClone(qos)); else this.portQos.delete(qos.portId);
  }
  async setTrunk(trunk: DriverTrunk) {
    await this.record('setTrunk', trunk);
    if (trunk.subports.length) this.trunks.set(trunk.parentPortId, structuredClone(trunk)); else this.trunks.delete(trunk.parentPortId);
  }
  async setDhcpEntries(networkId: string, subnetId: string, entries: DhcpEntry[]) {
    await this.record('setDhcpEntries', networkId, subnetId, entries);
    this.setEntries(`${networkId}/${subnetId}`, entries);
  }
  async updateDhcpEntries(networkId: string, subnetId: string, change: DhcpEntriesChange) {
    await this.record('updateDhcpEntries', networkId, subnetId, change);
    const key = `${networkId}/${subnetId}`;
    const byPort = this.dhcp.get(key) ?? new Map<string, DhcpEntry[]>();
    for (const id of change.remove) byPort.delete(id);
    const given = new Map<string, DhcpEntry[]>();
    for (const e of structuredClone(change.upsert)) given.set(e.portId, [...(given.get(e.portId) ?? []), e]);
    for (const [id, entries] of given) byPort.set(id, entries);
    if (byPort.size) this.dhcp.set(key, byPort); else this.dhcp.delete(key);
  }
  async agents(host: string): Promise<DriverAgent[]> {
    // NOTE: not recorded: it runs every report interval and changes nothing.
    return FAKE_AGENTS.map((a) => ({ ...a, alive: !this.brokenAgents.has(a.agentType), configurations: { host, driver: 'fake' } }));
  }
  async setMeteringLabels(routerId: string, labels: DriverMeteringLabel[]) {
    await this.record('setMeteringLabels', routerId, labels);
    if (labels.length) this.metering.set(routerId, structuredClone(labels)); else this.metering.delete(routerId);
  }
  async meteringCounts(routerId: string): Promise<Record<string, MeteringCount>> {
    return Object.fromEntries((this.metering.get(routerId) ?? []).map((l) => [l.id, { packets: 0, bytes: 0 }]));
  }
  async reconcile(state: DataplaneState) {
    await this.record('reconcile', state);
    this.networks.clear(); this.ports.clear(); this.routers.clear(); this.floatingIps.clear(); this.portSecurity.clear(); this.dhcp.clear(); this.groupMembers.clear(); this.portQos.clear();
    this.metering.clear();
    for (const n of state.networks) this.networks.set(n.id, structuredClone(n));
    for (const p of state.ports) this.ports.set(p.port.id, structuredClone(p));
    for (const r of state.routers) this.routers.set(r.id, structuredClone(r));
    for (const [k, v] of Object.entries(state.floatingIps)) if (v.length) this.floatingIps.set(k, structuredClone(v));
    for (const s of state.portSecurity) this.portSecurity.set(s.portId, structuredClone(s));
    for (const [k, v] of Object.entries(state.dhcp)) this.setEntries(k, v);
    for (const q of state.portQos ?? []) if (q.egress || q.ingress) this.portQos.set(q.portId, structuredClone(q));
    for (const [k, v] of Object.entries(state.metering)) if (v.length) this.metering.set(k, structuredClone(v));
    for (const [k, v] of Object.entries(state.groupMembers)) this.setMembers(k, v);
  }
  async close() {}

  /** Calls named `op` since the last reset. */
  callsOf(op: string): unknown[][] { return this.calls.filter((c) => c.op === op).map((c) => c.args); }
  reset(): void { this.calls.length = 0; this.callChars = 0; }
}
