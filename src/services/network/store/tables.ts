import type { Db } from '../../../core/db/database.js';
import type { DocumentTableName, IpAllocation, NetworkDb } from './database.js';
import { documentField, insertionOrder } from './sqlite.js';

export interface Standard {
  id: string; project_id: string; name?: string; description: string; tags: string[];
  revision_number: number; created_at: string; updated_at: string;
}
export interface NetworkRecord extends Standard {
  name: string; admin_state_up: boolean; mtu: number; status: string; port_security_enabled: boolean;
  network_type: string; physical_network: string | null; segmentation_id: number | null;
  availability_zone_hints: string[];
  /** The default external network for auto-allocated topologies (auto-allocated-topology's is_default). */
  is_default?: boolean;
  /** qos: the policy of the network's ports (absent in records made before qos). */
  qos_policy_id?: string | null;
}
export interface Pool { start: string; end: string }
export interface HostRoute { destination: string; nexthop: string }
export interface SubnetRecord extends Standard {
  name: string; network_id: string; ip_version: 4 | 6; cidr: string; gateway_ip: string | null;
  allocation_pools: Pool[]; dns_nameservers: string[]; host_routes: HostRoute[]; enable_dhcp: boolean;
  ipv6_ra_mode: string | null; ipv6_address_mode: string | null; subnetpool_id: string | null;
  service_types: string[];
}
export interface SubnetPoolRecord extends Standard {
  name: string; prefixes: string[]; default_prefixlen: number; min_prefixlen: number; max_prefixlen: number;
  default_quota: number | null; ip_version: 4 | 6; shared: boolean; is_default: boolean; address_scope_id: string | null;
}
export interface FixedIp { subnet_id: string; ip_address: string }
export interface PortRecord extends Standard {
  name: string; network_id: string; admin_state_up: boolean; mac_address: string; fixed_ips: FixedIp[];
  device_id: string; device_owner: string; status: string; security_groups: string[]; port_security_enabled: boolean;
  allowed_address_pairs: { ip_address: string; mac_address: string }[];
  extra_dhcp_opts: { opt_name: string; opt_value: string; ip_version: number }[];
  binding_host_id: string; binding_vnic_type: string; binding_profile: Record<string, unknown>; binding_vif_type: string;
  /** qos: the port's own policy (absent in records made before qos). */
  qos_policy_id?: string | null;
}
export interface GatewayInfo { network_id: string; enable_snat: boolean; external_fixed_ips: FixedIp[] }
export interface RouterRecord extends Standard {
  name: string; admin_state_up: boolean; status: string; external_gateway_info: GatewayInfo | null;
  routes: HostRoute[]; availability_zone_hints: string[]; gw_port_id: string | null;
  /** dvr's `distributed` (absent on routers made before it: false). */
  distributed?: boolean;
}
export interface FloatingIpRecord extends Standard {
  floating_network_id: string; floating_ip_address: string; floating_port_id: string; port_id: string | null;
  fixed_ip_address: string | null; router_id: string | null; status: string;
}
export interface SecurityGroupRecord extends Standard { name: string; stateful: boolean }
export interface SecurityGroupRuleRecord extends Standard {
  security_group_id: string; direction: 'ingress' | 'egress'; ethertype: 'IPv4' | 'IPv6'; protocol: string | null;
  port_range_min: number | null; port_range_max: number | null; remote_ip_prefix: string | null;
  remote_group_id: string | null; remote_address_group_id: string | null;
}
export interface AddressScopeRecord extends Standard { name: string; shared: boolean; ip_version: 4 | 6 }
/** A bandwidth limit rule (qos, qos-bw-limit-direction); kept inside its policy's document. */
export interface BandwidthLimitRule { id: string; max_kbps: number; max_burst_kbps: number; direction: 'ingress' | 'egress' }
export interface QosPolicyRecord extends Standard { name: string; shared: boolean; is_default: boolean; rules: BandwidthLimitRule[] }
export interface SubPort { port_id: string; segmentation_type: string; segmentation_id: number }
export interface TrunkRecord extends Standard {
  name: string; port_id: string; admin_state_up: boolean; status: 'ACTIVE' | 'DOWN' | 'BUILD' | 'DEGRADED' | 'ERROR'; sub_ports: SubPort[];
}
export interface RbacPolicyRecord {
  id: string; project_id: string; object_type: 'network' | 'qos_policy' | 'security_group' | 'subnetpool' | 'address_scope' | 'address_group';
  object_id: string; action: 'access_as_shared' | 'access_as_external'; target_tenant: string;
}

