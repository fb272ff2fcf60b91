// The end of the seeds' lab with real guests: a cloud with --hypervisor qemu and --network-driver
// linux (as root), driven by the real openstack CLI. The instance boots the CirrOS-like image the
// cloud uploaded, its console log shows the login prompt, its floating IP does not answer ping from
// the outside until the security group allows ICMP and answers after, and ssh with the key pair
// logs in, where the metadata service's meta_data.json names the server. The outside is a network
// namespace of this test on a veth given to the cloud as its external interface, with TEST-NET-3
// addresses (203.0.113.0/24); nothing touches the machine's own interfaces.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { LinuxNetworkDriver } from '../../src/drivers/network/linux/linux-network.js';
import { startTestCloud, type TestCloud } from '../support/cloud.js';
import { guestImage, waitConsole } from '../support/guest.js';
import { openstackOk, osEnv } from '../support/server.js';

const exec = promisify(execFile);
const skip = process.getuid?.() !== 0 ? 'needs root (taps, bridges, namespaces)'
  : !existsSync('/usr/bin/qemu-system-x86_64') ? 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)'
  : !existsSync('/usr/bin/openstack') ? 'the openstack CLI is not installed' : false;

const tag = `g${process.pid % 100000}`;
const NS = `${tag}-out`;
const VETH = `${tag}x`;
let cloud: TestCloud;
let env: Record<string, string>;
let work: string;

const sh = async (cmd: string, args: string[], timeout = 30_000) => (await exec(cmd, args, { timeout, encoding: 'utf8' })).stdout;
const inNs = (args: string[], timeout?: number) => sh('ip', ['netns', 'exec', NS, ...args], timeout);
const os = (args: string[], who: Record<string, string> = {}) => openstackOk(args, env, who, 180_000);
const pings = (ip: string) => inNs(['ping', '-c', '1', '-W', '2', ip]).then(() => true, () => false);

async function until<T>(what: string, probe: () => Promise<T | false | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

before(async () => {
  if (skip) return;
  await guestImage();
  // The outside: a namespace with 203.0.113.1 at the end of a veth whose other end the cloud's
  // external bridge takes (as an operator's br-ex takes a NIC).
  await sh('ip', ['netns', 'add', NS]);
  await sh('ip', ['link', 'add', VETH, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NS]);
  await sh('ip', ['link', 'set', VETH, 'up']);
  await inNs(['ip', 'link', 'set', 'lo', 'up']);
  await inNs(['ip', 'addr', 'add', '203.0.113.1/24', 'dev', 'eth0']);
  await inNs(['ip', 'link', 'set', 'eth0', 'up']);
  work = mkdtempSync(join(tmpdir(), 'stratus-guest-lab-'));
  // NOTE: a data dir of the test's own, kept by stop(): `after` needs it to end guests and the dataplane.
  cloud = await startTestCloud({
    hypervisor: 'qemu', accel: 'tcg', networkDriver: 'linux', externalInterface: VETH,
    seed: { demo: true, publicNetwork: { name: 'public', physicalNetwork: 'public', cidr: '203.0.113.0/24', gateway: '203.0.113.1', pool: { start: '203.0.113.100', end: '203.0.113.150' } }, privateNetwork: { cidr: '10.0.0.0/26', gateway: '10.0.0.1' } },
  }, mkdtempSync(join(tmpdir(), 'stratus-guest-cloud-')));
  env = osEnv(cloud, 'demo', 'secret');
});

after(async () => {
  if (skip) return;
  if (!cloud) return;
  const instances = join(cloud.dataDir, 'instances');
  await cloud.stop().catch(() => {});
  // NOTE: guests outlive the cloud by design; the test ends its own, then the dataplane.
  for (const id of existsSync(instances) ? readdirSync(instances).filter((n) => /^[0-9a-f-]{36}$/.test(n)) : []) {
    const { QemuHypervisorDriver } = await import('../../src/drivers/hypervisor/qemu/qemu-hypervisor.js');
    const d = await QemuHypervisorDriver.create({ stateDir: instances, accel: 'tcg' });
    await d.destroy(d.hosts()[0]!, id).catch(() => {});
    await d.close();
  }
  await new LinuxNetworkDriver({ stateDir: join(cloud.dataDir, 'network') }).destroyAll().catch(() => {});
  rmSync(cloud.dataDir, { recursive: true, force: true });
  await sh('ip', ['netns', 'del', NS]).catch(() => {});
  await sh('ip', ['link', 'del', VETH]).catch(() => {});
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the lab with a real guest: boot, console, ping only once ICMP is allowed, ssh with the key pair, metadata', { skip, timeout: 600_000 }, async () => {
  const images = await os(['image', 'list', '-f', 'json']);
  assert.ok(images.some((i: any) => i.Name === 'cirros' && i.Status === 'active'), 'the cloud uploaded cirros on its first start');
  await os(['flavor', 'create', '--ram', '128', '--disk', '1', '--vcpus', '1', 'g.tiny'], { OS_USERNAME: 'admin', OS_PROJECT_NAME: 'admin' });

  const key = join(work, 'id_ed25519');
  await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  await os(['keypair', 'create', '--public-key', `${key}.pub`, 'lab-key']);
  const server = await os(['server', 'create', '--image', 'cirros', '--flavor', 'g.tiny', '--network', 'private', '--key-name', 'lab-key',
    '--user-data', writeUserData(work), '--wait', 'vm1', '-f', 'json']);
  assert.equal(server.status, 'ACTIVE');

  const log = await waitConsole(async () => String(await os(['console', 'log', 'show', 'vm1'])), /login: *$/m, 180_000);
  assert.match(log, /STRATUS-DATASOURCE: metadata service/);
  assert.match(log, /vm1 login:/, 'the hostname came from the metadata service');

  const fip = (await os(['floating', 'ip', 'create', 'public', '-f', 'json'])).floating_ip_address as string;
  assert.match(fip, /^203\.0\.113\./);
  await os(['server', 'add', 'floating', 'ip', 'vm1', fip]);
  // The default group allows no ICMP from outside: no answer (tried for a while, so the NAT is in place).
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(await pings(fip), false, 'no ICMP rule: the floating IP does not answer');
  await os(['security', 'group', 'rule', 'create', '--protocol', 'icmp', '--ingress', 'default']);
  await until('the floating IP answering ping', () => pings(fip));

  await os(['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', '--ingress', 'default']);
  const ssh = (cmd: string) => inNs(['ssh', '-i', key, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=5', '-o', 'LogLevel=ERROR', `cirros@${fip}`, cmd], 30_000);
  let last = '';
  const who = await until('ssh with the key pair', () => ssh('hostname; cat /run/cirros/datasource/data/meta_data.json; cat /run/lab-user-data')
    .catch((err: Error & { stderr?: string }) => { last = err.stderr ?? err.message; return undefined; }), 90_000)
    .catch((err: Error) => { throw new Error(`${err.message}: ${last}`); });
  assert.match(who, /^vm1$/m);
  assert.ok(who.includes(`"uuid":"${server.id}"`), who);
  assert.match(who, /user data ran/);

  await os(['server', 'delete', '--wait', 'vm1']);
  assert.deepEqual(readdirSync(join(cloud.dataDir, 'instances')).filter((n) => /^[0-9a-f-]{36}$/.test(n)), [], 'no guest left behind');
});

function writeUserData(dir: string): string {
  const file = join(dir, 'user-data.sh');
  writeFileSync(file, '#!/bin/sh\necho "user data ran" > /run/lab-user-data\n');
  return file;
}
