// What other services (compute) may call on networking: plain values in and out.

/** An address of a server as Nova shows it under `addresses`. */
export interface ServerAddress { networkName: string; addr: string; version: 4 | 6; type: 'fixed' | 'floating'; macAddr: string }

/**
 * What compute may call (plain values in and out):
 * - createPortForServer: a port for a server on `networkId` (or an existing `portId` bound to it),
 *   with optional fixed IP and the server's security groups (names or ids); binds it to `host`. Throws Neutron's typed errors (NetworkNotFound, IpAddressInUse ...).
 * - deletePortsOfDevice: deletes the ports compute created for a server and frees their addresses; the
 *   ports in `preserve` (those the user created and gave the server: Nova's preserve_on_delete) are
 *   unbound instead (device_id, device_owner and binding:host_id cleared) and stay.
 * - bindPortsOfDevice: binds a server's ports to the host it moved to (binding:host_id), as Nova's migrations do.
 * - portsOfDevice: the server's ports as { id, networkId, macAddress, fixedIps } for its interfaces.
 * - addressesOfDevice: Nova's `addresses` map (network name → fixed and floating addresses).
 * - addressesOfDevices: the same for many devices at once (a page of servers), by device id (every id present).
 * - floatingIpsOfPorts: the floating IPs bound to the given ports.
 */
/** Who calls through the facade: the end user's project and whether they are admin (Neutron sees what they see). */
export interface NetCaller { projectId: string | undefined; isAdmin: boolean }
export interface SecurityGroupRule {
  id: string; securityGroupId: string; direction: 'ingress' | 'egress'; ethertype: 'IPv4' | 'IPv6'; protocol: string | null;
  portRangeMin: number | null; portRangeMax: number | null; remoteIpPrefix: string | null; remoteGroupId: string | null;
}
export interface SecurityGroup { id: string; name: string; description: string; projectId: string; rules: SecurityGroupRule[] }
export interface FloatingIp { id: string; floatingIp: string; fixedIp: string | null; portId: string | null; deviceId: string | null; networkId: string; networkName: string; projectId: string }
export interface ProxyNetwork { id: string; name: string; projectId: string; external: boolean; subnets: { cidr: string; gatewayIp: string | null; ipVersion: number; enableDhcp: boolean; dnsNameservers: string[] }[] }

/**
 * Nova's network proxy APIs (security groups, floating IPs, networks) call these with the end
 * user's caller; they throw Neutron's typed errors (NeutronError: 400/404/409 with Neutron's type).
 */
export interface NetworkProxyFacade {
  securityGroups(caller: NetCaller, opts: { allProjects: boolean }): Promise<SecurityGroup[]>;
  securityGroup(caller: NetCaller, id: string): Promise<SecurityGroup>;
  /** A group id by name or id as neutronclient's find_resourceid_by_name_or_id (409 NoUniqueMatch when several). */
  findSecurityGroup(caller: NetCaller, nameOrId: string): Promise<string | undefined>;
  createSecurityGroup(caller: NetCaller, body: { name: string; description: string }): Promise<SecurityGroup>;
  updateSecurityGroup(caller: NetCaller, id: string, body: { name: string; description: string }): Promise<SecurityGroup>;
  deleteSecurityGroup(caller: NetCaller, id: string): Promise<void>;
  createSecurityGroupRule(caller: NetCaller, rule: Omit<SecurityGroupRule, 'id'>): Promise<SecurityGroupRule>;
  securityGroupRule(caller: NetCaller, id: string): Promise<SecurityGroupRule>;
  deleteSecurityGroupRule(caller: NetCaller, id: string): Promise<void>;
  /** The server's ports with their security groups and whether security can apply (port security on, addresses). */
  portsOfDeviceWithGroups(deviceId: string): Promise<{ id: string; securityGroups: string[]; applicable: boolean }[]>;
  setPortSecurityGroups(caller: NetCaller, portId: string, groups: string[]): Promise<void>;
  floatingIps(caller: NetCaller): Promise<FloatingIp[]>;
  floatingIp(caller: NetCaller, id: string): Promise<FloatingIp>;
  /** Allocates from the external network named `pool` (or the only/first external network). */
  allocateFloatingIp(caller: NetCaller, pool?: string): Promise<FloatingIp>;
  deleteFloatingIp(caller: NetCaller, id: string): Promise<void>;
  /** Binds `portId` (at `fixedIp` when given) to the floating IP, or unbinds with portId null. */
  updateFloatingIpPort(caller: NetCaller, id: string, portId: string | null, fixedIp?: string): Promise<FloatingIp>;
  externalNetworks(): Promise<{ id: string; name: string }[]>;
  visibleNetworks(caller: NetCaller): Promise<ProxyNetwork[]>;
  /**
   * Nova's networks 'auto': the one network the project may use (its own or a shared one, not
   * external), else its auto-allocated topology's network; 409 NetworkAmbiguous when several.
   */
  networkForAuto(projectId: string): Promise<string>;
}

export interface NetworkFacade extends NetworkProxyFacade {
  createPortForServer(req: { projectId: string; serverId: string; host: string; networkId?: string; portId?: string; fixedIp?: string; securityGroups?: string[] }): Promise<{ id: string; networkId: string; macAddress: string; status: string; fixedIps: { subnetId: string; ipAddress: string }[] }>;
  deletePortsOfDevice(deviceId: string, preserve?: string[]): Promise<void>;
  bindPortsOfDevice(deviceId: string, host: string): Promise<void>;
  portsOfDevice(deviceId: string): Promise<{ id: string; networkId: string; macAddress: string; status: string; fixedIps: { subnetId: string; ipAddress: string }[] }[]>;
  /** The device (server id) of the port holding `ip` on the network, for the metadata service. */
  deviceWithAddress(networkId: string, ip: string): Promise<string | undefined>;
  /** Detaches a server's port: deleted when `remove`, else unbound and kept (a port the user brought); false when it is not the server's. */
  releasePortOfDevice(deviceId: string, portId: string, remove: boolean): Promise<boolean>;
  addressesOfDevice(deviceId: string): Promise<Record<string, ServerAddress[]>>;
  addressesOfDevices(deviceIds: string[]): Promise<Map<string, Record<string, ServerAddress[]>>>;
  floatingIpsOfPorts(portIds: string[]): Promise<{ id: string; floatingIp: string; fixedIp: string; portId: string }[]>;
}