/** One resource kind: rows of (id, project_id, network_id, JSON document). */
export class DocTable<R extends { id: string; project_id: string }> {
  readonly db: NetworkDb;
  constructor(db: Db, readonly name: DocumentTableName, private readonly networkOf: (r: R) => string | null = () => null) { this.db = db; }

  async get(id: string): Promise<R | undefined> {
    const row = await this.db.selectFrom(this.name).select('data').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.data) as R) : undefined;
  }

  /** Every row, or those of one network; visibility is decided by the caller's policy. */
  async list(where: { network_id?: string; project_id?: string } = {}): Promise<R[]> {
    let q = this.db.selectFrom(this.name).select('data');
    if (where.network_id !== undefined) q = q.where('network_id', '=', where.network_id);
    if (where.project_id !== undefined) q = q.where('project_id', '=', where.project_id);
    return (await q.orderBy(insertionOrder).execute()).map((r) => JSON.parse(r.data) as R);
  }

  /** Rows whose document has `field` equal to one of `values` (indexed for ports' device_id, floating IPs' port_id). */
  async withField(field: 'device_id' | 'port_id', values: string[]): Promise<R[]> {
    if (values.length === 0) return [];
    const q = this.db.selectFrom(this.name).select('data').where(documentField(field), 'in', values);
    return (await q.orderBy(insertionOrder).execute()).map((r) => JSON.parse(r.data) as R);
  }

  /** The rows with these ids, in insertion order. */
  async withIds(ids: string[]): Promise<R[]> {
    if (ids.length === 0) return [];
    const q = this.db.selectFrom(this.name).select('data').where('id', 'in', ids);
    return (await q.orderBy(insertionOrder).execute()).map((r) => JSON.parse(r.data) as R);
  }

  /** Whether a row of the network has `field` equal to `value` (indexed for ports' mac_address). */
  async existsIn(networkId: string, field: 'mac_address', value: string): Promise<boolean> {
    const row = await this.db.selectFrom(this.name).select('id').where('network_id', '=', networkId).where(documentField(field), '=', value).executeTakeFirst();
    return row !== undefined;
  }

  async count(where: { network_id?: string; project_id?: string }): Promise<number> {
    let q = this.db.selectFrom(this.name).select((eb) => eb.fn.countAll<number>().as('n'));
    if (where.network_id !== undefined) q = q.where('network_id', '=', where.network_id);
    if (where.project_id !== undefined) q = q.where('project_id', '=', where.project_id);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  async insert(r: R): Promise<R> {
    await this.db.insertInto(this.name).values({ id: r.id, project_id: r.project_id, network_id: this.networkOf(r), data: JSON.stringify(r) }).execute();
    return r;
  }

  async put(r: R): Promise<R> {
    await this.db.updateTable(this.name).set({ project_id: r.project_id, network_id: this.networkOf(r), data: JSON.stringify(r) }).where('id', '=', r.id).execute();
    return r;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom(this.name).where('id', '=', id).execute();
  }
}

export type { IpAllocation } from './database.js';

export class NetworkTables {
  readonly networks: DocTable<NetworkRecord>;
  readonly subnets: DocTable<SubnetRecord>;
  readonly subnetpools: DocTable<SubnetPoolRecord>;
  readonly ports: DocTable<PortRecord>;
  readonly routers: DocTable<RouterRecord>;
  readonly floatingips: DocTable<FloatingIpRecord>;
  readonly securityGroups: DocTable<SecurityGroupRecord>;
  readonly securityGroupRules: DocTable<SecurityGroupRuleRecord>;
  readonly rbac: DocTable<RbacPolicyRecord>;
  readonly addressScopes: DocTable<AddressScopeRecord>;
  readonly qosPolicies: DocTable<QosPolicyRecord>;
  readonly trunks: DocTable<TrunkRecord>;

  readonly db: NetworkDb;

  constructor(db: Db) {
    this.db = db;
    this.networks = new DocTable(db, 'neutron_networks');
    this.subnets = new DocTable(db, 'neutron_subnets', (r) => r.network_id);
    this.subnetpools = new DocTable(db, 'neutron_subnetpools');
    this.ports = new DocTable(db, 'neutron_ports', (r) => r.network_id);
    this.routers = new DocTable(db, 'neutron_routers');
    this.floatingips = new DocTable(db, 'neutron_floatingips', (r) => r.floating_network_id);
    this.securityGroups = new DocTable(db, 'neutron_security_groups');
    this.securityGroupRules = new DocTable(db, 'neutron_security_group_rules', (r) => r.security_group_id);
    this.rbac = new DocTable(db, 'neutron_rbac_policies', (r) => r.object_id);
    this.addressScopes = new DocTable(db, 'neutron_address_scopes');
    this.qosPolicies = new DocTable(db, 'neutron_qos_policies');
    this.trunks = new DocTable(db, 'neutron_trunks');
  }

