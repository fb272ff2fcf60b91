// The Linux network driver's generated files (dnsmasq hosts/opts, nft rules), without root.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHosts, renderOpts } from '../../src/drivers/network/linux/dhcp.js';
import { renderNatTable } from '../../src/drivers/network/linux/routers.js';
import { renderRadvdConf } from '../../src/drivers/network/linux/radvd.js';
import { ruleMatch } from '../../src/drivers/network/linux/security-groups.js';
import { conntrackDeletions, removedRules } from '../../src/drivers/network/linux/conntrack.js';
import { highestFreeIpv4, ipv4Range } from '../../src/drivers/network/linux/addresses.js';
import type { DriverSecurityRule } from '../../src/drivers/network/network-driver.js';

const SUBNET = { id: 's1', cidr: '10.40.0.0/24', ipVersion: 4 as const, gatewayIp: '10.40.0.1', enableDhcp: true, dnsNameservers: ['10.0.0.53', '10.0.0.54'], hostRoutes: [{ destination: '10.99.0.0/16', nexthop: '10.40.0.9' }], ipv6AddressMode: null, ipv6RaMode: null };
const NET = { id: 'n1', mtu: 1450, networkType: 'vxlan' as const, physicalNetwork: null, segmentationId: 5, external: false, adminStateUp: true, subnets: [SUBNET] };
const ENTRIES = [
  { portId: 'p1', macAddress: 'fa:16:3e:00:00:01', ipAddress: '10.40.0.5', hostname: 'host-10-40-0-5', extraOptions: [{ name: 'tftp-server', value: '10.40.0.7', ipVersion: 4 }, { name: '150', value: '10.40.0.8', ipVersion: 4 }] },
  { portId: 'p2', macAddress: 'fa:16:3e:00:00:02', ipAddress: '10.40.0.6', hostname: 'host-10-40-0-6', extraOptions: [] },
  { portId: 'p2', macAddress: 'fa:16:3e:00:00:02', ipAddress: 'fd00::6', hostname: 'host-fd00--6', extraOptions: [] },
];

test('dnsmasq hosts: a static lease per address (IPv6 in brackets), tagged only when the port has extra options', () => {
  assert.equal(renderHosts(ENTRIES), 'fa:16:3e:00:00:01,set:port-p1,10.40.0.5,host-10-40-0-5\nfa:16:3e:00:00:02,10.40.0.6,host-10-40-0-6\nfa:16:3e:00:00:02,[fd00::6],host-fd00--6\n');
});

test('dnsmasq opts: IPv6 DNS servers for an IPv6 subnet dnsmasq serves; IPv6 extra options as option6', () => {
  const v6 = { ...SUBNET, id: 's6', cidr: 'fd00::/64', ipVersion: 6 as const, gatewayIp: 'fd00::1', dnsNameservers: ['fd00::53'], ipv6AddressMode: 'dhcpv6-stateless', ipv6RaMode: 'dhcpv6-stateless' };
  const text = renderOpts({ ...NET, subnets: [v6] }, new Map(), [{ ...ENTRIES[1]!, extraOptions: [{ name: 'bootfile-url', value: 'http://x/', ipVersion: 6 }] }], false);
  assert.equal(text, 'tag:subnet-s6,option6:dns-server,[fd00::53]\ntag:port-p2,option6:bootfile-url,http://x/\n');
});

test('dnsmasq opts: router, DNS, classless routes with the metadata route and the default route, MTU, extra options', () => {
  const opts = renderOpts(NET, new Map([['s1', '10.40.0.254']]), ENTRIES, true).split('\n');
  const routes = '169.254.169.254/32,10.40.0.254,10.99.0.0/16,10.40.0.9,0.0.0.0/0,10.40.0.1';
  assert.deepEqual(opts, [
    'tag:subnet-s1,option:router,10.40.0.1',
    'tag:subnet-s1,option:dns-server,10.0.0.53,10.0.0.54',
    `tag:subnet-s1,option:classless-static-route,${routes}`,
    `tag:subnet-s1,249,${routes}`,
    'tag:subnet-s1,option:mtu,1450',
    'tag:port-p1,option:tftp-server,10.40.0.7',
    'tag:port-p1,150,10.40.0.8',
    '',
  ]);
  const bare = renderOpts({ ...NET, subnets: [{ ...SUBNET, gatewayIp: null, hostRoutes: [], dnsNameservers: [] }] }, new Map(), [], false);
  assert.equal(bare, 'tag:subnet-s1,option:router\ntag:subnet-s1,option:mtu,1450\n');
});

