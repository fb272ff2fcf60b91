// The network driver contract (src/drivers/network/network-driver.ts), as a suite every driver
// runs: idempotent ensure/set calls, deletes of absent objects succeed, reconcile converges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataplaneState, NetworkDriver } from '../../src/drivers/network/network-driver.js';

export interface ContractHooks {
  /** What the driver has in place now, read back from the host (or the fake's memory). */
  observe(): Promise<{ networks: string[]; ports: string[]; routers: string[]; floatingIps: Record<string, string[]> }>;
}

const NET = '11111111-1111-4111-8111-111111111111';
const EXT = '22222222-2222-4222-8222-222222222222';
const ROUTER = '33333333-3333-4333-8333-333333333333';
const PORT = '44444444-4444-4444-8444-444444444444';

const net = (id: string, cidr: string, external = false) => ({
  id, mtu: 1450, networkType: 'vxlan' as const, physicalNetwork: null, segmentationId: 7, external, adminStateUp: true,
  subnets: [{ id: `${id.slice(0, 8)}-aaaa-4aaa-8aaa-aaaaaaaaaaaa`, cidr, ipVersion: 4 as const, gatewayIp: cidr.replace(/0\/\d+$/, '1'), enableDhcp: !external, dnsNameservers: [], hostRoutes: [], ipv6AddressMode: null, ipv6RaMode: null }],
});

export function networkDriverContract(name: string, make: () => Promise<{ driver: NetworkDriver; hooks: ContractHooks; cleanup(): Promise<void> }>): void {
  test(`${name}: ensureNetwork and plugPort are idempotent; unplug and delete of absent things succeed`, async () => {
    const { driver, hooks, cleanup } = await make();
    try {
      await driver.ensureNetwork(net(NET, '10.9.0.0/24'));
      await driver.ensureNetwork(net(NET, '10.9.0.0/24'));
      const port = { id: PORT, networkId: NET, macAddress: 'fa:16:3e:00:00:01', fixedIps: [{ subnetId: 'x', ipAddress: '10.9.0.5' }], deviceOwner: 'compute:nova', deviceId: 'vm', adminStateUp: true, mtu: 1450 };
      await driver.plugPort(port, 'host1');
      await driver.plugPort(port, 'host1');
      assert.deepEqual((await hooks.observe()).ports, [PORT]);
      await driver.unplugPort(PORT, 'host1');
      await driver.unplugPort(PORT, 'host1');
      await driver.deleteNetwork(NET);
      await driver.deleteNetwork(NET);
      assert.deepEqual(await hooks.observe(), { networks: [], ports: [], routers: [], floatingIps: {} });
    } finally { await cleanup(); }
  });

  test(`${name}: a router with gateway, interface and floating IPs; reconcile removes what the state does not name`, async () => {
    const { driver, hooks, cleanup } = await make();
    try {
      await driver.ensureNetwork(net(NET, '10.9.0.0/24'));
      await driver.ensureNetwork(net(EXT, '203.0.113.0/24', true));
      const router = {
        id: ROUTER, adminStateUp: true,
        gateway: { networkId: EXT, portId: 'gw', macAddress: 'fa:16:3e:00:00:02', enableSnat: true, ips: [{ subnetId: 's', ipAddress: '203.0.113.10', cidr: '203.0.113.0/24', gatewayIp: '203.0.113.1' }] },
        interfaces: [{ portId: 'if', subnetId: 's2', cidr: '10.9.0.0/24', ipAddress: '10.9.0.1', macAddress: 'fa:16:3e:00:00:03', networkId: NET }],
        routes: [],
      };
      await driver.ensureRouter(router);
      await driver.ensureRouter(router);
      await driver.setFloatingIps(ROUTER, [{ floatingIp: '203.0.113.20', fixedIp: '10.9.0.5', portId: PORT }]);
      let seen = await hooks.observe();
      assert.deepEqual(seen.routers, [ROUTER]);
      assert.deepEqual(seen.floatingIps, { [ROUTER]: ['203.0.113.20'] });
      const state: DataplaneState = { networks: [net(EXT, '203.0.113.0/24', true)], routers: [], floatingIps: {}, ports: [], portSecurity: [], dhcp: {} };
      await driver.reconcile(state);
      seen = await hooks.observe();
      assert.deepEqual(seen, { networks: [EXT], ports: [], routers: [], floatingIps: {} });
      await driver.deleteRouter(ROUTER);
      await driver.deleteNetwork(EXT);
    } finally { await cleanup(); }
  });
}
