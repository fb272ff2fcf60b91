// Real-guest benchmark (as root, with QEMU): how long a server takes from `POST /servers` to ACTIVE
// and to an ssh server answering on its floating IP, against bare QEMU booting the same guest with
// the same command line in the same run; and how much memory Stratus holds per running guest
// beyond the QEMU processes' own.
//
//   sudo node bench/guests.mjs [--runs 3] [--together 2]
//
// The cloud runs with --hypervisor qemu (TCG here) and --network-driver linux. Its outside is a
// network namespace of this run holding the external gateway (203.0.113.1, TEST-NET-3) on a veth
// given to the cloud as its external interface; the ssh probes run in that namespace. Nothing
// touches the machine's own interfaces.
//
// The baseline: once a server answers, its QEMU process is killed by its PID and started again
// with exactly the command line Stratus gave it (its disk, its tap on the same network, its config
// and metadata): bare QEMU's time from exec to the ssh answer is what any cloud must pay; the
// difference is Stratus's (API, scheduling, disk preparation, the dataplane, the DHCP lease).
// `--together` servers then boot at once (at most two on these machines: TCG boots share the
// cores). Benchmarks report; the exit status is 0 unless the script itself broke.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient, fmt, now, numberOption as opt, startBenchServer } from './lib/bench-server.mjs';

const RUNS = opt('runs', 3);
const TOGETHER = Math.min(opt('together', 2), 2);
const root = fileURLToPath(new URL('..', import.meta.url));
if (process.getuid?.() !== 0) { console.log('bench/guests: needs root (taps, bridges, namespaces)'); process.exit(0); }

const tag = `bg${process.pid % 100000}`;
const NS = `${tag}-out`;
const EXT = `${tag}x`;
const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** True once something on `ip`:22 in the outside namespace answers with an ssh banner. */
function sshAnswers(ip) {
  try {
    const out = sh('ip', ['netns', 'exec', NS, 'timeout', '2', 'bash', '-c', `exec 3<>/dev/tcp/${ip}/22 && head -c 4 <&3`]);
    return out.startsWith('SSH-');
  } catch { return false; }
}
async function until(what, probe, ms = 300_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

const work = mkdtempSync(join(tmpdir(), 'stratus-guests-bench-'));
let server;   // startBenchServer's: { pid, dataDir, ... }
let cleaned = false;
const extraPids = [];
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const pid of extraPids) { try { process.kill(pid, 'SIGKILL'); } catch {} }
  if (server) {
    try { process.kill(server.pid, 'SIGTERM'); } catch {}
    try { sh(process.execPath, ['--import', 'tsx', join(root, 'test', 'conformance', 'end-guests.ts'), server.dataDir]); } catch {}
  }
  try { sh('ip', ['netns', 'del', NS]); } catch {}
  try { sh('ip', ['link', 'del', EXT]); } catch {}
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