  /** Counts the releases of addresses: a scan position remembered before one may skip a free address. */
  allocationGeneration = 0;

  /** Whether the subnet's address is claimed (the allocations' primary key). */
  async isAllocated(subnetId: string, ip: string): Promise<boolean> {
    return (await this.db.selectFrom('neutron_ip_allocations').select('ip_address').where('subnet_id', '=', subnetId).where('ip_address', '=', ip).executeTakeFirst()) !== undefined;
  }

  /** Claims an address; false when it is taken already. */
  async allocate(a: IpAllocation): Promise<boolean> {
    const r = await this.db.insertInto('neutron_ip_allocations').values(a).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async allocations(where: { subnet_id?: string; network_id?: string; port_id?: string; ip_address?: string }): Promise<IpAllocation[]> {
    let q = this.db.selectFrom('neutron_ip_allocations').selectAll();
    if (where.subnet_id !== undefined) q = q.where('subnet_id', '=', where.subnet_id);
    if (where.ip_address !== undefined) q = q.where('ip_address', '=', where.ip_address);
    if (where.network_id !== undefined) q = q.where('network_id', '=', where.network_id);
    if (where.port_id !== undefined) q = q.where('port_id', '=', where.port_id);
    return await q.execute();
  }

  async release(subnetId: string, ip: string): Promise<void> {
    this.allocationGeneration++;
    await this.db.deleteFrom('neutron_ip_allocations').where('subnet_id', '=', subnetId).where('ip_address', '=', ip).execute();
  }

  async releasePort(portId: string): Promise<void> {
    this.allocationGeneration++;
    await this.db.deleteFrom('neutron_ip_allocations').where('port_id', '=', portId).execute();
  }

  async quotas(projectId: string): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('neutron_quotas').selectAll().where('project_id', '=', projectId).execute();
    return Object.fromEntries(rows.map((r) => [r.resource, Number(r.hard_limit)]));
  }

  async quotaProjects(): Promise<string[]> {
    const rows = await this.db.selectFrom('neutron_quotas').select('project_id').distinct().execute();
    return rows.map((r) => r.project_id);
  }

  async setQuota(projectId: string, resource: string, limit: number): Promise<void> {
    await this.db.insertInto('neutron_quotas').values({ project_id: projectId, resource, hard_limit: limit })
      .onConflict((oc) => oc.columns(['project_id', 'resource']).doUpdateSet({ hard_limit: limit })).execute();
  }

  async deleteQuotas(projectId: string): Promise<void> {
    await this.db.deleteFrom('neutron_quotas').where('project_id', '=', projectId).execute();
  }

  async autoAllocatedTopology(projectId: string): Promise<{ network_id: string; router_id: string | null } | undefined> {
    const r = await this.db.selectFrom('neutron_auto_allocated_topologies').select(['network_id', 'router_id']).where('project_id', '=', projectId).executeTakeFirst();
    return r && { network_id: r.network_id, router_id: r.router_id ?? null };
  }

  async saveAutoAllocatedTopology(projectId: string, networkId: string, routerId: string | null): Promise<void> {
    await this.db.insertInto('neutron_auto_allocated_topologies').values({ project_id: projectId, network_id: networkId, router_id: routerId }).execute();
  }

  async forgetAutoAllocatedTopology(projectId: string): Promise<void> {
    await this.db.deleteFrom('neutron_auto_allocated_topologies').where('project_id', '=', projectId).execute();
  }

  async defaultSecurityGroup(projectId: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('neutron_default_sg').select('security_group_id').where('project_id', '=', projectId).executeTakeFirst();
    return r?.security_group_id;
  }

  /** Records the project's default group; false when another request recorded one first. */
  async claimDefaultSecurityGroup(projectId: string, sgId: string): Promise<boolean> {
    const r = await this.db.insertInto('neutron_default_sg').values({ project_id: projectId, security_group_id: sgId }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async forgetDefaultSecurityGroup(sgId: string): Promise<void> {
    await this.db.deleteFrom('neutron_default_sg').where('security_group_id', '=', sgId).execute();
  }
}
