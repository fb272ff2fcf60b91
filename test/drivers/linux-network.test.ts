// The Linux network driver on this host: the shared contract read back from the host, then the
// dataplane with namespaces standing in for instances (DHCP, pings, security groups, floating IPs,
// metadata). Needs root and the binaries below; everything made is removed in after hooks.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LinuxNetworkDriver } from '../../src/drivers/network/linux/linux-network.js';
import { conntrackZone } from '../../src/drivers/network/linux/security-groups.js';
import { dnsmasqPid } from '../../src/drivers/network/linux/dhcp.js';
import { networkDriverContract } from './network.contract.js';

const BINARIES = ['/usr/sbin/ip', '/usr/sbin/nft', '/usr/sbin/dnsmasq', '/usr/sbin/sysctl', '/usr/bin/ping', '/usr/sbin/udhcpc', '/usr/bin/curl', '/usr/bin/ps'];
const missing = BINARIES.filter((b) => !existsSync(b) && !existsSync(b.replace('/usr', '')));
const skipReason = process.getuid?.() !== 0 ? 'needs root (creates bridges and namespaces)'
  : missing.length ? `missing ${missing.join(', ')} (see .ci/run)` : undefined;

/** A driver on a fresh state dir, scoped to this test process. */
async function makeDriver(extra: Partial<ConstructorParameters<typeof LinuxNetworkDriver>[0]> = {}) {
  const stateDir = await mkdtemp(join(tmpdir(), 'stx-net-'));
  const driver = new LinuxNetworkDriver({ stateDir, scope: `t${process.pid}`, ...extra });
  return {
    driver, stateDir,
    async cleanup() {
      try {
        await driver.destroyAll();
      } finally {
        await driver.close();
        await rm(stateDir, { recursive: true, force: true });
      }
    },
  };
}

if (skipReason) {
  test('linux network driver', { skip: skipReason }, () => {});
} else {
  networkDriverContract('linux network driver', async () => {
    const { driver, cleanup } = await makeDriver();
    return { driver, cleanup, hooks: { observe: () => driver.observe() } };
  });

  test('linux network driver: nothing of ours is left on the host after the contract', () => {
    const links = execFileSync('ip', ['-br', 'link'], { encoding: 'utf8' });
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const name of ['brq11111111-11', 'brq22222222-22', 'dhcp11111111-11', 'tap44444444-44', 'tapgw', 'tapif']) assert.ok(!links.includes(name), `${name} left`);
    assert.ok(!namespaces.includes('33333333-3333'), 'router namespace left');
    assert.ok(!namespaces.includes('qdhcp-11111111'), 'dhcp namespace left');
  });
}

// ---- the dataplane, with network namespaces standing in for instances ----

