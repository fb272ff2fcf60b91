// The network driver: what the networking service asks of the host's dataplane.
//
// Contract (every implementation, the fake included, passes test/drivers/network.contract.ts):
// - Plain values in and out: ids, CIDRs, addresses, MACs. A driver imports no store or service.
// - Every call is idempotent and declarative: `ensure*` and `set*` describe the whole wanted state
//   of one object (a network, a router, a port's rules), so calling twice equals calling once and
//   a call after a crash converges. `delete*`/`unplug*` of something absent succeeds.
// - Incremental calls (Neutron's agents get port updates, not the whole network): `update*` change
//   the part of a shared object one port holds (its DHCP entries in a subnet, its addresses in a
//   group's members) and cost O(the change), whatever the number of other ports. They are
//   idempotent too (adding what is there, removing what is not, succeed). The whole-set `set*`
//   calls stay for what changes whole (a subnet's enable_dhcp toggled) and `reconcile` converges
//   whatever incremental calls were lost.
// - Calls may block on host work (seconds at most); they never call back into the service.
// - Failure: a call throws NetworkDriverError with a message fit for a fault; the service then
//   moves the resource to ERROR (ports, routers) and keeps the database as the truth.
// - The service calls the driver only after its database commit (ML2's postcommit).
// - `reconcile` runs once on start with the full wanted state: the driver removes what it has
//   and the state does not name (bridges, namespaces, rules of deleted objects) and rebuilds the
//   rest. Nothing outside the driver's own name prefix is ever touched, least of all the host's
//   real interfaces (an external uplink is used only when the operator names one).
// - Remote groups (Neutron's ipset design): a rule with `remoteGroupId` admits the members of that
//   security group, which the service sends once per group with `setSecurityGroupMembers`, not
//   resolved into every port's rules. So a port joining or leaving a group is one call per group,
//   whatever the number of ports whose rules name it. A rule may name a group the driver has no
//   members for (yet): that is not an error, the rule admits no one until members are set. Members
//   are replaced whole; an empty set removes them (the driver may then forget the group). Member
//   sets are independent of ports: the order of setSecurityGroupMembers and setPortSecurity does
//   not matter. `updateSecurityGroupMembers` adds and removes addresses (a port joined, left or
//   changed its addresses): the service removes an address only when no other port of the group
//   holds it. `reconcile` keeps exactly the groups of `state.groupMembers`.
// - QoS (Neutron's bandwidth_limit rules): `setPortQos` gives a port's limits per direction in
//   Neutron's terms, egress = traffic from the instance, ingress = traffic to it, replacing the
//   previous ones; null removes a direction's limit. A port not plugged yet may be given limits:
//   they apply when it is plugged, and go when it is unplugged. `reconcile` applies `state.portQos`.
// - Trunks: `setTrunk` wires a parent port's subports as VLANs of its link. A driver whose host
//   cannot (no 802.1Q devices) throws NetworkDriverError for a trunk with subports, never accepts it
//   silently; the service then reports the subports' binding as failed.
// - Agents (Neutron's agent extension): `agents(host)` names the dataplane's parts serving a host
//   and whether each works now. The service calls it every report interval as an agent's
//   report_state, and records a heartbeat for each part reported working. It changes nothing on
//   the host, and is cheap (looks at binaries, processes, tables; no more than a second).
// - Metering (Neutron's metering agent): `setMeteringLabels` replaces the whole set of labels a
//   router counts. Each label is one pair of counters (packets, bytes) in the router's own
//   namespace; a packet crossing the router's gateway counts once per label whose rules match it
//   (an `excluded` rule stops a packet from counting for that label). A router without a gateway
//   counts nothing; its labels still exist with zero counts. Labels of a router go with it
//   (`deleteRouter`); `reconcile` keeps exactly the labels of `state.metering`.

export interface DriverSubnet {
  id: string; cidr: string; ipVersion: 4 | 6; gatewayIp: string | null; enableDhcp: boolean;
  dnsNameservers: string[]; hostRoutes: { destination: string; nexthop: string }[];
  ipv6AddressMode: string | null; ipv6RaMode: string | null;
}

export interface DriverNetwork {
  id: string; mtu: number; networkType: 'flat' | 'vxlan' | 'local' | 'vlan' | 'geneve' | 'gre';
  physicalNetwork: string | null; segmentationId: number | null; external: boolean; adminStateUp: boolean;
  subnets: DriverSubnet[];
}

