// The network tables as SQL holds them (migrations.ts creates them), so that Kysely checks every
// table, column and value of the store. Each Neutron resource is a JSON document in `data`.
import type { Db } from '../../../core/db/database.js';

/** A row of a resource table: its id, owner, the network it hangs on (for scoped queries) and its document. */
export interface DocumentsTable { id: string; project_id: string; network_id: string | null; data: string }

/** The resource tables, all of the same shape. */
export type DocumentTableName = 'neutron_networks' | 'neutron_subnets' | 'neutron_subnetpools' | 'neutron_ports' | 'neutron_routers'
  | 'neutron_floatingips' | 'neutron_security_groups' | 'neutron_security_group_rules' | 'neutron_rbac_policies'
  | 'neutron_address_scopes' | 'neutron_qos_policies' | 'neutron_trunks' | 'neutron_metering_labels' | 'neutron_metering_label_rules';

/** An agent row: one part of the dataplane on one host (Neutron's agents table). */
export interface AgentsTable {
  id: string; agent_type: string; binary: string; topic: string; host: string; admin_state_up: number;
  description: string | null; availability_zone: string | null; configurations: string;
  created_at: string; started_at: string; heartbeat_timestamp: string;
}

/** One address handed out on a subnet (the primary key makes it once per subnet). */
export interface IpAllocation { subnet_id: string; ip_address: string; network_id: string; port_id: string | null }

/** The network database: every network table by name. */
export type NetworkDatabase = { [T in DocumentTableName]: DocumentsTable } & {
  neutron_ip_allocations: IpAllocation;
  neutron_quotas: { project_id: string; resource: string; hard_limit: number };
  neutron_default_sg: { project_id: string; security_group_id: string };
  neutron_auto_allocated_topologies: { project_id: string; network_id: string; router_id: string | null };
  neutron_agents: AgentsTable;
  neutron_network_dhcp_agent_bindings: { network_id: string; dhcp_agent_id: string };
  neutron_router_l3_agent_bindings: { router_id: string; l3_agent_id: string };
};

/** A handle on the network tables. */
export type NetworkDb = Db<NetworkDatabase>;
