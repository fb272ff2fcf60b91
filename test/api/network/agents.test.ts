import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeNetworkDriver } from '../../../src/drivers/network/fake-network.js';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Agents (the network driver's parts on this host, with heartbeats), the DHCP and L3 agent
// schedulers, and what the dataplane does with them. Heartbeats every 0.2 s, down after 0.6 s.

let cloud: TestCloud;
let demo: Client;
let admin: Client;
let fake: FakeNetworkDriver;

before(async () => {
  cloud = await startTestCloud({ networking: { agentReportInterval: 0.2, agentDownTime: 0.6 } });
  demo = await clientAs(cloud, 'network', 'demo');
  admin = await clientAs(cloud, 'network', 'admin');
  fake = cloud.drivers.network as FakeNetworkDriver;
});
after(async () => { await cloud.stop(); });

const agentOf = async (type: string) => (await admin.get('/agents')).body.agents.find((a: any) => a.agent_type === type);

async function networkWithSubnet(name: string, cidr: string) {
  const n = (await demo.post('/networks', { network: { name } })).body.network;
  const s = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr } })).body.subnet;
  return { n, s };
}

/** Whether the driver was last told to serve DHCP on the network's subnets. */
const dhcpServed = (networkId: string) => fake.networks.get(networkId)?.subnets.some((s) => s.enableDhcp) ?? false;

