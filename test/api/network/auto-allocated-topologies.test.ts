import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs, clientsFor, projectOf } from '../../support/clients.js';

// Neutron's auto-allocated-topology: made once per project from the default external network and
// the default subnetpool, dry-run checks the requirements, delete tears it down.

let cloud: TestCloud;
let admin: Client;
let alt: Client;
let altProject: string;

before(async () => {
  cloud = await startTestCloud();
  admin = await clientAs(cloud, 'network', 'admin');
  const a = await clientsFor(cloud, 'alt_demo');
  alt = a.network;
  altProject = await projectOf(a);
});
after(async () => { await cloud.stop(); });

test('seeded defaults: public is the default external network, a default IPv4 subnetpool', async () => {
  const pub = (await admin.get('/networks?name=public')).body.networks[0];
  assert.equal(pub.is_default, true);
  const pools = (await alt.get('/subnetpools')).body.subnetpools;
  assert.ok(pools.some((p: any) => p.is_default && p.shared && p.ip_version === 4));
  assert.ok((await alt.get('/extensions/auto-allocated-topology')).status === 200);
});

test('get makes the topology once; delete removes it', async () => {
  assert.equal((await alt.get(`/auto-allocated-topology/${altProject}?fields=dry-run`)).body.auto_allocated_topology.id, 'dry-run=pass');
  const a = await alt.get(`/auto-allocated-topology/${altProject}`);
  assert.equal(a.status, 200, JSON.stringify(a.body));
  const netId = a.body.auto_allocated_topology.id;
  assert.equal((await alt.get(`/auto-allocated-topology/${altProject}`)).body.auto_allocated_topology.id, netId);
  const net = (await alt.get(`/networks/${netId}`)).body.network;
  assert.equal(net.name, 'auto_allocated_network');
  assert.equal(net.subnets.length, 1);
  const subnet = (await alt.get(`/subnets/${net.subnets[0]}`)).body.subnet;
  assert.ok(subnet.subnetpool_id);
  const routers = (await alt.get('/routers')).body.routers;
  assert.deepEqual(routers.map((r: any) => r.name), ['auto_allocated_router']);
  assert.equal((await admin.get(`/auto-allocated-topology/${altProject}`)).body.auto_allocated_topology.id, netId, 'admin sees the same');
  const demo = await clientAs(cloud, 'network', 'demo');
  assert.equal((await demo.get(`/auto-allocated-topology/${altProject}`)).status, 403);
  assert.equal((await alt.delete(`/auto-allocated-topology/${altProject}`)).status, 204);
  assert.equal((await alt.get(`/networks/${netId}`)).status, 404);
  assert.deepEqual((await alt.get('/routers')).body.routers, []);
});

test('without a default external network: 409 AutoAllocationFailure', async () => {
  const pub = (await admin.get('/networks?name=public')).body.networks[0];
  assert.equal((await admin.put(`/networks/${pub.id}`, { network: { is_default: false } })).status, 200);
  const r = await alt.get(`/auto-allocated-topology/${altProject}?fields=dry-run`);
  assert.equal(r.status, 409);
  assert.equal(r.body.NeutronError.type, 'AutoAllocationFailure');
  await admin.put(`/networks/${pub.id}`, { network: { is_default: true } });
});
