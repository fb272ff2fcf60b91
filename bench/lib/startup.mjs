// Start-to-ready time and idle RSS of `stratus up`.
//
//   node bench/lib/startup.mjs --port P --data-dir D [--restarts 5] [--idle-ms 2000] [--keep]
//
// Starts the server on an empty data dir (first start: seeding, one bcrypt hash), then restarts
// it `--restarts` times on the data dir that start left. Each time: the clock runs from spawn to
// the `Stratus ready` line on stdout; the RSS is VmRSS of /proc/PID/status once the server has
// been idle for --idle-ms. With --keep the last server stays up (its PID is printed) for the load
// benchmark. The server's output goes to DATA_DIR/../stratus-<n>.log, not to a pipe of ours, so a
// kept server outlives this script. The bundle is rebuilt beforehand when src/ is newer, so the
// timed starts never include a build.
// Output: `key value` lines (first_ready_ms, first_rss_kb, restart_ready_ms [list],
// restart_ready_median_ms, restart_rss_median_kb, pid).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const port = opt('port');
const dataDir = opt('data-dir');
const restarts = Number(opt('restarts', '5'));
const idleMs = Number(opt('idle-ms', '2000'));
const keep = args.includes('--keep');
if (!port || !dataDir) { process.stderr.write('usage: startup.mjs --port P --data-dir D [--restarts N] [--idle-ms MS] [--keep]\n'); process.exit(2); }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function build() {
  // Same check bin/stratus.js makes; building here keeps the build out of the timed start.
  const bundle = join(root, 'dist', 'main.cjs');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource(join(root, 'src'))) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

let n = 0;
/** One start; retried when bin/stratus.js rebuilt the bundle (src/ changed meanwhile: a shared tree). */
async function startOnce() {
  for (let attempt = 1; ; attempt++) {
    build();
    const before = statSync(join(root, 'dist', 'main.cjs')).mtimeMs;
    const r = await startTimed();
    if (statSync(join(root, 'dist', 'main.cjs')).mtimeMs === before || attempt === 5) return r;
    await stop(r.child);
  }
}

async function startTimed() {
  const log = join(dirname(dataDir), `stratus-${++n}.log`);
  const fd = openSync(log, 'w');
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(root, 'bin', 'stratus.js'), 'up', '--port', port, '--data-dir', dataDir, '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  let exited = false;
  child.on('exit', () => { exited = true; });
  for (;;) {
    const text = readFileSync(log, 'utf8');
    if (text.includes('Stratus ready')) break;
    if (exited) throw new Error(`stratus exited before ready; see ${log}:\n${text}`);
    if (process.hrtime.bigint() - t0 > 60_000_000_000n) throw new Error(`not ready after 60 s; see ${log}`);
    await sleep(1);
  }
  const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await sleep(idleMs);
  return { child, readyMs, rss: rssKb(child.pid) };
}

async function stop(child) {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(10_000)]);
  if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await gone; }
}

const first = await startOnce();
await stop(first.child);
const times = [];
const rss = [];
let last;
for (let i = 0; i < restarts; i++) {
  const r = await startOnce();
  times.push(r.readyMs); rss.push(r.rss);
  if (i < restarts - 1 || !keep) await stop(r.child); else last = r.child;
}
const out = [
  `first_ready_ms ${first.readyMs.toFixed(0)}`,
  `first_rss_kb ${first.rss}`,
  `restart_ready_ms ${times.map((t) => t.toFixed(0)).join(',')}`,
  `restart_ready_median_ms ${median(times).toFixed(0)}`,
  `restart_rss_kb ${rss.join(',')}`,
  `restart_rss_median_kb ${median(rss)}`,
];
if (last) { out.push(`pid ${last.pid}`); last.unref(); }
process.stdout.write(`${out.join('\n')}\n`);
