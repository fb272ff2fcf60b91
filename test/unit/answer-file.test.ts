import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatAnswerFile, parseAnswerFile } from '../../src/answer-file.js';
import { ConfigError, mergeConfig, networkingSettings, seedSettings } from '../../src/config.js';
import { readConfigFile } from '../../src/config-file.js';

// Packstack answer files as the config file: [general]'s CONFIG_* keys onto our settings.

const PATH = '/root/answers.txt';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The seed's Packstack lab: a generated answer file, edited by hand. */
const LAB = `[general]

# Path to a public key to install on servers.
CONFIG_SSH_KEY=/root/.ssh/id_rsa.pub

# Default password to be used everywhere (overridden by passwords set
# for individual services or users).
CONFIG_DEFAULT_PASSWORD=

CONFIG_MARIADB_INSTALL=y
CONFIG_GLANCE_INSTALL=y
CONFIG_CINDER_INSTALL=y
CONFIG_NOVA_INSTALL=y
CONFIG_NEUTRON_INSTALL=y
CONFIG_HORIZON_INSTALL=n
CONFIG_SWIFT_INSTALL=n
CONFIG_CEILOMETER_INSTALL=n
CONFIG_AODH_INSTALL=y
CONFIG_HEAT_INSTALL=y
CONFIG_CLIENT_INSTALL=y
CONFIG_CONTROLLER_HOST=203.0.113.10
CONFIG_COMPUTE_HOSTS=203.0.113.10,203.0.113.11
CONFIG_KEYSTONE_REGION=RegionOne
CONFIG_KEYSTONE_ADMIN_USERNAME=admin
CONFIG_KEYSTONE_ADMIN_PW=abc12
CONFIG_KEYSTONE_ADMIN_EMAIL=root@localhost
CONFIG_CINDER_VOLUMES_SIZE=20G
CONFIG_NOVA_SCHED_CPU_ALLOC_RATIO=16.0
CONFIG_NOVA_SCHED_RAM_ALLOC_RATIO=1.5
CONFIG_NEUTRON_ML2_TYPE_DRIVERS=vxlan,flat
CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES=vxlan
CONFIG_NEUTRON_ML2_FLAT_NETWORKS=*
CONFIG_NEUTRON_ML2_VNI_RANGES=10:100
CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS=extnet:br-ex
CONFIG_NEUTRON_OVS_BRIDGE_IFACES=br-ex:ens33
CONFIG_PROVISION_DEMO=n
CONFIG_PROVISION_DEMO_FLOATRANGE=172.24.4.0/24
`;

/** `stratus <args>` through the real entry point (exit code and stderr as the user sees them). */
const stratus = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts'), ...args], { encoding: 'utf8', cwd: ROOT, env: { PATH: process.env.PATH } });

