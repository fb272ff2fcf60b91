// Dashboard benchmark in headless chromium (Debian's): time from navigation to the login page being
// interactive, and to the instances table rendered with 1,000 servers (fake hypervisor); the bytes
// shipped on first load (gzip). Targets (issue 12): login ≤ 1 s, 1,000 rows ≤ 1.5 s, ≤ 400 KiB gzip.
// The baseline in the same run is the bare API call the table needs (GET /servers/detail), so a slow
// machine shows as a slow baseline. Horizon is not measured here: Debian's openstack-dashboard
// needs Apache and memcached set up against the cloud, which this bench does not do.
//
//   node bench/dashboard.mjs [--servers 1000] [--runs 5]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { apiClient, fmt, now, numberOption as opt, pct, startBenchServer } from './lib/bench-server.mjs';

const SERVERS = opt('servers', 1000);
const RUNS = opt('runs', 5);
const root = fileURLToPath(new URL('..', import.meta.url));

async function main() {
  const { base, token, projectId } = await startBenchServer('dashboard', { computeHosts: 20 });
  const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
  const call = apiClient(base, '', headers);
  await call('PUT', `/compute/v2.1/os-quota-sets/${projectId}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
  await call('POST', '/compute/v2.1/flavors', { flavor: { name: 'b1.pico', id: 'b1', vcpus: 1, ram: 64, disk: 0 } });
  const image = await call('POST', '/image/v2/images', { name: 'bench', disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  await fetch(`${base}/image/v2/images/${image.id}/file`, { method: 'PUT', headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(4096) });
  for (let made = 0; made < SERVERS; made += 100) {
    await call('POST', '/compute/v2.1/servers', { server: { name: `vm-${made}`, imageRef: image.id, flavorRef: 'b1', networks: 'none', min_count: Math.min(100, SERVERS - made), max_count: Math.min(100, SERVERS - made) } });
  }
  for (;;) {
    const { servers } = await call('GET', '/compute/v2.1/servers?status=BUILD&limit=1');
    if (servers.length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  const api = [];
  for (let i = 0; i < RUNS; i++) { const t = now(); await call('GET', '/compute/v2.1/servers/detail'); api.push(now() - t); }

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const loginTimes = [];
  const tableTimes = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      let t = now();
      await page.goto(`${base}/dashboard/`);
      await page.waitForSelector('#login-user:enabled');
      loginTimes.push(now() - t);
      await page.fill('#login-user', 'admin');
      await page.fill('#login-password', 'secret');
      await page.click('button[type=submit]');
      await page.waitForURL('**/project/overview');
      t = now();
      await page.goto(`${base}/dashboard/project/instances`);
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="row-"]').length >= n, SERVERS, { timeout: 60_000 });
      tableTimes.push(now() - t);
      await context.close();
    }
  } finally { await browser.close(); }

  const dist = join(root, 'dist', 'dashboard');
  const index = readFileSync(join(dist, 'index.html'), 'utf8');
  const first = [...index.matchAll(/(?:src|href)="\/dashboard\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const gz = first.reduce((n, f) => n + statSync(join(dist, `${f}.gz`)).size, 0);
  const fonts = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.woff2')).length;

  console.log(`\n## Dashboard (${SERVERS} servers, ${RUNS} runs, headless chromium)\n`);
  console.log('| measure | p50 | max | target |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| navigation → login page interactive | ${fmt(pct(loginTimes, 50))} | ${fmt(Math.max(...loginTimes))} | ≤ 1 s |`);
  console.log(`| navigation → instances table with ${SERVERS} rows | ${fmt(pct(tableTimes, 50))} | ${fmt(Math.max(...tableTimes))} | ≤ 1.5 s |`);
  console.log(`| baseline: GET /servers/detail (${SERVERS} servers) | ${fmt(pct(api, 50))} | ${fmt(Math.max(...api))} | — |`);
  console.log(`| first load, JS + CSS (gzip) | ${(gz / 1024).toFixed(0)} KiB | | ≤ 400 KiB |`);
  console.log(`\n(${first.length} files on first load; fonts (${fonts} woff2) load when text uses them.)`);
  process.exit(0);
}

await main();