describe('agents', () => {
  test('one agent per part and host, with Neutron\'s fields; alive from a heartbeat', async () => {
    const r = await admin.get('/agents');
    assert.equal(r.status, 200);
    const types = r.body.agents.map((a: any) => a.agent_type).sort();
    assert.deepEqual(types, ['DHCP agent', 'L3 agent', 'Linux bridge agent', 'Metadata agent', 'Metering agent']);
    const dhcp = r.body.agents.find((a: any) => a.agent_type === 'DHCP agent');
    assert.deepEqual(Object.keys(dhcp).sort(), [
      'admin_state_up', 'agent_type', 'alive', 'availability_zone', 'binary', 'configurations', 'created_at', 'description',
      'heartbeat_timestamp', 'host', 'id', 'resources_synced', 'started_at', 'topic',
    ]);
    assert.equal(dhcp.binary, 'neutron-dhcp-agent');
    assert.equal(dhcp.topic, 'dhcp_agent');
    assert.equal(dhcp.availability_zone, 'nova');
    assert.equal(dhcp.admin_state_up, true);
    assert.equal(dhcp.alive, true);
    assert.match(dhcp.heartbeat_timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal((await admin.get(`/agents/${dhcp.id}`)).body.agent.id, dhcp.id);
    // Filters as on any Neutron collection.
    const l3 = (await admin.get('/agents?agent_type=L3%20agent')).body.agents;
    assert.deepEqual(l3.map((a: any) => a.binary), ['neutron-l3-agent']);
  });

  test('the heartbeat goes on; a part that stops working is no longer alive, and alive again when it works', async () => {
    const before = (await agentOf('Metering agent')).heartbeat_timestamp;
    await sleep(1200);
    assert.notEqual((await agentOf('Metering agent')).heartbeat_timestamp, before);
    fake.brokenAgents.add('Metering agent');
    try {
      await sleep(1000);
      const m = await agentOf('Metering agent');
      assert.equal(m.alive, false);
      assert.equal((await admin.get('/agents?alive=false')).body.agents.length, 1);
    } finally { fake.brokenAgents.delete('Metering agent'); }
    await sleep(500);
    assert.equal((await agentOf('Metering agent')).alive, true);
  });

  test('non-admin: the list is empty (Neutron\'s answer), show is 404, update and delete are 404', async () => {
    const a = await agentOf('DHCP agent');
    const list = await demo.get('/agents');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.agents, []);
    assert.equal((await demo.get(`/agents/${a.id}`)).status, 404);
    assert.equal((await demo.put(`/agents/${a.id}`, { agent: { admin_state_up: false } })).status, 404);
    assert.equal((await demo.delete(`/agents/${a.id}`)).status, 404);
    assert.equal((await demo.get(`/agents/${a.id}/dhcp-networks`)).status, 403);
    assert.equal((await admin.get('/agents/00000000-0000-4000-8000-000000000000')).body.NeutronError.type, 'AgentNotFound');
  });

  test('update: admin_state_up and description only; anything else is a 400 that changes nothing', async () => {
    const a = await agentOf('Metadata agent');
    const ok = await admin.put(`/agents/${a.id}`, { agent: { description: 'relay for guests' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.agent.description, 'relay for guests');
    const ro = await admin.put(`/agents/${a.id}`, { agent: { host: 'elsewhere' } });
    assert.equal(ro.status, 400);
    assert.match(ro.body.NeutronError.message, /Cannot update read-only attribute host/);
    const bad = await admin.put(`/agents/${a.id}`, { agent: { admin_state_up: 'maybe' } });
    assert.equal(bad.status, 400);
    assert.equal((await admin.get(`/agents/${a.id}`)).body.agent.host, a.host);
    assert.equal((await admin.get(`/agents/${a.id}`)).body.agent.admin_state_up, true);
  });
});

describe('DHCP agent scheduler', () => {
  test('a network with a DHCP subnet is hosted by the DHCP agent; lists both ways', async () => {
    const { n } = await networkWithSubnet('hosted', '10.61.0.0/24');
    const agents = await admin.get(`/networks/${n.id}/dhcp-agents`);
    assert.equal(agents.status, 200);
    assert.deepEqual(agents.body.agents.map((a: any) => a.agent_type), ['DHCP agent']);
    const nets = (await admin.get(`/agents/${agents.body.agents[0].id}/dhcp-networks`)).body.networks;
    assert.ok(nets.some((x: any) => x.id === n.id && x.name === 'hosted'));
    assert.equal(dhcpServed(n.id), true);
  });

  test('remove and add again: the DHCP server goes and comes back; twice is 409', async () => {
    const { n } = await networkWithSubnet('moved', '10.62.0.0/24');
    const dhcp = await agentOf('DHCP agent');
    const del = await admin.delete(`/agents/${dhcp.id}/dhcp-networks/${n.id}`);
    assert.equal(del.status, 204);
    assert.deepEqual((await admin.get(`/networks/${n.id}/dhcp-agents`)).body.agents, []);
    assert.equal(dhcpServed(n.id), false, 'no DHCP agent hosts it: no DHCP server');
    const again = await admin.delete(`/agents/${dhcp.id}/dhcp-networks/${n.id}`);
    assert.equal(again.status, 409);
    assert.equal(again.body.NeutronError.type, 'NetworkNotHostedByDhcpAgent');
    const add = await admin.post(`/agents/${dhcp.id}/dhcp-networks`, { network_id: n.id });
    assert.equal(add.status, 201);
    assert.equal(add.body, null);
    assert.equal(dhcpServed(n.id), true);
    const dup = await admin.post(`/agents/${dhcp.id}/dhcp-networks`, { network_id: n.id });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.NeutronError.type, 'NetworkHostedByDHCPAgent');
    assert.equal(dup.body.NeutronError.message, `The network ${n.id} has been already hosted by the DHCP Agent ${dhcp.id}.`);
  });

  test('a network without subnets can be given to the agent; unknown networks and agents of another type are refused', async () => {
    const n = (await demo.post('/networks', { network: { name: 'bare' } })).body.network;
    const dhcp = await agentOf('DHCP agent');
    const l3 = await agentOf('L3 agent');
    assert.equal((await admin.post(`/agents/${dhcp.id}/dhcp-networks`, { network_id: n.id })).status, 201);
    assert.ok((await admin.get(`/agents/${dhcp.id}/dhcp-networks`)).body.networks.some((x: any) => x.id === n.id));
    const missing = await admin.post(`/agents/${dhcp.id}/dhcp-networks`, { network_id: '00000000-0000-4000-8000-000000000000' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.type, 'NetworkNotFound');
    const wrong = await admin.post(`/agents/${l3.id}/dhcp-networks`, { network_id: n.id });
    assert.equal(wrong.status, 404);
    assert.equal(wrong.body.NeutronError.type, 'InvalidDHCPAgent');
    assert.equal((await admin.post(`/agents/${dhcp.id}/dhcp-networks`, {})).status, 400);
    assert.equal((await demo.post(`/agents/${dhcp.id}/dhcp-networks`, { network_id: n.id })).status, 403);
  });

  test('a DHCP agent that is administratively down is given no new network and serves none', async () => {
    const dhcp = await agentOf('DHCP agent');
    const { n: old } = await networkWithSubnet('before-down', '10.63.0.0/24');
    assert.equal((await admin.put(`/agents/${dhcp.id}`, { agent: { admin_state_up: false } })).body.agent.admin_state_up, false);
    try {
      assert.equal(dhcpServed(old.id), false, 'its networks lose their DHCP server');
      const { n } = await networkWithSubnet('while-down', '10.64.0.0/24');
      assert.deepEqual((await admin.get(`/networks/${n.id}/dhcp-agents`)).body.agents, []);
      assert.equal(dhcpServed(n.id), false);
      const add = await admin.post(`/agents/${dhcp.id}/dhcp-networks`, { network_id: n.id });
      assert.equal(add.status, 404);
      assert.equal(add.body.NeutronError.message, `Agent ${dhcp.id} is not a valid DHCP Agent or has been disabled.`);
    } finally {
      await admin.put(`/agents/${dhcp.id}`, { agent: { admin_state_up: true } });
    }
    assert.equal(dhcpServed(old.id), true, 'up again: served again');
  });
});

describe('the dataplane follows subnet updates (the DHCP and L3 agents hear of them)', () => {
  test('new DNS servers, host routes and no gateway reach the DHCP server; enable_dhcp off and on takes its host entries away and back', async () => {
    const n = (await demo.post('/networks', { network: { name: 'dns-update' } })).body.network;
    const s = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.66.0.0/24', dns_nameservers: ['1.2.3.4'] } })).body.subnet;
    const port = (await demo.post('/ports', { port: { network_id: n.id } })).body.port;
    const served = () => fake.networks.get(n.id)!.subnets.find((x) => x.id === s.id)!;
    assert.deepEqual(served().dnsNameservers, ['1.2.3.4']);
    const up = await demo.put(`/subnets/${s.id}`, { subnet: { dns_nameservers: ['9.8.7.6'], host_routes: [{ destination: '10.99.0.0/16', nexthop: '10.66.0.9' }] } });
    assert.equal(up.status, 200);
    assert.deepEqual(served().dnsNameservers, ['9.8.7.6'], 'the DHCP server serves the new DNS servers');
    assert.deepEqual(served().hostRoutes, [{ destination: '10.99.0.0/16', nexthop: '10.66.0.9' }]);
    assert.equal((await demo.put(`/subnets/${s.id}`, { subnet: { gateway_ip: null } })).status, 200);
    assert.equal(served().gatewayIp, null, 'no router option without a gateway');
    assert.deepEqual(fake.dhcpEntries(n.id, s.id).map((e) => e.portId), [port.id]);
    await demo.put(`/subnets/${s.id}`, { subnet: { enable_dhcp: false } });
    assert.equal(dhcpServed(n.id), false, 'no DHCP server without a DHCP subnet');
    assert.deepEqual(fake.dhcpEntries(n.id, s.id), [], 'and no host entries');
    await demo.put(`/subnets/${s.id}`, { subnet: { enable_dhcp: true } });
    assert.equal(dhcpServed(n.id), true);
    assert.deepEqual(fake.dhcpEntries(n.id, s.id).map((e) => e.portId), [port.id]);
    const bad = await demo.put(`/subnets/${s.id}`, { subnet: { dns_nameservers: ['not-an-ip'] } });
    assert.equal(bad.status, 400);
    assert.deepEqual(served().dnsNameservers, ['9.8.7.6'], 'a refused update changes nothing');
  });

  test('a router with an interface on the subnet is rebuilt: its router advertisements name the new DNS servers', async () => {
    const n = (await demo.post('/networks', { network: { name: 'ra-dns' } })).body.network;
    const s = (await demo.post('/subnets', { subnet: {
      network_id: n.id, ip_version: 6, cidr: 'fd66::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac', dns_nameservers: ['fd66::53'],
    } })).body.subnet;
    const r = (await demo.post('/routers', { router: { name: 'r-ra-dns' } })).body.router;
    assert.equal((await demo.put(`/routers/${r.id}/add_router_interface`, { subnet_id: s.id })).status, 200);
    const advertised = () => fake.routers.get(r.id)!.interfaces.find((i) => i.subnetId === s.id)!.dnsNameservers;
    assert.deepEqual(advertised(), ['fd66::53']);
    await demo.put(`/subnets/${s.id}`, { subnet: { dns_nameservers: ['fd66::54'] } });
    assert.deepEqual(advertised(), ['fd66::54']);
  });
});

describe('L3 agent scheduler', () => {
  test('a new router is hosted by the L3 agent and built; removed from it, it is taken down; added back, built again', async () => {
    const r = (await demo.post('/routers', { router: { name: 'r-sched' } })).body.router;
    const agents = (await admin.get(`/routers/${r.id}/l3-agents`)).body.agents;
    assert.deepEqual(agents.map((a: any) => a.agent_type), ['L3 agent']);
    const l3 = agents[0];
    assert.ok((await admin.get(`/agents/${l3.id}/l3-routers`)).body.routers.some((x: any) => x.id === r.id));
    assert.ok(fake.routers.has(r.id));

    assert.equal((await admin.delete(`/agents/${l3.id}/l3-routers/${r.id}`)).status, 204);
    assert.equal(fake.routers.has(r.id), false);
    const notHosted = await admin.delete(`/agents/${l3.id}/l3-routers/${r.id}`);
    assert.equal(notHosted.status, 409);
    assert.equal(notHosted.body.NeutronError.type, 'RouterNotHostedByL3Agent');

    assert.equal((await admin.post(`/agents/${l3.id}/l3-routers`, { router_id: r.id })).status, 201);
    assert.ok(fake.routers.has(r.id));
    const twice = await admin.post(`/agents/${l3.id}/l3-routers`, { router_id: r.id });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.NeutronError.type, 'RouterHostedByL3Agent');
    const missing = await admin.post(`/agents/${l3.id}/l3-routers`, { router_id: '00000000-0000-4000-8000-000000000000' });
    assert.equal(missing.body.NeutronError.type, 'RouterNotFound');
    const dhcp = await agentOf('DHCP agent');
    assert.equal((await admin.post(`/agents/${dhcp.id}/l3-routers`, { router_id: r.id })).body.NeutronError.type, 'InvalidL3Agent');
    assert.equal((await demo.get(`/routers/${r.id}/l3-agents`)).status, 403);
  });

  test('a router taken off its L3 agent takes its floating IPs DOWN; given to the agent again, they are ACTIVE again', async () => {
    const ext = (await admin.post('/networks', { network: { name: 'ext-resched', 'router:external': true } })).body.network;
    await admin.post('/subnets', { subnet: { network_id: ext.id, ip_version: 4, cidr: '198.51.100.0/24', enable_dhcp: false } });
    const { n, s } = await networkWithSubnet('inside-resched', '10.67.0.0/24');
    const r = (await demo.post('/routers', { router: { name: 'r-fip', external_gateway_info: { network_id: ext.id } } })).body.router;
    assert.equal((await demo.put(`/routers/${r.id}/add_router_interface`, { subnet_id: s.id })).status, 200);
    const port = (await demo.post('/ports', { port: { network_id: n.id } })).body.port;
    const fip = (await demo.post('/floatingips', { floatingip: { floating_network_id: ext.id, port_id: port.id } })).body.floatingip;
    const status = async () => (await demo.get(`/floatingips/${fip.id}`)).body.floatingip;
    assert.equal((await status()).status, 'ACTIVE');
    const l3 = (await admin.get(`/routers/${r.id}/l3-agents`)).body.agents[0];

    assert.equal((await admin.delete(`/agents/${l3.id}/l3-routers/${r.id}`)).status, 204);
    assert.equal(fake.routers.has(r.id), false, 'the router is taken down');
    const down = await status();
    assert.equal(down.status, 'DOWN');
    assert.ok(down.revision_number > fip.revision_number, 'a status change is a new revision');
    assert.equal(down.port_id, port.id, 'still associated');

    assert.equal((await admin.post(`/agents/${l3.id}/l3-routers`, { router_id: r.id })).status, 201);
    assert.ok(fake.routers.has(r.id));
    assert.deepEqual(fake.floatingIps.get(r.id)?.map((x) => x.floatingIp), [fip.floating_ip_address], 'the floating IP is back on the router');
    assert.equal((await status()).status, 'ACTIVE');
  });

  test('a deleted agent takes its bindings; it registers again (a new id) on its next heartbeat', async () => {
    const l3 = await agentOf('L3 agent');
    const r = (await demo.post('/routers', { router: { name: 'r-orphan' } })).body.router;
    const deletes = fake.callsOf('deleteRouter').length;
    assert.equal((await admin.delete(`/agents/${l3.id}`)).status, 204);
    // NOTE: from the driver's calls, not its state: the next heartbeat (every 0.2 s) may already have built it again.
    assert.ok(fake.callsOf('deleteRouter').slice(deletes).some(([id]) => id === r.id), 'no L3 agent hosts it: taken down');
    assert.equal((await admin.get(`/agents/${l3.id}`)).status, 404);
    await sleep(500);
    const back = await agentOf('L3 agent');
    assert.ok(back && back.id !== l3.id);
    // NOTE: a starting agent takes the routers no agent hosts (router_auto_schedule).
    assert.deepEqual((await admin.get(`/routers/${r.id}/l3-agents`)).body.agents.map((a: any) => a.id), [back.id]);
    assert.ok(fake.routers.has(r.id));
  });
});

describe('dvr', () => {
  test('distributed: false by default, shown to admins only; only admins may set it', async () => {
    const r = (await demo.post('/routers', { router: { name: 'plain' } })).body.router;
    assert.equal('distributed' in r, false);
    assert.equal((await admin.get(`/routers/${r.id}`)).body.router.distributed, false);
    const forbidden = await demo.post('/routers', { router: { name: 'd', distributed: true } });
    assert.equal(forbidden.status, 403);
    const d = await admin.post('/routers', { router: { name: 'd', distributed: true } });
    assert.equal(d.status, 201);
    assert.equal(d.body.router.distributed, true);
    const c = await admin.put(`/routers/${d.body.router.id}`, { router: { distributed: false } });
    assert.equal(c.body.router.distributed, false);
  });
});

describe('extensions', () => {
  test('agent, the schedulers, metering and dvr are listed as Neutron lists them', async () => {
    const all = (await admin.get('/extensions')).body.extensions;
    for (const alias of ['agent', 'dhcp_agent_scheduler', 'l3_agent_scheduler', 'metering', 'dvr']) assert.ok(all.some((e: any) => e.alias === alias), alias);
    const agent = await admin.get('/extensions/agent');
    assert.deepEqual(agent.body.extension, {
      alias: 'agent', name: 'agent', description: 'The agent management extension.', updated: '2013-02-03T10:00:00-00:00', links: [],
    });
    assert.equal((await admin.get('/extensions/metering')).body.extension.name, 'Neutron Metering');
  });
});
