// Nova's views of Neutron networks: os-networks' nova-network fields (all None but id and label;
// the admin fields too for an admin) and os-tenant-networks' id/cidr/label.
import type { ProxyNetwork } from '../../network/index.js';

const FIELDS = ['cidr', 'netmask', 'gateway', 'broadcast', 'dns1', 'dns2', 'cidr_v6', 'gateway_v6', 'netmask_v6'];
const ADMIN_FIELDS = ['created_at', 'updated_at', 'deleted_at', 'deleted', 'injected', 'bridge', 'vlan', 'vpn_public_address',
  'vpn_public_port', 'vpn_private_address', 'dhcp_start', 'project_id', 'host', 'bridge_interface', 'multi_host',
  'priority', 'rxtx_base', 'mtu', 'dhcp_server', 'enable_dhcp', 'share_address'];

export function networkView(n: ProxyNetwork, admin: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: n.id, label: n.name };
  for (const f of [...FIELDS, ...(admin ? ADMIN_FIELDS : [])]) out[f] = null;
  return out;
}

export function tenantNetworkView(n: ProxyNetwork) {
  // NOTE: Nova's str(None): the cidr is the string "None".
  return { id: n.id, cidr: 'None', label: n.name };
}
