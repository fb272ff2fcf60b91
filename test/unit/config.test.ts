import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ALL_SERVICES, ConfigError, defaultConfig, mergeConfig, networkingSettings, overridesFromEnv, parsePort } from '../../src/config.js';
import { readConfigFile } from '../../src/config-file.js';
import { removeDir, tempDir } from '../support/server.js';

describe('mergeConfig: flags > env > config file > defaults', () => {
  test('no layers: the defaults', () => {
    const c = mergeConfig();
    assert.equal(c.port, 8080);
    assert.equal(c.bind, '0.0.0.0');
    assert.equal(c.hostIp, '127.0.0.1');
    assert.equal(c.dataDir, './data');
    assert.equal(c.adminPassword, 'secret');
    assert.deepEqual(c.services, ALL_SERVICES);
  });

  test('later layers win, key by key; undefined leaves the earlier value', () => {
    const file = { port: 1000, adminPassword: 'file', hostIp: '192.0.2.1', dataDir: '/file' };
    const env = { port: 2000, adminPassword: 'env' };
    const flags = { port: 3000, adminPassword: undefined, dataDir: undefined };
    const c = mergeConfig(file, env, flags);
    assert.equal(c.port, 3000, 'flag beats env');
    assert.equal(c.adminPassword, 'env', 'env beats file when no flag');
    assert.equal(c.hostIp, '192.0.2.1', 'file beats default');
    assert.equal(c.dataDir, '/file');
    assert.equal(c.servicePassword, 'secret', 'default when nobody says');
  });

  test('security settings merge field by field', () => {
    const c = mergeConfig({ security: { lockoutFailureAttempts: 5 } }, { security: { lockoutDurationSeconds: 60 } });
    assert.deepEqual(c.security, { ...defaultConfig().security, lockoutFailureAttempts: 5, lockoutDurationSeconds: 60 });
  });

  test('identity always runs first; unknown services are dropped', () => {
    const c = mergeConfig({ services: ['no-such-service', ...ALL_SERVICES.slice(1)] });
    assert.deepEqual(c.services, ALL_SERVICES);
    assert.deepEqual(mergeConfig({ services: [] }).services, ['identity']);
  });

  test('an unknown log level is a ConfigError', () => {
    assert.throws(() => mergeConfig({ logLevel: 'loud' }), ConfigError);
  });

  test('defaultConfig returns a fresh object each time', () => {
    mergeConfig({ port: 1 }).services.push('x');
    assert.equal(defaultConfig().port, 8080);
    assert.deepEqual(defaultConfig().services, ALL_SERVICES);
  });
});

describe('overridesFromEnv', () => {
  test('reads the STRATUS_* variables', () => {
    assert.deepEqual(overridesFromEnv({
      STRATUS_PORT: '5000', STRATUS_BIND: '127.0.0.1', STRATUS_HOST_IP: '203.0.113.7', STRATUS_DATA_DIR: '/srv/stratus',
      STRATUS_ADMIN_PASSWORD: 'a', STRATUS_SERVICE_PASSWORD: 's', STRATUS_DEBUG: '9229', STRATUS_LOG_LEVEL: 'debug',
      STRATUS_SERVICES: 'identity, network  compute', OS_PASSWORD: 'not ours', PORT: '1',
    }), {
      port: 5000, bind: '127.0.0.1', hostIp: '203.0.113.7', dataDir: '/srv/stratus', adminPassword: 'a', servicePassword: 's',
      debug: '9229', logLevel: 'debug', services: ['identity', 'network', 'compute'],
    });
  });

  test('empty variables count as unset', () => {
    assert.deepEqual(overridesFromEnv({ STRATUS_PORT: '', STRATUS_ADMIN_PASSWORD: '' }), {});
  });

  test('a bad STRATUS_PORT is a ConfigError naming the variable', () => {
    assert.throws(() => overridesFromEnv({ STRATUS_PORT: 'http' }), (e: Error) => e instanceof ConfigError && /STRATUS_PORT: 'http'/.test(e.message));
  });

  test('env over file, flags over env, as main.ts layers them', () => {
    const c = mergeConfig({ port: 1111, adminPassword: 'file' }, overridesFromEnv({ STRATUS_PORT: '2222', STRATUS_ADMIN_PASSWORD: 'env' }), { adminPassword: 'flag' });
    assert.equal(c.port, 2222);
    assert.equal(c.adminPassword, 'flag');
  });
});

