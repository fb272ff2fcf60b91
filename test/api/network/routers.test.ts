import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeNetworkDriver } from '../../../src/drivers/network/fake-network.js';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Ports, routers, floating IPs and security groups, and the plain-value calls the driver gets;
// and the dataplane state (DHCP entries, group members) kept in step with ports one change at a time.

let cloud: TestCloud;
let demo: Client;
let admin: Client;
let fake: FakeNetworkDriver;

before(async () => {
  cloud = await startTestCloud();
  demo = await clientAs(cloud, 'network', 'demo');
  admin = await clientAs(cloud, 'network', 'admin');
  fake = cloud.drivers.network as FakeNetworkDriver;
});
after(async () => { await cloud.stop(); });

async function lab() {
  const n = (await demo.post('/networks', { network: { name: 'lab' } })).body.network;
  const s = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '172.16.1.0/24', gateway_ip: '172.16.1.1' } })).body.subnet;
  const pub = (await demo.get('/networks?router:external=True')).body.networks.find((x: any) => x.name === 'public');
  return { n, s, pub };
}

describe('ports', () => {
  test('fixed IPs chosen or allocated; in-use and exhausted are 409', async () => {
    const n = (await demo.post('/networks', { network: { name: 'small' } })).body.network;
    const s = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '192.168.77.0/29', allocation_pools: [{ start: '192.168.77.2', end: '192.168.77.3' }] } })).body.subnet;
    const p1 = await demo.post('/ports', { port: { network_id: n.id, fixed_ips: [{ ip_address: '192.168.77.5' }] } });
    assert.equal(p1.status, 201);
    assert.deepEqual(p1.body.port.fixed_ips, [{ subnet_id: s.id, ip_address: '192.168.77.5' }]);
    assert.match(p1.body.port.mac_address, /^fa:16:3e:/);
    assert.equal(p1.body.port.security_groups.length, 1);
    const dup = await demo.post('/ports', { port: { network_id: n.id, fixed_ips: [{ ip_address: '192.168.77.5' }] } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.NeutronError.type, 'IpAddressInUse');
    assert.equal((await demo.post('/ports', { port: { network_id: n.id } })).body.port.fixed_ips[0].ip_address, '192.168.77.2');
    assert.equal((await demo.post('/ports', { port: { network_id: n.id } })).body.port.fixed_ips[0].ip_address, '192.168.77.3');
    const full = await demo.post('/ports', { port: { network_id: n.id } });
    assert.equal(full.status, 409);
    assert.equal(full.body.NeutronError.type, 'IpAddressGenerationFailure');
    const inUse = await demo.delete(`/networks/${n.id}`);
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.NeutronError.type, 'NetworkInUse');
    assert.equal((await demo.delete(`/subnets/${s.id}`)).body.NeutronError.type, 'SubnetInUse');
  });
});

describe('router gateways', () => {
  test('external_fixed_ips naming only a subnet the gateway has an address on changes nothing', async () => {
    const { pub } = await lab();
    const r = (await admin.post('/routers', { router: { name: 'gw-same', external_gateway_info: { network_id: pub.id } } })).body.router;
    const [ip] = r.external_gateway_info.external_fixed_ips;
    const u = await admin.put(`/routers/${r.id}`, { router: { external_gateway_info: { network_id: pub.id, external_fixed_ips: [{ subnet_id: ip.subnet_id }] } } });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.deepEqual(u.body.router.external_gateway_info.external_fixed_ips, [ip]);
    const gwPorts = (await admin.get(`/ports?device_id=${r.id}&device_owner=network:router_gateway`)).body.ports;
    assert.equal(gwPorts.length, 1);
    assert.deepEqual(gwPorts[0].fixed_ips, [ip]);
  });
});

