import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../support/cloud.js';
import { openstackOk, osEnv } from '../support/server.js';

// The seeds' network lab, typed as the install guide has it, with the real `openstack` CLI.

let cloud: TestCloud;
let env: Record<string, string>;

before(async () => {
  cloud = await startTestCloud();
  env = osEnv(cloud, 'admin', 'secret');
});
after(async () => { await cloud.stop(); });

const os = (args: string[], who: Record<string, string> = {}): Promise<any> => openstackOk(args, env, who);
const demo = { OS_USERNAME: 'demo', OS_PROJECT_NAME: 'demo' };

test('the seeded networks and the self-service lab', async () => {
  const nets = await os(['network', 'list', '-f', 'json']);
  assert.deepEqual(nets.map((n: any) => n.Name).sort(), ['private', 'public']);

  const self = await os(['network', 'create', 'selfservice', '-f', 'json'], demo);
  assert.equal(self.name, 'selfservice');
  const subnet = await os(['subnet', 'create', '--network', 'selfservice', '--dns-nameserver', '8.8.8.8', '--gateway', '172.16.1.1', '--subnet-range', '172.16.1.0/24', 'selfservice', '-f', 'json'], demo);
  assert.equal(subnet.cidr, '172.16.1.0/24');
  assert.equal(subnet.gateway_ip, '172.16.1.1');
  assert.deepEqual(subnet.dns_nameservers, ['8.8.8.8']);
  const router = await os(['router', 'create', 'router', '-f', 'json'], demo);
  assert.equal(router.name, 'router');
  await os(['router', 'add', 'subnet', 'router', 'selfservice'], demo);
  await os(['router', 'set', '--external-gateway', 'public', 'router'], demo);
  const shown = await os(['router', 'show', 'router', '-f', 'json'], demo);
  assert.equal(shown.external_gateway_info.network_id, nets.find((n: any) => n.Name === 'public').ID);
  const ports = await os(['port', 'list', '--router', 'router', '-f', 'json'], demo);
  assert.ok(ports.some((p: any) => JSON.stringify(p['Fixed IP Addresses']).includes('172.16.1.1')), JSON.stringify(ports));

  const provider = await os(['network', 'create', '--external', '--provider-network-type', 'flat', '--provider-physical-network', 'provider', 'provider', '-f', 'json']);
  assert.equal(provider['router:external'], true);
  assert.equal(provider['provider:network_type'], 'flat');
  const psub = await os(['subnet', 'create', '--network', 'provider', '--no-dhcp', '--allocation-pool', 'start=203.0.113.101,end=203.0.113.250', '--subnet-range', '203.0.113.0/24', 'provider', '-f', 'json']);
  assert.equal(psub.enable_dhcp, false);
  assert.deepEqual(psub.allocation_pools, [{ start: '203.0.113.101', end: '203.0.113.250' }]);

  const fip = await os(['floating', 'ip', 'create', 'public', '-f', 'json'], demo);
  assert.match(fip.floating_ip_address, /^172\.24\.4\./);
  const rule = await os(['security', 'group', 'rule', 'create', '--proto', 'icmp', 'default', '-f', 'json'], demo);
  assert.equal(rule.protocol, 'icmp');
  assert.equal(rule.direction, 'ingress');

  const bad = await os(['network', 'create', '--external', 'nope', '-f', 'json'], demo).then(() => 'created', (e: Error) => e.message);
  assert.match(bad, /disallowed by policy|403/);
});

test('agents, their networks and routers, and metering labels with the CLI', async () => {
  const agents = await os(['network', 'agent', 'list', '-f', 'json']);
  assert.deepEqual(agents.map((a: any) => a['Agent Type']).sort(), ['DHCP agent', 'L3 agent', 'Linux bridge agent', 'Metadata agent', 'Metering agent']);
  assert.ok(agents.every((a: any) => a.Alive === true && a.State === true), JSON.stringify(agents));
  const hosting = await os(['network', 'agent', 'list', '--network', 'private', '-f', 'json']);
  assert.deepEqual(hosting.map((a: any) => a['Agent Type']), ['DHCP agent']);
  const l3 = await os(['network', 'agent', 'list', '--router', 'router1', '-f', 'json']);
  assert.deepEqual(l3.map((a: any) => a['Agent Type']), ['L3 agent']);

  const dhcp = agents.find((a: any) => a['Agent Type'] === 'DHCP agent');
  await os(['network', 'agent', 'set', '--disable', '--description', 'resting', dhcp.ID]);
  const shown = await os(['network', 'agent', 'show', dhcp.ID, '-f', 'json']);
  assert.equal(shown.admin_state_up, false);
  assert.equal(shown.description, 'resting');
  await os(['network', 'agent', 'set', '--enable', dhcp.ID]);

  const meter = await os(['network', 'meter', 'create', '--share', '--description', 'all traffic out', 'egress', '-f', 'json']);
  assert.equal(meter.shared, true);
  const rule = await os(['network', 'meter', 'rule', 'create', '--egress', '--remote-ip-prefix', '0.0.0.0/0', meter.id, '-f', 'json']);
  assert.equal(rule.direction, 'egress');
  assert.equal(rule.remote_ip_prefix, '0.0.0.0/0');
  const rules = await os(['network', 'meter', 'rule', 'list', '-f', 'json']);
  assert.ok(rules.some((r: any) => r.ID === rule.id));
  await os(['network', 'meter', 'rule', 'delete', rule.id]);
  await os(['network', 'meter', 'delete', meter.id]);
  assert.deepEqual(await os(['network', 'meter', 'list', '-f', 'json']), []);
});
