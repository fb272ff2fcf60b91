// The Linux network driver's QoS and trunks on this host: bandwidth limits read back with
// `tc -j qdisc show` and `nft -j`, then measured between two namespaces standing in for instances;
// trunks refused (no 802.1Q here). Needs root; everything made is removed in the after hook.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LinuxNetworkDriver } from '../../src/drivers/network/linux/linux-network.js';
import { NetworkDriverError } from '../../src/drivers/network/network-driver.js';

const BINARIES = ['/usr/sbin/ip', '/usr/sbin/nft', '/usr/sbin/tc', '/usr/bin/nc'];
const missing = BINARIES.filter((b) => !existsSync(b) && !existsSync(b.replace('/usr', '')));
const skipReason = process.getuid?.() !== 0 ? 'needs root (creates bridges and namespaces)'
  : missing.length ? `missing ${missing.join(', ')}` : undefined;

const run = (file: string, args: string[], timeout = 20_000) =>
  new Promise<string>((resolve, reject) => {
    execFile(file, args, { timeout, encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });

const NET = 'a7100000-0000-4000-8000-00000000000a';
const SUBNET = { id: '7a000000-0000-4000-8000-00000000000a', cidr: '10.71.0.0/24', ipVersion: 4 as const, gatewayIp: null, enableDhcp: false, dnsNameservers: [], hostRoutes: [], ipv6AddressMode: null, ipv6RaMode: null };
const vm = (n: number) => ({
  ns: `stxq${process.pid}-${n}`, portId: `7${n}000000-0000-4000-8000-00000000000${n}`, mac: `fa:16:3e:71:00:0${n}`, ip: `10.71.0.${10 + n}`,
});
const VM1 = vm(1);
const VM2 = vm(2);
const tap = (portId: string) => `tap${portId.slice(0, 11)}`;
const driverPort = (v: typeof VM1) => ({
  id: v.portId, networkId: NET, macAddress: v.mac, fixedIps: [{ subnetId: SUBNET.id, ipAddress: v.ip }], deviceOwner: 'compute:nova', deviceId: 'vm', adminStateUp: true, mtu: 1450,
});

async function rootQdisc(dev: string): Promise<{ kind: string; options?: { rate?: number; burst?: number } } | undefined> {
  const all = JSON.parse(await run('tc', ['-j', 'qdisc', 'show', 'dev', dev])) as { kind: string; root?: boolean; options?: { rate?: number; burst?: number } }[];
  return all.find((q) => q.root);
}

async function policer(scope: string, portId: string): Promise<{ rate: number; per: string; rate_unit: string; inv?: boolean } | undefined> {
  const text = await run('nft', ['-j', 'list', 'chain', 'bridge', `stratus-qos-${scope}`, `limit-${portId}`]).catch(() => '');
  if (!text) return undefined;
  const rule = (JSON.parse(text).nftables as any[]).find((x) => x.rule)?.rule;
  return rule?.expr.find((e: any) => e.limit)?.limit;
}

/** Seconds to send `bytes` over TCP from `from` to `to` (nc in the two namespaces). */
async function sendTime(from: typeof VM1, to: typeof VM1, bytes: number): Promise<number> {
  // NOTE: -d: the listener reads no stdin, so it closes when the sender is done.
  const server = run('ip', ['netns', 'exec', to.ns, 'sh', '-c', 'nc -d -l -p 5001 > /dev/null'], 60_000).catch(() => '');
  await new Promise((r) => setTimeout(r, 300));
  const start = Date.now();
  await run('ip', ['netns', 'exec', from.ns, 'sh', '-c', `head -c ${bytes} /dev/zero | nc -N ${to.ip} 5001`], 60_000);
  await server;
  return (Date.now() - start) / 1000;
}

if (skipReason) {
  test('linux network driver: qos and trunks', { skip: skipReason }, () => {});
} else {
  describe('linux network driver: qos and trunks', () => {
    let driver: LinuxNetworkDriver;
    let stateDir: string;
    before(async () => {
      stateDir = await mkdtemp(join(tmpdir(), 'stx-qos-'));
      driver = new LinuxNetworkDriver({ stateDir, scope: `q${process.pid}` });
      await driver.ensureNetwork({ id: NET, mtu: 1450, networkType: 'vxlan', physicalNetwork: null, segmentationId: 7100, external: false, adminStateUp: true, subnets: [SUBNET] });
      for (const v of [VM1, VM2]) {
        await run('ip', ['netns', 'add', v.ns]);
        await run('ip', ['link', 'add', tap(v.portId), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', v.ns]);
        await run('ip', ['-n', v.ns, 'link', 'set', 'eth0', 'address', v.mac, 'mtu', '1450', 'up']);
        await run('ip', ['-n', v.ns, 'addr', 'add', `${v.ip}/24`, 'dev', 'eth0']);
        await driver.plugPort(driverPort(v), 'host1');
      }
    });
    after(async () => {
      try { await driver.destroyAll(); } finally {
        await driver.close();
        // NOTE: the veths explicitly: a deleted namespace takes its end of a pair down only later.
        for (const v of [VM1, VM2]) await run('ip', ['link', 'del', tap(v.portId)]).catch(() => {});
        for (const v of [VM1, VM2]) await run('ip', ['netns', 'del', v.ns]).catch(() => {});
        await rm(stateDir, { recursive: true, force: true });
      }
      const links = await run('ip', ['-br', 'link']);
      assert.ok(!links.includes(tap(VM1.portId)) && !links.includes(tap(VM2.portId)), 'taps left');
      assert.equal(await run('nft', ['list', 'table', 'bridge', `stratus-qos-q${process.pid}`]).catch(() => 'gone'), 'gone', 'qos table left');
    });

    test('limits land as a tbf qdisc (to the instance) and an nftables policer (from it), and go when removed', async () => {
      const dev = tap(VM1.portId);
      await driver.setPortQos({ portId: VM1.portId, ingress: { maxKbps: 8000, maxBurstKbps: 0 }, egress: { maxKbps: 4000, maxBurstKbps: 800 } });
      const q = await rootQdisc(dev);
      assert.equal(q?.kind, 'tbf');
      assert.equal(q?.options?.rate, 8000 * 1000 / 8, 'tbf rate in bytes per second');
      const p = await policer(driver.scope, VM1.portId);
      assert.deepEqual([p?.rate, p?.rate_unit, p?.per, p?.inv], [500, 'kbytes', 'second', true]);
      await driver.setPortQos({ portId: VM1.portId, ingress: { maxKbps: 8000, maxBurstKbps: 0 }, egress: { maxKbps: 4000, maxBurstKbps: 800 } });
      assert.equal((await rootQdisc(dev))?.kind, 'tbf', 'idempotent');

      await driver.setPortQos({ portId: VM1.portId, ingress: null, egress: { maxKbps: 4000, maxBurstKbps: 800 } });
      assert.notEqual((await rootQdisc(dev))?.kind, 'tbf');
      await driver.setPortQos({ portId: VM1.portId, ingress: null, egress: null });
      assert.equal(await policer(driver.scope, VM1.portId), undefined);
      await driver.setPortQos({ portId: VM1.portId, ingress: null, egress: null });
    });

    test('measured: the limits slow traffic from and to the instance; without them it flows freely', async (t) => {
      const bytes = 1_000_000;
      const free = await sendTime(VM1, VM2, bytes);
      assert.ok(free < 1, `unlimited: ${free}s`);
      // 4000 kbit/s = 500 kB/s: a megabyte takes two seconds at the very least. NOTE: the default burst
      // (80% of the rate, as Neutron's) keeps TCP near the rate through a policer; a small one starves it.
      await driver.setPortQos({ portId: VM1.portId, ingress: null, egress: { maxKbps: 4000, maxBurstKbps: 0 } });
      const egress = await sendTime(VM1, VM2, bytes);
      assert.ok(egress > 1.5, `egress limited: ${egress}s`);
      await driver.setPortQos({ portId: VM1.portId, ingress: null, egress: null });
      await driver.setPortQos({ portId: VM2.portId, ingress: { maxKbps: 4000, maxBurstKbps: 400 }, egress: null });
      const ingress = await sendTime(VM1, VM2, bytes);
      assert.ok(ingress > 1.5, `ingress limited: ${ingress}s`);
      await driver.setPortQos({ portId: VM2.portId, ingress: null, egress: null });
      t.diagnostic(`1 MB: ${free}s unlimited, ${egress}s at 4000 kbit/s egress (nft policer), ${ingress}s at 4000 kbit/s ingress (tbf)`);
    });

    test('limits given before the port is plugged apply when it is; unplugging forgets them; reconcile keeps only the named', async () => {
      const dev = tap(VM2.portId);
      await driver.unplugPort(VM2.portId, 'host1');
      await run('ip', ['link', 'add', dev, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', VM2.ns]).catch(() => {});
      await driver.setPortQos({ portId: VM2.portId, ingress: { maxKbps: 1000, maxBurstKbps: 100 }, egress: null });
      await driver.plugPort(driverPort(VM2), 'host1');
      assert.equal((await rootQdisc(dev))?.kind, 'tbf');
      await driver.reconcile({
        networks: [{ id: NET, mtu: 1450, networkType: 'vxlan', physicalNetwork: null, segmentationId: 7100, external: false, adminStateUp: true, subnets: [SUBNET] }],
        routers: [], floatingIps: {}, ports: [VM1, VM2].map((v) => ({ port: driverPort(v), host: 'host1' })), portSecurity: [], dhcp: {}, groupMembers: {}, metering: {},
        portQos: [{ portId: VM1.portId, ingress: null, egress: { maxKbps: 2000, maxBurstKbps: 0 } }],
      });
      assert.notEqual((await rootQdisc(dev))?.kind, 'tbf', 'reconcile removed VM2\'s limits');
      assert.equal((await policer(driver.scope, VM1.portId))?.rate, 250);
    });

    test('trunks: subports cannot be wired without 802.1Q, refused with NetworkDriverError; an empty trunk is fine', async () => {
      await assert.rejects(
        driver.setTrunk({ parentPortId: VM1.portId, subports: [{ portId: VM2.portId, networkId: NET, macAddress: VM2.mac, segmentationType: 'vlan', segmentationId: 100 }] }),
        (e: unknown) => e instanceof NetworkDriverError && /802\.1Q/.test((e as Error).message),
      );
      await driver.setTrunk({ parentPortId: VM1.portId, subports: [] });
    });
  });
}
