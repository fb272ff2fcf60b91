// Compute benchmark on the fake hypervisor: server create → ACTIVE latency, boots per second with
// concurrent clients, and listing 10,000 servers page by page. The baseline, measured in the same
// run on the same server, is the cheapest authorised compute call (GET /compute/v2.1/flavors/42):
// every figure is also given as a multiple of it, so a slow machine shows as a slow baseline.
//
//   node bench/compute.mjs [--servers 10000] [--clients 50] [--sequential 200]
//
// It starts its own server (the bundle, a fresh data dir, 100 fake compute hosts so 10,000 small
// servers fit), prints a Markdown table, and removes everything it made. Benchmarks report; the
// exit status is 0 unless the script itself broke.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const TOTAL = opt('servers', 10000);
const CLIENTS = opt('clients', 50);
const SEQUENTIAL = opt('sequential', 200);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const fmt = (ms) => `${ms.toFixed(2)} ms`;

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

const work = mkdtempSync(join(tmpdir(), 'stratus-compute-bench-'));
let server;
process.on('exit', () => { server?.kill('SIGTERM'); rmSync(work, { recursive: true, force: true }); });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

async function start() {
  spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const port = await freePort();
  writeFileSync(join(work, 'stratus.json'), JSON.stringify({ computeHosts: 100 }));
  // NOTE: SERVER_NODE_ARGS (e.g. '--cpu-prof') lets one profile the server under this load.
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  server = spawn(process.execPath, [...nodeArgs, join(root, 'bin', 'stratus.js'), 'up', '--port', String(port), '--data-dir', join(work, 'data'),
    '--bind', '127.0.0.1', '--log-level', 'warn', '--config', join(work, 'stratus.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); });
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  server.stdout.resume();
  return `http://127.0.0.1:${port}`;
}

async function main() {
  const base = await start();
  const auth = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'secret' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
  });
  const token = auth.headers.get('x-subject-token');
  const projectId = (await auth.json()).token.project.id;
  const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json', 'X-OpenStack-Nova-API-Version': '2.37' };
  const call = async (method, path, body) => {
    const r = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  await call('PUT', `/compute/v2.1/os-quota-sets/${projectId}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
  await call('POST', '/compute/v2.1/flavors', { flavor: { name: 'b1.pico', id: 'b1', vcpus: 1, ram: 64, disk: 0 } });
  const image = await call('POST', '/image/v2/images', { name: 'bench', disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  await fetch(`${base}/image/v2/images/${image.id}/file`, { method: 'PUT', headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(4096) });

  // Baseline: the cheapest authorised compute call.
  const baseline = [];
  for (let i = 0; i < 500; i++) { const t = now(); await call('GET', '/compute/v2.1/flavors/b1'); baseline.push(now() - t); }

  let n = 0;
  const create = (name) => call('POST', '/compute/v2.1/servers', { server: { name, imageRef: image.id, flavorRef: 'b1', networks: 'none' } });
  const boot = async () => {
    const t = now();
    const { server: s } = await create(`bench-${n++}`);
    for (;;) {
      const { server: got } = await call('GET', `/compute/v2.1/servers/${s.id}`);
      if (got.status === 'ACTIVE') return now() - t;
      if (got.status === 'ERROR') throw new Error(`server went to ERROR: ${JSON.stringify(got.fault)}`);
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  const building = async () => (await call('GET', '/compute/v2.1/servers?status=BUILD&limit=1')).servers.length > 0;

  const sequential = [];
  for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await boot());

  // Throughput: CLIENTS clients create servers back to back; boots/s counts from the first request
  // to the moment none is left in BUILD (one watcher polls every 10 ms, not every client).
  const concurrent = [];
  const t0 = now();
  const target = Math.min(TOTAL, n + 2000);
  const started = n;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (n < target) { const t = now(); await create(`bench-${n++}`); concurrent.push(now() - t); }
  }));
  while (await building()) await new Promise((r) => setTimeout(r, 10));
  const bootsPerSecond = (n - started) / ((now() - t0) / 1000);
  const errors = (await call('GET', '/compute/v2.1/servers?status=ERROR')).servers.length;
  if (errors) throw new Error(`${errors} servers went to ERROR`);

  // Fill up to TOTAL servers (not timed), then list them page by page.
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (n < TOTAL) { n++; await call('POST', '/compute/v2.1/servers', { server: { name: `fill-${n}`, imageRef: image.id, flavorRef: 'b1', networks: 'none' } }); }
  }));
  const pages = {};
  for (const limit of [100, 1000]) {
    const times = [];
    let marker; let seen = 0;
    do {
      const t = now();
      const page = await call('GET', `/compute/v2.1/servers/detail?limit=${limit}${marker ? `&marker=${marker}` : ''}`);
      times.push(now() - t);
      seen += page.servers.length;
      marker = page.servers_links?.length ? page.servers.at(-1).id : undefined;
    } while (marker);
    pages[limit] = { times, seen };
  }

  const b = pct(baseline, 50);
  const rows = [
    ['baseline: GET /flavors/{id}', fmt(b), fmt(pct(baseline, 99)), '1×', ''],
    [`server create → ACTIVE, one client (${sequential.length})`, fmt(pct(sequential, 50)), fmt(pct(sequential, 99)), `${(pct(sequential, 50) / b).toFixed(1)}×`, 'p50 ≤ 20 ms'],
    [`POST /servers, ${CLIENTS} clients (${concurrent.length}), all ACTIVE`, fmt(pct(concurrent, 50)), fmt(pct(concurrent, 99)), `${(pct(concurrent, 50) / b).toFixed(1)}×`, `**${bootsPerSecond.toFixed(0)} boots/s** (≥ 200/s)`],
  ];
  for (const [limit, { times, seen }] of Object.entries(pages)) {
    rows.push([`GET /servers/detail?limit=${limit}, ${times.length} pages, ${seen} servers`, fmt(pct(times, 50)), fmt(pct(times, 99)), `${(pct(times, 50) / b).toFixed(1)}×`, 'p99 ≤ 50 ms a page']);
  }
  console.log('| what | p50 | p99 | p50 ÷ baseline | target |\n| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
