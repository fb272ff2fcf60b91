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
import { QemuHypervisorDriver } from '../../src/drivers/hypervisor/qemu/qemu-hypervisor.js';
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
const CONFIG = {
  hypervisor: 'qemu' as const, accel: 'tcg' as const, networkDriver: 'linux' as const, externalInterface: VETH,
  seed: { demo: true, publicNetwork: { name: 'public', physicalNetwork: 'public', cidr: '203.0.113.0/24', gateway: '203.0.113.1', pool: { start: '203.0.113.100', end: '203.0.113.150' } }, privateNetwork: { cidr: '10.0.0.0/26', gateway: '10.0.0.1' } },
};
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
    if (v !== undefined && v !== false) return v as T;
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
  cloud = await startTestCloud(CONFIG, mkdtempSync(join(tmpdir(), 'stratus-guest-cloud-')));
  env = osEnv(cloud, 'demo', 'secret');
  await os(['flavor', 'create', '--ram', '128', '--disk', '1', '--vcpus', '1', 'g.tiny'], { OS_USERNAME: 'admin', OS_PROJECT_NAME: 'admin' });
  await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'id_ed25519')]);
  await os(['keypair', 'create', '--public-key', `${join(work, 'id_ed25519')}.pub`, 'lab-key']);
});

after(async () => {
  if (skip) return;
  if (!cloud) return;
  const instances = join(cloud.dataDir, 'instances');
  await cloud.stop().catch(() => {});
  // NOTE: guests outlive the cloud by design; the test ends its own, then the dataplane.
  if (existsSync(instances)) {
    const d = await QemuHypervisorDriver.create({ stateDir: instances, accel: 'tcg' });
    const host = d.hosts()[0]!;
    for (const g of await d.listGuests(host)) await d.destroy(host, g.id).catch(() => {});
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
  const key = join(work, 'id_ed25519');
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

let reach: Promise<unknown> | undefined;

/** A server with a floating IP in a group allowing ICMP and ssh; `run` runs a command over ssh once it answers. */
async function reachableServer(name: string, image: string, key: string): Promise<{ id: string; fip: string; run(cmd: string, ms?: number): Promise<string> }> {
  reach ??= (async () => {
    await os(['security', 'group', 'create', 'reach']);
    await os(['security', 'group', 'rule', 'create', '--protocol', 'icmp', '--ingress', 'reach']);
    await os(['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', '--ingress', 'reach']);
  })();
  await reach;
  const server = await os(['server', 'create', '--image', image, '--flavor', 'g.tiny', '--network', 'private', '--key-name', 'lab-key', '--security-group', 'reach', '--wait', name, '-f', 'json']);
  const fip = (await os(['floating', 'ip', 'create', 'public', '-f', 'json'])).floating_ip_address as string;
  await os(['server', 'add', 'floating', 'ip', name, fip]);
  const run = async (cmd: string, ms = 120_000) => {
    let last = '';
    return until(`ssh to ${name}`, () => inNs(['ssh', '-i', key, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=3', '-o', 'LogLevel=ERROR', `cirros@${fip}`, cmd], 20_000)
      .catch((err: Error & { stderr?: string }) => { last = err.stderr ?? err.message; return undefined; }), ms)
      .catch(async (err: Error) => {
        const console = String(await os(['console', 'log', 'show', '--lines', '15', name]).catch(() => ''));
        throw new Error(`${err.message}: ${last}\nits console:\n${console}`);
      });
  };
  return { id: server.id, fip, run };
}

const status = async (name: string, want: string, ms = 180_000) =>
  until(`${name} ${want}`, async () => { const s = await os(['server', 'show', name, '-f', 'json']); return s.status === want ? s : undefined; }, ms);

// Data written past the image's end on the root disk (the guest runs from RAM; its disk is free to write).
const MARK = (dev: string) => `echo stratus-mark > /tmp/m; dd if=/tmp/m of=${dev} bs=1M seek=100 conv=fsync 2>/dev/null; sync`;
const READ = (dev: string) => `dd if=${dev} bs=1M skip=100 count=1 2>/dev/null | head -c 12`;

test('every server action does to the guest what it says; snapshots, volumes and a restart of Stratus keep it', { skip, timeout: 900_000 }, async () => {
  await os(['flavor', 'create', '--ram', '192', '--disk', '2', '--vcpus', '1', 'g.small'], { OS_USERNAME: 'admin', OS_PROJECT_NAME: 'admin' });
  const key = join(work, 'id_ed25519');
  const vm = await reachableServer('vm2', 'cirros', key);
  await vm.run(MARK('/dev/vda'));
  assert.equal(await vm.run(READ('/dev/vda')), 'stratus-mark');

  await os(['server', 'stop', 'vm2']);
  await status('vm2', 'SHUTOFF');
  assert.equal(await pings(vm.fip), false, 'a stopped guest does not answer');
  await os(['server', 'start', 'vm2']);
  await status('vm2', 'ACTIVE');
  assert.equal(await vm.run(READ('/dev/vda')), 'stratus-mark', 'the disk outlives stop and start');

  await os(['server', 'reboot', '--wait', 'vm2']);
  await vm.run('true');
  await os(['server', 'reboot', '--hard', '--wait', 'vm2']);
  await vm.run('true');

  await os(['server', 'pause', 'vm2']);
  await status('vm2', 'PAUSED');
  assert.equal(await pings(vm.fip), false, 'a paused guest does not answer');
  await os(['server', 'unpause', 'vm2']);
  await status('vm2', 'ACTIVE');
  await until('the unpaused guest answering ping', () => pings(vm.fip));

  await vm.run('echo kept-in-memory > /run/suspend-test');
  await os(['server', 'suspend', 'vm2']);
  await status('vm2', 'SUSPENDED');
  await os(['server', 'resume', 'vm2']);
  await status('vm2', 'ACTIVE');
  assert.equal((await vm.run('cat /run/suspend-test')).trim(), 'kept-in-memory', 'resume brings back the memory, not a fresh boot');

  await os(['server', 'resize', '--flavor', 'g.small', '--wait', 'vm2']);
  await status('vm2', 'VERIFY_RESIZE');
  const mem = Number(/MemTotal:\s+(\d+)/.exec(await vm.run('cat /proc/meminfo'))![1]);
  assert.ok(mem > 140 * 1024, `the guest has the new flavor's memory (${mem} kB)`);
  assert.equal(await vm.run(READ('/dev/vda')), 'stratus-mark', 'a resize keeps the disk');
  await os(['server', 'resize', 'confirm', 'vm2']);
  await status('vm2', 'ACTIVE');

  await os(['server', 'rescue', 'vm2']);
  await status('vm2', 'RESCUE');
  assert.equal(await vm.run(READ('/dev/vdb')), 'stratus-mark', 'rescued: its own disk is the second disk');
  await os(['server', 'unrescue', 'vm2']);
  await status('vm2', 'ACTIVE');
  assert.equal(await vm.run(READ('/dev/vda')), 'stratus-mark');

  await os(['server', 'shelve', 'vm2']);
  await status('vm2', 'SHELVED_OFFLOADED');
  await os(['server', 'unshelve', 'vm2']);
  await status('vm2', 'ACTIVE');
  assert.equal(await vm.run(READ('/dev/vda')), 'stratus-mark', 'unshelved from its snapshot, with its data');

  await os(['server', 'image', 'create', '--name', 'vm2-snap', '--wait', 'vm2']);
  const vm3 = await reachableServer('vm3', 'vm2-snap', key);
  assert.equal(await vm3.run(READ('/dev/vda')), 'stratus-mark', 'a server booted from the snapshot has the data');
  // Hairpin NAT: from inside the private network, one guest reaches the other's floating IP through the router.
  assert.match(await vm3.run(`ping -c 1 -W 3 ${vm.fip}`), /1 packets received/, 'vm3 -> the floating IP of vm2');
  await os(['server', 'delete', '--wait', 'vm3']);

  await os(['volume', 'create', '--size', '1', 'vol1']);
  await until('vol1 available', async () => (await os(['volume', 'show', 'vol1', '-f', 'json'])).status === 'available');
  await os(['server', 'add', 'volume', 'vm2', 'vol1']);
  await until('vol1 in use', async () => (await os(['volume', 'show', 'vol1', '-f', 'json'])).status === 'in-use');
  await vm.run('for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vdb ] && break; sleep 1; done; ' + MARK('/dev/vdb'));
  await os(['server', 'remove', 'volume', 'vm2', 'vol1']);
  await until('vol1 available again', async () => (await os(['volume', 'show', 'vol1', '-f', 'json'])).status === 'available');
  assert.equal(await vm.run('[ -b /dev/vdb ] && echo present || echo gone'), 'gone\n');
  await os(['server', 'add', 'volume', 'vm2', 'vol1']);
  await until('vol1 in use again', async () => (await os(['volume', 'show', 'vol1', '-f', 'json'])).status === 'in-use');
  assert.equal(await vm.run('for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vdb ] && break; sleep 1; done; ' + READ('/dev/vdb')), 'stratus-mark', 'what the guest wrote to the volume is still there');

  // A restart of Stratus: the guest keeps running and its server stays ACTIVE.
  await vm.run('echo before-restart > /run/restart-test');
  await cloud.stop();
  cloud = await startTestCloud(CONFIG, cloud.dataDir);
  env = osEnv(cloud, 'demo', 'secret');
  assert.equal((await os(['server', 'show', 'vm2', '-f', 'json'])).status, 'ACTIVE');
  assert.equal((await vm.run('cat /run/restart-test')).trim(), 'before-restart', 'the same guest, never rebooted');

  // Its QEMU killed: the server becomes SHUTOFF, and start brings it back.
  const { readFileSync } = await import('node:fs');
  process.kill(Number(readFileSync(join(cloud.dataDir, 'instances', vm.id, 'pid'), 'utf8')), 'SIGKILL');
  await status('vm2', 'SHUTOFF', 30_000);
  await os(['server', 'start', 'vm2']);
  await status('vm2', 'ACTIVE');
  await vm.run('true');
  await os(['server', 'delete', '--wait', 'vm2']);
});

test('server add port: the running guest gets a NIC with the port\'s MAC that takes the port\'s address by DHCP; server remove port takes it away', { skip, timeout: 600_000 }, async () => {
  // An IPv6 SLAAC subnet on the router: radvd in its namespace advertises it.
  await os(['subnet', 'create', '--network', 'private', '--ip-version', '6', '--subnet-range', 'fd00:5a::/64', '--ipv6-ra-mode', 'slaac', '--ipv6-address-mode', 'slaac', 'private-v6']);
  await os(['router', 'add', 'subnet', 'router1', 'private-v6']);
  const vm = await reachableServer('vm-nic', 'cirros', join(work, 'id_ed25519'));
  // Hairpin NAT: the guest reaches its own floating IP from inside the network, through the router.
  assert.match(await vm.run(`ping -c 1 -W 3 ${vm.fip}`), /1 packets received/, 'the guest -> its own floating IP');
  const [v6] = (await os(['port', 'list', '--server', 'vm-nic', '-f', 'json', '--long']))[0]['Fixed IP Addresses']
    .filter((f: { ip_address: string }) => f.ip_address.includes(':')).map((f: { ip_address: string }) => f.ip_address);
  assert.ok(v6, 'the port has an address on the SLAAC subnet');
  const six = await vm.run('for i in $(seq 1 30); do ip -6 route | grep -q "^default via fe80" && break; sleep 1; done; ip -6 addr show dev eth0; ip -6 route');
  assert.ok(six.includes(`${v6}/64`), `the guest formed the port's EUI-64 address from the router's RA:\n${six}`);
  assert.match(six, /^default via fe80::\S+ dev eth0/m, 'and a default route via the router');
  assert.doesNotMatch(await vm.run('ls /sys/class/net'), /eth1/);
  const port = await os(['port', 'create', '--network', 'private', 'nic2', '-f', 'json']);
  const ip = port.fixed_ips[0].ip_address as string;
  await os(['server', 'add', 'port', 'vm-nic', port.id]);
  // NOTE: udhcpc with no script: the lease is shown, the guest's routes stay on eth0 (the ssh path).
  const inside = await vm.run('for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -e /sys/class/net/eth1 ] && break; sleep 1; done; '
    + 'cat /sys/class/net/eth1/address; ip link set eth1 up; udhcpc -i eth1 -n -q -t 10 -T 2 -s /bin/true 2>&1');
  assert.match(inside, new RegExp(`^${port.mac_address}$`, 'm'), inside);
  assert.match(inside, new RegExp(`lease of ${ip.replace(/\./g, '\\.')} obtained`), inside);
  const events = await os(['server', 'event', 'list', 'vm-nic', '-f', 'json']);
  assert.ok(events.some((e: any) => e.Action === 'attach_interface'), JSON.stringify(events));

  await os(['server', 'remove', 'port', 'vm-nic', port.id]);
  await until('the NIC leaving the guest', async () => !/eth1/.test(await vm.run('ls /sys/class/net')));
  await until('the port unbound', async () => (await os(['port', 'show', port.id, '-f', 'json'])).device_id === '');
  await os(['server', 'delete', '--wait', 'vm-nic']);
  await os(['port', 'delete', port.id]);
});

test("consoles: the noVNC URL opens the guest's screen in a browser, the serial console websocket reaches its login, tokens are used once", { skip, timeout: 300_000 }, async () => {
  const { WebSocket } = await import('ws');
  const { chromium } = await import('playwright-core');
  const server = await os(['server', 'create', '--image', 'cirros', '--flavor', 'g.tiny', '--network', 'private', '--wait', 'vm4', '-f', 'json']);
  await waitConsole(async () => String(await os(['console', 'log', 'show', 'vm4'])), /login: *$/m, 180_000);

  const vnc = (await os(['console', 'url', 'show', 'vm4', '-f', 'json'])).url as string;
  assert.match(vnc, /\/compute\/novnc\/vnc_lite\.html\?path=/);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(vnc);
    await page.waitForFunction(() => /^Connected/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    assert.match(await page.locator('#status').innerText(), new RegExp(`Connected \\(unencrypted\\) to: ${server.id}|Connected`));
    assert.ok(await page.locator('#screen canvas').count(), 'the guest screen is drawn');
    const { mkdirSync } = await import('node:fs');
    mkdirSync('artifacts', { recursive: true });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: 'artifacts/novnc-console.png' });
  } finally { await browser.close(); }
  // The token was used by the browser: the same URL's websocket is refused.
  const used = new URL(vnc);
  const wsUsed = `ws://${used.host}/${used.searchParams.get('path')}`;
  const refused = await new Promise<number>((resolve) => {
    const ws = new WebSocket(wsUsed, ['binary']);
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('open', () => { resolve(101); ws.close(); });
    ws.on('error', () => resolve(-1));
  });
  assert.equal(refused, 401);

  const serial = (await os(['console', 'url', 'show', '--serial', 'vm4', '-f', 'json'])).url as string;
  assert.match(serial, /^ws:\/\/.*\/compute\/serial\?token=/);
  const seen = await new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(serial, ['binary']);
    let out = '';
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`no login prompt on the serial console: ${out}`)); }, 20_000);
    ws.on('open', () => ws.send(Buffer.from('\r')));
    ws.on('message', (d: Buffer) => { out += d.toString('latin1'); if (/login: ?$/m.test(out)) { clearTimeout(timer); ws.close(); resolve(out); } });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
  assert.match(seen, /vm4 login:/);
  await os(['server', 'delete', '--wait', 'vm4']);
});
