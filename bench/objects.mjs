// Object-storage benchmark: Stratus's Swift API against Debian's real Swift (2.30, Zed, all-in-one),
// both measured in the same run on the same machine with the same load.
//
//   sudo node bench/objects.mjs              # DURATION=20 s a measurement, WARMUP=3, c = 1 and 16 (~25 min)
//   sudo node bench/objects.mjs --quick      # DURATION=3, WARMUP=1, the 2 GiB object through one Stratus only (~5 min)
//   node bench/objects.mjs --no-swift        # Stratus only (no root needed)
//   SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' sudo -E node bench/objects.mjs --quick
//
// 1. real Swift: BASELINES/setup-swift.sh (memcached, proxy with tempauth, account, container and
//    object servers on 127.0.0.1:8080 and 6200-6202, one directory device /srv/node/d1), a tempauth
//    token (v1.0 auth, test:tester);
// 2. Stratus from the bundle (bin/stratus.js up, a fresh temp data dir, a free port, every service of
//    the build), an admin project token from Keystone's POST /identity/v3/auth/tokens and the
//    object-store URL from its catalog;
// 3. the load, as BASELINES/bench-swift.sh makes it (wrk, keep-alive, its Lua scripts: PUT to a new
//    object name on every request, GET round-robin over GET_OBJECTS pre-uploaded objects), for each
//    size in SIZES, op (PUT, GET) and c in CONNS, Swift then Stratus back to back (so both see the
//    same neighbours on this shared machine), then again in the reverse order (each row the mean of
//    both: the disk slows after some seconds of writing): warm-up, wait until the server is idle, a
//    measured run;
//    2xx ops/s, MB/s (10^6 B/s of payload), wrk's p50/p99, server CPU from /proc (the processes and
//    their descendants: Swift's 4 masters, 8 workers and memcached; Stratus's one node process);
//    Before the load, the disk's ceiling for durable PUTs (bench/lib/fsync-limit.mjs: files of each
//    size written, fsynced and renamed by c writers, no HTTP), on the file system of both data dirs;
//    and after Stratus in each PUT row, the PUT floor (bench/lib/put-floor.mjs: an HTTP server doing
//    only MD5, write, fsync, rename and directory fsync, no metadata at all) loaded the same way;
// 4. one object of BIG_MIB (2048) MiB streamed in (PUT, Content-Length, a body generated on the fly)
//    and out (GET), while the server's RSS is sampled every 20 ms (Stratus: also VmHWM, its peak
//    reset through /proc/PID/clear_refs just before);
// 5. a Markdown table with the ratios Stratus ÷ Swift and the targets (≥ 3× Swift on every figure,
//    peak RSS < 150 MiB while 2 GiB streams in and out).
// Nothing is left behind: Swift by `setup-swift.sh clean` (its processes, /srv/node/d1), Stratus by
// its PID, the temp dirs removed. Benchmarks report; the exit status is 0 unless the script broke.
//
// Environment: DURATION (20; --quick 3) WARMUP (3; --quick 1) CONNS ("1 16") SIZES ("4096 1048576")
//   GET_OBJECTS (32) BIG_MIB (2048) BIG_SWIFT (1; --quick 0: stream the big object through Swift too)
//   STREAM_OS_ONLY (1; --quick 0: stream it through a Stratus with identity + object-store only too)
//   DISK_SECONDS (3; --quick 1: each disk-ceiling measurement) IDLE_MS (1000; --quick 500: the
//   window in which a server must use < 0.05 core to count as idle) FLOOR (1; 0: no PUT floor)
//   BASELINES (setup-swift.sh's directory: ../shared/baselines beside the repository, else
//   /work/shared/baselines) SERVER_NODE_ARGS (node flags for the Stratus server, e.g. --cpu-prof)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchServer } from './lib/bench-server.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
for (const a of args) if (!['--quick', '--no-swift', '--help', '-h'].includes(a)) { console.error(`unknown option ${a} (see --help)`); process.exit(2); }
if (args.includes('--help') || args.includes('-h')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
const QUICK = args.includes('--quick');
const env = (name, dflt, quick = dflt) => process.env[name] ?? String(QUICK ? quick : dflt);
const DURATION = Number(env('DURATION', 20, 3));
const WARMUP = Number(env('WARMUP', 3, 1));
const CONNS = env('CONNS', '1 16').split(/\s+/).filter(Boolean).map(Number);
const SIZES = env('SIZES', '4096 1048576').split(/\s+/).filter(Boolean).map(Number);
const GET_OBJECTS = Number(env('GET_OBJECTS', 32));
const BIG_MIB = Number(env('BIG_MIB', 2048));
const DISK_SECONDS = Number(env('DISK_SECONDS', 3, 1));
const IDLE_MS = Number(env('IDLE_MS', 1000, 500));
const STREAM_OS_ONLY = env('STREAM_OS_ONLY', '1', '0') === '1';
const BIG_SWIFT = env('BIG_SWIFT', '1', '0') === '1';
const WITH_SWIFT = !args.includes('--no-swift');
const WITH_FLOOR = env('FLOOR', '1') === '1';
const BASELINES = process.env.BASELINES ?? [join(REPO, '..', 'shared', 'baselines'), '/work/shared/baselines'].find((d) => existsSync(join(d, 'setup-swift.sh')));
const SW_RUN = '/tmp/swift-bench';          // setup-swift.sh's run dir (pid files, logs, configs)
const SW_DEVICES = '/srv/node';
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const RSS_TARGET_MIB = 150;
const TARGET_RATIO = 3;

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const human = (size) => (size === 4096 ? '4 KiB' : size === 1048576 ? '1 MiB' : size % 1048576 === 0 ? `${size / 1048576} MiB` : `${size} B`);
const tag = (size) => human(size).replace(' ', '');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ cleanup (also on ^C and errors)
const WORK = mkdtempSync(join(tmpdir(), 'stratus-objects-bench-'));
const hadSwRun = existsSync(SW_RUN);
const hadDevices = existsSync(SW_DEVICES);
let swiftStarted = false;
let wrkChild;
function swiftClean() {
  if (!swiftStarted) return;
  swiftStarted = false;
  const r = spawnSync(join(BASELINES, 'setup-swift.sh'), ['clean'], { encoding: 'utf8' });
  if (r.status !== 0) log(`setup-swift.sh clean failed: ${r.stderr}`);
  // NOTE: the directories the setup made, only when they were not there before this run and are now empty of ours.
  if (!hadDevices) { try { rmdirSync(SW_DEVICES); } catch { /* not empty: not only ours */ } }
  if (!hadSwRun && !readdirSync(SW_RUN).some((f) => f.endsWith('.pid'))) rmSync(SW_RUN, { recursive: true, force: true });
}
process.on('exit', () => {
  if (wrkChild && wrkChild.exitCode === null) wrkChild.kill('SIGTERM');
  swiftClean();
  rmSync(WORK, { recursive: true, force: true });
});

// ------------------------------------------------------------------ /proc
function descendants(roots) {
  const out = [];
  const todo = [...roots];
  while (todo.length) {
    const p = todo.shift();
    if (!existsSync(`/proc/${p}`)) continue;
    out.push(p);
    let tasks = [];
    try { tasks = readdirSync(`/proc/${p}/task`); } catch { continue; }
    for (const t of tasks) {
      try { todo.push(...readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number)); } catch { /* gone */ }
    }
  }
  return out;
}
function ticksOf(pid) {                    // utime + stime of all threads
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch { return 0; }
}
const serverTicks = (target) => descendants(target.roots()).reduce((t, p) => t + ticksOf(p), 0);
function selfChildTicks() {                // cutime + cstime: the wrk runs this process waited for
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(rest[13]) + Number(rest[14]);
}
function hostTicks() {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return { busy: user + nice + system + irq + softirq, steal };
}
function statusKiB(pid, field) {
  try { const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8')); return m ? Number(m[1]) : 0; } catch { return 0; }
}
const rssMiB = (pids) => pids.reduce((s, p) => s + statusKiB(p, 'VmRSS'), 0) / 1024;

async function waitIdle(target) {          // until the server uses < 0.05 core (as bench-swift.sh)
  for (let i = 0; i < 60; i++) {
    const a = serverTicks(target);
    await sleep(IDLE_MS);
    if ((serverTicks(target) - a) * 100 * 1000 < 5 * CLK_TCK * IDLE_MS) return;
  }
  log(`warning: ${target.label} still busy after 60 s`);
}

// ------------------------------------------------------------------ wrk (bench-swift.sh's scripts)
const DONE_LUA = `
done = function(s, latency, requests)
  local f = assert(io.open(os.getenv("WRK_RESULT"), "w"))
  f:write(string.format("%d %d %d %d %d %d %d %.3f %.3f %.3f %.3f\\n",
    s.requests, s.duration, s.errors.connect, s.errors.read, s.errors.write,
    s.errors.status, s.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000))
  f:close()
end
`;
const putLua = (t, size, prefix) => `local size, base = ${size}, "${t.container}/${prefix}"
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
local body, n
function init(args) body = string.rep("x", size); n = 0 end
wrk.headers["X-Auth-Token"] = "${t.token}"
wrk.headers["Content-Type"] = "application/octet-stream"
request = function()
  n = n + 1
  return wrk.format("PUT", base .. "-" .. tid .. "-" .. n, nil, body)
end
${DONE_LUA}`;
const getLua = (t, prefix) => `local base, count = "${t.container}/${prefix}", ${GET_OBJECTS}
local i = 0
wrk.headers["X-Auth-Token"] = "${t.token}"
request = function()
  i = i % count + 1
  return wrk.format("GET", base .. "-" .. i)
end
${DONE_LUA}`;

function runWrk(t, c, seconds, script, resultFile) {
  const lua = join(WORK, `${resultFile}.lua`);
  writeFileSync(lua, script);
  const result = join(WORK, resultFile);
  return new Promise((resolve, reject) => {
    wrkChild = spawn('wrk', [`-t${c < 2 ? 1 : 2}`, `-c${c}`, `-d${seconds}s`, '--timeout', '30s', '-s', lua, t.origin], {
      env: { ...process.env, WRK_RESULT: result }, stdio: ['ignore', 'ignore', 'inherit'] });
    wrkChild.on('error', reject);
    wrkChild.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}`));
      const [req, durUs, econn, eread, ewrite, estatus, etimeout, p50, p99, mean] = readFileSync(result, 'utf8').trim().split(' ').map(Number);
      resolve({ req, secs: durUs / 1e6, errors: econn + eread + ewrite + estatus + etimeout, non2xx: estatus, timeouts: etimeout, p50, p99, mean });
    });
  });
}

async function measure(t, op, size, c) {
  const h = tag(size);
  const script = op === 'PUT' ? putLua(t, size, `put-${h}-c${c}`) : getLua(t, `get-${h}`);
  await waitIdle(t);
  if (WARMUP > 0) {
    await runWrk(t, c, WARMUP, op === 'PUT' ? putLua(t, size, `warm-${h}-c${c}`) : script, `warm-${t.label}`);
    await waitIdle(t);
  }
  const s0 = serverTicks(t), h0 = hostTicks(), w0 = selfChildTicks();
  const r = await runWrk(t, c, DURATION, script, `run-${t.label}`);
  const s1 = serverTicks(t), h1 = hostTicks(), w1 = selfChildTicks();
  const ok = r.req - r.non2xx;
  const core = (ticks) => ticks / CLK_TCK / r.secs;
  const row = {
    label: t.label, op, size, c, ops: ok / r.secs, mbs: (ok * size) / r.secs / 1e6, p50: r.p50, p99: r.p99, mean: r.mean,
    errors: r.errors, non2xx: r.non2xx, timeouts: r.timeouts, serverCores: core(s1 - s0), cpuPerOp: ok > 0 ? ((s1 - s0) / CLK_TCK) * 1000 / ok : NaN,
    wrkCores: core(w1 - w0), hostCores: core(h1.busy - h0.busy), steal: core(h1.steal - h0.steal),
  };
  row.other = row.hostCores - row.serverCores - row.wrkCores;
  // The line bench-swift.sh prints, plus the load tool's and the rest of the host's share.
  console.log(`${t.label} ${op} ${h} c=${c}: ${row.ops.toFixed(1)} ops/s ${row.mbs.toFixed(2)} MB/s p50=${row.p50.toFixed(1)}ms p99=${row.p99.toFixed(1)}ms mean=${row.mean.toFixed(1)}ms errors=${row.errors} (non2xx=${row.non2xx} timeout=${row.timeouts}) server_cpu=${row.serverCores.toFixed(2)} cores cpu_per_op=${row.cpuPerOp.toFixed(2)}ms wrk_cpu=${row.wrkCores.toFixed(2)} host_cpu=${row.hostCores.toFixed(2)} other=${row.other.toFixed(2)} steal=${row.steal.toFixed(2)} cores`);
  return row;
}

/** One row of several runs of the same measurement: the mean of each figure (errors summed, p99 the worst). */
function meanOf(runs) {
  const mean = (k) => runs.reduce((a, r) => a + r[k], 0) / runs.length;
  const row = { ...runs[0], runs: runs.length };
  for (const k of ['ops', 'mbs', 'p50', 'mean', 'serverCores', 'cpuPerOp', 'wrkCores', 'hostCores', 'steal', 'other']) row[k] = mean(k);
  for (const k of ['errors', 'non2xx', 'timeouts']) row[k] = runs.reduce((a, r) => a + r[k], 0);
  row.p99 = Math.max(...runs.map((r) => r.p99));
  return row;
}

// ------------------------------------------------------------------ HTTP helpers
function http(t, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(t.origin);
    const req = request({ host: u.hostname, port: u.port, method, path, headers: { 'X-Auth-Token': t.token, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
async function ok2xx(t, method, path, opts) {
  const r = await http(t, method, path, opts);
  if (r.status < 200 || r.status > 299) throw new Error(`${t.label}: ${method} ${path}: ${r.status} ${r.body.slice(0, 300)}`);
  return r;
}
async function preload(t, size) {
  const body = Buffer.alloc(size, 'x');
  for (let i = 1; i <= GET_OBJECTS; i++) await ok2xx(t, 'PUT', `${t.container}/get-${tag(size)}-${i}`, { body, headers: { 'Content-Length': size } });
}

/** BIG_MIB MiB in (PUT with Content-Length, generated on the fly) and out (GET), RSS sampled. */
async function stream(t) {
  const bytes = BIG_MIB * 1048576;
  const block = Buffer.alloc(1048576);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  const path = `${t.container}/big-${BIG_MIB}MiB`;
  const pids = descendants(t.roots());
  const mainPid = t.pid;
  const idle = rssMiB(pids);
  let hwmReset = false;
  if (mainPid) { try { writeFileSync(`/proc/${mainPid}/clear_refs`, '5'); hwmReset = true; } catch { /* not allowed */ } }
  let peak = idle;
  const sample = () => { peak = Math.max(peak, rssMiB(pids)); };
  const timer = setInterval(sample, 20);
  const u = new URL(t.origin);
  try {
    // in
    peak = idle;
    let t0 = performance.now();
    const put = await new Promise((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, method: 'PUT', path, headers: { 'X-Auth-Token': t.token, 'Content-Length': bytes, 'Content-Type': 'application/octet-stream' } }, (res) => {
        let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => resolve({ status: res.statusCode, etag: res.headers.etag, body: b }));
      });
      req.on('error', reject);
      let sent = 0;
      const pump = () => {
        while (sent < bytes) { sent += block.length; if (!req.write(block)) return void req.once('drain', pump); }
        req.end();
      };
      pump();
    });
    const putSecs = (performance.now() - t0) / 1000;
    sample();
    const peakIn = peak;
    if (put.status !== 201) throw new Error(`${t.label}: PUT ${BIG_MIB} MiB: ${put.status} ${put.body.slice(0, 300)}`);
    // out
    peak = rssMiB(pids);
    t0 = performance.now();
    const got = await new Promise((resolve, reject) => {
      request({ host: u.hostname, port: u.port, method: 'GET', path, headers: { 'X-Auth-Token': t.token } }, (res) => {
        let n = 0; res.on('data', (d) => { n += d.length; }); res.on('end', () => resolve({ status: res.statusCode, etag: res.headers.etag, n })); res.on('error', reject);
      }).on('error', reject).end();
    });
    const getSecs = (performance.now() - t0) / 1000;
    sample();
    const peakOut = peak;
    if (got.status !== 200 || got.n !== bytes) throw new Error(`${t.label}: GET ${BIG_MIB} MiB: ${got.status}, ${got.n} bytes`);
    const etagOk = String(got.etag).replace(/"/g, '') === String(put.etag).replace(/"/g, '');
    const hwm = hwmReset ? statusKiB(mainPid, 'VmHWM') / 1024 : undefined;
    await ok2xx(t, 'DELETE', path);
    const r = { label: t.label, processes: pids.length, idle, peakIn, peakOut, hwm, inMBs: bytes / putSecs / 1e6, outMBs: bytes / getSecs / 1e6, etagOk };
    console.log(`${t.label} stream ${BIG_MIB}MiB: processes=${r.processes} rss_idle=${idle.toFixed(1)}MiB peak_in=${peakIn.toFixed(1)}MiB peak_out=${peakOut.toFixed(1)}MiB${hwm !== undefined ? ` vmhwm=${hwm.toFixed(1)}MiB` : ''} in=${r.inMBs.toFixed(1)}MB/s out=${r.outMBs.toFixed(1)}MB/s etag_match=${etagOk}`);
    return r;
  } finally {
    clearInterval(timer);
  }
}

// ------------------------------------------------------------------ the two implementations
async function startSwift() {
  if (!BASELINES) throw new Error('setup-swift.sh not found; set BASELINES');
  const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  const skipApt = have('swift-proxy-server') && have('wrk') && have('memcached') ? '1' : '';
  log(`setting up Debian's Swift (setup-swift.sh${skipApt ? ', packages installed' : ', installing packages'})`);
  swiftStarted = true;
  const setupLog = join(WORK, 'setup-swift.log');
  const r = spawnSync(join(BASELINES, 'setup-swift.sh'), ['start'], { env: { ...process.env, SKIP_APT: skipApt }, encoding: 'utf8' });
  writeFileSync(setupLog, r.stdout + r.stderr);
  if (r.status !== 0) throw new Error(`setup-swift.sh failed:\n${(r.stdout + r.stderr).split('\n').slice(-20).join('\n')}`);
  const origin = 'http://127.0.0.1:8080';
  const auth = await new Promise((resolve, reject) => request(`${origin}/auth/v1.0`, { headers: { 'X-Storage-User': 'test:tester', 'X-Storage-Pass': 'testing' } }, (res) => { res.resume(); resolve(res.headers); }).on('error', reject).end());
  const storage = new URL(auth['x-storage-url']);
  const roots = ['memcached', 'account', 'container', 'object', 'proxy'].map((s) => Number(readFileSync(join(SW_RUN, `${s}.pid`), 'utf8')));
  const version = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'swift'], { encoding: 'utf8' }).stdout;
  return { label: 'swift', origin, token: auth['x-auth-token'], account: storage.pathname, roots: () => roots, version };
}

