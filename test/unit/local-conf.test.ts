import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_SERVICES, mergeConfig, networkingSettings, seedSettings } from '../../src/config.js';
import { parseLocalConf } from '../../src/config-file.js';

// DevStack's local.conf as a config file: only [[local|localrc]] applies, read as the shell would.

const PATH = '/home/stack/devstack/local.conf';
const localrc = (body: string) => parseLocalConf(`[[local|localrc]]\n${body}\n`, PATH);

describe('parseLocalConf', () => {
  test('the variables Stratus maps', () => {
    const { overrides, warnings } = localrc('ADMIN_PASSWORD=a1\nSERVICE_PASSWORD=s1\nHOST_IP=192.0.2.10\nDATA_DIR=/opt/stack/data');
    assert.deepEqual(overrides, { adminPassword: 'a1', servicePassword: 's1', hostIp: '192.0.2.10', dataDir: '/opt/stack/data' });
    assert.deepEqual(warnings, []);
  });

  test("glance's quotas: GLANCE_ENABLE_QUOTAS (DevStack's trueorfalse) and GLANCE_LIMIT_IMAGE_SIZE_TOTAL (size and stage, MiB)", () => {
    assert.deepEqual(localrc('GLANCE_ENABLE_QUOTAS=False\nGLANCE_LIMIT_IMAGE_SIZE_TOTAL=2000').overrides, {
      imageUseKeystoneLimits: false, imageQuotas: { imageSizeTotal: 2000, imageStageTotal: 2000 },
    });
    assert.deepEqual(localrc('GLANCE_ENABLE_QUOTAS=yes').overrides, { imageUseKeystoneLimits: true });
    assert.deepEqual(localrc('GLANCE_ENABLE_QUOTAS=maybe').overrides, {});
    assert.throws(() => localrc('GLANCE_LIMIT_IMAGE_SIZE_TOTAL=lots'), /GLANCE_LIMIT_IMAGE_SIZE_TOTAL must be a whole number/);
  });

  test('$VAR and ${VAR} expand to variables set earlier; unset ones to nothing', () => {
    const { overrides } = localrc([
      'ADMIN_PASSWORD=nomoresecret',
      'SERVICE_PASSWORD=$ADMIN_PASSWORD',
      'DEST=/opt/stack',
      'DATA_DIR=${DEST}/data$UNSET_THING',
    ].join('\n'));
    assert.equal(overrides.servicePassword, 'nomoresecret');
    assert.equal(overrides.dataDir, '/opt/stack/data');
  });

  test('a later assignment wins, and expansion sees the value at that point', () => {
    const { overrides } = localrc('ADMIN_PASSWORD=one\nSERVICE_PASSWORD=$ADMIN_PASSWORD\nADMIN_PASSWORD=two');
    assert.equal(overrides.adminPassword, 'two');
    assert.equal(overrides.servicePassword, 'one');
  });

  test('quoting: single quotes are literal, double quotes expand, comments after whitespace drop', () => {
    const { overrides } = localrc([
      'HOST_IP=10.0.0.5',
      `ADMIN_PASSWORD='pa$$ #word'`,
      'SERVICE_PASSWORD="at-$HOST_IP # not a comment"   # a comment',
      'export DATA_DIR=/srv/data # where state lives',
    ].join('\n'));
    assert.equal(overrides.adminPassword, 'pa$$ #word');
    assert.equal(overrides.servicePassword, 'at-10.0.0.5 # not a comment');
    assert.equal(overrides.dataDir, '/srv/data');
  });

  test('escapes: \\$ in double quotes and bare words is a dollar sign', () => {
    const { overrides } = localrc('ADMIN_PASSWORD="a\\$b"\nSERVICE_PASSWORD=c\\$d');
    assert.equal(overrides.adminPassword, 'a$b');
    assert.equal(overrides.servicePassword, 'c$d');
  });

  test('comment lines and blank lines are ignored', () => {
    const { overrides, warnings } = localrc('# ADMIN_PASSWORD=commented\n\n   # indented comment\nADMIN_PASSWORD=real');
    assert.deepEqual(overrides, { adminPassword: 'real' });
    assert.deepEqual(warnings, []);
  });

  test('SERVICE_HOST goes into the catalog over HOST_IP, whichever comes first', () => {
    assert.equal(localrc('HOST_IP=192.0.2.1\nSERVICE_HOST=192.0.2.99').overrides.hostIp, '192.0.2.99');
    assert.equal(localrc('SERVICE_HOST=192.0.2.99\nHOST_IP=192.0.2.1').overrides.hostIp, '192.0.2.99');
    assert.equal(localrc('HOST_IP=192.0.2.1\nSERVICE_HOST=$HOST_IP').overrides.hostIp, '192.0.2.1');
    assert.equal(localrc('HOST_IP=192.0.2.1').overrides.hostIp, '192.0.2.1');
  });

  test('LIBVIRT_TYPE: qemu runs QEMU guests under TCG, kvm under KVM; flags still win', () => {
    assert.deepEqual(localrc('LIBVIRT_TYPE=qemu').overrides, { hypervisor: 'qemu', accel: 'tcg' });
    assert.deepEqual(localrc('LIBVIRT_TYPE=kvm').overrides, { hypervisor: 'qemu', accel: 'kvm' });
    const merged = mergeConfig(localrc('LIBVIRT_TYPE=kvm').overrides, { accel: 'tcg' });
    assert.equal(merged.hypervisor, 'qemu');
    assert.equal(merged.accel, 'tcg');
    const lxc = localrc('LIBVIRT_TYPE=lxc');
    assert.equal(lxc.overrides.hypervisor, undefined);
    assert.match(lxc.warnings.join('\n'), /local\.conf:2: LIBVIRT_TYPE='lxc' is not supported \(qemu or kvm\)/);
  });

  test('enable_service and disable_service map DevStack names onto our services', () => {
    const all = localrc('disable_service n-api,n-cpu q-svc\nenable_service q-svc').overrides.services!;
    assert.ok(all.includes('identity'));
    if (ALL_SERVICES.includes('network')) assert.ok(all.includes('network'), 're-enabled');
    const none = localrc('disable_service neutron q-svc horizon').overrides.services!;
    assert.ok(!none.includes('network'));
    assert.ok(none.includes('identity'));
  });

  test('disable_all_services keeps identity only, then enable_service adds back', () => {
    const { overrides } = localrc('disable_all_services\nenable_service key,q-svc');
    assert.deepEqual(overrides.services!.sort(), ['identity', 'network']);
    const c = mergeConfig(overrides);
    assert.deepEqual(c.services, ['identity', ...ALL_SERVICES.filter((s) => s === 'network')]);
  });

  test('identity cannot be disabled; services not built yet are named in a warning', () => {
    const { overrides, warnings } = localrc('disable_service keystone\nenable_service n-api');
    assert.ok(overrides.services!.includes('identity'));
    assert.ok(warnings.includes(`${PATH}: identity always runs; 'disable_service keystone' ignored`));
    if (!ALL_SERVICES.includes('compute')) assert.ok(warnings.some((w) => /services not available in this build yet: .*compute/.test(w)), warnings.join('\n'));
  });

  test('no enable/disable lines: services are left alone', () => {
    assert.equal(localrc('ADMIN_PASSWORD=x').overrides.services, undefined);
  });

  test('unknown variables and unknown service names are reported once, in one warning', () => {
    const { warnings } = localrc([
      'LOGFILE=$DEST/logs/stack.sh.log',
      'RECLONE=yes',
      'LOGFILE=/tmp/again.log',
      'enable_service my-thing',
      'enable_plugin foo https://example.invalid/foo',
    ].join('\n'));
    const unused = warnings.filter((w) => w.includes('not used by Stratus'));
    assert.equal(unused.length, 1);
    assert.equal(unused[0], `${PATH}: not used by Stratus: LOGFILE, RECLONE, enable_service my-thing, enable_plugin foo https://example.invalid/foo`);
  });

  test('other sections are ignored and named; their assignments do not apply', () => {
    const { overrides, warnings } = parseLocalConf([
      '[[post-config|$NOVA_CONF]]',
      '[DEFAULT]',
      'ADMIN_PASSWORD=from-nova-conf',
      '[[local|localrc]]',
      'ADMIN_PASSWORD=from-localrc',
      '[[post-config|/etc/neutron/neutron.conf]]',
      'HOST_IP=198.51.100.1',
    ].join('\n'), PATH);
    assert.deepEqual(overrides, { adminPassword: 'from-localrc' });
    assert.deepEqual(warnings, [`${PATH}: sections ignored (only [[local|localrc]] applies): [[post-config|$NOVA_CONF]], [[post-config|/etc/neutron/neutron.conf]]`]);
  });

  test('an old-style localrc without sections is read whole', () => {
    const { overrides } = parseLocalConf('ADMIN_PASSWORD=old\nHOST_IP=192.0.2.3\n', PATH);
    assert.deepEqual(overrides, { adminPassword: 'old', hostIp: '192.0.2.3' });
  });

  test('Windows line endings', () => {
    const { overrides } = parseLocalConf('[[local|localrc]]\r\nADMIN_PASSWORD=crlf\r\nHOST_IP=192.0.2.4\r\n', PATH);
    assert.deepEqual(overrides, { adminPassword: 'crlf', hostIp: '192.0.2.4' });
  });

  test("the network variables shape `public`, `private` and the physical network as DevStack's would", () => {
    const { overrides, warnings } = localrc([
      'FLOATING_RANGE=203.0.113.0/24',
      'PUBLIC_NETWORK_GATEWAY=203.0.113.1',
      'Q_FLOATING_ALLOCATION_POOL=start=203.0.113.50,end=203.0.113.99',
      'PUBLIC_NETWORK_NAME=ext',
      'IPV4_ADDRS_SAFE_TO_USE=10.8.0.0/22',
      'PHYSICAL_NETWORK=physnet-lab',
      'PUBLIC_INTERFACE=eth9',
      'Q_ML2_PLUGIN_TYPE_DRIVERS=flat,vxlan',
    ].join('\n'));
    assert.deepEqual(warnings, []);
    const c = mergeConfig(overrides);
    assert.deepEqual(seedSettings(c).publicNetwork, {
      name: 'ext', physicalNetwork: 'physnet-lab', cidr: '203.0.113.0/24', gateway: '203.0.113.1', pool: { start: '203.0.113.50', end: '203.0.113.99' },
    });
    assert.deepEqual(seedSettings(c).privateNetwork, { cidr: '10.8.0.0/26', gateway: undefined });
    const n = networkingSettings(c);
    assert.deepEqual(n.bridgeMappings, { 'physnet-lab': 'br-ex' });
    assert.deepEqual(n.bridgeInterfaces, { 'br-ex': 'eth9' });
    assert.ok(n.flatNetworks.includes('physnet-lab'));
    assert.deepEqual(n.typeDrivers, ['flat', 'vxlan']);
    assert.deepEqual(seedSettings(mergeConfig(localrc('FIXED_RANGE=10.20.30.0/24\nNETWORK_GATEWAY=10.20.30.254').overrides)).privateNetwork, { cidr: '10.20.30.0/24', gateway: '10.20.30.254' });
  });

  test('a FLOATING_RANGE alone: the gateway and pool follow from it, as Neutron picks them', () => {
    const pub = seedSettings(mergeConfig(localrc('FLOATING_RANGE=198.51.100.0/24').overrides)).publicNetwork!;
    assert.equal(pub.cidr, '198.51.100.0/24');
    assert.equal(pub.gateway, undefined);
    assert.equal(pub.pool, undefined);
  });

  test('TENANT_TUNNEL_RANGES: the VNIs tenant VXLAN networks take, as DevStack writes vni_ranges', () => {
    assert.deepEqual(mergeConfig(localrc('TENANT_TUNNEL_RANGES=1100:1199,2000:2000').overrides).networking?.vniRanges, [[1100, 1199], [2000, 2000]]);
    assert.throws(() => localrc('TENANT_TUNNEL_RANGES=1199:1100'), /TENANT_TUNNEL_RANGES='1199:1100' is not a list of min:max ranges/);
  });

  test('broken lines stop with the line number', () => {
    assert.throws(() => localrc('ADMIN_PASSWORD=ok\nHOST_IP="192.0.2.1'), /local\.conf:3: unterminated " quote/);
    assert.throws(() => localrc("ADMIN_PASSWORD='oops"), /local\.conf:2: unterminated ' quote/);
    assert.throws(() => localrc('ADMIN_PASSWORD = spaced'), /local\.conf:2: no spaces around '=' in a shell assignment/);
    assert.throws(() => localrc('FLOATING_RANGE=not-a-cidr'), /FLOATING_RANGE='not-a-cidr' is not an IPv4 CIDR/);
    assert.throws(() => localrc('Q_FLOATING_ALLOCATION_POOL=203.0.113.5-203.0.113.9'), /is not start=ADDRESS,end=ADDRESS/);
  });
});
