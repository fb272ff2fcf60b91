import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeNetworkDriver } from '../../../src/drivers/network/fake-network.js';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Ports created, changed and deleted one by one: the DHCP entries and security group members the
// driver holds (sent incrementally, a port's change at a time) stay equal to what the ports say.

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
