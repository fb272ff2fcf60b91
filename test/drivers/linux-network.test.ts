// The Linux network driver on this host: the shared contract read back from the host, then the
// dataplane with namespaces standing in for instances (DHCP, pings, security groups, floating IPs,
// metadata). Needs root and the binaries below; everything made is removed in after hooks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LinuxNetworkDriver } from '../../src/drivers/network/linux/linux-network.js';
import { networkDriverContract } from './network.contract.js';

const BINARIES = ['/usr/sbin/ip', '/usr/sbin/nft', '/usr/sbin/dnsmasq', '/usr/bin/ping', '/usr/sbin/udhcpc'];
const missing = BINARIES.filter((b) => !existsSync(b) && !existsSync(b.replace('/usr', '')));
export const skipReason = process.getuid?.() !== 0 ? 'needs root (creates bridges and namespaces)'
  : missing.length ? `missing ${missing.join(', ')} (see .ci/run)` : undefined;

/** A driver on a fresh state dir, scoped to this test process. */
export async function makeDriver(extra: Partial<ConstructorParameters<typeof LinuxNetworkDriver>[0]> = {}) {
  const stateDir = await mkdtemp(join(tmpdir(), 'stx-net-'));
  const driver = new LinuxNetworkDriver({ stateDir, scope: `t${process.pid}`, ...extra });
  return {
    driver, stateDir,
    async cleanup() {
      await driver.destroyAll();
      await driver.close();
      await rm(stateDir, { recursive: true, force: true });
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
