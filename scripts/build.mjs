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

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildBundle();
