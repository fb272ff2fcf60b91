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
require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');

const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'main.js');

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
import(pathToFileURL(bundle).href).catch((err) => { console.error(err); process.exit(1); });
