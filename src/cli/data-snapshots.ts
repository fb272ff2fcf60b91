// Whole-cloud snapshots of the data dir: `stratus snapshot save|load|list` and `stratus reset`.
// A snapshot is DATA_DIR/snapshots/NAME: the SQLite database as SQLite's online backup API writes
// it, and every other file of the data dir (Fernet keys, images, volumes, objects, the drivers'
// state) beside it, with a manifest.json written last. Image and object files are written once
// (temp name, fsync, rename) and never changed in place, so they are hard-linked; every other file
// is a reflink when the file system has them, else a real copy, fsynced. A snapshot is built under
// a temp name and renamed, so a cut-short save leaves no snapshot behind; a load builds the restored
// tree beside the live one and swaps the entries in.
//
// These functions assume nothing writes the data dir meanwhile: the CLI runs them when no server
// runs, and a running server runs them itself with its services stopped (cli/control.ts).
import Database from 'better-sqlite3';
import { chmodSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { copyFile, link, open, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fsyncPath } from '../core/fs/fsync.js';

/** A user's mistake (a bad or unknown name): nothing was changed; the CLI exits 2. */
export class SnapshotError extends Error {}

export const SNAPSHOTS_DIR = 'snapshots';
export const PID_FILE = 'stratus.pid';
const DB_FILE = 'stratus.db';
const MANIFEST = 'manifest.json';
/** Never copied into a snapshot nor replaced by a load: the snapshots themselves and the server's pid file. */
const NEVER = new Set([SNAPSHOTS_DIR, PID_FILE]);
/** The database's files: saved through the backup API, never copied as files. */
const DB_FILES = new Set([DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, `${DB_FILE}-journal`]);
/** Operator-written config in the data dir: a snapshot keeps and restores it, a reset leaves it. */
const CONFIG_FILES = new Set(['policy.yaml', 'policy.json']);
/** Files written once and never changed in place (ImageFiles, FsObjectStorageDriver): hard-linked. */
const IMMUTABLE = [/^images\/[^/]+$/, /^objects\/data\/[^/]+\/[^/]+$/];
/** Our own temp dirs beside the live entries, and files of writes cut short. */
const TEMP = /^\.(restore|old)-|\.part$/;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Progress { phase: string; doneBytes: number; totalBytes: number }

export interface SnapshotOptions { onProgress?: (p: Progress) => void }

export interface CopyReport {
  files: number;
  bytes: number;
  /** Files hard-linked rather than copied. */
  linked: number;
  ms: number;
}

export interface SnapshotInfo { name: string; createdAt: string; files: number; bytes: number }

export function checkName(name: string): void {
  if (!NAME.test(name)) throw new SnapshotError(`'${name}' is not a valid snapshot name: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
}

const snapshotDir = (dataDir: string, name: string) => join(dataDir, SNAPSHOTS_DIR, name);

/** The snapshot's manifest; SnapshotError when the name is bad or no such snapshot exists. */
export function readSnapshot(dataDir: string, name: string): SnapshotInfo {
  checkName(name);
  const file = join(snapshotDir(dataDir, name), MANIFEST);
  if (!existsSync(file)) {
    const known = listSnapshots(dataDir).map((s) => s.name);
    throw new SnapshotError(`no snapshot named '${name}' in ${join(dataDir, SNAPSHOTS_DIR)} (${known.length ? `there are: ${known.join(', ')}` : 'there are none'})`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as SnapshotInfo;
}

export function listSnapshots(dataDir: string): SnapshotInfo[] {
  const dir = join(dataDir, SNAPSHOTS_DIR);
  if (!existsSync(dir)) return [];
  const out: SnapshotInfo[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, MANIFEST);
    if (NAME.test(name) && existsSync(file)) out.push(JSON.parse(readFileSync(file, 'utf8')) as SnapshotInfo);
  }
  return out;
}

/** Checks before anything is stopped or written: the name, and whether it may be (re)written. */
export function checkSave(dataDir: string, name: string, force: boolean): void {
  checkName(name);
  checkDataDir(dataDir);
  if (!force && existsSync(snapshotDir(dataDir, name))) throw new SnapshotError(`snapshot '${name}' exists; --force replaces it`);
  checkNoRunningGuests(dataDir);
}

/** A data dir Stratus made (or an empty one): reset and load never empty a directory that is not. */
export function checkDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) throw new SnapshotError(`data directory ${dataDir} does not exist`);
  const entries = readdirSync(dataDir).filter((e) => !NEVER.has(e));
  if (entries.length && !entries.includes(DB_FILE)) throw new SnapshotError(`${dataDir} does not look like a Stratus data directory (no ${DB_FILE}); nothing changed`);
}

/** Saves the data dir as snapshot `name` (replacing one of that name when `force`). */
export async function saveSnapshot(dataDir: string, name: string, force: boolean, opts: SnapshotOptions = {}): Promise<CopyReport & { replaced: boolean }> {
  checkSave(dataDir, name, force);
  const started = performance.now();
  const root = join(dataDir, SNAPSHOTS_DIR);
  // NOTE: snapshots hold Fernet keys and passwords (openrc): the owner's only.
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const tmp = join(root, `.${name}.partial-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const files = walk(dataDir, (rel) => !DB_FILES.has(rel) && !TEMP.test(rel));
    const report = await copyTree(dataDir, tmp, files, 'saving', opts);
    if (existsSync(join(dataDir, DB_FILE))) {
      report.bytes += await backupDatabase(join(dataDir, DB_FILE), join(tmp, DB_FILE));
      report.files += 1;
    }
    const info: SnapshotInfo = { name, createdAt: new Date().toISOString(), files: report.files, bytes: report.bytes };
    await writeDurably(join(tmp, MANIFEST), `${JSON.stringify(info, null, 2)}\n`);
    await fsyncPath(tmp);
    const final = snapshotDir(dataDir, name);
    const replaced = existsSync(final);
    const old = join(root, `.${name}.old-${process.pid}`);
    if (replaced) renameSync(final, old);
    renameSync(tmp, final);
    await fsyncPath(root);
    rmSync(old, { recursive: true, force: true });
    return { ...report, replaced, ms: Math.round(performance.now() - started) };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * QEMU guests running from the data dir: an instance dir whose pid file names a live process whose
 * command line names that dir (so a reused pid is never taken for a guest).
 */
export function runningGuests(dataDir: string): { id: string; pid: number }[] {
  const root = join(dataDir, 'instances');
  if (!existsSync(root)) return [];
  const out: { id: string; pid: number }[] = [];
  for (const id of readdirSync(root)) {
    const dir = join(root, id);
    try {
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8').trim());
      if (pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.includes(dir))) out.push({ id, pid });
    } catch { /* no pid file or no such process: not running */ }
  }
  return out;
}

/**
 * Ends the guests running from the data dir (SIGTERM, SIGKILL after 5 s): a load or a reset
 * replaces the state they run from. The compute service, started again on the restored state,
 * boots the guests its database holds (init_host), so none is left running that it does not know.
 */
export async function stopGuests(dataDir: string): Promise<number> {
  const guests = runningGuests(dataDir);
  const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  for (const g of guests) { try { process.kill(g.pid, 'SIGTERM'); } catch { /* gone */ } }
  for (let i = 0; i < 50 && guests.some((g) => alive(g.pid)); i++) await sleep(100);
  for (const g of guests) if (alive(g.pid)) { try { process.kill(g.pid, 'SIGKILL'); } catch { /* gone */ } }
  return guests.length;
}

/** A save copies guests' disks: a running guest writes them meanwhile, so it is refused with the guests named. */
export function checkNoRunningGuests(dataDir: string): void {
  const guests = runningGuests(dataDir);
  if (guests.length) {
    throw new SnapshotError(`${guests.length} guest(s) run from this data dir (${guests.map((g) => g.id).join(', ')}): stop them first (openstack server stop), then save`);
  }
}

/** Replaces the data dir's state with snapshot `name`'s (guests running from the old state are ended first). */
export async function loadSnapshot(dataDir: string, name: string, opts: SnapshotOptions = {}): Promise<CopyReport & { guestsStopped: number }> {
  readSnapshot(dataDir, name);
  checkDataDir(dataDir);
  const started = performance.now();
  const guestsStopped = await stopGuests(dataDir);
  const source = snapshotDir(dataDir, name);
  const staging = join(dataDir, `.restore-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  let report: CopyReport;
  try {
    report = await copyTree(source, staging, walk(source, (rel) => rel !== MANIFEST), 'loading', opts);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  await swapIn(dataDir, staging, () => true);
  return { ...report, guestsStopped, ms: Math.round(performance.now() - started) };
}

/** Empties the data dir's state (the snapshots and policy files stay): the next start seeds a fresh cloud. */
export async function resetDataDir(dataDir: string): Promise<{ removed: number; guestsStopped: number; ms: number }> {
  checkDataDir(dataDir);
  const started = performance.now();
  const guestsStopped = await stopGuests(dataDir);
  const staging = join(dataDir, `.restore-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  const removed = await swapIn(dataDir, staging, (entry) => !CONFIG_FILES.has(entry));
  return { removed, guestsStopped, ms: Math.round(performance.now() - started) };
}

/**
 * Moves the live entries `replace` names aside, then the staging dir's entries in, then removes
 * what was moved aside. Returns how many live entries were replaced.
 */
async function swapIn(dataDir: string, staging: string, replace: (entry: string) => boolean): Promise<number> {
  const old = join(dataDir, `.old-${process.pid}`);
  rmSync(old, { recursive: true, force: true });
  mkdirSync(old);
  const live = readdirSync(dataDir).filter((e) => !NEVER.has(e) && !TEMP.test(e) && replace(e));
  for (const entry of live) renameSync(join(dataDir, entry), join(old, entry));
  for (const entry of readdirSync(staging)) {
    // NOTE: a policy file a reset keeps stays; the snapshot's copy replaces it on load.
    if (existsSync(join(dataDir, entry))) renameSync(join(dataDir, entry), join(old, `${entry}.kept`));
    renameSync(join(staging, entry), join(dataDir, entry));
  }
  await fsyncPath(dataDir);
  rmSync(old, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
  return live.length;
}

/** Relative paths of the regular files under `root` that `keep` accepts (the never-copied entries left out). */
function walk(root: string, keep: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      const rel = relative(root, path).split(sep).join('/');
      if (dir === root && (NEVER.has(e.name) || TEMP.test(e.name))) continue;
      if (e.isDirectory()) { out.push(`${rel}/`); visit(path); }
      else if (e.isFile() && keep(rel)) out.push(rel);
    }
  };
  visit(root);
  return out;
}

/** Copies `files` (directories end in /) from one tree to another, telling progress as bytes go. */
async function copyTree(from: string, to: string, files: string[], phase: string, opts: SnapshotOptions): Promise<CopyReport> {
  const started = performance.now();
  const sizes = new Map<string, number>();
  for (const f of files) if (!f.endsWith('/')) sizes.set(f, statSync(join(from, f)).size);
  const totalBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  let doneBytes = 0;
  let linked = 0;
  const dirs = new Set<string>([to]);
  for (const f of files) {
    if (f.endsWith('/')) {
      // NOTE: with the source's mode: fernet-keys is the owner's only.
      mkdirSync(join(to, f), { recursive: true });
      chmodSync(join(to, f), statSync(join(from, f)).mode & 0o7777);
      dirs.add(join(to, f));
      continue;
    }
    const src = join(from, f);
    const dst = join(to, f);
    // NOTE: a hard link fails across file systems (a snapshots dir mounted elsewhere): then a copy.
    if (IMMUTABLE.some((re) => re.test(f)) && (await link(src, dst).then(() => true, () => false))) {
      linked++;
      doneBytes += sizes.get(f)!;
      opts.onProgress?.({ phase, doneBytes, totalBytes });
    } else await copyDurably(src, dst, (n) => { doneBytes += n; opts.onProgress?.({ phase, doneBytes, totalBytes }); });
  }
  for (const d of dirs) await fsyncPath(d);
  return { files: sizes.size, bytes: totalBytes, linked, ms: Math.round(performance.now() - started) };
}

const CHUNK = 8 * 1024 * 1024;

/**
 * A reflink when the file system makes one (instant, copy-on-write), else a copy in chunks (each
 * chunk counted through `progress`); fsynced either way.
 */
async function copyDurably(src: string, dst: string, progress: (bytes: number) => void): Promise<void> {
  try {
    await copyFile(src, dst, constants.COPYFILE_FICLONE_FORCE);
    progress((await stat(dst)).size);
  } catch {
    const input = await open(src, 'r');
    const output = await open(dst, 'w', (await input.stat()).mode & 0o777);
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const { bytesRead } = await input.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) break;
        let off = 0;
        while (off < bytesRead) off += (await output.write(buf, off, bytesRead - off)).bytesWritten;
        progress(bytesRead);
      }
    } finally {
      await input.close();
      await output.close();
    }
  }
  const fh = await open(dst, 'r+');
  try { await fh.sync(); } finally { await fh.close(); }
}

/** SQLite's online backup: a consistent copy even while another connection writes. Returns its size. */
async function backupDatabase(file: string, dest: string): Promise<number> {
  const db = new Database(file, { fileMustExist: true });
  try {
    await db.backup(dest);
  } finally {
    db.close();
  }
  const fh = await open(dest, 'r+');
  try { await fh.sync(); } finally { await fh.close(); }
  return statSync(dest).size;
}

async function writeDurably(file: string, text: string): Promise<void> {
  await writeFile(file, text);
  await fsyncPath(file);
}

/** Bytes as a person reads them. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(1)} ${units[i]}`;
}