test('DHCP address: the highest usable address that is free', () => {
  assert.equal(highestFreeIpv4('10.40.0.0/24', new Set()), '10.40.0.254');
  assert.equal(highestFreeIpv4('10.40.0.0/24', new Set(['10.40.0.254'])), '10.40.0.253');
  assert.deepEqual(ipv4Range('10.40.0.77/22'), { network: '10.40.0.0', netmask: '255.255.252.0', first: 10 * 2 ** 24 + 40 * 2 ** 16 + 1, last: 10 * 2 ** 24 + 40 * 2 ** 16 + 1022 });
});

const rule = (r: Partial<DriverSecurityRule>): DriverSecurityRule => ({ direction: 'ingress', ethertype: 'IPv4', protocol: null, portRangeMin: null, portRangeMax: null, remotePrefixes: null, remoteGroupId: null, ...r });

test('security group rules as nft matches', () => {
  assert.equal(ruleMatch(rule({})), 'ether type ip');
  assert.equal(ruleMatch(rule({ protocol: 'tcp', portRangeMin: 22, portRangeMax: 22 })), 'ether type ip meta l4proto 6 th dport 22');
  assert.equal(ruleMatch(rule({ protocol: '17', portRangeMin: 1000, portRangeMax: 2000, remotePrefixes: ['10.1.0.0/16', 'fd00::/8'] })), 'ether type ip ip saddr { 10.1.0.0/16 } meta l4proto 17 th dport 1000-2000');
  assert.equal(ruleMatch(rule({ direction: 'egress', protocol: 'icmp', portRangeMin: 8, portRangeMax: 0, remotePrefixes: ['0.0.0.0/0'] })), 'ether type ip meta l4proto 1 icmp type 8 icmp code 0');
  assert.equal(ruleMatch(rule({ direction: 'egress', ethertype: 'IPv6', protocol: 'icmp', remotePrefixes: ['fd00::/8'] })), 'ether type ip6 ip6 daddr { fd00::/8 } meta l4proto 58');
  assert.equal(ruleMatch(rule({ remotePrefixes: [] })), null, 'an empty prefix list matches nothing');
  const G = '9a000000-0000-4000-8000-00000000000a';
  assert.equal(ruleMatch(rule({ protocol: 'tcp', portRangeMin: 22, portRangeMax: 22, remoteGroupId: G })), `ether type ip ip saddr @m4-${G} meta l4proto 6 th dport 22`);
  assert.equal(ruleMatch(rule({ direction: 'egress', ethertype: 'IPv6', remoteGroupId: G })), `ether type ip6 ip6 daddr @m6-${G}`);
  assert.throws(() => ruleMatch(rule({ remoteGroupId: 'g; drop' })), /not usable/);
  assert.throws(() => ruleMatch(rule({ protocol: 'nonsense' })), /not supported/);
});