/** One DHCP host entry: what dnsmasq's hosts/opts files hold for a port. */
export interface DhcpEntry {
  portId: string; macAddress: string; ipAddress: string; hostname: string;
  extraOptions: { name: string; value: string; ipVersion: number }[];
}

export interface DriverPort {
  id: string; networkId: string; macAddress: string; fixedIps: { subnetId: string; ipAddress: string }[];
  deviceOwner: string; deviceId: string; adminStateUp: boolean; mtu: number;
}

export interface DriverRouterInterface {
  portId: string; subnetId: string; cidr: string; ipAddress: string; macAddress: string; networkId: string;
  /** IPv6 subnets: the subnet's ipv6_ra_mode (the router advertises it when set), its DNS servers and the network's MTU. */
  ipv6RaMode?: string | null; dnsNameservers?: string[]; mtu?: number;
}

export interface DriverRouter {
  id: string; adminStateUp: boolean;
  gateway: { networkId: string; portId: string; macAddress: string; enableSnat: boolean; ips: { subnetId: string; ipAddress: string; cidr: string; gatewayIp: string | null }[] } | null;
  interfaces: DriverRouterInterface[];
  routes: { destination: string; nexthop: string }[];
}

export interface DriverFloatingIp { floatingIp: string; fixedIp: string; portId: string }

export interface DriverSecurityRule {
  direction: 'ingress' | 'egress'; ethertype: 'IPv4' | 'IPv6'; protocol: string | null;
  portRangeMin: number | null; portRangeMax: number | null;
  /** Remote prefixes (remote_ip_prefix); null means any address, or the remote group when `remoteGroupId` is set. */
  remotePrefixes: string[] | null;
  /** remote_group_id: the rule admits the group's members (setSecurityGroupMembers); remotePrefixes is then null. */
  remoteGroupId: string | null;
}

/** A security group's members: the fixed addresses of its ports, per family (plain addresses, no prefix length). */
export interface SecurityGroupMembers { ipv4: string[]; ipv6: string[] }

/** Addresses a group's members gain and lose; `remove` applies first, so an address in both stays. */
export interface SecurityGroupMembersChange { add: SecurityGroupMembers; remove: SecurityGroupMembers }

/**
 * Ports' DHCP entries in one subnet: each port named in `upsert` has exactly the entries given for
 * it there from then on (all of a port's entries of the subnet come together); the ports of `remove`
 * have none. `remove` applies first.
 */
export interface DhcpEntriesChange { upsert: DhcpEntry[]; remove: string[] }

export interface DriverPortSecurity {
  portId: string; enabled: boolean; macAddress: string; ips: string[];
  allowedAddressPairs: { ipAddress: string; macAddress: string }[];
  rules: DriverSecurityRule[];
}

/** A bandwidth limit: rate in kilobits per second, burst in kilobits (0: the driver's default). */
export interface BandwidthLimit { maxKbps: number; maxBurstKbps: number }

/** A port's bandwidth limits; egress = from the instance, ingress = to it (Neutron's directions). */
export interface DriverPortQos { portId: string; egress: BandwidthLimit | null; ingress: BandwidthLimit | null }

/** A trunk on its parent port: each subport a VLAN (segmentation id) of the parent's link. */
export interface DriverTrunk {
  parentPortId: string;
  subports: { portId: string; networkId: string; macAddress: string; segmentationType: 'vlan'; segmentationId: number }[];
}

/** One part of the dataplane serving a host, as Neutron's agents report themselves. */
export interface DriverAgent {
  /** Neutron's agent_type ('DHCP agent', 'L3 agent', 'Metadata agent', 'Linux bridge agent', 'Metering agent'). */
  agentType: string;
  /** The Neutron binary the part stands for (neutron-dhcp-agent ...) and its RPC topic ('N/A' when none). */
  binary: string; topic: string;
  /** Whether the part works now (its tools present, its processes answering); only then is a heartbeat recorded. */
  alive: boolean;
  /** What the agent's configurations field shows (driver names, counts of what it serves). */
  configurations: Record<string, unknown>;
  description: string | null;
}

/** A metering rule: traffic through the gateway from (ingress) or to (egress) `remoteIpPrefix`. */
export interface DriverMeteringRule { direction: 'ingress' | 'egress'; remoteIpPrefix: string; excluded: boolean }