const run = (file: string, args: string[], timeout = 15_000) =>
  new Promise<string>((resolve, reject) => {
    execFile(file, args, { timeout, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
const inNs = (ns: string, args: string[], timeout?: number) => run('ip', ['netns', 'exec', ns, ...args], timeout);
const pings = (ns: string, to: string, from?: string) =>
  inNs(ns, ['ping', '-c', '1', '-W', '1', ...(from ? ['-I', from] : []), to]).then(() => true, () => false);

const A = 'a5100000-0000-4000-8000-00000000000a';
const B = 'b5200000-0000-4000-8000-00000000000b';
const X = 'e5300000-0000-4000-8000-00000000000e';
const ROUTER_ID = 'c5400000-0000-4000-8000-00000000000c';
const subnet = (id: string, cidr: string, gatewayIp: string, enableDhcp: boolean) => ({
  id, cidr, ipVersion: 4 as const, gatewayIp, enableDhcp, dnsNameservers: ['10.255.255.53'], hostRoutes: [], ipv6AddressMode: null, ipv6RaMode: null,
});
const network = (id: string, seg: number, sub: ReturnType<typeof subnet>, external = false) => ({
  id, mtu: 1450, networkType: 'vxlan' as const, physicalNetwork: null, segmentationId: seg, external, adminStateUp: true, subnets: [sub],
});
const SUB_A = subnet('5a000000-0000-4000-8000-00000000000a', '10.51.0.0/24', '10.51.0.1', true);
const SUB_B = subnet('5b000000-0000-4000-8000-00000000000b', '10.52.0.0/24', '10.52.0.1', true);
const SUB_X = subnet('5e000000-0000-4000-8000-00000000000e', '203.0.113.0/24', '203.0.113.1', false);

interface Vm { name: string; ns: string; portId: string; mac: string; ip: string; networkId: string; subnetId: string }
const vm = (name: string, n: number, networkId: string, subnetId: string, ip: string): Vm => ({
  name, ns: `stx-${process.pid}-${name}`, portId: `d${n}000000-0000-4000-8000-00000000000${n}`, mac: `fa:16:3e:00:00:0${n}`, ip, networkId, subnetId,
});
const VM1 = vm('vm1', 1, A, SUB_A.id, '10.51.0.5');
const VM2 = vm('vm2', 2, A, SUB_A.id, '10.51.0.6');
const VM3 = vm('vm3', 3, B, SUB_B.id, '10.52.0.5');
const EXT_NS = `stx-${process.pid}-ext`;
const EXT_PORT = 'f5000000-0000-4000-8000-00000000000f';

const driverPort = (v: { portId: string; networkId: string; mac: string; ip: string; subnetId: string }) => ({
  id: v.portId, networkId: v.networkId, macAddress: v.mac, fixedIps: [{ subnetId: v.subnetId, ipAddress: v.ip }], deviceOwner: 'compute:nova', deviceId: 'vm', adminStateUp: true, mtu: 1450,
});
const security = (v: Vm, icmpIn: boolean) => ({
  portId: v.portId, enabled: true, macAddress: v.mac, ips: [v.ip], allowedAddressPairs: [{ ipAddress: '10.200.0.0/24', macAddress: '' }, { ipAddress: 'fd00::99', macAddress: 'fa:16:3e:99:99:99' }],
  rules: [
    { direction: 'egress' as const, ethertype: 'IPv4' as const, protocol: null, portRangeMin: null, portRangeMax: null, remotePrefixes: null, remoteGroupId: null },
    { direction: 'ingress' as const, ethertype: 'IPv4' as const, protocol: 'tcp', portRangeMin: 22, portRangeMax: 22, remotePrefixes: null, remoteGroupId: null },
    ...(icmpIn ? [{ direction: 'ingress' as const, ethertype: 'IPv4' as const, protocol: 'icmp', portRangeMin: null, portRangeMax: null, remotePrefixes: ['0.0.0.0/0'], remoteGroupId: null }] : []),
    // NOTE: rules that change nothing here, so that nft accepts every shape of match.
    { direction: 'ingress' as const, ethertype: 'IPv4' as const, protocol: 'udp', portRangeMin: 1000, portRangeMax: 2000, remotePrefixes: ['10.1.0.0/16', '10.2.0.7'], remoteGroupId: null },
    { direction: 'ingress' as const, ethertype: 'IPv6' as const, protocol: 'icmp', portRangeMin: 128, portRangeMax: 0, remotePrefixes: ['fd00::/8'], remoteGroupId: null },
    { direction: 'egress' as const, ethertype: 'IPv4' as const, protocol: 'icmp', portRangeMin: 8, portRangeMax: 0, remotePrefixes: ['10.3.0.0/24'], remoteGroupId: null },
    { direction: 'ingress' as const, ethertype: 'IPv4' as const, protocol: 'tcp', portRangeMin: null, portRangeMax: null, remotePrefixes: [], remoteGroupId: null },
  ],
});

async function waitUntil(probe: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until;) if (await probe()) return true;
  return false;
}

/** A namespace whose eth0 is the far end of a veth named like the port's tap, as QEMU's tap would be. */
async function makeInstance(ns: string, portId: string, mac: string): Promise<void> {
  await run('ip', ['netns', 'add', ns]);
  await run('ip', ['link', 'add', `tap${portId.slice(0, 11)}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'address', mac, 'up']);
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
}

/** One-shot DHCP client in the namespace; its script applies the lease (address, option 121 routes, router). */
const DHCP_SCRIPT = `#!/bin/sh
[ "$1" = bound ] || exit 0
ip addr add "$ip/$mask" dev "$interface"
if [ -n "$staticroutes" ]; then
  set -- $staticroutes
  while [ $# -ge 2 ]; do ip route replace "$1" via "$2" dev "$interface"; shift 2; done
elif [ -n "$router" ]; then ip route replace default via "$router" dev "$interface"; fi
env > "$STX_LEASE"
`;
async function dhcpClient(v: Vm, dir: string): Promise<Record<string, string>> {
  const script = join(dir, 'udhcpc.sh');
  await writeFile(script, DHCP_SCRIPT, { mode: 0o755 });
  const lease = join(dir, `${v.name}.lease`);
  await run('ip', ['netns', 'exec', v.ns, 'env', `STX_LEASE=${lease}`, 'udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '5', '-T', '1', '-s', script, '-O', 'staticroutes', '-O', 'mtu'], 20_000);
  return Object.fromEntries((await readFile(lease, 'utf8')).split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

if (!skipReason) {
  test('linux network driver: instances get DHCP leases, ping across a router, obey security groups, reach floating IPs and metadata', async (t) => {
    const seen: { url?: string; headers: Record<string, string | string[] | undefined> }[] = [];
    const upstream = createServer((req, res) => { seen.push({ url: req.url, headers: req.headers }); res.setHeader('content-type', 'application/json'); res.end('{"uuid":"vm1"}'); });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const port = (upstream.address() as AddressInfo).port;
    const { driver, stateDir, cleanup } = await makeDriver({ metadataUpstream: () => ({ host: '127.0.0.1', port, pathPrefix: '/metadata', secret: 's3cret' }) });
    const work = await mkdtemp(join(tmpdir(), 'stx-vm-'));
    try {
      await driver.ensureNetwork(network(A, 51, SUB_A));
      await driver.ensureNetwork(network(B, 52, SUB_B));
      await driver.ensureNetwork(network(X, 53, SUB_X, true));
      for (const v of [VM1, VM2, VM3]) {
        await makeInstance(v.ns, v.portId, v.mac);
        await driver.plugPort(driverPort(v), 'host1');
        await driver.setPortSecurity(security(v, v !== VM1));
      }
      const entries = (vms: Vm[]) => vms.map((v) => ({ portId: v.portId, macAddress: v.mac, ipAddress: v.ip, hostname: `host-${v.ip.replace(/\./g, '-')}`, extraOptions: [] }));
      await driver.setDhcpEntries(A, SUB_A.id, entries([VM1, VM2]));
      await driver.setDhcpEntries(B, SUB_B.id, entries([VM3]));
      await driver.ensureRouter({
        id: ROUTER_ID, adminStateUp: true,
        gateway: { networkId: X, portId: '95000000-0000-4000-8000-000000000009', macAddress: 'fa:16:3e:00:00:09', enableSnat: true, ips: [{ subnetId: SUB_X.id, ipAddress: '203.0.113.10', cidr: SUB_X.cidr, gatewayIp: '203.0.113.1' }] },
        interfaces: [
          { portId: '91000000-0000-4000-8000-000000000001', subnetId: SUB_A.id, cidr: SUB_A.cidr, ipAddress: '10.51.0.1', macAddress: 'fa:16:3e:00:01:01', networkId: A },
          { portId: '92000000-0000-4000-8000-000000000002', subnetId: SUB_B.id, cidr: SUB_B.cidr, ipAddress: '10.52.0.1', macAddress: 'fa:16:3e:00:01:02', networkId: B },
        ],
        routes: [],
      });

      await t.test('DHCP through the security group: address, router, DNS, MTU, metadata route', async () => {
        for (const v of [VM1, VM2, VM3]) {
          const lease = await dhcpClient(v, work);
          assert.equal(lease.ip, v.ip);
          assert.equal(lease.mask, '24');
          assert.equal(lease.dns?.trim(), '10.255.255.53');
          assert.equal(lease.mtu, '1450');
          const gw = v.networkId === A ? '10.51.0.1' : '10.52.0.1';
          const dhcpIp = v.networkId === A ? '10.51.0.254' : '10.52.0.254';
          assert.equal(lease.staticroutes, `169.254.169.254/32 ${dhcpIp} 0.0.0.0/0 ${gw}`);
        }
      });

      await t.test('same network and across the router', async () => {
        assert.ok(await pings(VM1.ns, VM2.ip), 'vm1 -> vm2');
        assert.ok(await pings(VM1.ns, VM3.ip), 'vm1 -> vm3 via the router');
        assert.ok(await pings(VM3.ns, VM2.ip), 'vm3 -> vm2 via the router');
        const conntrack = await readFile('/proc/net/nf_conntrack', 'utf8');
        const zoneOf = (net: string) => new RegExp(`src=${VM3.ip.replace(/\./g, '\\.')} dst=${VM2.ip.replace(/\./g, '\\.')} .*zone=${conntrackZone(net)}\\b`);
        assert.match(conntrack, zoneOf(B), 'the flow on network B in B\'s conntrack zone');
        assert.match(conntrack, zoneOf(A), 'and on network A in A\'s');
      });

      await t.test('a security group without ICMP drops the ping; an ICMP ingress rule lets it through', async () => {
        assert.equal(await pings(VM2.ns, VM1.ip), false, 'vm1 has no ICMP ingress rule');
        await driver.setPortSecurity(security(VM1, true));
        assert.ok(await pings(VM2.ns, VM1.ip), 'after adding ICMP ingress');
      });

      await t.test('an established flow stops when the rule that admitted it goes: its conntrack entries are deleted', { skip: existsSync('/usr/sbin/conntrack') ? false : 'conntrack (conntrack-tools) is not installed' }, async () => {
        // One ping process: one ICMP flow, ESTABLISHED after its first reply, which the port's
        // chain accepts without looking at the rules.
        const ping = spawn('ip', ['netns', 'exec', VM2.ns, 'ping', '-n', '-i', '0.2', '-w', '8', VM1.ip], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        ping.stdout.on('data', (d) => { out += d; });
        const exited = new Promise((r) => ping.on('exit', r));
        const replies = () => (out.match(/bytes from/g) ?? []).length;
        try {
          assert.ok(await waitUntil(async () => { await new Promise((r) => setTimeout(r, 100)); return replies() >= 3; }, 5000), `the ping is answered: ${out}`);
          await driver.setPortSecurity(security(VM1, false));
          await new Promise((r) => setTimeout(r, 1000));
          const afterRemoval = replies();
          await new Promise((r) => setTimeout(r, 2000));
          assert.equal(replies(), afterRemoval, `no reply once the ICMP rule is gone (the flow's entry deleted): ${out}`);
        } finally { ping.kill(); await exited; }
        await driver.setPortSecurity(security(VM1, true));
      });

      await t.test('port security removed (or disabled) means no filtering; removing twice succeeds', async () => {
        await driver.setPortSecurity(security(VM1, false));
        assert.equal(await pings(VM2.ns, VM1.ip), false);
        await driver.removePortSecurity(VM1.portId);
        await driver.removePortSecurity(VM1.portId);
        assert.ok(await pings(VM2.ns, VM1.ip), 'no rules, no filtering');
        await driver.setPortSecurity(security(VM1, false));
        assert.equal(await pings(VM2.ns, VM1.ip), false);
        await driver.setPortSecurity({ ...security(VM1, false), enabled: false });
        assert.ok(await pings(VM2.ns, VM1.ip), 'port security disabled');
        await driver.setPortSecurity(security(VM1, true));
      });

      await t.test('anti-spoofing drops traffic from an address the port does not own', async () => {
        await inNs(VM2.ns, ['ip', 'addr', 'add', '10.51.0.77/24', 'dev', 'eth0']);
        assert.equal(await pings(VM2.ns, VM1.ip, '10.51.0.77'), false);
        assert.ok(await pings(VM2.ns, VM1.ip, VM2.ip));
      });

      await t.test('a port with admin state down passes nothing until it is up again', async () => {
        await driver.plugPort({ ...driverPort(VM2), adminStateUp: false }, 'host1');
        assert.equal(await pings(VM1.ns, VM2.ip), false);
        await driver.plugPort(driverPort(VM2), 'host1');
        assert.ok(await waitUntil(() => pings(VM1.ns, VM2.ip)));
      });

      await t.test('a floating IP is reachable from the external network; SNAT for the others', async () => {
        await makeInstance(EXT_NS, EXT_PORT, 'fa:16:3e:00:00:0e');
        await driver.plugPort(driverPort({ portId: EXT_PORT, networkId: X, mac: 'fa:16:3e:00:00:0e', ip: '203.0.113.1', subnetId: SUB_X.id }), 'host1');
        await inNs(EXT_NS, ['ip', 'addr', 'add', '203.0.113.1/24', 'dev', 'eth0']);
        await driver.setFloatingIps(ROUTER_ID, [{ floatingIp: '203.0.113.20', fixedIp: VM1.ip, portId: VM1.portId }]);
        assert.ok(await pings(EXT_NS, '203.0.113.20'), 'ext -> floating IP of vm1');
        // NOTE: the external namespace has no route to 10.52.0.0/24: a reply proves the source was the gateway IP.
        assert.ok(await pings(VM3.ns, '203.0.113.1'), 'vm3 -> ext through SNAT');
        assert.equal(await pings(EXT_NS, VM3.ip), false);
        assert.deepEqual((await driver.observe()).floatingIps, { [ROUTER_ID]: ['203.0.113.20'] });
      });

      await t.test('a router taken off its L3 agent (deleteRouter) is gone: no namespace, no floating IP; rebuilt as the service rebuilds it, the floating IP answers again', async () => {
        const router = JSON.parse(await readFile(join(stateDir, 'routers', `${ROUTER_ID}.json`), 'utf8')).router;
        const fips = [{ floatingIp: '203.0.113.20', fixedIp: VM1.ip, portId: VM1.portId }];
        await driver.deleteRouter(ROUTER_ID);
        assert.equal((await run('ip', ['netns', 'list'])).includes(`qrouter-${ROUTER_ID}`), false, 'the namespace is gone');
        assert.deepEqual((await driver.observe()).routers, []);
        assert.equal(await pings(EXT_NS, '203.0.113.20'), false, 'no floating IP without the router');
        assert.equal(await pings(VM1.ns, VM3.ip), false, 'no routing between the networks either');
        // NOTE: the service's order when an L3 agent is given the router again: the router, then its floating IPs.
        await driver.ensureRouter(router);
        await driver.setFloatingIps(ROUTER_ID, fips);
        assert.deepEqual((await driver.observe()).floatingIps, { [ROUTER_ID]: ['203.0.113.20'] });
        assert.ok(await waitUntil(() => pings(EXT_NS, '203.0.113.20'), 5000), 'ext -> floating IP of vm1 again');
        assert.ok(await pings(VM1.ns, VM3.ip), 'vm1 -> vm3 via the router again');
      });

      await t.test('a subnet\'s new DNS servers: the opts file is rewritten, dnsmasq reloads (same process), and a running udhcpc told to renew (SIGUSR1) gets them', async () => {
        const events = join(work, 'vm2.events');
        const script = join(work, 'renew.sh');
        await writeFile(script, `#!/bin/sh\ncase "$1" in bound|renew) echo "$1 $dns" >> ${events} ;; esac\nexit 0\n`, { mode: 0o755 });
        const pidFile = join(work, 'udhcpc.eth0.pid');
        // NOTE: udhcpc as CirrOS runs it: a daemon with a pid file, whose hook rewrites resolv.conf on every lease.
        const client = spawn('ip', ['netns', 'exec', VM2.ns, 'udhcpc', '-f', '-i', 'eth0', '-p', pidFile, '-s', script, '-t', '5', '-T', '1'], { stdio: 'ignore' });
        const seenEvent = (what: string) => waitUntil(async () => (await readFile(events, 'utf8').catch(() => '')).includes(what), 10_000);
        try {
          assert.ok(await seenEvent('bound 10.255.255.53'), 'the first lease names the first DNS server');
          const before = await dnsmasqPid(stateDir, A);
          await driver.ensureNetwork(network(A, 51, { ...SUB_A, dnsNameservers: ['9.8.7.6', '9.8.7.7'] }));
          assert.match(await readFile(join(stateDir, 'networks', A, 'opts'), 'utf8'), new RegExp(`^tag:subnet-${SUB_A.id},option:dns-server,9\\.8\\.7\\.6,9\\.8\\.7\\.7$`, 'm'));
          assert.equal(await dnsmasqPid(stateDir, A), before, 'reloaded, not restarted');
          process.kill(Number((await readFile(pidFile, 'utf8')).trim()), 'SIGUSR1');
          assert.ok(await seenEvent('renew 9.8.7.6 9.8.7.7'), 'the renewal brings the new DNS servers');
        } finally {
          client.kill();
          await new Promise((r) => (client.exitCode !== null ? r(undefined) : client.once('exit', r)));
          await driver.ensureNetwork(network(A, 51, SUB_A));
        }
      });

      await t.test('the metadata address answers through the proxy with who asked, whatever the instance claims', async () => {
        const forged = ['-H', 'X-Metadata-Secret: forged', '-H', 'X-Neutron-Network-ID: other', '-H', 'X-Forwarded-For: 10.0.0.1'];
        const body = await inNs(VM1.ns, ['curl', '-sf', '-m', '5', ...forged, 'http://169.254.169.254/openstack/latest/meta_data.json']);
        assert.equal(body, '{"uuid":"vm1"}');
        const req = seen.at(-1)!;
        assert.equal(req.url, '/metadata/openstack/latest/meta_data.json');
        assert.equal(req.headers['x-forwarded-for'], VM1.ip);
        assert.equal(req.headers['x-neutron-network-id'], A);
        assert.equal(req.headers['x-metadata-secret'], 's3cret');
      });
    } finally {
      for (const ns of [VM1.ns, VM2.ns, VM3.ns, EXT_NS]) await run('ip', ['netns', 'delete', ns]).catch(() => {});
      await rm(work, { recursive: true, force: true });
      upstream.closeAllConnections();
      await new Promise<void>((r) => upstream.close(() => r()));
      await cleanup();
    }
    const links = await run('ip', ['-br', 'link']);
    const namespaces = await run('ip', ['netns', 'list']);
    const processes = await run('ps', ['-eo', 'args']);
    for (const id of [A, B, X, VM1.portId, VM2.portId, VM3.portId, EXT_PORT, '91000000-00', '92000000-00', '95000000-00']) {
      assert.ok(!links.includes(id.slice(0, 11)), `a link of ${id} is left`);
      assert.ok(!namespaces.includes(id.slice(0, 11)), `a namespace of ${id} is left`);
    }
    assert.ok(!namespaces.includes(`stx-${process.pid}`), 'a test namespace is left');
    assert.ok(!processes.includes(stateDir), 'a dnsmasq or metadata proxy of ours still runs');
    assert.equal((await run('nft', ['list', 'tables'])).includes(`stratus-sg-t${process.pid}`), false, 'security group tables left');
  });
}

if (!skipReason) {
  test('linux network driver: after a restart, reconcile rebuilds DHCP from the state and removes what it does not name; new entries reload dnsmasq', async () => {
    const first = await makeDriver();
    const work = await mkdtemp(join(tmpdir(), 'stx-vm-'));
    const VM4 = vm('vm4', 4, A, SUB_A.id, '10.51.0.14');
    const VM5 = vm('vm5', 5, A, SUB_A.id, '10.51.0.15');
    const entry = (v: Vm) => ({ portId: v.portId, macAddress: v.mac, ipAddress: v.ip, hostname: `host-${v.name}`, extraOptions: [{ name: 'ntp-server', value: '10.51.0.123', ipVersion: 4 }] });
    const second = new LinuxNetworkDriver({ stateDir: first.stateDir, scope: first.driver.scope });
    try {
      await first.driver.ensureNetwork(network(A, 61, SUB_A));
      await first.driver.ensureNetwork(network(B, 62, SUB_B));
      for (const v of [VM1, VM4, VM5]) await makeInstance(v.ns, v.portId, v.mac);
      await first.driver.plugPort(driverPort(VM1), 'host1');
      await first.driver.setDhcpEntries(A, SUB_A.id, [entry(VM1)]);
      await first.driver.close();
      // NOTE: a crashed host: dnsmasq gone (stopped by the pid in the driver's own pid file).
      const pidFile = join(first.stateDir, 'networks', A, 'dnsmasq.pid');
      process.kill(Number(await readFile(pidFile, 'utf8')), 'SIGKILL');

      // A port on a network the state lacks fails alone; the rest is rebuilt all the same.
      const stray = driverPort({ ...VM5, portId: 'dead0000-0000-4000-8000-000000000000', networkId: 'dead1111-0000-4000-8000-000000000000' });
      await assert.rejects(second.reconcile({
        networks: [network(A, 61, SUB_A)], routers: [], floatingIps: {}, portSecurity: [], groupMembers: {}, metering: {},
        ports: [{ port: driverPort(VM1), host: 'host1' }, { port: driverPort(VM4), host: 'host1' }, { port: stray, host: 'host1' }],
        dhcp: { [`${A}/${SUB_A.id}`]: [entry(VM1), entry(VM4)] },
      }), /reconcile: port dead0000.*not on this host/);
      assert.deepEqual(await second.observe(), { networks: [A], ports: [VM1.portId, VM4.portId].sort(), routers: [], floatingIps: {}, groupMembers: {} });
      const lease = await dhcpClient(VM4, work);
      assert.equal(lease.ip, VM4.ip);
      assert.equal(lease.ntpsrv, '10.51.0.123');

      // NOTE: without extra options the hosts file has no tags and dnsmasq reloads by SIGHUP (see dhcp.ts).
      const plain = (v: Vm) => ({ ...entry(v), extraOptions: [] });
      await second.setDhcpEntries(A, SUB_A.id, [plain(VM1), plain(VM4)]);
      const pid = await readFile(pidFile, 'utf8');
      await second.plugPort(driverPort(VM5), 'host1');
      await second.setDhcpEntries(A, SUB_A.id, [plain(VM1), plain(VM4), plain(VM5)]);
      assert.equal((await dhcpClient(VM5, work)).ip, VM5.ip);
      assert.equal(await readFile(pidFile, 'utf8'), pid, 'reloaded by SIGHUP, not restarted');
    } finally {
      for (const v of [VM1, VM4, VM5]) await run('ip', ['netns', 'delete', v.ns]).catch(() => {});
      await rm(work, { recursive: true, force: true });
      try {
        await second.destroyAll();
      } finally {
        await second.close();
        await first.cleanup();
      }
    }
    const links = await run('ip', ['-br', 'link']);
    for (const id of [A, B, VM1.portId, VM4.portId, VM5.portId]) assert.ok(!links.includes(id.slice(0, 11)), `a link of ${id} is left`);
    assert.ok(!(await run('ip', ['netns', 'list'])).includes(`stx-${process.pid}`));
  });

  test('linux network driver: incremental updates: a port\'s DHCP host line and its member set element appear, then go; the others stay', async () => {
    const { driver, stateDir, cleanup } = await makeDriver();
    const G = '5f000000-0000-4000-8000-00000000005f';
    const none = { ipv4: [], ipv6: [] };
    const entry = (v: Vm) => ({ portId: v.portId, macAddress: v.mac, ipAddress: v.ip, hostname: `host-${v.name}`, extraOptions: [] });
    const hosts = () => readFile(join(stateDir, 'networks', A, 'hosts'), 'utf8');
    const pid = () => readFile(join(stateDir, 'networks', A, 'dnsmasq.pid'), 'utf8');
    try {
      await driver.ensureNetwork(network(A, 71, SUB_A));
      await driver.setDhcpEntries(A, SUB_A.id, [entry(VM1)]);
      await driver.setSecurityGroupMembers(G, { ipv4: [VM1.ip], ipv6: [] });
      const started = await pid();
      // VM2's port created.
      await driver.updateDhcpEntries(A, SUB_A.id, { upsert: [entry(VM2)], remove: [] });
      await driver.updateSecurityGroupMembers(G, { add: { ipv4: [VM2.ip], ipv6: [] }, remove: none });
      assert.equal(await hosts(), `${VM1.mac},${VM1.ip},host-vm1\n${VM2.mac},${VM2.ip},host-vm2\n`);
      assert.deepEqual((await driver.observe()).groupMembers, { [G]: { ipv4: [VM1.ip, VM2.ip].sort(), ipv6: [] } });
      // And deleted.
      await driver.updateDhcpEntries(A, SUB_A.id, { upsert: [], remove: [VM2.portId] });
      await driver.updateSecurityGroupMembers(G, { add: none, remove: { ipv4: [VM2.ip], ipv6: [] } });
      assert.equal(await hosts(), `${VM1.mac},${VM1.ip},host-vm1\n`);
      assert.deepEqual((await driver.observe()).groupMembers, { [G]: { ipv4: [VM1.ip], ipv6: [] } });
      assert.equal(await pid(), started, 'dnsmasq reloaded, not restarted');
    } finally {
      await cleanup();
    }
    assert.equal((await run('nft', ['list', 'tables'])).includes(`stratus-sg-t${process.pid}`), false, 'security group tables left');
  });

  test('linux network driver: a SLAAC subnet beside IPv4: router advertisements from dnsmasq give the instance its EUI-64 address', async () => {
    const { driver, cleanup } = await makeDriver();
    const work = await mkdtemp(join(tmpdir(), 'stx-vm-'));
    try {
      const v6 = { ...subnet('56000000-0000-4000-8000-000000000006', 'fd00:51::/64', 'fd00:51::1', true), ipVersion: 6 as const, ipv6AddressMode: 'slaac', ipv6RaMode: 'slaac' };
      await driver.ensureNetwork({ ...network(A, 71, SUB_A), subnets: [SUB_A, v6] });
      await makeInstance(VM1.ns, VM1.portId, VM1.mac);
      await driver.plugPort(driverPort(VM1), 'host1');
      // fa:16:3e:00:00:01 as EUI-64 (the universal/local bit flipped, ff:fe in the middle).
      const slaac = 'fd00:51::f816:3eff:fe00:1';
      const sec = security(VM1, true);
      const egress6 = { ...sec.rules[0]!, ethertype: 'IPv6' as const };
      await driver.setPortSecurity({ ...sec, ips: [VM1.ip, slaac], rules: [...sec.rules, egress6] });
      await driver.setDhcpEntries(A, SUB_A.id, [{ portId: VM1.portId, macAddress: VM1.mac, ipAddress: VM1.ip, hostname: 'h', extraOptions: [] }]);
      await driver.setDhcpEntries(A, v6.id, [{ portId: VM1.portId, macAddress: VM1.mac, ipAddress: slaac, hostname: 'h', extraOptions: [] }]);
      await run('ip', ['-n', VM1.ns, 'link', 'set', 'eth0', 'down']);
      await run('ip', ['-n', VM1.ns, 'link', 'set', 'eth0', 'up']); // sends a router solicitation
      let addresses = '';
      for (let i = 0; i < 60 && !addresses.includes(slaac); i++) {
        await new Promise((r) => setTimeout(r, 100));
        addresses = await run('ip', ['-n', VM1.ns, '-6', 'addr', 'show', 'dev', 'eth0']);
      }
      assert.ok(addresses.includes(`${slaac}/64`), `no SLAAC address in:\n${addresses}`);
      assert.equal((await dhcpClient(VM1, work)).ip, VM1.ip, 'IPv4 DHCP still served');
      assert.deepEqual((await driver.observe()).networks, [A]);
    } finally {
      await run('ip', ['netns', 'delete', VM1.ns]).catch(() => {});
      await rm(work, { recursive: true, force: true });
      await cleanup();
    }
  });

  test('linux network driver: an operator-named uplink joins the external bridge and is only released, never deleted', async () => {
    const uplink = `stx${process.pid}up`.slice(0, 15);
    // NOTE: a veth pair stands in for a NIC (this kernel has no dummy driver).
    await run('ip', ['link', 'add', uplink, 'type', 'veth', 'peer', 'name', `stx${process.pid}uq`.slice(0, 15)]);
    const { driver, cleanup } = await makeDriver({ externalInterface: uplink });
    try {
      await driver.ensureNetwork(network(X, 81, SUB_X, true));
      await driver.ensureNetwork(network(A, 82, SUB_A));
      const master = async () => (JSON.parse(await run('ip', ['-j', 'link', 'show', 'dev', uplink])) as { master?: string }[])[0]?.master;
      assert.equal(await master(), `brq${X.slice(0, 11)}`);
      await driver.deleteNetwork(X);
      assert.equal(await master(), undefined);
      assert.ok((await run('ip', ['-br', 'link'])).includes(uplink), 'the uplink itself stays');
    } finally {
      await run('ip', ['link', 'del', uplink]).catch(() => {});
      await cleanup();
    }
  });
}

if (!skipReason) {
  test('linux network driver: a remote-group ICMP rule admits exactly the group\'s members, following setSecurityGroupMembers', async () => {
    const { driver, cleanup } = await makeDriver();
    const GROUP = '5c000000-0000-4000-8000-00000000000c';
    const sub = subnet(SUB_A.id, SUB_A.cidr, SUB_A.gatewayIp, false);
    const groupRules = (v: Vm) => ({
      portId: v.portId, enabled: true, macAddress: v.mac, ips: [v.ip], allowedAddressPairs: [],
      rules: [
        { direction: 'egress' as const, ethertype: 'IPv4' as const, protocol: null, portRangeMin: null, portRangeMax: null, remotePrefixes: null, remoteGroupId: null },
        { direction: 'ingress' as const, ethertype: 'IPv4' as const, protocol: 'icmp', portRangeMin: null, portRangeMax: null, remotePrefixes: null, remoteGroupId: GROUP },
      ],
    });
    try {
      await driver.ensureNetwork(network(A, 91, sub));
      for (const v of [VM1, VM2]) {
        await makeInstance(v.ns, v.portId, v.mac);
        await inNs(v.ns, ['ip', 'addr', 'add', `${v.ip}/24`, 'dev', 'eth0']);
        await driver.plugPort(driverPort(v), 'host1');
        // NOTE: the rules before any member: the group's sets are made empty on demand.
        await driver.setPortSecurity(groupRules(v));
      }
      assert.equal(await pings(VM1.ns, VM2.ip), false, 'no members yet');
      await driver.setSecurityGroupMembers(GROUP, { ipv4: [VM1.ip, VM2.ip], ipv6: [] });
      assert.ok(await pings(VM1.ns, VM2.ip), 'vm1 -> vm2 while both are members');
      assert.ok(await pings(VM2.ns, VM1.ip), 'vm2 -> vm1 while both are members');
      assert.deepEqual((await driver.observe()).groupMembers, { [GROUP]: { ipv4: [VM1.ip, VM2.ip].sort(), ipv6: [] } });
      await driver.setSecurityGroupMembers(GROUP, { ipv4: [VM2.ip], ipv6: [] });
      assert.equal(await pings(VM1.ns, VM2.ip), false, 'vm1 left the group: its ping is dropped');
      assert.ok(await pings(VM2.ns, VM1.ip), 'vm2 is still a member');
      // Emptied while rules name it: the set stays (empty), the rules still load.
      await driver.setSecurityGroupMembers(GROUP, { ipv4: [], ipv6: [] });
      assert.equal(await pings(VM2.ns, VM1.ip), false);
      await driver.setPortSecurity(groupRules(VM1));
      await driver.setSecurityGroupMembers(GROUP, { ipv4: [VM1.ip], ipv6: [] });
      assert.ok(await pings(VM1.ns, VM2.ip), 'back in the group');
    } finally {
      for (const v of [VM1, VM2]) await run('ip', ['netns', 'delete', v.ns]).catch(() => {});
      await cleanup();
    }
    assert.equal((await run('nft', ['list', 'tables'])).includes(`stratus-sg-t${process.pid}`), false, 'security group tables left');
    assert.ok(!(await run('ip', ['netns', 'list'])).includes(`stx-${process.pid}`), 'a test namespace is left');
  });
}

// ---- hairpin NAT and router advertisements (the router as Neutron's L3 agent runs it) ----

/** A namespace on the network with a static address and its default route via the router, as a guest after DHCP. */
async function makeStaticInstance(v: Vm, gateway: string): Promise<void> {
  await makeInstance(v.ns, v.portId, v.mac);
  await inNs(v.ns, ['ip', 'addr', 'add', `${v.ip}/24`, 'dev', 'eth0']);
  await inNs(v.ns, ['ip', 'route', 'add', 'default', 'via', gateway]);
}

/** An HTTP server in the namespace on port 22 (the rules admit it) answering with the peer's address; stopped by its PID. */
async function peerAddressServer(ns: string): Promise<{ stop(): Promise<void> }> {
  const code = "require('http').createServer((q,s)=>s.end(q.socket.remoteAddress)).listen(22,'0.0.0.0',()=>console.log('listening'))";
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.on('exit', r));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => { if (String(d).includes('listening')) resolve(); });
    child.on('exit', () => reject(new Error('the peer address server exited')));
  });
  return { async stop() { child.kill(); await exited; } };
}