test('router NAT table: replaced whole; DNAT/SNAT per floating IP, SNAT of internal subnets only with enableSnat', () => {
  const router = {
    id: 'r1', adminStateUp: true, routes: [],
    gateway: { networkId: 'x', portId: 'gwport00000000', macAddress: 'fa:16:3e:00:00:09', enableSnat: true, ips: [{ subnetId: 'sx', ipAddress: '203.0.113.10', cidr: '203.0.113.0/24', gatewayIp: '203.0.113.1' }] },
    interfaces: [{ portId: 'if', subnetId: 's1', cidr: '10.40.0.0/24', ipAddress: '10.40.0.1', macAddress: 'fa:16:3e:00:00:03', networkId: 'n1' }],
  };
  const text = renderNatTable(router, [{ floatingIp: '203.0.113.20', fixedIp: '10.40.0.5', portId: 'p1' }]);
  assert.match(text, /^table ip stratus \{\}\ndelete table ip stratus\ntable ip stratus \{/);
  assert.match(text, /ip daddr 203\.0\.113\.20 dnat to 10\.40\.0\.5/);
  assert.match(text, /oifname "qg-gwport00000" ip saddr 10\.40\.0\.5 snat to 203\.0\.113\.20/);
  assert.ok(text.indexOf('snat to 203.0.113.20') < text.indexOf('snat to 203.0.113.10'), 'floating SNAT before the router SNAT');
  assert.match(text, /oifname "qg-gwport00000" ip saddr \{ 10\.40\.0\.0\/24 \} snat to 203\.0\.113\.10/);
  assert.doesNotMatch(renderNatTable({ ...router, gateway: { ...router.gateway, enableSnat: false } }, []), /snat/);
});

test('router NAT table: hairpin: DNAT whatever the incoming interface and from the router itself; DNATed traffic not from the gateway SNATed to the sender\'s floating IP, else the gateway address', () => {
  const router = {
    id: 'r1', adminStateUp: true, routes: [],
    gateway: { networkId: 'x', portId: 'gwport00000000', macAddress: 'fa:16:3e:00:00:09', enableSnat: false, ips: [{ subnetId: 'sx', ipAddress: '203.0.113.10', cidr: '203.0.113.0/24', gatewayIp: '203.0.113.1' }] },
    interfaces: [{ portId: 'if', subnetId: 's1', cidr: '10.40.0.0/24', ipAddress: '10.40.0.1', macAddress: 'fa:16:3e:00:00:03', networkId: 'n1' }],
  };
  const text = renderNatTable(router, [{ floatingIp: '203.0.113.20', fixedIp: '10.40.0.5', portId: 'p1' }]);
  const chain = (name: string) => text.slice(text.indexOf(`chain ${name} {`), text.indexOf('}', text.indexOf(`chain ${name} {`)));
  assert.match(chain('prerouting'), /\n    ip daddr 203\.0\.113\.20 dnat to 10\.40\.0\.5\n/, 'no iifname: internal interfaces too');
  assert.match(chain('output'), /type nat hook output priority -100;[^]*ip daddr 203\.0\.113\.20 dnat to 10\.40\.0\.5/);
  const post = chain('postrouting');
  const own = post.indexOf('iifname != "qg-gwport00000" ct status dnat ip saddr 10.40.0.5 snat to 203.0.113.20');
  const gw = post.indexOf('iifname != "qg-gwport00000" ct status dnat snat to 203.0.113.10');
  assert.ok(own > 0 && gw > own, `the sender's floating IP first, then the gateway address (without enableSnat too):\n${post}`);
});

test('radvd.conf as Neutron renders it: per internal port with advertised IPv6 subnets; flags per RA mode; MTU; RDNSS of SLAAC subnets', () => {
  const iface = (portId: string, subnetId: string, cidr: string, ipv6RaMode: string | null, more = {}) =>
    ({ portId, subnetId, cidr, ipAddress: `${cidr.split('/')[0]}1`, macAddress: 'fa:16:3e:00:00:03', networkId: 'n1', ipv6RaMode, mtu: 1450, dnsNameservers: [] as string[], ...more });
  const router = {
    id: 'r1', adminStateUp: true, routes: [], gateway: null,
    interfaces: [
      { portId: 'v4port', subnetId: 's4', cidr: '10.40.0.0/24', ipAddress: '10.40.0.1', macAddress: 'fa:16:3e:00:00:03', networkId: 'n1' },
      iface('port-a00000000', 'sa', 'fd00:a::/64', 'slaac', { dnsNameservers: ['fd00::53', 'fd00::54', 'fd00::55', 'fd00::56'] }),
      iface('port-a00000000', 'sb', 'fd00:b::/64', 'dhcpv6-stateless'),
      iface('port-c00000000', 'sc', 'fd00:c::/64', 'dhcpv6-stateful', { mtu: 1000 }),
      iface('port-d00000000', 'sd', 'fd00:d::/64', null),
    ],
  };
  assert.equal(renderRadvdConf(router), [
    'interface qr-port-a00000', '{', '   AdvSendAdvert on;', '   MinRtrAdvInterval 30;', '   MaxRtrAdvInterval 100;', '   AdvLinkMTU 1450;',
    '   AdvOtherConfigFlag on;', '   RDNSS fd00::53 fd00::54 fd00::55 {};',
    '   prefix fd00:a::/64', '   {', '        AdvOnLink on;', '        AdvAutonomous on;', '   };',
    '   prefix fd00:b::/64', '   {', '        AdvOnLink on;', '        AdvAutonomous on;', '   };', '};',
    'interface qr-port-c00000', '{', '   AdvSendAdvert on;', '   MinRtrAdvInterval 30;', '   MaxRtrAdvInterval 100;', '   AdvManagedFlag on;',
    '   prefix fd00:c::/64', '   {', '        AdvOnLink on;', '        AdvAutonomous off;', '   };', '};', '',
  ].join('\n'), 'no block for the IPv4 port nor the subnet without an RA mode; no AdvLinkMTU under 1280');
  assert.equal(renderRadvdConf({ ...router, interfaces: [router.interfaces[0]!, router.interfaces[4]!] }), '', 'nothing to advertise');
});

test('conntrack deletions of a removed rule: towards the port (ingress) or from it (egress), its protocol, one destination port, its remote prefixes, in the zone', () => {
  const rule = (more: Partial<DriverSecurityRule>): DriverSecurityRule => ({
    direction: 'ingress', ethertype: 'IPv4', protocol: null, portRangeMin: null, portRangeMax: null, remotePrefixes: null, remoteGroupId: null, ...more,
  });
  const ips = ['10.40.0.5', 'fd00::5', '10.200.0.0/24'];
  assert.deepEqual(conntrackDeletions(rule({ protocol: 'tcp', portRangeMin: 22, portRangeMax: 22 }), ips, 77), [
    ['-D', '-f', 'ipv4', '-w', '77', '-p', 'tcp', '--dport', '22', '-d', '10.40.0.5'],
    ['-D', '-f', 'ipv4', '-w', '77', '-p', 'tcp', '--dport', '22', '-d', '10.200.0.0', '--mask-dst', '255.255.255.0'],
  ]);
  assert.deepEqual(conntrackDeletions(rule({ direction: 'egress', protocol: '17', portRangeMin: 1000, portRangeMax: 2000, remotePrefixes: ['10.1.0.0/16', '10.2.0.7', 'fd00::/8'] }), ['10.40.0.5'], 3), [
    ['-D', '-f', 'ipv4', '-w', '3', '-p', 'udp', '-s', '10.40.0.5', '-d', '10.1.0.0', '--mask-dst', '255.255.0.0'],
    ['-D', '-f', 'ipv4', '-w', '3', '-p', 'udp', '-s', '10.40.0.5', '-d', '10.2.0.7'],
  ]);
  assert.deepEqual(conntrackDeletions(rule({ ethertype: 'IPv6', protocol: 'icmp', remotePrefixes: ['::/0'] }), ips, 9), [
    ['-D', '-f', 'ipv6', '-w', '9', '-p', 'icmpv6', '-d', 'fd00::5'],
  ]);
  assert.deepEqual(conntrackDeletions(rule({ protocol: 'ospf' }), ips, 9), [], 'a protocol conntrack cannot name deletes nothing');
  assert.deepEqual(removedRules([rule({ protocol: 'icmp' }), rule({ protocol: 'tcp' })], [rule({ protocol: 'tcp' })]), [rule({ protocol: 'icmp' })]);
});