async function main() {
  sh('ip', ['netns', 'add', NS]);
  sh('ip', ['link', 'add', EXT, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NS]);
  sh('ip', ['link', 'set', EXT, 'up']);
  for (const args of [['link', 'set', 'lo', 'up'], ['addr', 'add', '203.0.113.1/24', 'dev', 'eth0'], ['link', 'set', 'eth0', 'up']]) sh('ip', ['netns', 'exec', NS, 'ip', ...args]);
  writeFileSync(join(work, 'local.conf'), '[[local|localrc]]\nFLOATING_RANGE=203.0.113.0/24\nPUBLIC_NETWORK_GATEWAY=203.0.113.1\n'
    + 'Q_FLOATING_ALLOCATION_POOL=start=203.0.113.100,end=203.0.113.200\nTENANT_TUNNEL_RANGES=7000:7999\n');
  server = await startBenchServer('guests', null, {
    args: ['--config', join(work, 'local.conf'), '--hypervisor', 'qemu', '--accel', 'tcg', '--network-driver', 'linux', '--external-interface', EXT],
  });
  const base = server.base;
  const auth = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'demo', domain: { id: 'default' }, password: 'secret' } } }, scope: { project: { name: 'demo', domain: { id: 'default' } } } } }),
  });
  const headers = { 'X-Auth-Token': auth.headers.get('x-subject-token'), 'Content-Type': 'application/json' };
  const nova = apiClient(base, '/compute/v2.1', headers);
  const neutron = apiClient(base, '/networking/v2.0', headers);
  const glance = apiClient(base, '/image/v2', headers);
  const image = (await glance('GET', '/images?name=cirros')).images[0].id;
  const admin = apiClient(base, '/compute/v2.1', { ...headers, 'X-Auth-Token': server.token });
  const flavor = (await admin('POST', '/flavors', { flavor: { name: 'bench.guest', ram: 128, vcpus: 1, disk: 1 } })).flavor.id;
  const net = (await neutron('GET', '/networks?name=private')).networks[0].id;
  const pub = (await neutron('GET', '/networks?router:external=true')).networks[0].id;
  const sg = (await neutron('GET', '/security-groups?name=default')).security_groups[0].id;
  await neutron('POST', '/security-group-rules', { security_group_rule: { security_group_id: sg, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' } });
  const stratusIdle = rssKiB(server.pid);

  /** One server: POST → ACTIVE and POST → ssh on its floating IP (the floating IP is asked for once its port exists). */
  async function boot(name) {
    const t0 = now();
    const id = (await nova('POST', '/servers', { server: { name, imageRef: image, flavorRef: flavor, networks: [{ uuid: net }] } })).server.id;
    const port = await until('port', async () => (await neutron('GET', `/ports?device_id=${id}`)).ports[0], 60_000);
    const fip = (await neutron('POST', '/floatingips', { floatingip: { floating_network_id: pub, port_id: port.id } })).floatingip.floating_ip_address;
    let active;
    await until(`${name} ACTIVE`, async () => {
      const s = (await nova('GET', `/servers/${id}`)).server;
      if (s.status === 'ERROR') throw new Error(`${name}: ERROR ${JSON.stringify(s.fault)}`);
      if (s.status === 'ACTIVE') { active = now() - t0; return true; }
      return false;
    });
    await until(`${name} ssh`, () => sshAnswers(fip));
    return { id, fip, active, ssh: now() - t0 };
  }

  /** The same guest by bare QEMU: its process killed, then its own command line run again. */
  async function bare(g) {
    const dir = join(server.dataDir, 'instances', g.id);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8').trim());
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    process.kill(pid, 'SIGKILL');
    await until('the guest gone', () => !sshAnswers(g.fip), 30_000);
    await until('QEMU gone', () => { try { process.kill(pid, 0); return false; } catch { return true; } }, 10_000);
    await sleep(1000);
    const t0 = now();
    execFileSync(argv[0], argv.slice(1), { stdio: 'ignore' });   // -daemonize: returns once the guest runs
    extraPids.push(Number(readFileSync(join(dir, 'pid'), 'utf8').trim()));
    await until('bare ssh', () => sshAnswers(g.fip));
    return now() - t0;
  }
  const remove = async (id) => {
    await nova('DELETE', `/servers/${id}`).catch(() => {});
    await until('deleted', async () => nova('GET', `/servers/${id}`).then(() => false, () => true), 120_000).catch(() => {});
  };

  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    const g = await boot(`bench-${i}`);
    const qemuRss = rssKiB(Number(readFileSync(join(server.dataDir, 'instances', g.id, 'pid'), 'utf8').trim()));
    const stratusWith = rssKiB(server.pid);
    const bareMs = await bare(g);
    rows.push({ ...g, bare: bareMs, qemuRss, stratusWith });
    console.log(`# run ${i + 1}: ACTIVE ${fmt(g.active)}, ssh ${fmt(g.ssh)}; bare QEMU ssh ${fmt(bareMs)}; QEMU RSS ${(qemuRss / 1024).toFixed(0)} MiB`);
    await remove(g.id);
    for (const p of extraPids.splice(0)) { try { process.kill(p, 'SIGKILL'); } catch {} }
  }

  // Servers booting at once.
  const t0 = now();
  const together = await Promise.all(Array.from({ length: TOGETHER }, (_, i) => boot(`bench-together-${i}`)));
  const allSsh = now() - t0;
  const stratusWithAll = rssKiB(server.pid);
  const perGuest = (stratusWithAll - stratusIdle) / TOGETHER / 1024;
  for (const g of together) await remove(g.id);

  const med = (k) => { const s = rows.map((r) => r[k]).sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
  const target = 1.2 * med('bare') + 500;
  console.log(`\n## Real guests (QEMU ${readdirSync('/usr/bin').includes('qemu-system-x86_64') ? sh('qemu-system-x86_64', ['--version']).split('\n')[0] : ''}, TCG, 128 MiB, 1 vCPU), median of ${RUNS}\n`);
  console.log('| measure | Stratus | bare QEMU (same command line) | target | met |');
  console.log('|---|---|---|---|---|');
  console.log(`| boot → ACTIVE | ${fmt(med('active'))} | — | — | — |`);
  console.log(`| boot → ssh answers on the floating IP | ${fmt(med('ssh'))} | ${fmt(med('bare'))} | ≤ 1.2 × bare + 0.5 s = ${fmt(target)} | ${med('ssh') <= target ? 'yes' : 'no'} |`);
  console.log(`| ${TOGETHER} servers at once → all answer ssh | ${fmt(allSsh)} | — | — | — |`);
  console.log(`| Stratus memory per running guest (beyond QEMU's own ${(med('qemuRss') / 1024).toFixed(0)} MiB) | ${perGuest.toFixed(1)} MiB | — | — | — |`);
  console.log(`\nStratus RSS: ${(stratusIdle / 1024).toFixed(0)} MiB with no guest, ${(stratusWithAll / 1024).toFixed(0)} MiB with ${TOGETHER} running.`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
