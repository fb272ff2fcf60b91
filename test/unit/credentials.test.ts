import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { cloudsYaml, DEVSTACK_CLOUDS, keystonerc, openrc, openrcFile } from '../../src/cli/credentials.js';

const AUTH_URL = 'http://192.0.2.10:8080/identity';

/** The variables an openrc sets, as bash sees them after `source`. */
function sourced(script: string): Record<string, string> {
  const r = spawnSync('bash', ['-c', `${script}\nenv -0`], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries(r.stdout.split('\0').filter((l) => l.startsWith('OS_')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** A small reader for the YAML subset cloudsYaml writes: nested maps by indentation, plain or '...' scalars. */
function readYaml(text: string): any {
  const root: any = {};
  const stack: { indent: number; node: any }[] = [{ indent: -1, node: root }];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^( *)([^:\s][^:]*):(?: (.*))?$/.exec(line);
    assert.ok(m, `not a YAML mapping line: ${JSON.stringify(line)}`);
    const indent = m[1]!.length;
    while (stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.node;
    assert.ok(!(m[2]! in parent), `duplicate key ${m[2]}`);
    if (m[3] === undefined) {
      parent[m[2]!] = {};
      stack.push({ indent, node: parent[m[2]!] });
    } else {
      const v = m[3];
      parent[m[2]!] = v.startsWith("'") ? (assert.match(v, /^'(?:[^']|'')*'$/), v.slice(1, -1).replace(/''/g, "'")) : v;
    }
  }
  return root;
}

describe('openrc', () => {
  test('what DevStack exports, defaults admin/admin', () => {
    assert.equal(openrc(AUTH_URL, 'secret'), [
      `export OS_AUTH_URL=${AUTH_URL}`,
      'export OS_USERNAME=admin',
      'export OS_PASSWORD=secret',
      'export OS_PROJECT_NAME=admin',
      'export OS_USER_DOMAIN_ID=default',
      'export OS_PROJECT_DOMAIN_ID=default',
      'export OS_IDENTITY_API_VERSION=3',
      'export OS_REGION_NAME=RegionOne',
    ].join('\n'));
  });

  test('user and project; the project defaults to the user', () => {
    assert.deepEqual(sourced(openrc(AUTH_URL, 'pw', 'demo')), {
      OS_AUTH_URL: AUTH_URL, OS_USERNAME: 'demo', OS_PASSWORD: 'pw', OS_PROJECT_NAME: 'demo',
      OS_USER_DOMAIN_ID: 'default', OS_PROJECT_DOMAIN_ID: 'default', OS_IDENTITY_API_VERSION: '3', OS_REGION_NAME: 'RegionOne',
    });
    assert.equal(sourced(openrc(AUTH_URL, 'pw', 'nova', 'service')).OS_PROJECT_NAME, 'service');
  });

  for (const password of [`it's`, 'a b', '$HOME', '`id`', '"q"', 'back\\slash', 'semi;colon', 'ünï', '#hash']) {
    test(`a password the shell would mangle survives source: ${password}`, () => {
      assert.equal(sourced(openrc(AUTH_URL, password)).OS_PASSWORD, password);
    });
  }
});

describe('clouds.yaml', () => {
  test('the devstack, devstack-admin, devstack-alt and system-admin clouds, as DevStack writes them', () => {
    const y = readYaml(cloudsYaml(AUTH_URL, 'secret'));
    assert.deepEqual(Object.keys(y), ['clouds']);
    assert.deepEqual(Object.keys(y.clouds), DEVSTACK_CLOUDS.map((c) => c.cloud));
    assert.deepEqual(Object.keys(y.clouds), ['devstack', 'devstack-admin', 'devstack-alt', 'devstack-system-admin']);
    assert.deepEqual(y.clouds.devstack, {
      auth: { auth_url: AUTH_URL, password: 'secret', project_domain_id: 'default', project_name: 'demo', user_domain_id: 'default', username: 'demo' },
      identity_api_version: '3', region_name: 'RegionOne', volume_api_version: '3',
    });
    assert.equal(y.clouds['devstack-admin'].auth.username, 'admin');
    assert.equal(y.clouds['devstack-admin'].auth.project_name, 'admin');
    assert.equal(y.clouds['devstack-alt'].auth.username, 'alt_demo');
    assert.equal(y.clouds['devstack-alt'].auth.project_name, 'alt_demo');
    const system = y.clouds['devstack-system-admin'].auth;
    assert.equal(system.system_scope, 'all');
    assert.ok(!('project_name' in system));
  });

  test("passwords are single-quoted, ' doubled", () => {
    for (const password of [`it's`, ': colon', '#hash', "''", 'yes', '123']) {
      const y = readYaml(cloudsYaml(AUTH_URL, password));
      for (const c of Object.values<any>(y.clouds)) assert.equal(c.auth.password, password);
    }
  });
});

describe("the data dir's openrc (DevStack's: source openrc [USER] [PROJECT]) and keystonerc_admin (Packstack's)", () => {
  const file = openrcFile({ authUrl: AUTH_URL, adminPassword: `adm'pw`, servicePassword: 'svc pw', people: ['admin', 'demo', 'alt_demo'], defaultUser: 'demo' });
  const as = (...args: string[]) => sourced(`set -- ${args.join(' ')}\n${file}`);

  test('no arguments: demo in demo, as DevStack', () => {
    assert.deepEqual([as().OS_USERNAME, as().OS_PROJECT_NAME, as().OS_PASSWORD, as().OS_AUTH_URL], ['demo', 'demo', `adm'pw`, AUTH_URL]);
  });

  test('USER and PROJECT; service users get the service password and project', () => {
    assert.deepEqual([as('admin', 'demo').OS_USERNAME, as('admin', 'demo').OS_PROJECT_NAME], ['admin', 'demo']);
    assert.deepEqual([as('alt_demo').OS_PROJECT_NAME, as('alt_demo').OS_PASSWORD], ['alt_demo', `adm'pw`]);
    assert.deepEqual([as('nova').OS_PROJECT_NAME, as('nova').OS_PASSWORD], ['service', 'svc pw']);
  });

  test('keystonerc_admin: the admin in project admin, at the v3 endpoint', () => {
    const env = sourced(keystonerc(AUTH_URL, 'admin', 'abc12', 'RegionTwo'));
    assert.deepEqual(env, {
      OS_USERNAME: 'admin', OS_PASSWORD: 'abc12', OS_REGION_NAME: 'RegionTwo', OS_AUTH_URL: `${AUTH_URL}/v3`, OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default', OS_IDENTITY_API_VERSION: '3',
    });
  });
});
