// Bundles the server and its pure-JS dependencies into dist/main.js: one file to compile instead
// of ~400 modules to resolve and read, so `stratus up` is ready in a fraction of the time (and
// memory) that tsx or an unbundled build need. Native addons stay in node_modules. Runs on `npm ci` (prepare) and whenever bin/stratus.js finds
// dist older than src.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildBundle() {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/main.ts'],
    outfile: 'dist/main.js',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // NOTE: packages with a native addon (they load .node files at run time) must stay external.
    external: ['better-sqlite3', 'bcrypt'],
    // CommonJS dependencies call require() for Node's builtins; an ESM bundle has to provide it.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    sourcemap: true,
    logLevel: 'warning',
  });
}

/** The web dashboard (dashboard/, React) as static files in dist/dashboard, built by Vite. */
export async function buildDashboard() {
  const { build: vite } = await import('vite');
  await vite({ configFile: `${root}dashboard/vite.config.ts`, logLevel: 'warn' });
  // Pre-compressed copies, served as they are (no compression work per request).
  const { readdirSync, readFileSync, writeFileSync } = await import('node:fs');
  const { brotliCompressSync, gzipSync } = await import('node:zlib');
  const assets = `${root}dist/dashboard/assets`;
  for (const name of readdirSync(assets)) {
    if (!/\.(js|css|svg)$/.test(name)) continue;
    const bytes = readFileSync(`${assets}/${name}`);
    writeFileSync(`${assets}/${name}.gz`, gzipSync(bytes, { level: 9 }));
    writeFileSync(`${assets}/${name}.br`, brotliCompressSync(bytes));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildBundle();
  // NOTE: `node scripts/build.mjs server` skips the dashboard (bin/stratus.js after a change in src/ only).
  if (process.argv[2] !== 'server') await buildDashboard();
}