if (!skipReason) {
  test('linux network driver: hairpin NAT: an instance reaches another\'s floating IP from inside the network, and the peer sees the router\'s or the sender\'s floating IP', async () => {
    const { driver, cleanup } = await makeDriver();
    const sub = subnet(SUB_A.id, SUB_A.cidr, SUB_A.gatewayIp, false);
    const ext = subnet(SUB_X.id, SUB_X.cidr, SUB_X.gatewayIp, false);
    const router = {
      id: ROUTER_ID, adminStateUp: true, routes: [],
      gateway: { networkId: X, portId: '95000000-0000-4000-8000-000000000009', macAddress: 'fa:16:3e:00:00:09', enableSnat: true, ips: [{ subnetId: SUB_X.id, ipAddress: '203.0.113.10', cidr: SUB_X.cidr, gatewayIp: '203.0.113.1' }] },
      interfaces: [{ portId: '91000000-0000-4000-8000-000000000001', subnetId: SUB_A.id, cidr: SUB_A.cidr, ipAddress: '10.51.0.1', macAddress: 'fa:16:3e:00:01:01', networkId: A }],
    };
    let server: { stop(): Promise<void> } | undefined;
    try {
      await driver.ensureNetwork(network(A, 101, sub));
      await driver.ensureNetwork(network(X, 102, ext, true));
      for (const v of [VM1, VM2]) {
        await makeStaticInstance(v, '10.51.0.1');
        await driver.plugPort(driverPort(v), 'host1');
        await driver.setPortSecurity(security(v, true));
      }
      await driver.ensureRouter(router);
      const FIP2 = '203.0.113.21';
      await driver.setFloatingIps(ROUTER_ID, [{ floatingIp: FIP2, fixedIp: VM2.ip, portId: VM2.portId }]);
      server = await peerAddressServer(VM2.ns);
      const ask = () => inNs(VM1.ns, ['curl', '-sf', '-m', '5', `http://${FIP2}:22/`]);

      assert.equal(await ask(), '203.0.113.10', 'vm1 (no floating IP) -> vm2\'s floating IP: vm2 sees the router\'s gateway address');
      assert.ok(await pings(VM1.ns, FIP2), 'ping to the floating IP from inside the network');
      assert.ok(await pings(VM2.ns, FIP2), 'an instance reaches its own floating IP');
      assert.ok(await pings(`qrouter-${ROUTER_ID}`, FIP2), 'the router itself reaches the floating IP');

      await driver.setFloatingIps(ROUTER_ID, [{ floatingIp: '203.0.113.20', fixedIp: VM1.ip, portId: VM1.portId }, { floatingIp: FIP2, fixedIp: VM2.ip, portId: VM2.portId }]);
      assert.equal(await ask(), '203.0.113.20', 'with a floating IP of its own, vm1 is seen as its floating IP');

      await driver.setFloatingIps(ROUTER_ID, [{ floatingIp: '203.0.113.20', fixedIp: VM1.ip, portId: VM1.portId }]);
      await assert.rejects(ask(), 'the floating IP disassociated: nothing answers on it');
    } finally {
      await server?.stop();
      for (const v of [VM1, VM2]) await run('ip', ['netns', 'delete', v.ns]).catch(() => {});
      await cleanup();
    }
    assert.ok(!(await run('ip', ['netns', 'list'])).includes(ROUTER_ID), 'the router namespace is left');
    assert.ok(!(await run('ip', ['netns', 'list'])).includes(`stx-${process.pid}`), 'a test namespace is left');
  });

  test('linux network driver: router advertisements: radvd in the router namespace gives a SLAAC instance the port\'s EUI-64 address and a default route via the router', { skip: existsSync('/usr/sbin/radvd') ? false : 'radvd is not installed (see .ci/run)' }, async () => {
    const { driver, stateDir, cleanup } = await makeDriver();
    // NOTE: no DHCP on either subnet: no dnsmasq sends RAs, whatever the instance gets comes from radvd.
    const v4 = subnet(SUB_A.id, SUB_A.cidr, SUB_A.gatewayIp, false);
    const v6 = { ...subnet('56000000-0000-4000-8000-000000000006', 'fd00:51::/64', 'fd00:51::1', false), ipVersion: 6 as const, ipv6AddressMode: 'slaac', ipv6RaMode: 'slaac' };
    const v6b = { ...subnet('57000000-0000-4000-8000-000000000007', 'fd00:52::/64', 'fd00:52::1', false), ipVersion: 6 as const, ipv6AddressMode: 'dhcpv6-stateful', ipv6RaMode: 'dhcpv6-stateful' };
    const qr = { portId: '91000000-0000-4000-8000-000000000001', macAddress: 'fa:16:3e:00:01:01', networkId: A };
    const qrB = { portId: '92000000-0000-4000-8000-000000000002', macAddress: 'fa:16:3e:00:01:02', networkId: B };
    const router = {
      id: ROUTER_ID, adminStateUp: true, routes: [], gateway: null,
      interfaces: [
        { ...qr, subnetId: v4.id, cidr: v4.cidr, ipAddress: '10.51.0.1' },
        { ...qr, subnetId: v6.id, cidr: v6.cidr, ipAddress: 'fd00:51::1', ipv6RaMode: 'slaac', mtu: 1450, dnsNameservers: [] },
      ],
    };
    // fa:16:3e:00:00:01 as EUI-64, as the service computes the port's address (and the kernel forms it).
    const slaac = 'fd00:51::f816:3eff:fe00:1';
    const pidFile = join(stateDir, 'routers', `${ROUTER_ID}.radvd.pid`);
    const radvdPid = async () => Number(await readFile(pidFile, 'utf8').catch(() => '0'));
    // NOTE: a stopped daemon may linger as a zombie until init reaps it; its command line is empty.
    const runs = async (pid: number) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(pidFile);
    try {
      await driver.ensureNetwork({ ...network(A, 111, v4), subnets: [v4, v6] });
      await driver.ensureNetwork({ ...network(B, 112, subnet(SUB_B.id, SUB_B.cidr, SUB_B.gatewayIp, false)), subnets: [v6b] });
      await makeInstance(VM1.ns, VM1.portId, VM1.mac);
      await run('ip', ['-n', VM1.ns, 'link', 'set', 'eth0', 'down']);
      await driver.plugPort({ ...driverPort(VM1), fixedIps: [{ subnetId: v4.id, ipAddress: VM1.ip }, { subnetId: v6.id, ipAddress: slaac }] }, 'host1');
      const sec = security(VM1, true);
      const egress6 = { ...sec.rules[0]!, ethertype: 'IPv6' as const };
      await driver.setPortSecurity({ ...sec, ips: [VM1.ip, slaac], rules: [...sec.rules, egress6] });
      await driver.ensureRouter(router);
      const pid = await radvdPid();
      assert.ok(pid > 0 && (await runs(pid)), 'radvd runs');
      assert.equal((await inNs(`qrouter-${ROUTER_ID}`, ['sysctl', '-n', 'net.ipv6.conf.all.forwarding'])).trim(), '1', 'IPv6 forwarding in the router');

      await run('ip', ['-n', VM1.ns, 'link', 'set', 'eth0', 'up']); // sends a router solicitation
      const defaultRoute = () => inNs(VM1.ns, ['ip', '-6', 'route', 'show', 'default']);
      let addresses = '';
      assert.ok(await waitUntil(async () => {
        await new Promise((r) => setTimeout(r, 200));
        addresses = await inNs(VM1.ns, ['ip', '-6', 'addr', 'show', 'dev', 'eth0']);
        return addresses.includes(`${slaac}/64`) && (await defaultRoute()).includes('via fe80::');
      }, 20_000), `no SLAAC address or default route from the router's RA:\n${addresses}\n${await defaultRoute()}`);
      assert.match(await defaultRoute(), /^default via fe80::f816:3eff:fe00:101 dev eth0 proto ra /, 'the default route is via the router\'s link-local address');
      assert.equal((await inNs(VM1.ns, ['sysctl', '-n', 'net.ipv6.conf.eth0.mtu'])).trim(), '1450', 'the MTU from the RA');
      assert.ok(await waitUntil(async () => inNs(VM1.ns, ['ping', '-6', '-c', '1', '-W', '1', 'fd00:51::1']).then(() => true, () => false), 5000), 'the router answers on the subnet\'s gateway address');

      // An interface added: radvd restarted with it; removed entirely: radvd stopped.
      await driver.ensureRouter({ ...router, interfaces: [...router.interfaces, { ...qrB, subnetId: v6b.id, cidr: v6b.cidr, ipAddress: 'fd00:52::1', ipv6RaMode: 'dhcpv6-stateful', mtu: 1450, dnsNameservers: [] }] });
      const conf = await readFile(join(stateDir, 'routers', `${ROUTER_ID}.radvd.conf`), 'utf8');
      assert.match(conf, /interface qr-92000000-00\n\{[^}]*AdvManagedFlag on;[^]*prefix fd00:52::\/64\n   \{\n        AdvOnLink on;\n        AdvAutonomous off;/);
      const restarted = await radvdPid();
      assert.ok(restarted !== pid && (await runs(restarted)) && !(await runs(pid)), 'restarted with the new interface');
      await driver.ensureRouter({ ...router, interfaces: [router.interfaces[0]!] });
      assert.equal(await radvdPid(), 0, 'no IPv6 subnet to advertise: radvd stopped');
      assert.equal(await runs(restarted), false);
      await driver.ensureRouter(router);
      const last = await radvdPid();
      assert.ok(await runs(last), 'started again');
      await driver.deleteRouter(ROUTER_ID);
      assert.equal(await radvdPid(), 0, 'radvd stopped with its router');
      assert.equal(await runs(last), false, 'the process is gone');
    } finally {
      await run('ip', ['netns', 'delete', VM1.ns]).catch(() => {});
      await cleanup();
    }
    assert.ok(!(await run('ps', ['-eo', 'args'])).includes(stateDir), 'a radvd of ours still runs');
    assert.ok(!(await run('ip', ['netns', 'list'])).includes(ROUTER_ID), 'the router namespace is left');
  });
}
