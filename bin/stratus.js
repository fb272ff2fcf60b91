#!/usr/bin/env node
// The `stratus` command. Runs the bundle in dist/, rebuilding it first when src/ is newer
// (a checkout after `git pull`), so there is never a separate build step to remember.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
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
await import(bundle);
