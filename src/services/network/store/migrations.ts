import type { Migration } from '../../../core/db/database.js';

// Each Neutron resource is a row: its id, owner, the network it hangs on (for scoped queries)
// and its attributes as a JSON document. IP allocations are their own table so that one address
// is handed out once per subnet, enforced by the primary key.
const docTable = (name: string) =>
  `CREATE TABLE ${name} (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, network_id TEXT, data TEXT NOT NULL)`;

export const networkMigrations: Migration[] = [
  {
    id: '001-network',
    statements: [
      ...['neutron_networks', 'neutron_subnets', 'neutron_subnetpools', 'neutron_ports', 'neutron_routers',
        'neutron_floatingips', 'neutron_security_groups', 'neutron_security_group_rules', 'neutron_rbac_policies']
        .flatMap((t) => [docTable(t), `CREATE INDEX ${t}_project ON ${t} (project_id)`, `CREATE INDEX ${t}_network ON ${t} (network_id)`]),
      `CREATE TABLE neutron_ip_allocations (subnet_id TEXT NOT NULL, ip_address TEXT NOT NULL, network_id TEXT NOT NULL,
        port_id TEXT, PRIMARY KEY (subnet_id, ip_address))`,
      `CREATE INDEX neutron_ip_allocations_port ON neutron_ip_allocations (port_id)`,
      `CREATE TABLE neutron_quotas (project_id TEXT NOT NULL, resource TEXT NOT NULL, hard_limit INTEGER NOT NULL,
        PRIMARY KEY (project_id, resource))`,
      `CREATE TABLE neutron_default_sg (project_id TEXT PRIMARY KEY, security_group_id TEXT NOT NULL)`,
    ],
  },
  {
    // NOTE: Nova asks for a server's ports and their floating IPs on every server it shows.
    id: '002-device-indexes',
    statements: [
      `CREATE INDEX neutron_ports_device ON neutron_ports (json_extract(data, '$.device_id'))`,
      `CREATE INDEX neutron_floatingips_port ON neutron_floatingips (json_extract(data, '$.port_id'))`,
    ],
  },
  {
    // NOTE: Neutron's auto_allocated_topologies: one network and router per project, made on first ask.
    id: '003-auto-allocated-topologies',
    statements: [
      `CREATE TABLE neutron_auto_allocated_topologies (project_id TEXT PRIMARY KEY, network_id TEXT NOT NULL, router_id TEXT)`,
    ],
  },
  {
    // NOTE: address-scope, qos (a policy's rules live in its document) and trunk (its subports likewise).
    id: '004-address-scopes-qos-trunks',
    statements: ['neutron_address_scopes', 'neutron_qos_policies', 'neutron_trunks']
      .flatMap((t) => [docTable(t), `CREATE INDEX ${t}_project ON ${t} (project_id)`]),
  },
  {
    // NOTE: Neutron's agents (one per type and host, as its agents table's unique key), the DHCP and
    // L3 schedulers' bindings, and metering labels with their rules (documents, the rule's label
    // in the network_id column as its parent).
    id: '005-agents-metering',
    statements: [
      `CREATE TABLE neutron_agents (id TEXT PRIMARY KEY, agent_type TEXT NOT NULL, binary TEXT NOT NULL, topic TEXT NOT NULL,
        host TEXT NOT NULL, admin_state_up INTEGER NOT NULL, description TEXT, availability_zone TEXT, configurations TEXT NOT NULL,
        created_at TEXT NOT NULL, started_at TEXT NOT NULL, heartbeat_timestamp TEXT NOT NULL, UNIQUE (agent_type, host))`,
      `CREATE TABLE neutron_network_dhcp_agent_bindings (network_id TEXT NOT NULL, dhcp_agent_id TEXT NOT NULL
        REFERENCES neutron_agents (id) ON DELETE CASCADE, PRIMARY KEY (network_id, dhcp_agent_id))`,
      `CREATE TABLE neutron_router_l3_agent_bindings (router_id TEXT NOT NULL, l3_agent_id TEXT NOT NULL
        REFERENCES neutron_agents (id) ON DELETE CASCADE, PRIMARY KEY (router_id, l3_agent_id))`,
      ...['neutron_metering_labels', 'neutron_metering_label_rules']
        .flatMap((t) => [docTable(t), `CREATE INDEX ${t}_project ON ${t} (project_id)`, `CREATE INDEX ${t}_network ON ${t} (network_id)`]),
    ],
  },
  {
    // NOTE: a port create asks whether its MAC address is in use on the network, and the metadata
    // service which port holds an address: by index, where both read every port of the network.
    id: '006-mac-and-address-indexes',
    statements: [
      `CREATE INDEX neutron_ports_mac ON neutron_ports (network_id, json_extract(data, '$.mac_address'))`,
      `CREATE INDEX neutron_ip_allocations_address ON neutron_ip_allocations (network_id, ip_address)`,
    ],
  },
  {
    // NOTE: a port leaving a security group takes its address out of the group's members only when
    // no other port of the group holds it: the ports holding an address, on any network, by index.
    id: '007-allocation-address-index',
    statements: [`CREATE INDEX neutron_ip_allocations_ip ON neutron_ip_allocations (ip_address)`],
  },
];
