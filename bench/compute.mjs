// Compute benchmark on the fake hypervisor: server create → ACTIVE latency, boots per second with
// concurrent clients, and listing 10,000 servers page by page. The baseline, measured in the same
// run on the same server, is the cheapest authorised compute call (GET /compute/v2.1/flavors/42):
// every figure is also given as a multiple of it, so a slow machine shows as a slow baseline.
//
//   node bench/compute.mjs [--servers 10000] [--clients 50] [--sequential 200] [--walks 5]
//
// The list is walked page by page --walks times for each page size, so that a p99 is not simply
// the slowest of ~100 pages (at 10,000 servers and limit=100: 505 pages, the p99 is the 6th slowest).
//
// It starts its own server (the bundle, a fresh data dir, 100 fake compute hosts so 10,000 small
// servers fit), prints a Markdown table, and removes everything it made. Benchmarks report; the
// exit status is 0 unless the script itself broke.
import { readFileSync } from 'node:fs';
import { apiClient, fmt, now, numberOption as opt, pct, startBenchServer } from './lib/bench-server.mjs';

const TOTAL = opt('servers', 10000);
const CLIENTS = opt('clients', 50);
const SEQUENTIAL = opt('sequential', 200);
const WALKS = opt('walks', 5);

async function main() {
  // NOTE: 100 fake compute hosts, so that 10,000 small servers fit.
  const { base, token, projectId, pid, stop } = await startBenchServer('compute', { computeHosts: 100 });
  // The server's CPU time (utime + stime, ms) from /proc: steadier than wall times on a shared machine.
  const cpu = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
  const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json', 'X-OpenStack-Nova-API-Version': '2.37' };
  const call = apiClient(base, '', headers);

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
  const cpu0 = cpu();
  const t0 = now();
  const target = Math.min(TOTAL, n + 2000);
  const started = n;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (n < target) { const t = now(); await create(`bench-${n++}`); concurrent.push(now() - t); }
  }));
  while (await building()) await new Promise((r) => setTimeout(r, 10));
  const bootsPerSecond = (n - started) / ((now() - t0) / 1000);
  const cpuPerBoot = (cpu() - cpu0) / (n - started);
  const errors = (await call('GET', '/compute/v2.1/servers?status=ERROR')).servers.length;
  if (errors) throw new Error(`${errors} servers went to ERROR`);

  // Fill up to TOTAL servers (not timed), wait for their builds, then list them page by page.
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (n < TOTAL) { n++; await call('POST', '/compute/v2.1/servers', { server: { name: `fill-${n}`, imageRef: image.id, flavorRef: 'b1', networks: 'none' } }); }
  }));
  while (await building()) await new Promise((r) => setTimeout(r, 100));
  const pages = {};
  for (const limit of [100, 1000]) {
    const times = [];
    const c0 = cpu();
    let seen = 0;
    for (let walk = 0; walk < WALKS; walk++) {
      let marker; seen = 0;
      do {
        const t = now();
        const page = await call('GET', `/compute/v2.1/servers/detail?limit=${limit}${marker ? `&marker=${marker}` : ''}`);
        times.push(now() - t);
        seen += page.servers.length;
        marker = page.servers_links?.length ? page.servers.at(-1).id : undefined;
      } while (marker);
    }
    pages[limit] = { times, seen, cpuPerPage: (cpu() - c0) / times.length };
  }

  const b = pct(baseline, 50);
  const rows = [
    ['baseline: GET /flavors/{id}', fmt(b), fmt(pct(baseline, 99)), '1×', ''],
    [`server create → ACTIVE, one client (${sequential.length})`, fmt(pct(sequential, 50)), fmt(pct(sequential, 99)), `${(pct(sequential, 50) / b).toFixed(1)}×`, 'p50 ≤ 20 ms'],
    [`POST /servers, ${CLIENTS} clients (${concurrent.length}), all ACTIVE`, fmt(pct(concurrent, 50)), fmt(pct(concurrent, 99)), `${(pct(concurrent, 50) / b).toFixed(1)}×`, `**${bootsPerSecond.toFixed(0)} boots/s** (≥ 200/s; POST p99 ≤ 1 s), server CPU ${cpuPerBoot.toFixed(2)} ms a boot`],
  ];
  for (const [limit, { times, seen, cpuPerPage }] of Object.entries(pages)) {
    rows.push([`GET /servers/detail?limit=${limit}, ${times.length} pages (${WALKS} walks of ${seen} servers)`, fmt(pct(times, 50)), fmt(pct(times, 99)), `${(pct(times, 50) / b).toFixed(1)}×`, `p99 ≤ ${limit === '100' ? 20 : 100} ms a page (slowest ${fmt(Math.max(...times))}); server CPU ${cpuPerPage.toFixed(1)} ms a page`]);
  }
  console.log('| what | p50 | p99 | p50 ÷ baseline | target |\n| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  await stop(); // a --cpu-prof profile is written by then
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
