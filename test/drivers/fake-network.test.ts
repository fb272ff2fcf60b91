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