describe('routers and floating IPs', () => {
  test('router with gateway and interface, floating IP associate: driver gets plain values', async () => {
    const { s, pub } = await lab();
    fake.reset();
    const r = (await demo.post('/routers', { router: { name: 'r', external_gateway_info: { network_id: pub.id } } })).body.router;
    assert.equal(r.external_gateway_info.network_id, pub.id);
    assert.equal(r.external_gateway_info.enable_snat, true);
    assert.match(r.external_gateway_info.external_fixed_ips[0].ip_address, /^172\.24\.4\./);
    const add = await demo.put(`/routers/${r.id}/add_router_interface`, { subnet_id: s.id });
    assert.equal(add.status, 200);
    assert.equal(add.body.subnet_id, s.id);
    const dup = await demo.put(`/routers/${r.id}/add_router_interface`, { subnet_id: s.id });
    assert.equal(dup.status, 400);
    const last = fake.callsOf('ensureRouter').at(-1)![0] as any;
    assert.equal(last.id, r.id);
    assert.equal(last.gateway.networkId, pub.id);
    assert.equal(last.gateway.enableSnat, true);
    assert.deepEqual(last.interfaces.map((i: any) => [i.subnetId, i.ipAddress, i.cidr]), [[s.id, '172.16.1.1', '172.16.1.0/24']]);

    const port = (await demo.post('/ports', { port: { network_id: s.network_id } })).body.port;
    const fip = await demo.post('/floatingips', { floatingip: { floating_network_id: pub.id, port_id: port.id } });
    assert.equal(fip.status, 201);
    assert.equal(fip.body.floatingip.router_id, r.id);
    assert.equal(fip.body.floatingip.fixed_ip_address, port.fixed_ips[0].ip_address);
    assert.equal(fip.body.floatingip.status, 'ACTIVE');
    const set = fake.callsOf('setFloatingIps').at(-1)!;
    assert.deepEqual(set, [r.id, [{ floatingIp: fip.body.floatingip.floating_ip_address, fixedIp: port.fixed_ips[0].ip_address, portId: port.id }]]);

    const routes = await demo.put(`/routers/${r.id}`, { router: { routes: [{ destination: '10.200.0.0/24', nexthop: '172.16.1.50' }] } });
    assert.equal(routes.status, 200);
    assert.equal((await demo.put(`/routers/${r.id}`, { router: { routes: [{ destination: '10.200.0.0/24', nexthop: '8.8.8.8' }] } })).status, 400);
    assert.equal((await demo.put(`/routers/${r.id}/remove_router_interface`, { subnet_id: s.id })).status, 409);
    await demo.put(`/routers/${r.id}`, { router: { routes: [] } });
    assert.equal((await demo.delete(`/routers/${r.id}`)).status, 409);
    const dis = await demo.put(`/floatingips/${fip.body.floatingip.id}`, { floatingip: { port_id: null } });
    assert.equal(dis.body.floatingip.status, 'DOWN');
    assert.deepEqual(fake.callsOf('setFloatingIps').at(-1), [r.id, []]);
    assert.equal((await demo.put(`/routers/${r.id}/remove_router_interface`, { subnet_id: s.id })).status, 200);
    assert.equal((await demo.delete(`/routers/${r.id}`)).status, 204);
    assert.deepEqual(fake.callsOf('deleteRouter').at(-1), [r.id]);
  });

  test('an IPv6 interface carries what router advertisements need: the subnet\'s RA mode, DNS servers and the network\'s MTU', async () => {
    const n = (await demo.post('/networks', { network: { name: 'v6lab', mtu: 1400 } })).body.network;
    const s6 = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 6, cidr: 'fd00:77::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac', dns_nameservers: ['fd00::53'] } })).body.subnet;
    const r = (await demo.post('/routers', { router: { name: 'r6' } })).body.router;
    fake.reset();
    assert.equal((await demo.put(`/routers/${r.id}/add_router_interface`, { subnet_id: s6.id })).status, 200);
    const [iface] = (fake.callsOf('ensureRouter').at(-1)![0] as any).interfaces;
    assert.deepEqual([iface.subnetId, iface.cidr, iface.ipAddress, iface.ipv6RaMode, iface.dnsNameservers, iface.mtu], [s6.id, 'fd00:77::/64', s6.gateway_ip, 'slaac', ['fd00::53'], n.mtu]);
  });

  test('a gateway on a non-external network is 400; a missing network 404', async () => {
    const { n } = await lab().catch(async () => ({ n: (await demo.post('/networks', { network: { name: 'x2' } })).body.network }));
    const bad = await demo.post('/routers', { router: { name: 'x', external_gateway_info: { network_id: n.id } } });
    assert.equal(bad.status, 400);
    const missing = await demo.post('/routers', { router: { name: 'x', external_gateway_info: { network_id: '0b1d2f34-1111-4111-8111-111111111111' } } });
    assert.equal(missing.status, 404);
  });
});

