#!/usr/bin/env node
// The `stratus` command. Runs the bundle in dist/, rebuilding it first when src/ is newer
// (a checkout after `git pull`), so there is never a separate build step to remember.
// NOTE: CommonJS (bin/package.json), not ESM: node's ESM loader reads the entry file through
// libuv's thread pool, which fixes the pool's size before this file could set it.
'use strict';

// NOTE: before anything uses libuv's thread pool (sized when first used): the object store's
// concurrent file writes and fsyncs run there, and fsyncs that run at once share the file system's
// journal commits, where the default 4 threads queue them.
process.env.UV_THREADPOOL_SIZE ??= '16';

// NOTE: V8's young generation stays at its first size (1 MiB semi-spaces) instead of growing to 16
// MiB ones under load: what a server that streams objects allocates dies young either way, and
// the bigger spaces were 30-50 MiB of resident memory (the flag is read when the space would
// grow, so setting it here works, unlike --max-semi-space-size, which only the command line sets).
const v8 = require('node:v8');
v8.setFlagsFromString('--semi-space-growth-factor=1');
// NOTE: TurboFan stays on while the server starts, though it spends start-up CPU on code that runs
// once: turned off until ready and on again after, it left the hot paths slower for the process's
// life (a 1 MiB object PUT at 16 clients: 3.7 → 7.6 ms of CPU, 292 → 143 PUTs/s).

const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'main.cjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const src = join(root, 'src');
const site = join(root, 'dashboard');
const siteIndex = join(root, 'dist', 'dashboard', 'index.html');
const stale = existsSync(src) && (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource(src));
const staleSite = existsSync(site) && (!existsSync(siteIndex) || statSync(siteIndex).mtimeMs < newestSource(site));
if (stale || staleSite) {
  // NOTE: in a child process, so that esbuild and Vite (their processes, their heaps) never stay in the server's.
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...(staleSite ? [] : ['server'])], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
runBundle(bundle);

/**
 * Runs the bundle as Node runs a CommonJS module, but compiled with V8's code cache: the bytecode
 * of every function the last start compiled, kept in DIST/main.cjs.v8cache, so that a start neither
 * parses the 3 MB bundle nor compiles its functions one by one as they first run.
 * NOTE: V8 refuses a cache made by another V8 or under other flags (cachedDataRejected) but checks
 * only the source's length, so the cache names the bundle it was made from (size and mtime).
 */
function runBundle(file) {
  const cacheFile = `${file}.v8cache`;
  const { size, mtimeMs } = statSync(file);
  const stamp = Buffer.from(`${process.version} ${process.arch} ${size} ${mtimeMs}\n`);
  let script;
  {
    let cachedData;
    try {
      const saved = readFileSync(cacheFile);
      if (saved.subarray(0, stamp.length).equals(stamp)) cachedData = saved.subarray(stamp.length);
    } catch { /* no cache yet */ }
    script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, { filename: file, cachedData });
    if (!cachedData || script.cachedDataRejected) process.once('stratus:ready', () => saveCodeCache(script, cacheFile, stamp));
  }
  process.once('stratus:ready', startedUp);
  const mod = { exports: {}, filename: file };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
}

/** The code cache of what the start compiled, written beside the bundle (where it can be: dist/ may be read-only). */
function saveCodeCache(script, cacheFile, stamp) {
  // NOTE: under the flags the start ran with (V8 refuses a cache made under others), so before startedUp.
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([stamp, script.createCachedData()]));
    renameSync(temp, cacheFile);
  } catch {
    // NOTE: the next start compiles without it.
    rmSync(temp, { force: true });
  }
}

/**
 * Once the server is ready (src/cli/up.ts emits 'stratus:ready'): one compacting collection of the
 * heap the start left, whose short-lived objects the small young generation promoted to the old one
 * (~9 MiB of half-empty pages otherwise resident).
 */
function startedUp() {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  v8.setFlagsFromString('--compact-on-every-full-gc');
  gc();
  v8.setFlagsFromString('--no-compact-on-every-full-gc');
}
