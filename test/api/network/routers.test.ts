import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeNetworkDriver } from '../../../src/drivers/network/fake-network.js';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Ports, routers, floating IPs and security groups, and the plain-value calls the driver gets.

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
