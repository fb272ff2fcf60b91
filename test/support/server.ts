// The real thing, as a user runs it: `node bin/stratus.js up` in a child process, and the real
// `openstack` CLI (python-openstackclient) pointed at it. For test/e2e; in-process tests use
// test/support/cloud.ts instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const STRATUS_BIN = join(ROOT, 'bin', 'stratus.js');
export const OPENSTACK_BIN = '/usr/bin/openstack';

/** A port nobody listens on right now (the kernel's choice; released before we return). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A fresh temp dir; remove it with removeDir (tests do so in t.after). */
export const tempDir = (prefix = 'stratus-e2e-') => mkdtempSync(join(tmpdir(), prefix));
export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** Every child still running when this test process ends gets SIGKILL: a failed test leaves no server behind. */
const live = new Set<ChildProcess>();
process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });

let built = false;
/**
 * bin/stratus.js rebuilds dist/ when src/ is newer; do that once here, so that servers started
 * one after another never race two builds against each other.
 */
function ensureBuilt(): void {
  if (built) return;
  const r = spawnSync(process.execPath, [STRATUS_BIN, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`building stratus failed (${r.status}): ${r.stderr}`);
  built = true;
}

export interface ServerOptions {
  /** Each of these becomes its flag; null leaves the flag out (to test env vars and config files). */
  port?: number | null;
  dataDir?: string | null;
  adminPassword?: string | null;
  bind?: string | null;
  hostIp?: string | null;
  logLevel?: string | null;
  /** More arguments after `up` and the flags above. */
  args?: string[];
  /** Extra environment for the server (STRATUS_* vars); STRATUS_* from this process's env are dropped. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface StratusServer {
  /** The auth URL from the `Stratus ready:` line, without /v3 (what OS_AUTH_URL takes). */
  authUrl: string;
  /** Where this machine reaches the server (the listen port on 127.0.0.1), whatever the catalog says. */
  localUrl: string;
  port: number;
  pid: number;
  dataDir: string;
  adminPassword: string;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then wait for the exit; resolves to the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
}

export const DEFAULT_PASSWORD = 'e2e-Secret';

/** Starts `stratus up` and waits for its `Stratus ready: <authUrl>/v3` line. */
export async function startServer(opts: ServerOptions = {}): Promise<StratusServer> {
  ensureBuilt();
  const port = opts.port === undefined ? await freePort() : opts.port;
  const dataDir = opts.dataDir === undefined ? tempDir() : opts.dataDir;
  const adminPassword = opts.adminPassword === undefined ? DEFAULT_PASSWORD : opts.adminPassword;
  const flags: [string, string | number | null | undefined][] = [
    ['--port', port], ['--data-dir', dataDir], ['--admin-password', adminPassword],
    ['--bind', opts.bind === undefined ? '127.0.0.1' : opts.bind],
    ['--host-ip', opts.hostIp === undefined ? '127.0.0.1' : opts.hostIp],
    ['--log-level', opts.logLevel === undefined ? 'warn' : opts.logLevel],
  ];
  const args = [STRATUS_BIN, 'up'];
  for (const [flag, value] of flags) if (value !== null && value !== undefined) args.push(flag, String(value));
  args.push(...(opts.args ?? []));

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('STRATUS_')) env[k] = v;
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { live.delete(child); resolve(code); }));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { out += d; });

  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timeout = opts.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`stratus not ready after ${timeout} ms:\n${out}`)); }, timeout);
    const check = () => {
      const m = /^Stratus ready: (\S+)\/v3\b/m.exec(out);
      if (m) { clearTimeout(timer); child.stdout!.off('data', check); resolve(m); }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`stratus exited (${code}) before it was ready:\n${out}`)); });
  });
  const authUrl = ready[1]!;
  const listenPort = Number(new URL(authUrl).port);

  let stopping: Promise<number | null> | undefined;
  return {
    authUrl,
    localUrl: `http://127.0.0.1:${listenPort}`,
    port: listenPort,
    pid: child.pid!,
    dataDir: dataDir ?? '',
    adminPassword: adminPassword ?? '',
    output: () => out,
    stop() {
      if (!stopping) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        stopping = exited.finally(() => clearTimeout(kill));
      }
      return stopping;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is JSON (`-f json`), else undefined. */
  json: any;
}

/** Runs a command with exactly the OS_* variables given: none leak in from this process's environment. */
export function run(cmd: string, args: string[], env: Record<string, string> = {}, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OS_') && !k.startsWith('STRATUS_')) base[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', (err) => { clearTimeout(timer); live.delete(child); reject(err); });
    child.once('close', (code) => {
      clearTimeout(timer);
      live.delete(child);
      let json: unknown;
      try { json = stdout.trim() ? JSON.parse(stdout) : undefined; } catch { /* not JSON */ }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** The real `openstack` CLI with these OS_* variables (see osEnv). */
export const openstack = (args: string[], env: Record<string, string>, opts: { cwd?: string } = {}) => run(OPENSTACK_BIN, args, env, opts);

/**
 * `openstack <args>` with `env` (and `who` over it): stdout parsed as JSON, or as text when it is not
 * JSON, undefined when empty; rejects with stderr when the command fails.
 */
export async function openstackOk(
  args: string[], env: Record<string, string>, who: Record<string, string> = {}, timeoutMs = 90_000,
): Promise<any> {
  const r = await run(OPENSTACK_BIN, args, { ...env, ...who }, { timeoutMs });
  if (r.code !== 0) throw new Error(`openstack ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.json !== undefined ? r.json : r.stdout.trim() ? r.stdout : undefined;
}

/** `node bin/stratus.js ...` (openrc, clouds-yaml, status). */
export const stratus = (args: string[], env: Record<string, string> = {}, opts: { cwd?: string } = {}) =>
  run(process.execPath, [STRATUS_BIN, ...args], env, opts);

/**
 * OS_* variables for a user and project in the Default domain: of a `stratus up` server (its auth
 * URL), or of an in-process cloud (test/support/cloud.ts; its identity endpoint and DevStack's region).
 */
export function osEnv(to: string | { url: string }, username: string, password: string, project = username): Record<string, string> {
  const region: Record<string, string> = typeof to === 'string' ? {} : { OS_REGION_NAME: 'RegionOne' };
  return {
    ...region,
    OS_AUTH_URL: typeof to === 'string' ? to : `${to.url}/identity/v3`,
    OS_USERNAME: username,
    OS_PASSWORD: password,
    OS_PROJECT_NAME: project,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
  };
}

/** A password login through the API (no CLI): the token and the token body. */
export async function issueToken(localUrl: string, username: string, password: string, project?: string): Promise<{ status: number; token: string | null; body: any }> {
  const scope = project ? { project: { name: project, domain: { id: 'default' } } } : undefined;
  const res = await fetch(`${localUrl}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: username, domain: { id: 'default' }, password } } }, scope } }),
  });
  return { status: res.status, token: res.headers.get('x-subject-token'), body: await res.json() };
}

/**
 * The temp dirs and servers a test file makes: `dir()` and `start()` (or a push to `servers`) keep
 * them, and they are stopped and removed after the file's tests.
 */
export function ownedByFile(): { dir: () => string; start: (opts?: ServerOptions) => Promise<StratusServer>; servers: StratusServer[] } {
  const dirs: string[] = [];
  const servers: StratusServer[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
    for (const d of dirs) removeDir(d);
  });
  return {
    dir: () => { const d = tempDir(); dirs.push(d); return d; },
    start: async (opts?: ServerOptions) => { const s = await startServer(opts); servers.push(s); return s; },
    servers,
  };
}
