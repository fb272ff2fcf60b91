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
      }),
    },
  };
});
