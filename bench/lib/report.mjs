// The table of bench/identity.sh: reads its results file (wrk summary lines in bench-keystone.sh's
// format, `LABEL processes: ...` memory lines, `kv KEY VALUE` lines) and prints Markdown.
//
//   node bench/lib/report.mjs RESULTS
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8');
const runs = [];
const kv = {};
const mem = {};
const rssAfter = {};
for (const line of text.split('\n')) {
  let m = /^(\S+) (\S+) c=(\d+): ([\d.]+) req\/s p50=([\d.]+)ms p99=([\d.]+)ms mean=([\d.]+)ms errors=(\d+) .*server_cpu=([\d.]+) cores cpu_per_req=([\d.]+)ms host_cpu=([\d.]+) steal=([\d.]+)/.exec(line);
  if (m) {
    // NOTE: cpu/req from server cores ÷ req/s: the printed cpu_per_req has 0.1 ms resolution only.
    const rps = +m[4], cpu = +m[9];
    runs.push({ label: m[1], test: m[2], c: +m[3], rps: rps || undefined, p50: +m[5], p99: +m[6], errors: +m[8], cpu, cpuPerReq: rps > 0 ? (cpu / rps) * 1000 : undefined, host: +m[11] });
    continue;
  }
  if ((m = /^kv (\S+) (.*)$/.exec(line))) { kv[m[1]] = m[2]; continue; }
  if ((m = /^(\S+) processes: (\d+) .*RSS total=([\d.]+) MiB PSS total=([\d.]+) MiB/.exec(line))) {
    (mem[m[1]] ??= []).push({ n: +m[2], rss: +m[3], pss: +m[4] });
    continue;
  }
  if ((m = /^(\S+) rss_after_load ([\d.]+) MiB/.exec(line))) rssAfter[m[1]] = +m[2];
}

const find = (label, test, c) => runs.find((r) => r.label === label && r.test === test && r.c === c);
const peak = (label, test) => runs.filter((r) => r.label === label && r.test === test && r.rps).sort((a, b) => b.rps - a.rps)[0];
const f = (x, d = 1) => (x === undefined || Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(Math.min(d, 1)) : x.toFixed(d));
const ratio = (a, b) => (a === undefined || b === undefined || !b ? undefined : a / b);
const x = (r) => (r === undefined ? '–' : `${f(r)}×`);
const out = [];
const p = (s = '') => out.push(s);
const hasKs = runs.some((r) => r.label === 'keystone');
const met = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**missed**');

p(`## Identity: Stratus vs Debian's Keystone (${kv.date ?? '?'}, ${(kv.machine ?? '?').replace(/_/g, ' ')})`);
p();
p('req/s counts 2xx answers only; cpu/req = server CPU time ÷ successful requests (steadier than req/s on a shared host).');
p('"×" columns: Stratus req/s ÷ Keystone req/s, and Keystone cpu/req ÷ Stratus cpu/req (how many times less CPU).');
p('Keystone closes the connection after every answer (Debian\'s uwsgi ini); wrk keeps connections alive with Stratus.');
p();
p('| measurement | c | Keystone req/s | Stratus req/s | × | Keystone cpu/req ms | Stratus cpu/req ms | × less CPU | Stratus p50 / p99 ms |');
p('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const TESTS = [
  ['token-issue', 'token issue (password)'],
  ['token-validate', 'token validation'],
  ['user-list', 'user list'],
  ['token-issue-token', 'token issue (`token` method)'],
];
const conns = [...new Set(runs.map((r) => r.c))].sort((a, b) => a - b);
for (const [test, name] of TESTS) {
  let first = true;
  for (const c of conns) {
    const k = find('keystone', test, c);
    const s = find('stratus', test, c);
    if (!k && !s) continue;
    p(`| ${first ? name : ''} | ${c} | ${f(k?.rps)} | ${f(s?.rps)} | ${x(ratio(s?.rps, k?.rps))} | ${f(k?.cpuPerReq)} | ${f(s?.cpuPerReq, 2)} | ${x(ratio(k?.cpuPerReq, s?.cpuPerReq))} | ${s ? `${f(s.p50)} / ${f(s.p99)}` : '–'} |`);
    first = false;
  }
  const k = peak('keystone', test);
  const s = peak('stratus', test);
  if (k || s) p(`| | best | ${f(k?.rps)} (c=${k?.c ?? '–'}) | ${f(s?.rps)} (c=${s?.c ?? '–'}) | ${x(ratio(s?.rps, k?.rps))} | | | | |`);
}
p();

// bcrypt limit and password issue
const limit = Number(kv['bcrypt.limit_per_s']);
const issue = peak('stratus', 'token-issue');
const pair = find('stratus', 'token-issue+validate', 8);
const during = find('stratus', 'token-validate+issue', 1);
const alone = find('stratus', 'token-validate', 1);
p('| bcrypt and the event loop | value |');
p('| --- | --- |');
p(`| one cost-12 hash (bcrypt binding of Stratus, median of 5) | ${kv['bcrypt.hash_ms'] ?? '–'} ms |`);
p(`| bcrypt limit = ${kv['bcrypt.cores'] ?? '?'} cores ÷ one hash | ${f(limit, 2)} hashes/s (thread pool reached ${kv['bcrypt.pool_per_s'] ?? '–'}/s) |`);
p(`| Stratus password token issue, best c | ${f(issue?.rps, 2)} req/s (c=${issue?.c ?? '–'}) = **${f(ratio(issue?.rps, limit) * 100)}%** of the limit |`);
if (pair) p(`| token issue c=8 while validation c=1 runs | ${f(pair.rps, 2)} req/s = ${f(ratio(pair.rps, limit) * 100)}% of the limit |`);
if (during) p(`| validation c=1 during that issue load: req/s, p50 / p99 | ${f(during.rps)} req/s, ${f(during.p50, 2)} / **${f(during.p99, 2)} ms** (errors ${during.errors}) |`);
if (alone) p(`| validation c=1 alone: req/s, p50 / p99 | ${f(alone.rps)} req/s, ${f(alone.p50, 2)} / ${f(alone.p99, 2)} ms |`);
p();