describe('parsePort', () => {
  test('accepts 0..65535 as number or digits', () => {
    assert.equal(parsePort('8080', '--port'), 8080);
    assert.equal(parsePort(0, 'x'), 0);
    assert.equal(parsePort('65535', 'x'), 65535);
  });
  for (const bad of ['', ' ', 'abc', '80.5', '-1', '65536', '0x50', '1e3', '8080abc']) {
    test(`refuses '${bad}'`, () => {
      assert.throws(() => parsePort(bad, '--port'), (e: Error) => e instanceof ConfigError && e.message === `--port: '${bad}' is not a port number`);
    });
  }
  test('refuses a fractional or negative number', () => {
    assert.throws(() => parsePort(1.5, 'p'), ConfigError);
    assert.throws(() => parsePort(-3, 'p'), ConfigError);
  });
});

describe('JSON config file', () => {
  const dir = tempDir('stratus-config-');
  after(() => removeDir(dir));
  let n = 0;
  const file = (text: string) => {
    const path = join(dir, `c${n++}.json`);
    writeFileSync(path, text);
    return path;
  };

  test('known settings apply; unknown keys are ignored with one warning naming them', () => {
    const path = file(JSON.stringify({
      port: 9000, adminPassword: 'pw', hostIp: '198.51.100.2', debug: '0.0.0.0:9229', security: { lockoutFailureAttempts: 0, colour: 1 },
      admin_password: 'typo', verbose: true,
    }));
    const { overrides, warnings } = readConfigFile(path);
    assert.deepEqual(overrides, { port: 9000, adminPassword: 'pw', hostIp: '198.51.100.2', debug: '0.0.0.0:9229', security: { lockoutFailureAttempts: 0 } });
    assert.deepEqual(warnings, [`${path}: unknown settings ignored: security.colour, admin_password, verbose`]);
    const c = mergeConfig(overrides);
    assert.equal(c.security.lockoutFailureAttempts, 0);
    assert.equal(c.security.lockoutDurationSeconds, defaultConfig().security.lockoutDurationSeconds);
  });

  test('leading whitespace still reads as JSON', () => {
    assert.equal(readConfigFile(file('\n  {"port": 1234}')).overrides.port, 1234);
  });

  const bad: [string, RegExp][] = [
    ['{"port": 70000}', /port: '70000' is not a port number/],
    ['{"port": "8080x"}', /is not a port number/],
    ['{"port": 80,}', /not valid JSON/],
    ['{"adminPassword": 12345}', /adminPassword must be a string/],
    ['{"services": "identity"}', /services must be a list/],
    ['{"bcryptCost": -1}', /bcryptCost must be a whole number/],
    ['{"security": {"lockoutDurationSeconds": "5"}}', /security.lockoutDurationSeconds must be a whole number/],
    ['{"imageImportFiltering": ["http"]}', /imageImportFiltering must be an object/],
    ['{"imageImportFiltering": {"allowedPorts": [80, 0]}}', /imageImportFiltering.allowedPorts must be a list of port numbers/],
    ['{"imageImportFiltering": {"disallowedHosts": "a.example"}}', /imageImportFiltering.disallowedHosts must be a list of strings/],
    ['{"imageQuotas": {"imageCountTotal": "5"}}', /imageQuotas.imageCountTotal must be a whole number \(-1: unlimited\)/],
    ['{"imageQuotas": {"imageSizeTotal": -2}}', /imageQuotas.imageSizeTotal must be a whole number/],
    ['{"imageUseKeystoneLimits": "no"}', /imageUseKeystoneLimits must be true or false/],
    ['{"networking": {"flatNetworks": "extnet"}}', /networking.flatNetworks must be a list of strings/],
    ['{"networking": {"bridgeMappings": ["extnet:br-ex"]}}', /networking.bridgeMappings must be an object of strings/],
    ['{"networking": {"vniRanges": [[100, 10]]}}', /networking.vniRanges must be a list of \[min, max\] pairs/],
    ['{"networking": {"bridgeMappings": {"extnet": "br-ex"}, "bridgeInterfaces": {"br-eth1": "eth1"}}}', /bridge 'br-eth1' is in no bridge mapping \(extnet:br-ex\)/],
  ];

  test('networking: physical networks and bridges; a flag for one keeps the file\'s others', () => {
    const path = file(JSON.stringify({ networking: { flatNetworks: ['extnet'], bridgeMappings: { extnet: 'br-ex' }, bridgeInterfaces: { 'br-ex': 'ens33' }, colour: 1 } }));
    const { overrides, warnings } = readConfigFile(path);
    assert.deepEqual(warnings, [`${path}: unknown settings ignored: networking.colour`]);
    const n = networkingSettings(mergeConfig(overrides, { networking: { flatNetworks: ['extnet', 'physnet2'] } }));
    assert.deepEqual(n.flatNetworks, ['extnet', 'physnet2']);
    assert.deepEqual(n.bridgeMappings, { extnet: 'br-ex' });
    assert.deepEqual(n.bridgeInterfaces, { 'br-ex': 'ens33' });
    assert.deepEqual(n.tenantNetworkTypes, ['vxlan'], "DevStack's default");
  });

  test('imageImportFiltering: the web-download filters (Glance\'s [import_filtering_opts]) in camelCase', () => {
    const path = file(JSON.stringify({ imageImportFiltering: { allowedPorts: [80, 443, 8000], disallowedHosts: ['169.254.169.254'], allowed_hosts: [] } }));
    const { overrides, warnings } = readConfigFile(path);
    assert.deepEqual(mergeConfig(overrides).imageImportFiltering, { allowedPorts: [80, 443, 8000], disallowedHosts: ['169.254.169.254'] });
    assert.deepEqual(warnings, [`${path}: unknown settings ignored: imageImportFiltering.allowed_hosts`]);
  });
  test("imageQuotas and imageUseKeystoneLimits: glance's registered limits and Glance's use_keystone_limits", () => {
    const path = file(JSON.stringify({ imageUseKeystoneLimits: false, imageQuotas: { imageCountTotal: 10, imageSizeTotal: -1, image_count: 1 } }));
    const { overrides, warnings } = readConfigFile(path);
    const config = mergeConfig(overrides);
    assert.equal(config.imageUseKeystoneLimits, false);
    assert.deepEqual(config.imageQuotas, { imageCountTotal: 10, imageSizeTotal: -1 });
    assert.deepEqual(warnings, [`${path}: unknown settings ignored: imageQuotas.image_count`]);
  });
  for (const [text, message] of bad) {
    test(`${text} is a ConfigError`, () => {
      assert.throws(() => mergeConfig(readConfigFile(file(text)).overrides), (e: Error) => e instanceof ConfigError && message.test(e.message));
    });
  }

  test('a missing file is a ConfigError', () => {
    assert.throws(() => readConfigFile(join(dir, 'nope.json')), (e: Error) => e instanceof ConfigError && /cannot read config file/.test(e.message));
  });

  test('backupDriver: posix or swift, from JSON and from DevStack\'s CINDER_BACKUP_DRIVER', () => {
    assert.equal(mergeConfig(readConfigFile(file('{"backupDriver": "swift"}')).overrides).backupDriver, 'swift');
    assert.throws(() => mergeConfig(readConfigFile(file('{"backupDriver": "ceph"}')).overrides), (e: Error) => e instanceof ConfigError && /backup driver 'ceph' is not one of posix, swift/.test(e.message));
    assert.deepEqual(readConfigFile(file('[[local|localrc]]\nCINDER_BACKUP_DRIVER=swift\n')).overrides, { backupDriver: 'swift' });
    const ceph = readConfigFile(file('[[local|localrc]]\nCINDER_BACKUP_DRIVER=ceph\n'));
    assert.deepEqual(ceph.overrides, {});
    assert.match(ceph.warnings.join('\n'), /CINDER_BACKUP_DRIVER='ceph' is not supported/);
  });

  test('a file that does not start with { is read as a DevStack local.conf', () => {
    const { overrides } = readConfigFile(file('[[local|localrc]]\nADMIN_PASSWORD=fromlocal\n'));
    assert.deepEqual(overrides, { adminPassword: 'fromlocal' });
  });
});
