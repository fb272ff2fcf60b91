import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client, TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeFixture, networkId, waitStatus } from '../../support/compute-server.js';

// os-networks and os-tenant-networks (read-only proxies up to 2.35) and networks 'auto' (2.37):
// the project's one network, or Neutron's auto-allocated topology when it has none.

let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let alt: ComputeClient;
let altNet: Client;
let privateNet: string;
let publicNet: string;
let imageId: string;

before(async () => {
  const f = await computeFixture('net.tiny', { image: { name: 'cirros-net', disk_format: 'qcow2' }, imageData: 'QFI\xfbfake-disk' });
  ({ cloud, admin, demo, alt, imageId } = f);
  privateNet = await networkId(f.users.demo.network, 'private');
  publicNet = await networkId(f.users.demo.network, 'public');
  altNet = f.users.alt.network;
});
after(async () => { await cloud.stop(); });

describe('os-networks and os-tenant-networks', () => {
  test('the networks the caller sees, up to 2.35', async () => {
    const nets = (await demo.get('/os-tenant-networks')).body.networks;
    assert.deepEqual(nets.find((n: any) => n.id === privateNet), { id: privateNet, cidr: 'None', label: 'private' });
    assert.deepEqual((await demo.get(`/os-tenant-networks/${privateNet}`)).body.network.label, 'private');
    const all = (await admin.get('/os-networks')).body.networks;
    const pub = all.find((n: any) => n.id === publicNet);
    assert.equal(pub.label, 'public');
    assert.equal(pub.cidr, null);
    assert.ok('bridge' in pub, 'admin fields for an admin');
    assert.equal('bridge' in (await demo.get(`/os-networks/${privateNet}`)).body.network, false);
    assert.equal((await demo.get(`/os-networks/${crypto.randomUUID()}`)).status, 404);
    assert.equal((await alt.get(`/os-tenant-networks/${privateNet}`)).status, 404, 'another project\'s network');
    assert.equal((await admin.at('2.36').get('/os-networks')).status, 404);
    assert.equal((await demo.at('2.36').get('/os-tenant-networks')).status, 404);
    assert.equal((await admin.post('/os-networks', { network: { label: 'x' } })).status, 410);
  });
});

describe("networks 'auto'", () => {
  test('the project\'s own network when it has one', async () => {
    const r = await demo.at('2.37').post('/servers', { server: { name: 'auto-demo', imageRef: imageId, flavorRef: 'net.tiny', networks: 'auto' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const s = await waitStatus(demo.at('2.37'), r.body.server.id, 'ACTIVE');
    assert.deepEqual(Object.keys(s.addresses), ['private']);
  });

  test('a topology allocated once for a project without networks, shared by a multi-create', async () => {
    const r = await alt.at('2.37').post('/servers', { server: { name: 'auto-alt', imageRef: imageId, flavorRef: 'net.tiny', networks: 'auto', min_count: 3, return_reservation_id: true } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const list = (await alt.at('2.37').get(`/servers/detail?reservation_id=${r.body.reservation_id}`)).body.servers;
    assert.equal(list.length, 3);
    const nets = new Set<string>();
    for (const s of list) for (const n of Object.keys((await waitStatus(alt.at('2.37'), s.id, 'ACTIVE')).addresses)) nets.add(n);
    assert.deepEqual([...nets], ['auto_allocated_network']);
    const own = (await altNet.get('/networks?shared=false')).body.networks.filter((n: any) => !n['router:external']);
    assert.equal(own.length, 1);
    const routers = (await altNet.get('/routers')).body.routers;
    assert.equal(routers.length, 1);
    assert.equal(routers[0].external_gateway_info.network_id, publicNet);
    const project = own[0].project_id;
    const t = await altNet.get(`/auto-allocated-topology/${project}`);
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.auto_allocated_topology.id, own[0].id);
    assert.equal((await altNet.get(`/auto-allocated-topology/${project}?fields=dry-run`)).body.auto_allocated_topology.id, 'dry-run=pass');
    const none = await alt.at('2.37').post('/servers', { server: { name: 'none', imageRef: imageId, flavorRef: 'net.tiny', networks: 'none' } });
    assert.deepEqual((await waitStatus(alt.at('2.37'), none.body.server.id, 'ACTIVE')).addresses, {});
  });
});
