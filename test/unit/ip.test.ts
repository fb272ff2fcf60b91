import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Cidr, contains, defaultPools, eui64, firstIp, formatCidr, formatIp, lastIp, normalizeIp, overlaps, parseCidr, parseIp, size, truncate,
} from '../../src/services/network/domain/ip.js';

// The address arithmetic behind Neutron's IPAM: parsing and printing as netaddr does, CIDRs, the
// default allocation pools of a subnet and SLAAC addresses.

const v4 = (text: string) => parseIp(text)!.value;
const v6 = (text: string) => parseIp(text)!.value;
const cidr = (text: string): Cidr => parseCidr(text)!;
const pools = (c: string, gateway?: string) =>
  defaultPools(cidr(c), gateway === undefined ? undefined : parseIp(gateway)!.value).map((p) => {
    const version = cidr(c).version;
    return [formatIp(version, p.start), formatIp(version, p.end)];
  });

describe('addresses', () => {
  test('IPv4: dotted quads only, no octet over 255, no leading zeros', () => {
    assert.deepEqual(parseIp('10.0.0.1'), { version: 4, value: 0x0a000001n });
    assert.deepEqual(parseIp('255.255.255.255'), { version: 4, value: 0xffffffffn });
    for (const bad of ['256.0.0.1', '10.0.0.01', '10.0.0', '10.0.0.1.1', '10.0.0.-1', ' 10.0.0.1', '']) assert.equal(parseIp(bad), undefined, bad);
  });

  test('IPv6: full, compressed and with an embedded IPv4 tail', () => {
    assert.deepEqual(parseIp('::1'), { version: 6, value: 1n });
    assert.deepEqual(parseIp('::'), { version: 6, value: 0n });
    assert.equal(v6('2001:db8::'), 0x20010db8n << 96n);
    assert.equal(v6('2001:DB8:0:0:0:0:0:1'), (0x20010db8n << 96n) + 1n);
    assert.equal(v6('::ffff:1.2.3.4'), 0xffff01020304n);
    for (const bad of ['1::2::3', ':::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1', '12345::1', '::ffff:1.2.3.256', '1:2:3:4:5:6:7::8']) {
      assert.equal(parseIp(bad), undefined, bad);
    }
  });

  test('printing: IPv4 as a dotted quad, IPv6 as RFC 5952 (lower case, longest zero run as ::)', () => {
    assert.equal(formatIp(4, 0x0a000001n), '10.0.0.1');
    assert.equal(formatIp(6, 1n), '::1');
    assert.equal(formatIp(6, 0n), '::');
    assert.equal(normalizeIp('2001:0DB8:0000:0000:0000:FF00:0042:8329'), '2001:db8::ff00:42:8329');
    assert.equal(normalizeIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', 'the first of two equal runs');
    assert.equal(normalizeIp('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1', 'the longer run');
    assert.equal(normalizeIp('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'one zero group stays');
    assert.equal(normalizeIp('fe80::'), 'fe80::');
    assert.equal(normalizeIp('not an address'), undefined);
  });
});

describe('CIDRs', () => {
  test('a prefix within the family; a bare address is a host route', () => {
    assert.deepEqual(parseCidr('10.0.0.0/24'), { version: 4, network: 0x0a000000n, prefix: 24 });
    assert.equal(parseCidr('10.0.0.1')!.prefix, 32);
    assert.equal(parseCidr('2001:db8::/64')!.prefix, 64);
    assert.equal(parseCidr('::/0')!.prefix, 0);
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/2a', '10.0.0.0/24/1', '10.0.0/24', '10.0.0.0/-1']) {
      assert.equal(parseCidr(bad), undefined, bad);
    }
  });

  test('host bits are kept until truncated; first, last and size', () => {
    const c = cidr('10.0.0.77/24');
    assert.equal(formatCidr(c), '10.0.0.77/24');
    assert.equal(formatCidr(truncate(c)), '10.0.0.0/24');
    assert.equal(formatIp(4, firstIp(c)), '10.0.0.0');
    assert.equal(formatIp(4, lastIp(c)), '10.0.0.255');
    assert.equal(size(c), 256n);
    assert.equal(size(cidr('2001:db8::/64')), 1n << 64n);
    assert.equal(formatIp(6, lastIp(cidr('2001:db8::/64'))), '2001:db8::ffff:ffff:ffff:ffff');
  });

  test('contains and overlaps: same family, inclusive bounds', () => {
    const net = cidr('192.168.1.0/24');
    assert.equal(contains(net, 4, v4('192.168.1.0')), true);
    assert.equal(contains(net, 4, v4('192.168.1.255')), true);
    assert.equal(contains(net, 4, v4('192.168.2.0')), false);
    assert.equal(contains(net, 6, v4('192.168.1.1')), false, 'the same number in the other family');
    assert.equal(overlaps(net, cidr('192.168.0.0/16')), true);
    assert.equal(overlaps(net, cidr('192.168.1.128/25')), true);
    assert.equal(overlaps(net, cidr('192.168.2.0/24')), false);
    assert.equal(overlaps(cidr('::/0'), cidr('0.0.0.0/0')), false);
  });
});

describe('allocation pools', () => {
  test('IPv4: the range without network, broadcast and gateway', () => {
    assert.deepEqual(pools('10.0.0.0/24', '10.0.0.1'), [['10.0.0.2', '10.0.0.254']]);
    assert.deepEqual(pools('10.0.0.0/24', '10.0.0.254'), [['10.0.0.1', '10.0.0.253']]);
    assert.deepEqual(pools('10.0.0.0/24', '10.0.0.100'), [['10.0.0.1', '10.0.0.99'], ['10.0.0.101', '10.0.0.254']]);
    assert.deepEqual(pools('10.0.0.0/24'), [['10.0.0.1', '10.0.0.254']], 'no gateway');
    assert.deepEqual(pools('10.0.0.0/24', '10.0.1.1'), [['10.0.0.1', '10.0.0.254']], 'a gateway outside the range');
  });

  test('IPv4 /31 and /32 use every address; /30 has two', () => {
    assert.deepEqual(pools('10.0.0.0/31'), [['10.0.0.0', '10.0.0.1']]);
    assert.deepEqual(pools('10.0.0.7/32'), [['10.0.0.7', '10.0.0.7']]);
    assert.deepEqual(pools('10.0.0.0/30', '10.0.0.1'), [['10.0.0.2', '10.0.0.2']]);
    assert.deepEqual(pools('10.0.0.0/30', '10.0.0.2'), [['10.0.0.1', '10.0.0.1']]);
  });

  test('IPv6: no broadcast, so the last address is in the pool', () => {
    assert.deepEqual(pools('2001:db8::/64', '2001:db8::1'), [['2001:db8::2', '2001:db8::ffff:ffff:ffff:ffff']]);
    assert.deepEqual(pools('2001:db8::/127'), [['2001:db8::1', '2001:db8::1']]);
  });

  test('a pool empty but for the gateway is no pool', () => {
    assert.deepEqual(pools('2001:db8::/127', '2001:db8::1'), []);
  });
});

test('SLAAC: EUI-64 from the prefix and the MAC, the universal/local bit flipped', () => {
  assert.equal(formatIp(6, eui64(cidr('2001:db8::/64'), 'fa:16:3e:00:00:01')), '2001:db8::f816:3eff:fe00:1');
  assert.equal(formatIp(6, eui64(cidr('fd00:1:2:3::/64'), '00:11:22:33:44:55')), 'fd00:1:2:3:211:22ff:fe33:4455');
});
