import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

// os-networks and os-tenant-networks (read-only proxies up to 2.35) and networks 'auto' (2.37):
// the project's one network, or Neutron's auto-allocated topology when it has none.

let cloud: TestCloud;
let admin: Client;
let demo: Client;
let alt: Client;
let altNet: Client;
let privateNet: string;
let publicNet: string;
let imageId: string;
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });

async function computeClient(user: string, project: string): Promise<Client> {
  const c = await login(cloud, user, 'secret', project);
  return new Client(`${cloud.url}/compute/v2.1`, c.token);
}

async function active(c: Client, id: string): Promise<any> {
  const until = Date.now() + 5000;
  for (;;) {
    const s = await c.get(`/servers/${id}`, mv('2.37'));
    if (s.body?.server?.status === 'ACTIVE') return s.body.server;
    if (Date.now() > until) throw new Error(`server never ACTIVE: ${JSON.stringify(s.body)}`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

before(async () => {
  cloud = await startTestCloud();
  admin = await computeClient('admin', 'admin');
  demo = await computeClient('demo', 'demo');
  alt = await computeClient('alt_demo', 'alt_demo');
  const t = await login(cloud, 'demo', 'secret', 'demo');
  const net = new Client(`${cloud.url}/networking/v2.0`, t.token);
  privateNet = (await net.get('/networks?name=private')).body.networks[0].id;
  publicNet = (await net.get('/networks?name=public')).body.networks[0].id;
  altNet = new Client(`${cloud.url}/networking/v2.0`, (await login(cloud, 'alt_demo', 'secret', 'alt_demo')).token);
  assert.equal((await admin.post('/flavors', { flavor: { name: 'net.tiny', id: 'net.tiny', vcpus: 1, ram: 64, disk: 1 } })).status, 200);
  const a = await login(cloud, 'admin', 'secret', 'admin');
  const glance = new Client(`${cloud.url}/image/v2`, a.token);
  imageId = (await glance.post('/images', { name: 'cirros-net', disk_format: 'qcow2', container_format: 'bare', visibility: 'public' })).body.id;
  await glance.call('PUT', `/images/${imageId}/file`, 'QFI\xfbfake-disk', { 'Content-Type': 'application/octet-stream' });
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
    assert.equal((await admin.get('/os-networks', mv('2.36'))).status, 404);
    assert.equal((await demo.get('/os-tenant-networks', mv('2.36'))).status, 404);
    assert.equal((await admin.post('/os-networks', { network: { label: 'x' } })).status, 410);
  });
});

describe("networks 'auto'", () => {
  test('the project\'s own network when it has one', async () => {
    const r = await demo.post('/servers', { server: { name: 'auto-demo', imageRef: imageId, flavorRef: 'net.tiny', networks: 'auto' } }, mv('2.37'));
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const s = await active(demo, r.body.server.id);
    assert.deepEqual(Object.keys(s.addresses), ['private']);
  });

  test('a topology allocated once for a project without networks, shared by a multi-create', async () => {
    const r = await alt.post('/servers', { server: { name: 'auto-alt', imageRef: imageId, flavorRef: 'net.tiny', networks: 'auto', min_count: 3, return_reservation_id: true } }, mv('2.37'));
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const list = (await alt.get(`/servers/detail?reservation_id=${r.body.reservation_id}`, mv('2.37'))).body.servers;
    assert.equal(list.length, 3);
    const nets = new Set<string>();
    for (const s of list) for (const n of Object.keys((await active(alt, s.id)).addresses)) nets.add(n);
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
    const none = await alt.post('/servers', { server: { name: 'none', imageRef: imageId, flavorRef: 'net.tiny', networks: 'none' } }, mv('2.37'));
    assert.deepEqual((await active(alt, none.body.server.id)).addresses, {});
  });
});
