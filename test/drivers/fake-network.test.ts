import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeNetworkDriver } from '../../src/drivers/network/fake-network.js';
import { networkDriverContract } from './network.contract.js';

networkDriverContract('fake network driver', async () => {
  const driver = new FakeNetworkDriver();
  return {
    driver,
    cleanup: async () => {},
    hooks: {
      observe: async () => ({
        networks: [...driver.networks.keys()], ports: [...driver.ports.keys()], routers: [...driver.routers.keys()],
        floatingIps: Object.fromEntries([...driver.floatingIps].map(([k, v]) => [k, v.map((f) => f.floatingIp)])),
        groupMembers: Object.fromEntries([...driver.groupMembers].map(([k, v]) => [k, { ipv4: [...v.ipv4].sort(), ipv6: [...v.ipv6].sort() }])),
      }),
    },
  };
});

test('fake network driver: its call log is bounded by size, and incremental DHCP calls are logged small', async () => {
  const driver = new FakeNetworkDriver();
  const entry = (i: number) => ({ portId: `p${i}`, macAddress: 'fa:16:3e:00:00:01', ipAddress: `10.0.${i >> 8}.${i & 255}`, hostname: `host-${i}`, extraOptions: [] });
  const big = Array.from({ length: 10_000 }, (_, i) => entry(i));
  for (let i = 0; i < 20; i++) await driver.setDhcpEntries('n', 's', big);
  const chars = driver.calls.reduce((n, c) => n + JSON.stringify(c.args).length, 0);
  assert.ok(chars <= FakeNetworkDriver.CALL_CHARS_KEPT, `${chars} characters of arguments kept`);
  assert.ok(driver.calls.length >= 1 && driver.calls.length < 20);
  await driver.updateDhcpEntries('n', 's', { upsert: [entry(10_000)], remove: ['p0'] });
  assert.deepEqual(driver.callsOf('updateDhcpEntries'), [['n', 's', { upsert: [entry(10_000)], remove: ['p0'] }]]);
  const entries = driver.dhcpEntries('n', 's');
  assert.equal(entries.length, 10_000);
  assert.ok(!entries.some((e) => e.portId === 'p0') && entries.some((e) => e.portId === 'p10000'));
});