describe('parseAnswerFile', () => {
  test("the seed's lab file: passwords, host, region, services, networks, demo, capacity", () => {
    const { overrides, warnings } = parseAnswerFile(LAB, PATH);
    const c = mergeConfig(overrides);
    assert.equal(c.adminPassword, 'abc12');
    assert.equal(c.adminUsername, 'admin');
    assert.equal(c.hostIp, '203.0.113.10');
    assert.equal(c.region, 'RegionOne');
    assert.equal(c.computeHosts, 2);
    assert.equal(c.volumeCapacityGb, 20);
    assert.deepEqual(c.allocationRatios, { cpu: 16, ram: 1.5 });
    assert.ok(!c.services.includes('object-store'), 'CONFIG_SWIFT_INSTALL=n');
    for (const s of ['identity', 'image', 'volume', 'compute', 'network']) assert.ok(c.services.includes(s), s);
    assert.deepEqual(networkingSettings(c), {
      typeDrivers: ['vxlan', 'flat'], tenantNetworkTypes: ['vxlan'], flatNetworks: ['*'], vniRanges: [[10, 100]],
      bridgeMappings: { extnet: 'br-ex' }, bridgeInterfaces: { 'br-ex': 'ens33' }, agentReportInterval: 30, agentDownTime: 75,
    });
    assert.equal(seedSettings(c).demo, false);
    assert.equal(seedSettings(c).publicNetwork, null);
    // One warning for the services we lack (switched on), one for the keys we do not read.
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.equal(warnings[0], `${PATH}: services Stratus does not have, not started: aodh, heat`);
    assert.equal(warnings[1], `${PATH}: not used by Stratus: CONFIG_SSH_KEY, CONFIG_KEYSTONE_ADMIN_EMAIL`);
  });

  test('CONFIG_DEFAULT_PASSWORD stands for every password not set on its own', () => {
    const only = mergeConfig(parseAnswerFile('[general]\nCONFIG_DEFAULT_PASSWORD=pw1\n', PATH).overrides);
    assert.equal(only.adminPassword, 'pw1');
    assert.equal(only.servicePassword, 'pw1');
    const both = mergeConfig(parseAnswerFile('[general]\nCONFIG_DEFAULT_PASSWORD=pw1\nCONFIG_KEYSTONE_ADMIN_PW=pw2\n', PATH).overrides);
    assert.equal(both.adminPassword, 'pw2');
    assert.equal(both.servicePassword, 'pw1');
  });

  test("CONFIG_PROVISION_DEMO=y: Packstack's demo, `public` on the mapped physical network with the float range", () => {
    const c = mergeConfig(parseAnswerFile('[general]\nCONFIG_PROVISION_DEMO=y\nCONFIG_PROVISION_DEMO_FLOATRANGE=198.51.100.0/24\nCONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS=physnet9:br-ex\n', PATH).overrides);
    assert.equal(seedSettings(c).demo, true);
    assert.deepEqual(seedSettings(c).publicNetwork, { name: 'public', subnetName: 'public_subnet', physicalNetwork: 'physnet9', cidr: '198.51.100.0/24' });
  });

  test('a malformed line stops with its line number', () => {
    assert.throws(() => parseAnswerFile('[general]\nCONFIG_DEFAULT_PASSWORD=x\nthis is not a setting\n', PATH),
      (e: Error) => e instanceof ConfigError && e.message === `${PATH}:3: not a KEY=VALUE line: this is not a setting`);
    assert.throws(() => parseAnswerFile('[general]\n\nCONFIG_PROVISION_DEMO=maybe\n', PATH), /answers\.txt:3: CONFIG_PROVISION_DEMO must be y or n, not 'maybe'/);
    assert.throws(() => parseAnswerFile('[general]\nCONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS=extnet\n', PATH), /answers\.txt:2: CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS must be a list of name:name pairs/);
  });

  test('a bridge interface on a bridge no physical network maps to is refused', () => {
    assert.throws(() => parseAnswerFile('[general]\nCONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS=extnet:br-ex\nCONFIG_NEUTRON_OVS_BRIDGE_IFACES=br-eth1:eth1\n', PATH),
      /answers\.txt:3: CONFIG_NEUTRON_OVS_BRIDGE_IFACES names bridge 'br-eth1'/);
  });

  test("OVN's bridge keys (Packstack's default L2 agent) count as the OVS ones; the agent's own win", () => {
    const ovn = networkingSettings(mergeConfig(parseAnswerFile('[general]\nCONFIG_NEUTRON_L2_AGENT=ovn\nCONFIG_NEUTRON_OVN_BRIDGE_MAPPINGS=extnet:br-ex\nCONFIG_NEUTRON_OVN_BRIDGE_IFACES=br-ex:eth1\nCONFIG_NEUTRON_OVS_BRIDGE_IFACES=\n', PATH).overrides));
    assert.deepEqual([ovn.bridgeMappings, ovn.bridgeInterfaces], [{ extnet: 'br-ex' }, { 'br-ex': 'eth1' }]);
    const both = networkingSettings(mergeConfig(parseAnswerFile('[general]\nCONFIG_NEUTRON_L2_AGENT=openvswitch\nCONFIG_NEUTRON_OVN_BRIDGE_IFACES=br-ex:eth1\nCONFIG_NEUTRON_OVS_BRIDGE_IFACES=br-ex:ens33\n', PATH).overrides));
    assert.deepEqual(both.bridgeInterfaces, { 'br-ex': 'ens33' });
    assert.throws(() => parseAnswerFile('[general]\nCONFIG_NEUTRON_OVN_BRIDGE_IFACES=br-x:eth1\n', PATH), /answers\.txt:2: CONFIG_NEUTRON_OVN_BRIDGE_IFACES names bridge 'br-x'/);
  });

  test('readConfigFile tells an answer file from a local.conf and from JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratus-answers-'));
    try {
      writeFileSync(join(dir, 'answers.txt'), LAB);
      assert.equal(readConfigFile(join(dir, 'answers.txt')).overrides.adminPassword, 'abc12');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  test('formatAnswerFile round-trips through parseAnswerFile', () => {
    const c = mergeConfig(parseAnswerFile(LAB, PATH).overrides);
    const again = mergeConfig(parseAnswerFile(formatAnswerFile(c), PATH).overrides);
    for (const k of ['adminPassword', 'adminUsername', 'hostIp', 'region', 'services', 'volumeCapacityGb', 'allocationRatios', 'networking', 'computeHosts'] as const) {
      assert.deepEqual(again[k], c[k], k);
    }
    assert.deepEqual(seedSettings(again), seedSettings(c));
  });
});

describe('the stratus command with an answer file', () => {
  test('a malformed line: exit code 2 and the line number, nothing started', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratus-answers-'));
    try {
      writeFileSync(join(dir, 'answers.txt'), LAB.replace('CONFIG_KEYSTONE_ADMIN_PW=abc12', 'CONFIG_KEYSTONE_ADMIN_PW abc12'));
      const line = LAB.split('\n').indexOf('CONFIG_KEYSTONE_ADMIN_PW=abc12') + 1;
      const r = stratus(['up', '--config', join(dir, 'answers.txt'), '--data-dir', join(dir, 'data'), '--port', '0']);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr, `stratus: ${join(dir, 'answers.txt')}:${line}: not a KEY=VALUE line: CONFIG_KEYSTONE_ADMIN_PW abc12\n`);
      assert.ok(!existsSync(join(dir, 'data')), 'no data dir made');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  test('stratus answer-file prints every key Stratus reads with its value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratus-answers-'));
    try {
      writeFileSync(join(dir, 'answers.txt'), LAB);
      const r = stratus(['answer-file', '--config', join(dir, 'answers.txt'), '--admin-password', 'from-flag']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^\[general\]$/m);
      assert.match(r.stdout, /^CONFIG_KEYSTONE_ADMIN_PW=from-flag$/m);
      assert.match(r.stdout, /^CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS=extnet:br-ex$/m);
      assert.match(r.stdout, /^CONFIG_NEUTRON_OVS_BRIDGE_IFACES=br-ex:ens33$/m);
      assert.match(r.stdout, /^CONFIG_PROVISION_DEMO=n$/m);
      assert.match(r.stdout, /^CONFIG_SWIFT_INSTALL=n$/m);
      const defaults = stratus(['answer-file']);
      assert.match(defaults.stdout, /^CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS=public:br-ex$/m);
      assert.match(defaults.stdout, /^CONFIG_PROVISION_DEMO=y$/m);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
