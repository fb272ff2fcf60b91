// Every row of issue 15's table in one command, each against its target:
//
//   node bench/targets.mjs [--servers 10000] [--ports 10000] [--restarts 5] [--identity]
//
// - start to ready (restart on an existing data dir, median) and idle RSS: bench/lib/startup.mjs,
//   every service of the build (block and object storage included);
// - boots/s and POST /servers p99 with 50 clients, and the server list pages at --servers servers:
//   bench/compute.mjs;
// - port create at 1,000 and at --ports ports, metadata at 100 and at --ports ports: bench/ports.mjs;
// - identity × Keystone at c=8 with --identity only (bench/identity.sh --quick: root, ~5 min).
// Each part runs its own server, one after the other. Benchmarks report: the exit status is 0
// unless a script broke.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, numberOption as opt } from './lib/bench-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const SERVERS = opt('servers', 10000);
const PORTS = opt('ports', 10000);
const RESTARTS = opt('restarts', 5);

/** Runs a script of bench/ and resolves with its stdout (its stderr passes through). */
function run(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

const cells = (out, what) => out.split('\n').find((l) => l.startsWith(`| ${what}`))?.split('|').map((c) => c.trim()).slice(1, -1);
const ms = (cell) => Number(/([\d.]+) ms/.exec(cell ?? '')?.[1]);

async function main() {
  const rows = [];
  const row = (measure, value, target, met) => rows.push([measure, value, target, met === undefined ? '–' : met ? '**met**' : '**missed**']);

  const work = mkdtempSync(join(tmpdir(), 'stratus-targets-'));
  try {
    const out = await run([join('bench', 'lib', 'startup.mjs'), '--port', String(await freePort()), '--data-dir', join(work, 'data'), '--restarts', String(RESTARTS)]);
    const kv = Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ')));
    const ready = Number(kv.restart_ready_median_ms);
    const rss = Number(kv.restart_rss_median_kb) / 1024;
    row('start to ready, all services, restart on an existing data dir (median)', `${ready} ms (${kv.restart_ready_ms}; first start ${kv.first_ready_ms} ms)`, '≤ 500 ms', ready <= 500);
    row('idle RSS, all services (block and object storage in), 2 s after ready (median)', `${rss.toFixed(1)} MiB`, '≤ 100 MiB', rss <= 100);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const compute = await run([join('bench', 'compute.mjs'), '--servers', String(SERVERS)]);
  const boots = Number(/\*\*(\d+) boots\/s\*\*/.exec(compute)?.[1]);
  const post = cells(compute, 'POST /servers, 50 clients');
  const page100 = cells(compute, 'GET /servers/detail?limit=100,');
  const page1000 = cells(compute, 'GET /servers/detail?limit=1000,');
  row('50 clients creating servers (fake driver), servers ACTIVE per second', `${boots}/s`, '≥ 200/s', boots >= 200);
  row('POST /servers latency with 50 clients, p99', post?.[2], '≤ 1 s', ms(post?.[2]) <= 1000);
  row(`server list limit=100 page at ${SERVERS} servers, p99`, `${page100?.[2]} (p50 ${page100?.[1]})`, '≤ 20 ms', ms(page100?.[2]) <= 20);
  row(`server list limit=1000 page at ${SERVERS} servers, p99`, `${page1000?.[2]} (p50 ${page1000?.[1]})`, '≤ 100 ms', ms(page1000?.[2]) <= 100);

  const ports = JSON.parse((await run([join('bench', 'ports.mjs'), '--ports', String(PORTS), '--json'])).trim().split('\n').at(-1));
  const createRatio = ports.createLarge.p50 / ports.createSmall.p50;
  const mdRatio = ports.metadataLarge.p50 / ports.metadataSmall.p50;
  row(`port create, one client, at ${ports.createLarge.at} ports ÷ at ${ports.createSmall.at} ports (p50)`,
    `${createRatio.toFixed(2)}× (${ports.createLarge.p50.toFixed(2)} ÷ ${ports.createSmall.p50.toFixed(2)} ms)`, '≤ 1.2×', createRatio <= 1.2);
  row(`metadata request at ${ports.metadataLarge.at} ports ÷ at ${ports.metadataSmall.at} ports (p50)`,
    `${mdRatio.toFixed(2)}× (${ports.metadataLarge.p50.toFixed(2)} ÷ ${ports.metadataSmall.p50.toFixed(2)} ms)`, '≤ 1.2×', mdRatio <= 1.2);

  if (process.argv.includes('--identity')) {
    const identity = await new Promise((resolve, reject) => {
      const child = spawn(join(root, 'bench', 'identity.sh'), ['--quick'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CONNS: '8' } });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`identity.sh exited ${code}`))));
    });
    for (const [what, name] of [['token validation', 'token validation'], ['user list', 'user list']]) {
      const lines = identity.split('\n');
      const at = lines.findIndex((l) => l.startsWith(`| ${name} |`));
      const c8 = lines.slice(at).find((l) => /^\|[^|]*\| 8 \|/.test(l))?.split('|').map((c) => c.trim());
      const x = Number(/([\d.]+)×/.exec(c8?.[5] ?? '')?.[1]);
      row(`identity ${what} × real Keystone, c=8 (bench/identity.sh --quick)`, c8 ? `${x}× (${c8[4]} ÷ ${c8[3]} req/s)` : 'not measured', '≥ 1000×', c8 ? x >= 1000 : undefined);
    }
  } else {
    row('identity token validation and user list × real Keystone, c=8', 'not run (add --identity: root, ~5 min)', '≥ 1000× both', undefined);
  }

  console.log('| measure | this run | target | |\n| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
