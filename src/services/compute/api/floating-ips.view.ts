// os-floating-ips: Neutron's floating IPs as nova-network showed them.
import type { FloatingIp } from '../../network/index.js';

export function floatingIpView(f: FloatingIp) {
  return { fixed_ip: f.fixedIp, id: f.id, instance_id: f.portId ? f.deviceId : null, ip: f.floatingIp, pool: f.networkName || f.networkId };
}
