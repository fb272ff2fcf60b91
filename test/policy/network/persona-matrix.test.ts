import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Who sees and does what in networking, with Neutron's Zed default policy.

let cloud: TestCloud;
let admin: Client;
let demo: Client;
let alt: Client;

before(async () => {
  cloud = await startTestCloud();
  admin = await clientAs(cloud, 'network', 'admin');
  demo = await clientAs(cloud, 'network', 'demo');
  alt = await clientAs(cloud, 'network', 'alt_demo');
});
after(async () => { await cloud.stop(); });

describe('persona matrix', () => {
  test('a project sees its own networks, shared and external ones, nothing else', async () => {
    const mine = (await alt.post('/networks', { network: { name: 'alt-own' } })).body.network;
    const shared = (await admin.post('/networks', { network: { name: 'admin-shared', shared: true } })).body.network;
    const hidden = (await admin.post('/networks', { network: { name: 'admin-private' } })).body.network;
    const names = (await alt.get('/networks')).body.networks.map((n: any) => n.name).sort();
    assert.deepEqual(names, ['admin-shared', 'alt-own', 'public']);
    const demoNames = (await demo.get('/networks')).body.networks.map((n: any) => n.name).sort();
    assert.deepEqual(demoNames, ['admin-shared', 'private', 'public']);
    assert.equal((await alt.get(`/networks/${hidden.id}`)).status, 404);
    assert.equal((await alt.get(`/networks/${shared.id}`)).body.network.shared, true);
    assert.equal((await demo.get(`/networks/${mine.id}`)).status, 404);
    assert.equal((await demo.delete(`/networks/${mine.id}`)).status, 404);
    // A shared network is visible but not the caller's to change.
    const put = await alt.put(`/networks/${shared.id}`, { network: { name: 'mine now' } });
    assert.equal(put.status, 403);
    assert.equal(put.body.NeutronError.type, 'PolicyNotAuthorized');
    assert.equal((await admin.get('/networks')).body.networks.length >= 5, true);
  });

  test('only admin creates external, shared or provider networks', async () => {
    for (const body of [{ 'router:external': true }, { shared: true }, { 'provider:network_type': 'flat', 'provider:physical_network': 'physnet1' }]) {
      const r = await demo.post('/networks', { network: { name: 'x', ...body } });
      assert.equal(r.status, 403, JSON.stringify(body));
      assert.equal(r.body.NeutronError.type, 'PolicyNotAuthorized');
    }
    assert.equal((await demo.post('/networks', { network: { name: 'fine', shared: false } })).status, 201);
    const ext = await admin.post('/networks', { network: { name: 'ext2', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'physnet1' } });
    assert.equal(ext.status, 201);
    assert.equal(ext.body.network['router:external'], true);
    assert.equal((await alt.get(`/networks/${ext.body.network.id}`)).body.network['router:external'], true);
  });

  test("another project's port, router, security group and floating IP are 404", async () => {
    const n = (await demo.get('/networks?name=private')).body.networks[0];
    const port = (await demo.post('/ports', { port: { network_id: n.id } })).body.port;
    assert.equal((await alt.get(`/ports/${port.id}`)).status, 404);
    assert.equal((await alt.put(`/ports/${port.id}`, { port: { name: 'x' } })).status, 404);
    assert.equal((await alt.delete(`/ports/${port.id}`)).body.NeutronError.type, 'PortNotFound');
    const router = (await demo.get('/routers')).body.routers[0];
    assert.equal((await alt.get(`/routers/${router.id}`)).status, 404);
    const sg = (await demo.get('/security-groups')).body.security_groups[0];
    assert.equal((await alt.get(`/security-groups/${sg.id}`)).status, 404);
    const pub = (await demo.get('/networks?router:external=true')).body.networks[0];
    const fip = (await demo.post('/floatingips', { floatingip: { floating_network_id: pub.id } })).body.floatingip;
    assert.equal((await alt.get(`/floatingips/${fip.id}`)).status, 404);
    assert.ok(!(await alt.get('/ports')).body.ports.some((p: any) => p.id === port.id));
  });

  test('quotas: a member reads its own, only admin changes them; IP availability is admin-only', async () => {
    const me = (await demo.get('/ports')).body; void me;
    const demoProject = (await demo.get('/networks?name=private')).body.networks[0].project_id;
    assert.equal((await demo.get(`/quotas/${demoProject}`)).status, 200);
    assert.equal((await demo.put(`/quotas/${demoProject}`, { quota: { network: 5 } })).status, 403);
    assert.equal((await admin.put(`/quotas/${demoProject}`, { quota: { router: 3 } })).body.quota.router, 3);
    const details = await demo.get(`/quotas/${demoProject}/details`);
    assert.equal(details.body.quota.router.limit, 3);
    assert.equal(details.body.quota.router.used, 1);
    assert.equal((await demo.get('/network-ip-availabilities')).status, 403);
    assert.equal((await admin.get('/network-ip-availabilities')).status, 200);
  });
});
