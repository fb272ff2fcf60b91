// What the API benchmarks share: their own server from the bundle on a fresh data dir (removed on
// exit or interrupt), an admin token, and percentiles.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const now = () => Number(process.hrtime.bigint()) / 1e6;
export const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
export const fmt = (ms) => `${ms.toFixed(2)} ms`;
export function numberOption(name, dflt) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

export const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

/**
 * Starts `stratus up` (config: a JSON config file's settings, if any) and resolves with its base
 * URL, an admin project token (with its project id and catalog), the server's PID, its data dir and
 * stop() (SIGTERM, resolves on exit). It builds the bundle first unless `build` is false (a second
 * server of the same run); `args` are more of `stratus up`'s options. SERVER_NODE_ARGS (e.g.
 * '--cpu-prof') go to the server's node.
 */
export async function startBenchServer(name, config, { build = true, args = [] } = {}) {
  const work = mkdtempSync(join(tmpdir(), `stratus-${name}-bench-`));
  let server;
  process.on('exit', () => { server?.kill('SIGTERM'); rmSync(work, { recursive: true, force: true }); });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  if (build) spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const port = await freePort();
  const configArgs = [];
  if (config) { writeFileSync(join(work, 'stratus.json'), JSON.stringify(config)); configArgs.push('--config', join(work, 'stratus.json')); }
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  server = spawn(process.execPath, [...nodeArgs, join(root, 'bin', 'stratus.js'), 'up', '--port', String(port), '--data-dir', join(work, 'data'),
    '--bind', '127.0.0.1', '--log-level', 'warn', ...configArgs, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); });
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  server.stdout.resume();
  const base = `http://127.0.0.1:${port}`;
  // stop(): SIGTERM and wait for the exit (a --cpu-prof profile is written by then).
  const stop = () => new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });
  const auth = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'secret' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
  });
  const { token: body } = await auth.json();
  return { base, token: auth.headers.get('x-subject-token'), projectId: body.project.id, catalog: body.catalog, pid: server.pid, stop, dataDir: join(work, 'data') };
}

/** A process's CPU time (user + system, ms; Linux's 100 ticks a second) from /proc; undefined elsewhere. */
export function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * 10;
  } catch { return undefined; }
}

/** A process's peak resident memory so far (VmHWM, MiB) from /proc; undefined elsewhere. */
export function peakRssMiB(pid) {
  try { return Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024; } catch { return undefined; }
}

/** JSON in, JSON out under `prefix`; a 4xx/5xx throws with the body. */
export function apiClient(base, prefix, headers) {
  return async (method, path, body) => {
    const r = await fetch(`${base}${prefix}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}
