// Metering on the Linux network driver: an instance (a namespace) behind a router pings a host on
// the external network (another namespace, 203.0.113.0/24); the router's nftables counters count
// what each label's rules match. Needs root; everything made is removed in the finally blocks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LinuxNetworkDriver } from '../../src/drivers/network/linux/linux-network.js';

const BINARIES = ['/usr/sbin/ip', '/usr/sbin/nft', '/usr/sbin/dnsmasq', '/usr/sbin/sysctl', '/usr/bin/ping'];
const missing = BINARIES.filter((b) => !existsSync(b) && !existsSync(b.replace('/usr', '')));
const skipReason = process.getuid?.() !== 0 ? 'needs root (creates bridges and namespaces)' : missing.length ? `missing ${missing.join(', ')}` : undefined;

const run = (file: string, args: string[]) =>
  new Promise<string>((resolve, reject) => {
    execFile(file, args, { timeout: 15_000, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });

const INT = '7a100000-0000-4000-8000-00000000000a';
const EXT = '7e200000-0000-4000-8000-00000000000e';
const ROUTER = '7c300000-0000-4000-8000-00000000000c';
const VM_PORT = '7d400000-0000-4000-8000-000000000001';
const HOST_PORT = '7d500000-0000-4000-8000-000000000002';
const OUT = '7f600000-0000-4000-8000-000000000001';
const IN = '7f600000-0000-4000-8000-000000000002';
const NONE = '7f600000-0000-4000-8000-000000000003';
const subnet = (id: string, cidr: string, gatewayIp: string) => ({
  id, cidr, ipVersion: 4 as const, gatewayIp, enableDhcp: false, dnsNameservers: [], hostRoutes: [], ipv6AddressMode: null, ipv6RaMode: null,
});
const SUB_INT = subnet('7a110000-0000-4000-8000-00000000000a', '10.71.0.0/24', '10.71.0.1');
const SUB_EXT = subnet('7e210000-0000-4000-8000-00000000000e', '203.0.113.0/24', '203.0.113.1');
const network = (id: string, seg: number, sub: ReturnType<typeof subnet>, external: boolean) => ({
  id, mtu: 1450, networkType: 'vxlan' as const, physicalNetwork: null, segmentationId: seg, external, adminStateUp: true, subnets: [sub],
});
const port = (id: string, networkId: string, subnetId: string, mac: string, ip: string) => ({
  id, networkId, macAddress: mac, fixedIps: [{ subnetId, ipAddress: ip }], deviceOwner: 'compute:nova', deviceId: 'vm', adminStateUp: true, mtu: 1450,
});

const ROUTER_STATE = {
  id: ROUTER, adminStateUp: true,
  gateway: { networkId: EXT, portId: '7b000000-0000-4000-8000-000000000009', macAddress: 'fa:16:3e:00:07:09', enableSnat: true, ips: [{ subnetId: SUB_EXT.id, ipAddress: '203.0.113.10', cidr: SUB_EXT.cidr, gatewayIp: '203.0.113.1' }] },
  interfaces: [{ portId: '7b100000-0000-4000-8000-000000000001', subnetId: SUB_INT.id, cidr: SUB_INT.cidr, ipAddress: '10.71.0.1', macAddress: 'fa:16:3e:00:07:0a', networkId: INT }],
  routes: [],
};

/** A namespace whose eth0 is the far end of the port's tap, with a static address and default route. */
async function makeInstance(ns: string, portId: string, mac: string, address: string, via: string): Promise<void> {
  await run('ip', ['netns', 'add', ns]);
  await run('ip', ['link', 'add', `tap${portId.slice(0, 11)}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'address', mac, 'up']);
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', ns, 'addr', 'add', address, 'dev', 'eth0']);
  await run('ip', ['-n', ns, 'route', 'add', 'default', 'via', via]);
}

if (skipReason) {
  test('linux network driver: metering', { skip: skipReason }, () => {});
} else {
  test('linux network driver: metering counts what crosses the gateway, per label, excluded rules uncounted; counts go on across changes', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'stx-meter-'));
    const driver = new LinuxNetworkDriver({ stateDir, scope: `m${process.pid}` });
    const vm = `stx-${process.pid}-mvm`;
    const host = `stx-${process.pid}-mext`;
    try {
      await driver.ensureNetwork(network(INT, 71, SUB_INT, false));
      await driver.ensureNetwork(network(EXT, 72, SUB_EXT, true));
      await makeInstance(vm, VM_PORT, 'fa:16:3e:00:07:01', '10.71.0.5/24', '10.71.0.1');
      await makeInstance(host, HOST_PORT, 'fa:16:3e:00:07:02', '203.0.113.5/24', '203.0.113.1');
      await driver.plugPort(port(VM_PORT, INT, SUB_INT.id, 'fa:16:3e:00:07:01', '10.71.0.5'), 'host1');
      await driver.plugPort(port(HOST_PORT, EXT, SUB_EXT.id, 'fa:16:3e:00:07:02', '203.0.113.5'), 'host1');
      await driver.ensureRouter(ROUTER_STATE);
      const out = { id: OUT, rules: [{ direction: 'egress' as const, remoteIpPrefix: '203.0.113.0/24', excluded: false }] };
      const inbound = { id: IN, rules: [{ direction: 'ingress' as const, remoteIpPrefix: '203.0.113.0/24', excluded: false }] };
      const none = {
        id: NONE, rules: [{ direction: 'egress' as const, remoteIpPrefix: '0.0.0.0/0', excluded: false }, { direction: 'egress' as const, remoteIpPrefix: '203.0.113.5/32', excluded: true }],
      };
      await driver.setMeteringLabels(ROUTER, [out, inbound, none]);

      await run('ip', ['netns', 'exec', vm, 'ping', '-c', '3', '-i', '0.2', '-W', '1', '203.0.113.5']);
      let counts = await driver.meteringCounts(ROUTER);
      assert.equal(counts[OUT]!.packets, 3, 'three echo requests out through the gateway');
      assert.equal(counts[IN]!.packets, 3, 'three replies in');
      assert.ok(counts[OUT]!.bytes >= 3 * 84, `bytes counted (${counts[OUT]!.bytes})`);
      assert.equal(counts[NONE]!.packets, 0, 'the excluded rule keeps them out of this label');

      // Replaced whole: the kept label's counts go on, the removed one is gone.
      await driver.setMeteringLabels(ROUTER, [out]);
      await run('ip', ['netns', 'exec', vm, 'ping', '-c', '1', '-W', '1', '203.0.113.5']);
      counts = await driver.meteringCounts(ROUTER);
      assert.deepEqual(Object.keys(counts), [OUT]);
      assert.equal(counts[OUT]!.packets, 4);

      // Rebuilding the router keeps the labels and their counts.
      await driver.ensureRouter(ROUTER_STATE);
      assert.equal((await driver.meteringCounts(ROUTER))[OUT]!.packets, 4);

      const agents = await driver.agents('host1');
      assert.equal(agents.find((a) => a.agentType === 'Metering agent')!.alive, true);
      assert.equal(agents.find((a) => a.agentType === 'L3 agent')!.configurations.routers, 1);
    } finally {
      try { await driver.destroyAll(); } finally {
        await driver.close();
        for (const ns of [vm, host]) await run('ip', ['netns', 'del', ns]).catch(() => {});
        for (const p of [VM_PORT, HOST_PORT]) await run('ip', ['link', 'del', `tap${p.slice(0, 11)}`]).catch(() => {});
        await rm(stateDir, { recursive: true, force: true });
      }
    }
    const namespaces = await run('ip', ['netns', 'list']);
    assert.ok(!namespaces.includes(ROUTER) && !namespaces.includes(`${process.pid}-m`), 'nothing left');
  });
}
