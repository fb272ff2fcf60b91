import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { run, startServer, type StratusServer, ownedByFile } from '../support/server.js';

// Installs as the seeds do, with `stratus up --config FILE` and the real CLI: the Packstack lab from
// its hand-edited answer file (credentials from keystonerc_admin), and a DevStack local.conf whose
// network settings shape `public` (credentials from the data dir's openrc).

const { dir, servers } = ownedByFile();

/** `source <rc> [args] && <commands>` in bash, as a user types it; `-f json` output parsed. */
async function sourced(rc: string, commands: string): Promise<any> {
  const r = await run('bash', ['-c', `source ${rc} && ${commands}`], {}, { timeoutMs: 120_000 });
  assert.equal(r.code, 0, `${commands}\n${r.stderr}`);
  return r.json;
}

describe('the Packstack lab from its answer file', () => {
  // NOTE: the seed's edits to a `packstack --gen-answer-file` answer file; TEST-NET addresses for the lab's networks.
  const ANSWERS = `[general]

# Default password to be used everywhere (overridden by passwords set
# for individual services or users).
CONFIG_DEFAULT_PASSWORD=
CONFIG_SSH_KEY=/root/.ssh/id_rsa.pub
CONFIG_MARIADB_INSTALL=y
CONFIG_GLANCE_INSTALL=y
CONFIG_CINDER_INSTALL=y
CONFIG_NOVA_INSTALL=y
CONFIG_NEUTRON_INSTALL=y
CONFIG_HORIZON_INSTALL=n
CONFIG_SWIFT_INSTALL=n
CONFIG_CEILOMETER_INSTALL=n
CONFIG_AODH_INSTALL=n
CONFIG_CONTROLLER_HOST=127.0.0.1
CONFIG_COMPUTE_HOSTS=127.0.0.1
CONFIG_KEYSTONE_ADMIN_USERNAME=admin
CONFIG_KEYSTONE_ADMIN_PW=abc12
CONFIG_KEYSTONE_REGION=RegionOne
CONFIG_NEUTRON_ML2_TYPE_DRIVERS=vxlan,flat
CONFIG_NEUTRON_ML2_TENANT_NETWORK_TYPES=vxlan
CONFIG_NEUTRON_ML2_FLAT_NETWORKS=*
CONFIG_NEUTRON_OVS_BRIDGE_MAPPINGS=extnet:br-ex
CONFIG_NEUTRON_OVS_BRIDGE_IFACES=br-ex:ens33
CONFIG_PROVISION_DEMO=n
`;
  let server: StratusServer;
  let rc: string;
  before(async () => {
    const work = dir();
    writeFileSync(join(work, 'answers.txt'), ANSWERS);
    server = await startServer({ adminPassword: null, hostIp: null, dataDir: dir(), args: ['--config', join(work, 'answers.txt')] });
    servers.push(server);
    rc = join(server.dataDir, 'keystonerc_admin');
  });

  test('keystonerc_admin is written for the owner only, and admin logs in with abc12', async () => {
    assert.equal(statSync(rc).mode & 0o777, 0o600);
    const token = await sourced(rc, 'test "$OS_PASSWORD" = abc12 && openstack token issue -f json');
    assert.ok(token.id);
  });

  test('no demo project or users, and no seeded networks or router', async () => {
    const projects = await sourced(rc, 'openstack project list -f json');
    assert.deepEqual(projects.map((p: any) => p.Name).sort(), ['admin', 'service']);
    const users = (await sourced(rc, 'openstack user list -f json')).map((u: any) => u.Name);
    assert.ok(!users.includes('demo') && !users.includes('alt_demo'), users.join(', '));
    assert.deepEqual(await sourced(rc, 'openstack network list -f json'), []);
    assert.deepEqual(await sourced(rc, 'openstack router list -f json'), []);
  });

  test('the lab: ext1 flat on extnet, router1 with its gateway and an internal interface, a floating IP', async () => {
    const ext1 = await sourced(rc, 'openstack network create --external --provider-network-type flat --provider-physical-network extnet ext1 -f json');
    assert.equal(ext1['router:external'], true);
    assert.equal(ext1['provider:network_type'], 'flat');
    assert.equal(ext1['provider:physical_network'], 'extnet');
    const sub = await sourced(rc, 'openstack subnet create --network ext1 --no-dhcp --allocation-pool start=203.0.113.100,end=203.0.113.200 --gateway 203.0.113.1 --subnet-range 203.0.113.0/24 public_subnet -f json');
    assert.equal(sub.cidr, '203.0.113.0/24');
    assert.deepEqual(sub.allocation_pools, [{ start: '203.0.113.100', end: '203.0.113.200' }]);

    await sourced(rc, 'openstack network create private_network -f json');
    await sourced(rc, 'openstack subnet create --network private_network --subnet-range 172.16.10.0/24 private_subnet -f json');
    const router = await sourced(rc, 'openstack router create router1 -f json');
    assert.equal(router.name, 'router1');
    await sourced(rc, 'openstack router set --external-gateway ext1 router1');
    await sourced(rc, 'openstack router add subnet router1 private_subnet');
    const shown = await sourced(rc, 'openstack router show router1 -f json');
    assert.equal(shown.external_gateway_info.network_id, ext1.id);
    const gw = shown.external_gateway_info.external_fixed_ips[0].ip_address;
    assert.match(gw, /^203\.0\.113\.(1\d\d|200)$/);
    const ports = await sourced(rc, 'openstack port list --router router1 -f json');
    assert.ok(JSON.stringify(ports).includes('172.16.10.1'), JSON.stringify(ports));

    const fip = await sourced(rc, 'openstack floating ip create ext1 -f json');
    const last = Number(fip.floating_ip_address.split('.')[3]);
    assert.match(fip.floating_ip_address, /^203\.0\.113\./);
    assert.ok(last >= 100 && last <= 200, fip.floating_ip_address);
  });

  test('a network type whose type driver is not loaded is refused', async () => {
    const r = await run('bash', ['-c', `source ${rc} && openstack network create --provider-network-type vlan --provider-physical-network extnet v1`]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /network_type value 'vlan' not supported/);
  });

  test('the services switched off are not in the catalog; one warning names the keys not read', async () => {
    const services = (await sourced(rc, 'openstack catalog list -f json')).map((s: any) => s.Type);
    assert.ok(services.includes('network') && services.includes('volumev3'), services.join(', '));
    assert.ok(!services.includes('object-store'), 'CONFIG_SWIFT_INSTALL=n');
    const out = server.output();
    assert.equal(out.split('not used by Stratus').length - 1, 1, out);
    assert.match(out, /not used by Stratus: CONFIG_SSH_KEY"/);
  });
});

describe("a DevStack local.conf's network settings and the data dir's openrc", () => {
  const LOCAL_CONF = `[[local|localrc]]
ADMIN_PASSWORD=lab-pw
HOST_IP=127.0.0.1
PUBLIC_NETWORK_NAME=public
FLOATING_RANGE=203.0.113.0/24
PUBLIC_NETWORK_GATEWAY=203.0.113.1
Q_FLOATING_ALLOCATION_POOL=start=203.0.113.50,end=203.0.113.99
FIXED_RANGE=10.20.30.0/24
NETWORK_GATEWAY=10.20.30.1
PHYSICAL_NETWORK=physnet-lab
PUBLIC_INTERFACE=eth9
Q_ML2_PLUGIN_TYPE_DRIVERS=flat,vxlan
`;
  let server: StratusServer;
  let rc: string;
  before(async () => {
    const work = dir();
    writeFileSync(join(work, 'local.conf'), LOCAL_CONF);
    server = await startServer({ adminPassword: null, hostIp: null, dataDir: dir(), args: ['--config', join(work, 'local.conf')] });
    servers.push(server);
    rc = join(server.dataDir, 'openrc');
  });

  test('`source openrc demo demo` works with the real CLI', async () => {
    assert.equal(statSync(rc).mode & 0o777, 0o600);
    const env = await run('bash', ['-c', `source ${rc} demo demo && echo "$OS_USERNAME/$OS_PROJECT_NAME/$OS_PASSWORD/$OS_AUTH_URL"`]);
    assert.equal(env.stdout.trim(), `demo/demo/lab-pw/${server.authUrl}`);
    const token = await sourced(`${rc} demo demo`, 'openstack token issue -f json');
    assert.ok(token.id);
    const admin = await sourced(`${rc} admin admin`, 'openstack project list -f json');
    assert.ok(admin.some((p: any) => p.Name === 'alt_demo'));
  });

  test('public, its subnet and pool, and the private subnet are the ones local.conf names', async () => {
    const pub = await sourced(`${rc} admin admin`, 'openstack network show public -f json');
    assert.equal(pub['router:external'], true);
    assert.equal(pub['provider:physical_network'], 'physnet-lab');
    const [sub] = await sourced(`${rc} admin admin`, 'openstack subnet list --network public --long -f json');
    assert.equal(sub.Subnet, '203.0.113.0/24');
    assert.equal(sub.Gateway, '203.0.113.1');
    assert.match(JSON.stringify(sub['Allocation Pools']), /203\.0\.113\.50.*203\.0\.113\.99/);
    const [priv] = await sourced(`${rc} demo demo`, 'openstack subnet list --network private --long -f json');
    assert.equal(priv.Subnet, '10.20.30.0/24');
    assert.equal(priv.Gateway, '10.20.30.1');
    const fip = await sourced(`${rc} demo demo`, 'openstack floating ip create public -f json');
    const last = Number(fip.floating_ip_address.split('.')[3]);
    assert.ok(fip.floating_ip_address.startsWith('203.0.113.') && last >= 50 && last <= 99, fip.floating_ip_address);
  });

  test('the network variables are read, not reported as unused', () => {
    assert.doesNotMatch(server.output(), /not used by Stratus: .*(FLOATING_RANGE|PUBLIC_INTERFACE|FIXED_RANGE)/);
  });
});

describe('--log-format', () => {
  test('pretty: readable lines; json (the default in a pipe): one JSON object a line', async () => {
    const pretty = await startServer({ dataDir: dir(), logLevel: 'info', args: ['--log-format', 'pretty'] });
    servers.push(pretty);
    const json = await startServer({ dataDir: dir(), logLevel: 'info' });
    servers.push(json);
    await fetch(`${pretty.localUrl}/identity/v3`);
    await pretty.stop();
    await json.stop();
    assert.match(pretty.output(), /^\d\d:\d\d:\d\d\.\d{3} INFO  /m);
    assert.doesNotMatch(pretty.output(), /^\{"level"/m);
    assert.match(json.output(), /^\{"level":30,/m);
  });
});