describe('security groups', () => {
  test("the default group is made on first use with Neutron's four rules; rules validate; duplicates 409", async () => {
    const groups = (await demo.get('/security-groups')).body.security_groups;
    const def = groups.find((g: any) => g.name === 'default');
    assert.equal(def.security_group_rules.length, 4);
    const ingress = def.security_group_rules.filter((r: any) => r.direction === 'ingress');
    assert.deepEqual(ingress.map((r: any) => r.remote_group_id), [def.id, def.id]);
    const icmp = await demo.post('/security-group-rules', { security_group_rule: { security_group_id: def.id, direction: 'ingress', protocol: 'icmp' } });
    assert.equal(icmp.status, 201);
    assert.equal(icmp.body.security_group_rule.ethertype, 'IPv4');
    const dup = await demo.post('/security-group-rules', { security_group_rule: { security_group_id: def.id, direction: 'ingress', protocol: 'icmp' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.NeutronError.type, 'SecurityGroupRuleExists');
    const ports = await demo.post('/security-group-rules', { security_group_rule: { security_group_id: def.id, direction: 'ingress', protocol: 'tcp', port_range_min: 90, port_range_max: 80 } });
    assert.equal(ports.status, 400);
    const proto = await demo.post('/security-group-rules', { security_group_rule: { security_group_id: def.id, direction: 'ingress', protocol: 'bogus' } });
    assert.equal(proto.body.NeutronError.type, 'SecurityGroupRuleInvalidProtocol');
    const num = await demo.post('/security-group-rules', { security_group_rule: { security_group_id: def.id, direction: 'egress', protocol: '17', port_range_min: 53, port_range_max: 53, remote_ip_prefix: '10.0.0.0/8' } });
    assert.equal(num.status, 201);
    assert.equal(num.body.security_group_rule.protocol, '17');
    const again = await demo.post('/security-groups', { security_group: { name: 'default' } });
    assert.equal(again.status, 409);
  });

  test('ports in the default group learn of each other through its remote-group rule', async () => {
    const n = (await demo.post('/networks', { network: { name: 'sg-net' } })).body.network;
    await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '192.168.99.0/24' } });
    const a = (await demo.post('/ports', { port: { network_id: n.id } })).body.port;
    fake.reset();
    const b = (await demo.post('/ports', { port: { network_id: n.id } })).body.port;
    // NOTE: A's rules name the default group; A learns of B through the group's members, one call, A's rules untouched.
    const forB = fake.callsOf('setPortSecurity').map((c) => c[0] as any).filter((x) => x.portId === b.id).at(-1);
    const ingress = forB.rules.find((r: any) => r.direction === 'ingress' && r.ethertype === 'IPv4' && r.remoteGroupId);
    assert.equal(ingress.remoteGroupId, b.security_groups[0]);
    assert.equal(ingress.remotePrefixes, null);
    assert.deepEqual(b.security_groups, a.security_groups);
    assert.equal(fake.callsOf('setPortSecurity').filter((c) => (c[0] as any).portId === a.id).length, 0, 'no port\'s rules are re-sent for a new peer');
    const members = fake.callsOf('updateSecurityGroupMembers').filter((c) => c[0] === b.security_groups[0]);
    assert.equal(members.length, 1, 'port A is told about its new peer: one call for the group');
    assert.deepEqual(members[0]![1], { add: { ipv4: [b.fixed_ips[0].ip_address], ipv6: [] }, remove: { ipv4: [], ipv6: [] } }, 'only the new address is sent');
    const ipv4 = fake.members(b.security_groups[0]).ipv4;
    assert.ok(ipv4.includes(b.fixed_ips[0].ip_address));
    assert.ok(ipv4.includes(a.fixed_ips[0].ip_address));
  });
});

