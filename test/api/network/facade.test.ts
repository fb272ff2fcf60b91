import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openDatabase } from '../../../src/core/db/database.js';
import { FakeNetworkDriver } from '../../../src/drivers/network/fake-network.js';
import { NetworkModule } from '../../../src/services/network/index.js';
import { identityOf, serviceContext } from '../../support/service-context.js';

// The facade compute uses: ports for a server, its addresses as Nova shows them, floating IPs.

let m: NetworkModule;
let close: () => Promise<void>;
const driver = new FakeNetworkDriver();
const PROJECT = 'p'.repeat(32);

before(async () => {
  const { db, close: c } = openDatabase(':memory:');
  close = c;
  const projects: Record<string, { id: string; name: string; domainId: string }> = {
    admin: { id: 'a'.repeat(32), name: 'admin', domainId: 'default' }, demo: { id: PROJECT, name: 'demo', domainId: 'default' },
  };
  m = await NetworkModule.open(serviceContext(db, '/nonexistent', { facades: { identity: identityOf(projects) }, drivers: { network: driver } }));
  await m.start();
});
after(async () => { await m.close(); await close(); });

test('seeds are there and reconcile hands the driver the whole dataplane', async () => {
  const state = driver.callsOf('reconcile')[0]![0] as any;
  assert.equal(state.networks.length, 2);
  assert.equal(state.routers.length, 1);
  assert.equal(state.routers[0].gateway.ips[0].cidr, '172.24.4.0/24');
  assert.equal(state.routers[0].interfaces[0].cidr, '10.0.0.0/26');
});

test('a server port: created, bound, addressed, with a floating IP, deleted with the server', async () => {
  const priv = (await m.domain.networks.list()).find((n) => n.name === 'private')!;
  const port = await m.facade.createPortForServer({ projectId: PROJECT, serverId: 'vm-1', host: 'node1', networkId: priv.id });
  assert.equal(port.networkId, priv.id);
  assert.match(port.fixedIps[0]!.ipAddress, /^10\.0\.0\./);
  assert.deepEqual(driver.callsOf('plugPort').at(-1)![1], 'node1');
  assert.deepEqual((await m.facade.portsOfDevice('vm-1')).map((p) => p.id), [port.id]);

  const pub = (await m.domain.networks.list()).find((n) => n.name === 'public')!;
  const fip = await m.domain.routers.createFip({ projectId: PROJECT, isAdmin: false }, { floating_network_id: pub.id, port_id: port.id });
  const addrs = await m.facade.addressesOfDevice('vm-1');
  assert.deepEqual(addrs.private!.map((a) => [a.addr, a.type]), [[port.fixedIps[0]!.ipAddress, 'fixed'], [fip.floating_ip_address, 'floating']]);
  assert.deepEqual(await m.facade.floatingIpsOfPorts([port.id]), [{ id: fip.id, floatingIp: fip.floating_ip_address, fixedIp: port.fixedIps[0]!.ipAddress, portId: port.id }]);

  await m.facade.deletePortsOfDevice('vm-1');
  assert.deepEqual(await m.facade.portsOfDevice('vm-1'), []);
  const after = await m.domain.routers.getFip(fip.id);
  assert.equal(after.port_id, null);
  assert.equal(after.status, 'DOWN');
});

test('a fixed IP that is taken is IpAddressInUse', async () => {
  const priv = (await m.domain.networks.list()).find((n) => n.name === 'private')!;
  await m.facade.createPortForServer({ projectId: PROJECT, serverId: 'vm-2', host: 'node1', networkId: priv.id, fixedIp: '10.0.0.20' });
  await assert.rejects(m.facade.createPortForServer({ projectId: PROJECT, serverId: 'vm-3', host: 'node1', networkId: priv.id, fixedIp: '10.0.0.20' }), /IP address 10.0.0.20 is in use/);
});