/** A metering label on one router: its counters are named after `id`. */
export interface DriverMeteringLabel { id: string; rules: DriverMeteringRule[] }

/** A label's counters as the host has them. */
export interface MeteringCount { packets: number; bytes: number }

/** The full wanted state, for reconcile on start. */
export interface DataplaneState {
  networks: DriverNetwork[];
  routers: DriverRouter[];
  floatingIps: Record<string, DriverFloatingIp[]>;
  ports: { port: DriverPort; host: string }[];
  portSecurity: DriverPortSecurity[];
  dhcp: Record<string, DhcpEntry[]>;
  /** Security group id → its members, for the groups that remote-group rules may name. */
  groupMembers: Record<string, SecurityGroupMembers>;
  /** The ports with bandwidth limits (absent: none). */
  portQos?: DriverPortQos[];
  /** Router id → the metering labels it counts (routers without labels may be absent). */
  metering: Record<string, DriverMeteringLabel[]>;
}

export class NetworkDriverError extends Error {}

export interface NetworkDriver {
  readonly name: string;
  /** Creates or updates a network's segment (bridge, VXLAN) and its subnets' DHCP servers. */
  ensureNetwork(net: DriverNetwork): Promise<void>;
  deleteNetwork(networkId: string): Promise<void>;
  /** Attaches a port on `host` (a tap or veth named after the port id) to its network. */
  plugPort(port: DriverPort, host: string): Promise<void>;
  unplugPort(portId: string, host: string): Promise<void>;
  /** The router's namespace with its gateway, interfaces and extra routes, as a whole. */
  ensureRouter(router: DriverRouter): Promise<void>;
  deleteRouter(routerId: string): Promise<void>;
  /** Every floating IP of a router (DNAT in, SNAT out), replacing the previous set atomically. */
  setFloatingIps(routerId: string, floatingIps: DriverFloatingIp[]): Promise<void>;
  /** A port's security group rules and anti-spoofing, replacing the previous set. */
  setPortSecurity(sec: DriverPortSecurity): Promise<void>;
  removePortSecurity(portId: string): Promise<void>;
  /**
   * A security group's members, replacing the previous set atomically: every rule whose
   * remoteGroupId is `groupId`, on any port, admits exactly these addresses from then on. Empty
   * lists remove the members (how a group's last port leaves, or a deleted group goes).
   */
  setSecurityGroupMembers(groupId: string, members: SecurityGroupMembers): Promise<void>;
  /**
   * Some addresses in and out of a group's members (a port joined, left, changed its addresses),
   * the rest untouched; O(the change). A group left with no members may be forgotten.
   */
  updateSecurityGroupMembers(groupId: string, change: SecurityGroupMembersChange): Promise<void>;
  /** A port's bandwidth limits, replacing the previous ones (both null: none). See the contract above. */
  setPortQos(qos: DriverPortQos): Promise<void>;
  /**
   * A trunk's subports on its parent port, replacing the previous set (an empty list unwires them).
   * Throws NetworkDriverError when the host cannot carry them (no VLAN devices).
   */
  setTrunk(trunk: DriverTrunk): Promise<void>;
  /** A subnet's DHCP host entries, replacing the previous set (dnsmasq reload). */
  setDhcpEntries(networkId: string, subnetId: string, entries: DhcpEntry[]): Promise<void>;
  /** Some ports' DHCP entries of a subnet replaced or removed, the other ports' untouched; O(the change). */
  updateDhcpEntries(networkId: string, subnetId: string, change: DhcpEntriesChange): Promise<void>;
  /** The dataplane's parts serving `host`, each with whether it works now (see Agents above). */
  agents(host: string): Promise<DriverAgent[]>;
  /** Every metering label of a router with its rules, replacing the previous set atomically (counts of kept labels go on). */
  setMeteringLabels(routerId: string, labels: DriverMeteringLabel[]): Promise<void>;
  /** The counters of a router's labels (label id → counts); empty for a router the host does not have. */
  meteringCounts(routerId: string): Promise<Record<string, MeteringCount>>;
  /** Brings the host in line with `state`: removes what it does not name, rebuilds the rest. */
  reconcile(state: DataplaneState): Promise<void>;
  close(): Promise<void>;
}
