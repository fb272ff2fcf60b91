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

  test("address scopes, QoS policies and trunks: another project's are 404, shared ones visible, QoS changes admin-only", async () => {
    const scope = (await demo.post('/address-scopes', { address_scope: { name: 'demo-scope', ip_version: 4 } })).body.address_scope;
    assert.equal((await alt.get(`/address-scopes/${scope.id}`)).status, 404);
    assert.equal((await alt.delete(`/address-scopes/${scope.id}`)).body.NeutronError.type, 'AddressScopeNotFound');
    const sharedScope = (await admin.post('/address-scopes', { address_scope: { name: 'all', ip_version: 4, shared: true } })).body.address_scope;
    assert.equal((await alt.get(`/address-scopes/${sharedScope.id}`)).status, 200);
    assert.equal((await alt.put(`/address-scopes/${sharedScope.id}`, { address_scope: { name: 'x' } })).status, 403);

    const priv = (await admin.post('/qos/policies', { policy: { name: 'admin-only' } })).body.policy;
    const shared = (await admin.post('/qos/policies', { policy: { name: 'for-all', shared: true } })).body.policy;
    assert.equal((await alt.get(`/qos/policies/${priv.id}`)).status, 404);
    assert.equal((await alt.get(`/qos/policies/${shared.id}`)).status, 200);
    assert.deepEqual((await alt.get('/qos/policies')).body.policies.map((p: any) => p.id).includes(priv.id), false);
    for (const r of [
      await demo.post('/qos/policies', { policy: { name: 'x' } }), await demo.put(`/qos/policies/${shared.id}`, { policy: { name: 'x' } }),
      await demo.delete(`/qos/policies/${shared.id}`), await demo.post(`/qos/policies/${shared.id}/bandwidth_limit_rules`, { bandwidth_limit_rule: { max_kbps: 1 } }),
    ]) assert.equal(r.status, 403);
    assert.equal((await alt.get('/qos/rule-types')).status, 200);

    const n = (await demo.get('/networks?name=private')).body.networks[0];
    const parent = (await demo.post('/ports', { port: { network_id: n.id } })).body.port;
    const trunk = (await demo.post('/trunks', { trunk: { port_id: parent.id } })).body.trunk;
    assert.equal((await alt.get(`/trunks/${trunk.id}`)).status, 404);
    assert.equal((await alt.put(`/trunks/${trunk.id}/add_subports`, { sub_ports: [] })).body.NeutronError.type, 'TrunkNotFound');
    assert.equal((await alt.post('/trunks', { trunk: { port_id: parent.id } })).body.NeutronError.type, 'PortNotFound');
    assert.ok((await admin.get('/trunks')).body.trunks.some((t: any) => t.id === trunk.id));
  });

  test('agents, their schedulers and metering: admin only (a row per rule)', async () => {
    const dhcp = (await admin.get('/agents?agent_type=DHCP%20agent')).body.agents[0];
    const l3 = (await admin.get('/agents?agent_type=L3%20agent')).body.agents[0];
    const n = (await demo.get('/networks?name=private')).body.networks[0];
    const router = (await demo.get('/routers')).body.routers[0];
    const label = (await admin.post('/metering/metering-labels', { metering_label: { name: 'm' } })).body.metering_label;
    const rule = (await admin.post('/metering/metering-label-rules', { metering_label_rule: { metering_label_id: label.id, direction: 'ingress', remote_ip_prefix: '10.9.0.0/24' } })).body.metering_label_rule;
    // [rule, the member's request, its answer, the admin's answer to the same request]
    const rows: [string, () => Promise<{ status: number }>, number, () => Promise<{ status: number }>, number][] = [
      ['get_agent', () => demo.get(`/agents/${dhcp.id}`), 404, () => admin.get(`/agents/${dhcp.id}`), 200],
      ['update_agent', () => demo.put(`/agents/${dhcp.id}`, { agent: { description: 'x' } }), 404, () => admin.put(`/agents/${dhcp.id}`, { agent: { description: 'x' } }), 200],
      ['delete_agent', () => demo.delete(`/agents/${dhcp.id}`), 404, () => admin.get(`/agents/${dhcp.id}`), 200],
      ['get_dhcp-networks', () => demo.get(`/agents/${dhcp.id}/dhcp-networks`), 403, () => admin.get(`/agents/${dhcp.id}/dhcp-networks`), 200],
      ['delete_dhcp-network', () => demo.delete(`/agents/${dhcp.id}/dhcp-networks/${n.id}`), 403, () => admin.delete(`/agents/${dhcp.id}/dhcp-networks/${n.id}`), 204],
      ['create_dhcp-network', () => demo.post(`/agents/${dhcp.id}/dhcp-networks`, { network_id: n.id }), 403, () => admin.post(`/agents/${dhcp.id}/dhcp-networks`, { network_id: n.id }), 201],
      ['get_dhcp-agents', () => demo.get(`/networks/${n.id}/dhcp-agents`), 403, () => admin.get(`/networks/${n.id}/dhcp-agents`), 200],
      ['get_l3-routers', () => demo.get(`/agents/${l3.id}/l3-routers`), 403, () => admin.get(`/agents/${l3.id}/l3-routers`), 200],
      ['delete_l3-router', () => demo.delete(`/agents/${l3.id}/l3-routers/${router.id}`), 403, () => admin.delete(`/agents/${l3.id}/l3-routers/${router.id}`), 204],
      ['create_l3-router', () => demo.post(`/agents/${l3.id}/l3-routers`, { router_id: router.id }), 403, () => admin.post(`/agents/${l3.id}/l3-routers`, { router_id: router.id }), 201],
      ['get_l3-agents', () => demo.get(`/routers/${router.id}/l3-agents`), 403, () => admin.get(`/routers/${router.id}/l3-agents`), 200],
      ['get_metering_label', () => demo.get(`/metering/metering-labels/${label.id}`), 404, () => admin.get(`/metering/metering-labels/${label.id}`), 200],
      ['create_metering_label', () => demo.post('/metering/metering-labels', { metering_label: {} }), 403, () => admin.get('/metering/metering-labels'), 200],
      ['get_metering_label_rule', () => demo.get(`/metering/metering-label-rules/${rule.id}`), 404, () => admin.get(`/metering/metering-label-rules/${rule.id}`), 200],
      ['create_metering_label_rule', () => demo.post('/metering/metering-label-rules', { metering_label_rule: { metering_label_id: label.id, direction: 'egress', remote_ip_prefix: '10.9.0.0/24' } }), 403, () => admin.get('/metering/metering-label-rules'), 200],
      ['delete_metering_label_rule', () => demo.delete(`/metering/metering-label-rules/${rule.id}`), 404, () => admin.delete(`/metering/metering-label-rules/${rule.id}`), 204],
      ['delete_metering_label', () => demo.delete(`/metering/metering-labels/${label.id}`), 404, () => admin.delete(`/metering/metering-labels/${label.id}`), 204],
    ];
    for (const [rule, member, memberStatus, adm, adminStatus] of rows) {
      assert.equal((await member()).status, memberStatus, `${rule}: member`);
      assert.equal((await adm()).status, adminStatus, `${rule}: admin`);
    }
    assert.deepEqual((await alt.get('/agents')).body.agents, []);
    assert.deepEqual((await alt.get('/metering/metering-labels')).body.metering_labels, []);
  });
});