// Ports created, changed and deleted one by one: the DHCP entries and security group members the
// driver holds (sent incrementally, a port's change at a time) stay equal to what the ports say.

const byIp = (a: { ipAddress: string }, b: { ipAddress: string }) => a.ipAddress.localeCompare(b.ipAddress);

/** The DHCP entries a subnet's ports call for, as the API shows the ports. */
async function wantedDhcp(networkId: string, subnetId: string) {
  const subnet = (await admin.get(`/subnets/${subnetId}`)).body.subnet;
  if (!subnet.enable_dhcp) return [];
  const ports = (await admin.get(`/ports?network_id=${networkId}`)).body.ports;
  return ports.filter((p: any) => !['network:floatingip', 'network:router_gateway'].includes(p.device_owner))
    .flatMap((p: any) => p.fixed_ips.filter((f: any) => f.subnet_id === subnetId).map((f: any) => ({
      portId: p.id, macAddress: p.mac_address, ipAddress: f.ip_address, hostname: `host-${f.ip_address.replace(/[.:]/g, '-')}`,
      extraOptions: p.extra_dhcp_opts.map((o: any) => ({ name: o.opt_name, value: o.opt_value, ipVersion: o.ip_version })),
    }))).sort(byIp);
}

/** A group's members as the API shows its ports: their fixed addresses (not their allowed address pairs). */
async function wantedMembers(groupId: string) {
  const ports = (await admin.get('/ports')).body.ports.filter((p: any) => p.security_groups.includes(groupId));
  const addrs: string[] = [...new Set<string>(ports.flatMap((p: any) => p.fixed_ips.map((f: any) => f.ip_address)))];
  return { ipv4: addrs.filter((a) => !a.includes(':')).sort(), ipv6: addrs.filter((a) => a.includes(':')).sort() };
}

async function assertInStep(what: string, subnets: { networkId: string; subnetId: string }[], groups: string[]) {
  for (const s of subnets) assert.deepEqual(fake.dhcpEntries(s.networkId, s.subnetId).sort(byIp), await wantedDhcp(s.networkId, s.subnetId), `${what}: DHCP entries of ${s.subnetId}`);
  for (const g of groups) assert.deepEqual(fake.members(g), await wantedMembers(g), `${what}: members of ${g}`);
}