async function startStratus(services, label = 'stratus', build = true) {
  log(`starting Stratus from the bundle (${services ? services.join(' + ') : 'every service'}, a fresh data dir, a free port)`);
  const s = await startBenchServer('objects', { bcryptCost: 4, ...(services ? { services } : {}) }, { build });
  const entry = s.catalog.find((e) => e.type === 'object-store');
  if (!entry) throw new Error('no object-store entry in the catalog');
  const url = new URL(entry.endpoints.find((e) => e.interface === 'public').url);
  if (url.pathname !== `/object-store/v1/AUTH_${s.projectId}`) log(`warning: the catalog's object-store URL is ${url.href}`);
  return { label, origin: s.base, token: s.token, account: url.pathname, pid: s.pid, roots: () => [s.pid], stop: s.stop, dataDir: s.dataDir };
}

// The floor of a durable PUT here (bench/lib/put-floor.mjs): MD5, write, fsync, rename, directory
// fsync and a 201, no metadata; loaded with the PUTs only.
async function startFloor() {
  log('starting the PUT floor (bench/lib/put-floor.mjs)');
  const child = spawn(process.execPath, [join(REPO, 'bench', 'lib', 'put-floor.mjs'), '--dir', tmpdir()],
    { env: { ...process.env, UV_THREADPOOL_SIZE: '16' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = /port (\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    child.on('exit', (code) => reject(new Error(`put-floor exited ${code}`)));
  });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return { label: 'floor', putOnly: true, origin: `http://127.0.0.1:${port}`, token: '-', account: '/v1/AUTH_floor', pid: child.pid, roots: () => [child.pid], stop };
}

async function makeContainer(t) {
  t.container = `${t.account}/bench-${Date.now()}`;
  await ok2xx(t, 'PUT', t.container);
}

// ------------------------------------------------------------------ report
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : '–');
function report(rows, streams, meta, rss) {
  const out = [];
  out.push(`${meta.date}, \`node bench/objects.mjs${QUICK ? ' --quick' : ''}\` (DURATION=${DURATION} s, WARMUP=${WARMUP} s, c = ${CONNS.join(' and ')}, ${GET_OBJECTS} objects read round-robin), ${meta.machine}; Swift ${meta.swiftVersion ?? '–'}, Stratus ${meta.commit}.`);
  out.push('');
  const rowOf = (label, op, size, c) => rows.find((r) => r.label === label && r.op === op && r.size === size && r.c === c);
  out.push('| op | size | c | Swift ops/s | Stratus ops/s | × | Swift MB/s | Stratus MB/s | Swift p50 / p99 ms | Stratus p50 / p99 ms | Swift cpu/op ms | Stratus cpu/op ms | × less CPU | other load (cores) Swift / Stratus | disk ceiling (PUT) files/s | PUT floor ops/s (× Swift) |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const verdicts = [];
  for (const size of SIZES) for (const op of ['PUT', 'GET']) for (const c of CONNS) {
    const a = rowOf('swift', op, size, c), b = rowOf('stratus', op, size, c), fl = rowOf('floor', op, size, c);
    if (!b) continue;
    const errs = [a, b].filter((r) => r && r.errors).map((r) => `${r.label} errors ${r.errors}`).join(', ');
    out.push(`| ${op} | ${human(size)} | ${c} | ${f(a?.ops)} | ${f(b.ops)} | **${ratio(b.ops, a?.ops)}** | ${f(a?.mbs, 2)} | ${f(b.mbs, 2)} | ${a ? `${f(a.p50)} / ${f(a.p99)}` : '–'} | ${f(b.p50)} / ${f(b.p99)} | ${f(a?.cpuPerOp, 2)} | ${f(b.cpuPerOp, 2)} | ${ratio(a?.cpuPerOp, b.cpuPerOp)} | ${a ? f(a.other, 2) : '–'} / ${f(b.other, 2)}${errs ? ` (${errs})` : ''} | ${op === 'PUT' ? f(meta.disk?.find((d) => d.size === size && d.c === c)?.fps, 0) : ''} | ${fl ? `${f(fl.ops)} (${ratio(fl.ops, a?.ops)})` : ''} |`);
    const ceiling = op === 'PUT' ? meta.disk?.find((d) => d.size === size && d.c === c)?.fps : undefined;
    const floor = fl?.ops;
    if (a) verdicts.push({ what: `${op} ${human(size)} c=${c}`, x: b.ops / a.ops, cpu: a.cpuPerOp / b.cpuPerOp,
      overCeiling: ceiling !== undefined && TARGET_RATIO * a.ops > ceiling ? `${TARGET_RATIO}× Swift = ${(TARGET_RATIO * a.ops).toFixed(0)}/s > the disk's ${ceiling.toFixed(0)} files/s` : undefined,
      overFloor: floor !== undefined && TARGET_RATIO * a.ops > floor ? `${TARGET_RATIO}× Swift = ${(TARGET_RATIO * a.ops).toFixed(0)}/s > the PUT floor's ${floor.toFixed(0)}/s` : undefined });
  }
  out.push('');
  const ss = streams.find((s) => s.label === 'swift'), sst = streams.find((s) => s.label === 'stratus'), sso = streams.find((s) => s.label === 'stratus-os-only');
  if (sst) {
    const col = (s, fn) => (s ? fn(s) : '–');
    out.push(`| ${BIG_MIB} MiB streamed in (PUT) and out (GET) | Swift (after the load) | Stratus, fresh, every service | Stratus, fresh, identity + object-store |`);
    out.push('| --- | --- | --- | --- |');
    const line = (what, fn) => out.push(`| ${what} | ${col(ss, fn)} | ${col(sst, fn)} | ${col(sso, fn)} |`);
    line('processes measured', (s) => s.processes);
    line('RSS before (MiB)', (s) => f(s.idle));
    line('peak RSS during the PUT (MiB, sampled every 20 ms)', (s) => f(s.peakIn));
    line('peak RSS during the GET (MiB)', (s) => f(s.peakOut));
    line('VmHWM over both (MiB, peak reset before the PUT)', (s) => f(s.hwm));
    line('peak − before (MiB)', (s) => f(Math.max(s.peakIn, s.peakOut, s.hwm ?? 0) - s.idle));
    line('PUT / GET throughput (MB/s)', (s) => `${f(s.inMBs)} / ${f(s.outMBs)}`);
    line("GET's ETag = PUT's", (s) => String(s.etagOk));
    out.push(`| (Stratus of the load above: RSS after start / after the load) | | ${f(rss.stratusIdle)} / ${f(rss.stratusAfter)} MiB | |`);
    out.push('');
  }
  out.push('| target | measured | |');
  out.push('| --- | --- | --- |');
  if (verdicts.length) {
    const min = verdicts.reduce((m, v) => (v.x < m.x ? v : m));
    const missed = verdicts.filter((v) => v.x < TARGET_RATIO);
    out.push(`| ops/s and MB/s ≥ ${TARGET_RATIO}× Swift on every row | lowest ${min.x.toFixed(1)}× (${min.what}); below ${TARGET_RATIO}×: ${missed.length ? missed.map((v) => `${v.what} ${v.x.toFixed(1)}×`).join(', ') : 'none'} | **${missed.length ? 'missed' : 'met'}** |`);
    for (const v of verdicts.filter((v) => v.overCeiling)) out.push(`| (${v.what}: beyond this disk) | ${v.overCeiling} | |`);
    for (const v of verdicts.filter((v) => v.overFloor)) out.push(`| (${v.what}: beyond the PUT floor, no metadata at all) | ${v.overFloor} | |`);
    const cmin = verdicts.reduce((m, v) => (v.cpu < m.cpu ? v : m));
    out.push(`| (CPU per op, for a noisy run) | lowest ${cmin.cpu.toFixed(1)}× less CPU than Swift (${cmin.what}) | |`);
  }
  for (const s of [sst, sso].filter(Boolean)) {
    const peak = Math.max(s.peakIn, s.peakOut, s.hwm ?? 0);
    out.push(`| Stratus peak RSS < ${RSS_TARGET_MIB} MiB while ${BIG_MIB} MiB streams in and out (${s === sst ? 'every service' : 'identity + object-store'}) | ${f(peak)} MiB (${f(peak - s.idle)} MiB over its ${f(s.idle)} MiB before) | **${peak < RSS_TARGET_MIB ? 'met' : 'missed'}** |`);
  }
  const noisy = rows.filter((r) => r.other > 0.3);
  out.push('');
  out.push(`Runs: ${rows.length}; with other load on the host (host − server − wrk > 0.3 core): ${noisy.length}${noisy.length ? ` (${noisy.map((r) => `${r.label} ${r.op} ${tag(r.size)} c=${r.c}: +${r.other.toFixed(2)}`).join('; ')})` : ''}; with errors: ${rows.filter((r) => r.errors).length}.`);
  return out.join('\n');
}

// ------------------------------------------------------------------ main
async function main() {
  if (spawnSync('sh', ['-c', 'command -v wrk']).status !== 0 && !WITH_SWIFT) throw new Error('wrk missing (apt-get install wrk)');
  const meta = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    commit: spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim(),
  };
  console.log(`# objects benchmark ${meta.date}: ${meta.machine}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`# duration=${DURATION}s warmup=${WARMUP}s conns=[${CONNS.join(' ')}] sizes=[${SIZES.join(' ')}] get_objects=${GET_OBJECTS} big=${BIG_MIB}MiB`);
  const targets = [];
  const running = [];
  try {
    if (WITH_SWIFT) {
      if (process.getuid?.() !== 0) log('not root: real Swift is skipped (setup-swift.sh needs root)');
      else { const sw = await startSwift(); meta.swiftVersion = sw.version; targets.push(sw); }
    }
    const stratus = await startStratus();
    running.push(stratus);
    targets.push(stratus);
    if (WITH_FLOOR) { const floor = await startFloor(); running.push(floor); targets.push(floor); }
    const stratusIdle = rssMiB([stratus.pid]);
    for (const t of targets) {
      await makeContainer(t);
      console.log(`# ${t.label}: ${t.origin}${t.account}, processes ${descendants(t.roots()).length}, RSS ${rssMiB(descendants(t.roots())).toFixed(1)} MiB`);
    }
    log('the disk ceiling: fsynced file writes (bench/lib/fsync-limit.mjs)');
    const disk = spawnSync(process.execPath, [join(REPO, 'bench', 'lib', 'fsync-limit.mjs'), '--dir', tmpdir(), '--sizes', SIZES.join(' '), '--conns', CONNS.join(' '), '--seconds', String(DISK_SECONDS)],
      { env: { ...process.env, UV_THREADPOOL_SIZE: String(Math.max(4, ...CONNS)) }, encoding: 'utf8' });
    meta.disk = disk.stdout.trim().split('\n').filter(Boolean).map((l) => { const [size, c, fps, mbs] = l.split(' ').map(Number); return { size, c, fps, mbs }; });
    for (const d of meta.disk) console.log(`disk fsynced-write ${tag(d.size)} c=${d.c}: ${d.fps.toFixed(1)} files/s ${d.mbs.toFixed(2)} MB/s`);
    const rows = [];
    for (const size of SIZES) {
      for (const t of targets.filter((t) => !t.putOnly)) await preload(t, size);
      for (const op of ['PUT', 'GET']) for (const c of CONNS) {
        // NOTE: in the order A B C then C B A, each row the mean of its two runs: this disk writes
        // ~300 MB/s for some seconds and half that after (a 1 MiB c=16 PUT load halves within ~12 s,
        // the floor's too), so whoever ran first had the faster disk.
        const these = targets.filter((t) => op === 'PUT' || !t.putOnly);
        const runs = [];
        for (const t of [...these, ...[...these].reverse()]) runs.push(await measure(t, op, size, c));
        for (const t of these) rows.push(meanOf(runs.filter((r) => r.label === t.label)));
      }
    }
    const stratusAfter = rssMiB([stratus.pid]);
    console.log(`# stratus RSS: ${stratusIdle.toFixed(1)} MiB after start, ${stratusAfter.toFixed(1)} MiB after the load`);
    for (const t of running.splice(0)) await t.stop();

    // The big object: through Swift as it is after the load, and through a fresh Stratus (so that
    // the figure is what streaming needs, not what the load above left in the heap), with every
    // service and with identity + object-store only.
    const streams = [];
    const swift = targets.find((t) => t.label === 'swift');
    if (swift && BIG_SWIFT) { log(`swift: ${BIG_MIB} MiB in and out`); await waitIdle(swift); streams.push(await stream(swift)); }
    const fresh = [[undefined, 'stratus'], ...(STREAM_OS_ONLY ? [[['identity', 'object-store'], 'stratus-os-only']] : [])];
    for (const [services, label] of fresh) {
      const t = await startStratus(services, label, false);
      running.push(t);
      await makeContainer(t);
      await sleep(1000);
      log(`${label}: ${BIG_MIB} MiB in and out`);
      streams.push(await stream(t));
      await t.stop();
      running.splice(running.indexOf(t), 1);
    }
    console.log('');
    console.log(report(rows, streams, meta, { stratusIdle, stratusAfter }));
  } finally {
    for (const t of running) await t.stop();
    swiftClean();
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
