import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  freePort, issueToken, openstack, removeDir, run, startServer, stratus, type StratusServer, tempDir, ownedByFile } from '../support/server.js';

// The `stratus` command as a user runs it: openrc and clouds.yaml that the real CLI accepts,
// settings from flags, STRATUS_* env vars and a DevStack local.conf, and the Node inspector.

const { dir, start } = ownedByFile();

describe('openrc and clouds.yaml work with the real openstack CLI', () => {
  // NOTE: a password that needs quoting in both shell and YAML.
  const password = `it's a $ecret "pw"`;
  let server: StratusServer;
  before(async () => { server = await start({ adminPassword: password, dataDir: dir() }); });

  test('stratus openrc demo, sourced in bash, then openstack token issue', async () => {
    const work = dir();
    const rc = await stratus(['openrc', 'demo', '--port', String(server.port), '--admin-password', password]);
    assert.equal(rc.code, 0, rc.stderr);
    assert.match(rc.stdout, /^export OS_USERNAME=demo$/m);
    assert.match(rc.stdout, /^export OS_PROJECT_NAME=demo$/m);
    writeFileSync(join(work, 'demo-openrc'), rc.stdout);

    const r = await run('bash', ['-c', 'source ./demo-openrc && echo "user=$OS_USERNAME" >&2 && openstack token issue -f json'], {}, { cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const demo = await issueToken(server.localUrl, 'demo', password, 'demo');
    assert.equal(demo.status, 201);
    assert.equal(r.json.user_id, demo.body.token.user.id);
    assert.equal(r.json.project_id, demo.body.token.project.id);
  });

  test('stratus clouds-yaml as ./clouds.yaml, then OS_CLOUD=devstack-admin openstack user list', async () => {
    const work = dir();
    const y = await stratus(['clouds-yaml', '--port', String(server.port), '--admin-password', password]);
    assert.equal(y.code, 0, y.stderr);
    for (const cloud of ['devstack', 'devstack-admin', 'devstack-alt']) assert.match(y.stdout, new RegExp(`^  ${cloud}:$`, 'm'));
    writeFileSync(join(work, 'clouds.yaml'), y.stdout);

    const r = await openstack(['user', 'list', '-f', 'json'], { OS_CLOUD: 'devstack-admin' }, { cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const names = r.json.map((u: { Name: string }) => u.Name);
    for (const name of ['admin', 'demo', 'alt_demo', 'nova']) assert.ok(names.includes(name), `${name} in ${names}`);
  });
});

describe('settings: flags beat STRATUS_* env vars, which beat the defaults', () => {
  test('STRATUS_PORT, STRATUS_ADMIN_PASSWORD and STRATUS_DATA_DIR are honoured', async () => {
    const port = await freePort();
    const data = dir();
    const s = await start({
      port: null, adminPassword: null, dataDir: null,
      env: { STRATUS_PORT: String(port), STRATUS_ADMIN_PASSWORD: 'from-env', STRATUS_DATA_DIR: data },
    });
    assert.equal(s.port, port);
    assert.equal((await issueToken(s.localUrl, 'admin', 'from-env', 'admin')).status, 201);
    assert.ok(existsSync(join(data, 'stratus.db')), 'state in STRATUS_DATA_DIR');
  });

  test('--port, --admin-password and --data-dir beat the env vars', async () => {
    const [envPort, flagPort] = [await freePort(), await freePort()];
    const [envData, flagData] = [dir(), dir()];
    const s = await start({
      port: flagPort, adminPassword: 'from-flag', dataDir: flagData,
      env: { STRATUS_PORT: String(envPort), STRATUS_ADMIN_PASSWORD: 'from-env', STRATUS_DATA_DIR: envData },
    });
    assert.equal(s.port, flagPort);
    assert.equal((await issueToken(s.localUrl, 'admin', 'from-flag', 'admin')).status, 201);
    assert.equal((await issueToken(s.localUrl, 'admin', 'from-env', 'admin')).status, 401);
    assert.ok(existsSync(join(flagData, 'stratus.db')));
    assert.ok(!existsSync(join(envData, 'stratus.db')));
  });

  test('openrc follows the same order', async () => {
    const env = { STRATUS_ADMIN_PASSWORD: 'from-env', STRATUS_PORT: '5111' };
    const fromEnv = await stratus(['openrc'], env);
    assert.match(fromEnv.stdout, /^export OS_PASSWORD=from-env$/m);
    assert.match(fromEnv.stdout, /^export OS_AUTH_URL=http:\/\/127\.0\.0\.1:5111\/identity$/m);
    const fromFlag = await stratus(['openrc', '--admin-password', 'from-flag', '--port', '5222'], env);
    assert.match(fromFlag.stdout, /^export OS_PASSWORD=from-flag$/m);
    assert.match(fromFlag.stdout, /^export OS_AUTH_URL=http:\/\/127\.0\.0\.1:5222\/identity$/m);
  });

  test('a JSON config file (STRATUS_CONFIG) sits below env vars and flags', async () => {
    const work = dir();
    const file = join(work, 'stratus.json');
    writeFileSync(file, JSON.stringify({ port: 5333, adminPassword: 'from-file', hostIp: '198.51.100.9', colour: 'blue' }));
    const fromFile = await stratus(['openrc'], { STRATUS_CONFIG: file });
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.match(fromFile.stdout, /^export OS_AUTH_URL=http:\/\/198\.51\.100\.9:5333\/identity$/m);
    assert.match(fromFile.stdout, /^export OS_PASSWORD=from-file$/m);
    const envOverFile = await stratus(['openrc', '--config', file], { STRATUS_ADMIN_PASSWORD: 'from-env' });
    assert.match(envOverFile.stdout, /^export OS_PASSWORD=from-env$/m);
    assert.match(envOverFile.stdout, /:5333\/identity$/m);
    const flagOverAll = await stratus(['openrc', '--config', file, '--admin-password', 'from-flag', '--host-ip', '192.0.2.1'], { STRATUS_ADMIN_PASSWORD: 'from-env' });
    assert.match(flagOverAll.stdout, /^export OS_PASSWORD=from-flag$/m);
    assert.match(flagOverAll.stdout, /^export OS_AUTH_URL=http:\/\/192\.0\.2\.1:5333\/identity$/m);
  });

  test('openrc for a service user takes the service password and project', async () => {
    const r = await stratus(['openrc', 'nova', '--service-password', 'svc-pw', '--admin-password', 'adm-pw']);
    assert.match(r.stdout, /^export OS_USERNAME=nova$/m);
    assert.match(r.stdout, /^export OS_PASSWORD=svc-pw$/m);
    assert.match(r.stdout, /^export OS_PROJECT_NAME=service$/m);
  });

  test('a bad port is refused before anything starts', async () => {
    const r = await stratus(['up', '--port', '99999', '--data-dir', dir()]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port: '99999' is not a port number/);
    const fromEnv = await stratus(['openrc'], { STRATUS_PORT: 'eighty' });
    assert.equal(fromEnv.code, 2);
    assert.match(fromEnv.stderr, /STRATUS_PORT: 'eighty' is not a port number/);
  });

  test('a port in use: a one-line message and exit code 1', async (t) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    t.after(() => taken.close());
    const { port } = taken.address() as AddressInfo;
    const r = await stratus(['up', '--port', String(port), '--bind', '127.0.0.1', '--data-dir', dir(), '--log-level', 'warn']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `stratus: cannot listen on 127.0.0.1:${port}: the port is in use\n`);
  });
});

describe('a DevStack local.conf as the config file', () => {
  const LOCAL_CONF = `[[local|localrc]]
# a DevStack local.conf, as people keep them
ADMIN_PASSWORD=lab-Admin-pw
DATABASE_PASSWORD=$ADMIN_PASSWORD
SERVICE_PASSWORD="lab-Service-pw"
HOST_IP=203.0.113.7
STRATUS_E2E_UNKNOWN=yes   # nothing reads this
disable_service horizon

[[post-config|$NOVA_CONF]]
[DEFAULT]
ADMIN_PASSWORD=not-this-one
`;
  let server: StratusServer;
  before(async () => {
    const work = dir();
    writeFileSync(join(work, 'local.conf'), LOCAL_CONF);
    server = await start({ adminPassword: null, hostIp: null, dataDir: dir(), args: ['--config', join(work, 'local.conf')] });
  });

  test('ADMIN_PASSWORD and SERVICE_PASSWORD apply', async () => {
    assert.equal((await issueToken(server.localUrl, 'admin', 'lab-Admin-pw', 'admin')).status, 201);
    assert.equal((await issueToken(server.localUrl, 'admin', 'not-this-one', 'admin')).status, 401);
    assert.equal((await issueToken(server.localUrl, 'nova', 'lab-Service-pw', 'service')).status, 201);
  });

  test('HOST_IP is in every catalog URL while the server listens on 127.0.0.1', async () => {
    assert.equal(server.authUrl, `http://203.0.113.7:${server.port}/identity`);
    const { body } = await issueToken(server.localUrl, 'admin', 'lab-Admin-pw', 'admin');
    const endpoints = body.token.catalog.flatMap((s: { endpoints: { url: string }[] }) => s.endpoints);
    assert.ok(endpoints.length >= 3);
    for (const e of endpoints) assert.match(e.url, new RegExp(`^http://203\\.0\\.113\\.7:${server.port}/`));
  });

  test('an unknown variable is warned about exactly once', () => {
    const out = server.output();
    assert.equal(out.split('STRATUS_E2E_UNKNOWN').length - 1, 1, out);
    assert.match(out, /not used by Stratus: .*STRATUS_E2E_UNKNOWN/);
    assert.match(out, /\[\[post-config\|\$NOVA_CONF\]\]/, 'the skipped section is named');
  });
});

test('--debug host:port opens the Node inspector for remote debuggers', async () => {
  const inspectPort = await freePort();
  const s = await start({ dataDir: dir(), args: ['--debug', `127.0.0.1:${inspectPort}`] });
  assert.match(s.output(), new RegExp(`Node inspector listening on 127\\.0\\.0\\.1:${inspectPort}`));
  const res = await fetch(`http://127.0.0.1:${inspectPort}/json/list`);
  assert.equal(res.status, 200);
  const targets = (await res.json()) as { type: string; webSocketDebuggerUrl: string }[];
  assert.ok(targets.length >= 1);
  assert.equal(targets[0]!.type, 'node');
  assert.match(targets[0]!.webSocketDebuggerUrl, new RegExp(`^ws://127\\.0\\.0\\.1:${inspectPort}/`));
  assert.equal(await s.stop(), 0);
});