describe('the dataplane follows ports one change at a time', () => {
  test('creates, fixed IP and group changes, extra DHCP options, deletes; an address shared by two ports of a group stays until both are gone', async () => {
    const n = (await demo.post('/networks', { network: { name: 'dp' } })).body.network;
    const s4 = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.77.0.0/24' } })).body.subnet;
    const s6 = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 6, cidr: 'fd77::/64', ipv6_address_mode: 'dhcpv6-stateful', ipv6_ra_mode: 'dhcpv6-stateful' } })).body.subnet;
    const sg2 = (await demo.post('/security-groups', { security_group: { name: 'dp-2' } })).body.security_group;
    const subnets = [{ networkId: n.id, subnetId: s4.id }, { networkId: n.id, subnetId: s6.id }];

    const a = (await demo.post('/ports', { port: { network_id: n.id } })).body.port;
    const dflt = a.security_groups[0] as string;
    const groups = [dflt, sg2.id];
    fake.reset();
    const b = (await demo.post('/ports', { port: { network_id: n.id, allowed_address_pairs: [{ ip_address: '10.77.0.200' }] } })).body.port;
    const dhcpCalls = fake.callsOf('updateDhcpEntries') as [string, string, { upsert: { portId: string }[]; remove: string[] }][];
    assert.deepEqual(dhcpCalls.map((c) => [c[1], c[2].upsert.map((e) => e.portId), c[2].remove]).sort(), [[s4.id, [b.id], []], [s6.id, [b.id], []]].sort(),
      'a create sends the new port\'s entries only, one call per subnet');
    assert.equal(fake.callsOf('setDhcpEntries').length, 0, 'no subnet\'s whole set is re-sent');
    const c = (await demo.post('/ports', { port: { network_id: n.id, security_groups: [sg2.id], fixed_ips: [{ subnet_id: s4.id, ip_address: '10.77.0.50' }] } })).body.port;
    await assertInStep('after creates', subnets, groups);
    assert.ok(!fake.members(dflt).ipv4.includes('10.77.0.200'), 'allowed address pairs are not members');

    await demo.put(`/ports/${a.id}`, { port: { fixed_ips: [{ subnet_id: s4.id, ip_address: '10.77.0.60' }] } });
    await assertInStep('after a fixed IP change', subnets, groups);
    assert.ok(!fake.members(dflt).ipv4.includes(a.fixed_ips[0].ip_address), 'the old address left the group');

    await demo.put(`/ports/${b.id}`, { port: { security_groups: [sg2.id] } });
    await assertInStep('after a group change', subnets, groups);
    await demo.put(`/ports/${b.id}`, { port: { extra_dhcp_opts: [{ opt_name: 'tftp-server', opt_value: '10.77.0.9' }] } });
    await assertInStep('after extra DHCP options', subnets, groups);
    assert.deepEqual(fake.dhcpEntries(n.id, s4.id).find((e) => e.portId === b.id)!.extraOptions, [{ name: 'tftp-server', value: '10.77.0.9', ipVersion: 4 }]);

    // The same address on another network, in the same group: it stays a member while either port holds it.
    const n2 = (await demo.post('/networks', { network: { name: 'dp-twin' } })).body.network;
    const t4 = (await demo.post('/subnets', { subnet: { network_id: n2.id, ip_version: 4, cidr: '10.77.0.0/24' } })).body.subnet;
    const twin = (await demo.post('/ports', { port: { network_id: n2.id, security_groups: [sg2.id], fixed_ips: [{ subnet_id: t4.id, ip_address: '10.77.0.50' }] } })).body.port;
    subnets.push({ networkId: n2.id, subnetId: t4.id });
    assert.equal((await demo.delete(`/ports/${c.id}`)).status, 204);
    await assertInStep('after deleting one of two holders', subnets, groups);
    assert.ok(fake.members(sg2.id).ipv4.includes('10.77.0.50'), 'the twin still holds the address');
    assert.equal((await demo.delete(`/ports/${twin.id}`)).status, 204);
    await assertInStep('after deleting both holders', subnets, groups);
    assert.ok(!fake.members(sg2.id).ipv4.includes('10.77.0.50'));

    for (const p of [a, b]) assert.equal((await demo.delete(`/ports/${p.id}`)).status, 204);
    await assertInStep('after deleting every port', subnets, groups);
    assert.deepEqual(fake.dhcpEntries(n.id, s4.id), []);
    assert.deepEqual(fake.members(sg2.id), { ipv4: [], ipv6: [] });
  });

  test('updates racing deletes of the same ports leave neither entries nor addresses of deleted ports behind', async () => {
    const n = (await demo.post('/networks', { network: { name: 'dp-race' } })).body.network;
    const s = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.76.0.0/24' } })).body.subnet;
    const sg = (await demo.post('/security-groups', { security_group: { name: 'dp-race' } })).body.security_group;
    const ports = [];
    for (let i = 0; i < 8; i++) ports.push((await demo.post('/ports', { port: { network_id: n.id } })).body.port);
    fake.latencyMs = 20;
    await Promise.all(ports.map(async (p, i) => {
      const update = i % 2 ? { security_groups: [sg.id] } : { fixed_ips: [{ subnet_id: s.id, ip_address: `10.76.0.${100 + i}` }], extra_dhcp_opts: [{ opt_name: 'ntp-server', opt_value: '10.76.0.1' }] };
      // NOTE: the delete a moment after the update, so that it lands while the update's driver calls run.
      const [u, d] = await Promise.all([demo.put(`/ports/${p.id}`, { port: update }), new Promise((r) => setTimeout(r, 2 * i)).then(() => demo.delete(`/ports/${p.id}`))]);
      assert.ok([200, 404].includes(u.status), `update: ${u.status}`);
      assert.equal(d.status, 204);
    })).finally(() => { fake.latencyMs = 0; });
    await assertInStep('after the races', [{ networkId: n.id, subnetId: s.id }], [ports[0].security_groups[0], sg.id]);
    assert.deepEqual(fake.dhcpEntries(n.id, s.id), []);
    assert.deepEqual(fake.members(sg.id), { ipv4: [], ipv6: [] });
  });

  test('a subnet\'s DHCP turned off and on again: its entries go and come back whole', async () => {
    const n = (await demo.post('/networks', { network: { name: 'dp-toggle' } })).body.network;
    const s = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.78.0.0/24' } })).body.subnet;
    const ports = [];
    for (let i = 0; i < 3; i++) ports.push((await demo.post('/ports', { port: { network_id: n.id } })).body.port);
    const subnets = [{ networkId: n.id, subnetId: s.id }];
    await assertInStep('DHCP on', subnets, []);
    assert.equal(fake.dhcpEntries(n.id, s.id).length, 3);
    assert.equal((await demo.put(`/subnets/${s.id}`, { subnet: { enable_dhcp: false } })).status, 200);
    assert.deepEqual(fake.dhcpEntries(n.id, s.id), [], 'DHCP off: no entries');
    assert.equal((await demo.put(`/subnets/${s.id}`, { subnet: { enable_dhcp: true } })).status, 200);
    await assertInStep('DHCP on again', subnets, []);
    assert.equal(fake.dhcpEntries(n.id, s.id).length, 3);
  });

  test('a port moved off a subnet, then the subnet deleted: the address leaves the group, the subnet\'s entries go', async () => {
    const n = (await demo.post('/networks', { network: { name: 'dp-two-subnets' } })).body.network;
    const s1 = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.79.1.0/24' } })).body.subnet;
    const s2 = (await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.79.2.0/24' } })).body.subnet;
    const p = (await demo.post('/ports', { port: { network_id: n.id, fixed_ips: [{ subnet_id: s1.id }, { subnet_id: s2.id }] } })).body.port;
    assert.equal(p.fixed_ips.length, 2);
    const g = p.security_groups[0];
    const on2 = p.fixed_ips.find((f: any) => f.subnet_id === s2.id).ip_address;
    assert.ok(fake.members(g).ipv4.includes(on2));
    // NOTE: the subnet's ports block its deletion unless they are released first: move the port off it.
    assert.equal((await demo.put(`/ports/${p.id}`, { port: { fixed_ips: [{ subnet_id: s1.id, ip_address: p.fixed_ips[0].ip_address }] } })).status, 200);
    assert.equal((await demo.delete(`/subnets/${s2.id}`)).status, 204);
    assert.ok(!fake.members(g).ipv4.includes(on2));
    assert.deepEqual(fake.dhcpEntries(n.id, s2.id), []);
    await assertInStep('after the subnet went', [{ networkId: n.id, subnetId: s1.id }], [g]);
  });
});
