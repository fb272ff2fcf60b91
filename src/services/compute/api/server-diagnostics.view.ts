// The driver's counters in Nova's diagnostics formats.
import type { GuestDiagnostics } from '../../../drivers/hypervisor/hypervisor-driver.js';

/** 2.48's view (nova/api/openstack/compute/views/server_diagnostics.py). */
export function diagnosticsView(g: GuestDiagnostics) {
  return {
    state: g.state, driver: g.driver, hypervisor: g.hypervisor, hypervisor_os: g.hypervisorOs, uptime: g.uptime, config_drive: g.configDrive,
    num_cpus: g.cpus.length, num_nics: g.nics.length, num_disks: g.disks.length,
    cpu_details: g.cpus.map((c) => ({ id: c.id, time: c.time, utilisation: c.utilisation })),
    nic_details: g.nics.map((n) => ({
      mac_address: n.macAddress, rx_octets: n.rxOctets, rx_errors: n.rxErrors, rx_drop: n.rxDrop, rx_packets: n.rxPackets, rx_rate: n.rxRate,
      tx_octets: n.txOctets, tx_errors: n.txErrors, tx_drop: n.txDrop, tx_packets: n.txPackets, tx_rate: n.txRate,
    })),
    disk_details: g.disks.map((d) => ({ read_bytes: d.readBytes, read_requests: d.readRequests, write_bytes: d.writeBytes, write_requests: d.writeRequests, errors_count: d.errorsCount })),
    memory_details: { maximum: g.memory.maximum, used: g.memory.used },
  };
}

/** Before 2.48 each driver had its own keys; these are libvirt's (cpuN_time, memory in KiB, vdX_*, vnetN_*). */
export function legacyDiagnosticsView(g: GuestDiagnostics): Record<string, number> {
  const out: Record<string, number> = {};
  g.cpus.forEach((c) => { out[`cpu${c.id}_time`] = c.time; });
  out.memory = g.memory.maximum * 1024;
  g.disks.forEach((d, i) => {
    const dev = `vd${String.fromCharCode(97 + i)}`;
    Object.assign(out, { [`${dev}_read`]: d.readBytes, [`${dev}_read_req`]: d.readRequests, [`${dev}_write`]: d.writeBytes, [`${dev}_write_req`]: d.writeRequests, [`${dev}_errors`]: d.errorsCount });
  });
  g.nics.forEach((n, i) => {
    const dev = `vnet${i}`;
    Object.assign(out, {
      [`${dev}_rx`]: n.rxOctets, [`${dev}_rx_drop`]: n.rxDrop, [`${dev}_rx_errors`]: n.rxErrors, [`${dev}_rx_packets`]: n.rxPackets,
      [`${dev}_tx`]: n.txOctets, [`${dev}_tx_drop`]: n.txDrop, [`${dev}_tx_errors`]: n.txErrors, [`${dev}_tx_packets`]: n.txPackets,
    });
  });
  return out;
}