// start and memory
const ks = mem.keystone ?? [];
const st = mem.stratus ?? [];
p('| start and memory (Stratus with every service of the build, unless said) | Stratus | Keystone |');
p('| --- | --- | --- |');
p(`| start-to-ready, first start on an empty data dir (spawn → \`ready\` line) | ${kv['startup.first_ready_ms'] ?? '–'} ms | – |`);
p(`| start-to-ready, median of restarts on the existing data dir | **${kv['startup.restart_ready_median_ms'] ?? '–'} ms** (${kv['startup.restart_ready_ms'] ?? ''}) | – |`);
p(`| idle RSS after start (VmRSS, 2 s after ready; median of restarts) | **${f(Number(kv['startup.restart_rss_median_kb']) / 1024)} MiB** (first start ${f(Number(kv['startup.first_rss_kb']) / 1024)} MiB) | ${ks[0] ? `${f(ks[0].rss)} MiB in ${ks[0].n} processes (PSS ${f(ks[0].pss)})` : '–'} |`);
if (kv['startup_identity.restart_ready_median_ms']) {
  p(`| the same with identity only (STRATUS_SERVICES=identity): first start, median restart | ${kv['startup_identity.first_ready_ms']} ms, **${kv['startup_identity.restart_ready_median_ms']} ms** (${kv['startup_identity.restart_ready_ms']}) | – |`);
  p(`| idle RSS with identity only (median of restarts) | **${f(Number(kv['startup_identity.restart_rss_median_kb']) / 1024)} MiB** | – |`);
}
p(`| RSS after the load | ${f(rssAfter.stratus ?? st[st.length - 1]?.rss)} MiB | ${ks.length ? `${f(rssAfter.keystone ?? ks[ks.length - 1].rss)} MiB` : '–'} |`);
p();

// targets
const ratioAt = (test) => {
  const k = peak('keystone', test);
  const s = peak('stratus', test);
  return ratio(s?.rps, k?.rps);
};
const cpuRatioAt = (test) => {
  const k = runs.filter((r) => r.label === 'keystone' && r.test === test && r.cpuPerReq);
  const s = runs.filter((r) => r.label === 'stratus' && r.test === test && r.cpuPerReq);
  if (!k.length || !s.length) return undefined;
  const avg = (rs) => rs.reduce((a, r) => a + r.cpuPerReq, 0) / rs.length;
  return avg(k) / avg(s);
};
p('| target (from the issue) | measured | |');
p('| --- | --- | --- |');
for (const [test, name] of [['token-validate', 'validation ≥ 100× Keystone'], ['user-list', 'user list ≥ 100× Keystone'], ['token-issue-token', '`token`-method issue ≥ 100× Keystone']]) {
  const r = ratioAt(test);
  p(`| ${name} | ${x(r)} req/s (best vs best), ${x(cpuRatioAt(test))} less CPU per request | ${met(r === undefined ? undefined : r >= 100)} |`);
}
const pct = ratio(issue?.rps, limit);
p(`| password issue ≥ 90% of the bcrypt limit | ${f(pct * 100)}% | ${met(pct === undefined || Number.isNaN(pct) ? undefined : pct >= 0.9)} |`);
p(`| event loop never blocked by the hash | validation p99 ${f(during?.p99, 2)} ms during issue vs ${f(alone?.p99, 2)} ms alone | see p99 |`);
for (const [pre, what] of [['startup', 'all services'], ['startup_identity', 'identity only']]) {
  const ready = Number(kv[`${pre}.restart_ready_median_ms`]);
  const rss = Number(kv[`${pre}.restart_rss_median_kb`]) / 1024;
  if (Number.isNaN(ready)) continue;
  p(`| start-to-ready ≤ 0.5 s (${what}) | ${f(ready)} ms (first start ${kv[`${pre}.first_ready_ms`] ?? '–'} ms) | ${met(ready <= 500)} |`);
  p(`| idle RSS ≤ 100 MB (${what}) | ${f(rss)} MiB = ${f(rss * 1.048576)} MB | ${met(Number.isNaN(rss) ? undefined : rss * 1.048576 <= 100)} |`);
}
p();

// cleanliness
const noisy = runs.filter((r) => r.host - r.cpu > 0.3);
const errs = runs.filter((r) => r.errors > 0);
p(`Runs: ${runs.length}; with other load on the host (host_cpu − server_cpu > 0.3 core): ${noisy.length}${noisy.length ? ` (${noisy.map((r) => `${r.label} ${r.test} c=${r.c}: +${(r.host - r.cpu).toFixed(2)}`).join('; ')})` : ''}; with errors: ${errs.length}${errs.length ? ` (${errs.map((r) => `${r.label} ${r.test} c=${r.c}: ${r.errors}`).join('; ')})` : ''}.`);
if (!hasKs) p('Keystone was not measured in this run (--no-keystone, not root, or its setup failed).');
process.stdout.write(`${out.join('\n')}\n`);
