// A server's port as os-interface shows it.
import type { InterfaceAttachment } from '../domain/interfaces.service.js';

export function interfaceView(i: InterfaceAttachment, withTag: boolean): Record<string, unknown> {
  return {
    port_state: i.portState, fixed_ips: i.fixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
    port_id: i.portId, net_id: i.networkId, mac_addr: i.macAddress, ...(withTag ? { tag: null } : {}),
  };
}
