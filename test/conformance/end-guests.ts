// Ends what a stopped cloud of real guests left on the host (guests and the dataplane outlive
// Stratus by design, as they outlive nova-compute and the Neutron agents): its QEMU guests and
// its namespaces, bridges, taps and dnsmasq. Usage: node --import tsx end-guests.ts DATA_DIR
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { QemuHypervisorDriver } from '../../src/drivers/hypervisor/qemu/qemu-hypervisor.js';
import { LinuxNetworkDriver } from '../../src/drivers/network/linux/linux-network.js';

const dataDir = process.argv[2];
if (!dataDir) { console.error('usage: end-guests.ts DATA_DIR'); process.exit(64); }
let guests = 0;
const instances = join(dataDir, 'instances');
if (existsSync(instances)) {
  const driver = await QemuHypervisorDriver.create({ stateDir: instances, accel: 'tcg' });
  for (const host of driver.hosts()) {
    for (const g of await driver.listGuests(host)) { await driver.destroy(host, g.id).catch(() => {}); guests++; }
  }
  await driver.close();
}
if (existsSync(join(dataDir, 'network'))) await new LinuxNetworkDriver({ stateDir: join(dataDir, 'network') }).destroyAll();
console.log(`ended ${guests} guest(s) and the dataplane of ${dataDir}`);
