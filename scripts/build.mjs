// Bundles the server and its pure-JS dependencies into dist/main.cjs: one file to compile instead
// of ~400 modules to resolve and read, so `stratus up` is ready in a fraction of the time (and
// memory) that tsx or an unbundled build need. Native addons stay in node_modules. Runs on `npm ci` (prepare) and whenever bin/stratus.js finds
// dist older than src.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildBundle() {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/main.ts'],
    outfile: 'dist/main.cjs',
    bundle: true,
    platform: 'node',
    // NOTE: CommonJS, not ESM: bin/stratus.js compiles it as a script with V8's code cache (Node 20
    // has no code cache for ES modules), which a start then spends no time parsing and compiling.
    format: 'cjs',
    target: 'node20',
    // NOTE: packages with a native addon (they load .node files at run time) must stay external.
    external: ['better-sqlite3', 'bcrypt'],
    // The sources find files next to themselves through import.meta.url: the bundle's own URL.
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    sourcemap: true,
    // NOTE: whitespace and syntax only (names stay, for stacks and logs): a third less source for
    // V8 to parse on every start and to keep in memory while the server runs.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    plugins: [lazyRouterCompiles],
  });
  // NOTE: the ES module bundle of earlier builds, so that nothing runs or reads a stale one.
  await rm(`${root}dist/main.js`, { force: true });
  await rm(`${root}dist/main.js.map`, { force: true });
}

/**
 * find-my-way (Fastify's router) compiles a small function with `new Function` for every static
 * node, every handler's params object and every node's constraint matcher as each route is added:
 * with ~1,000 routes (and their 405 siblings) that was half of the time to ready. The same
 * functions are compiled here on their first call instead, so a route never asked for costs
 * nothing and the ones asked for run exactly the code they ran before.
 */
const lazyRouterCompiles = {
  name: 'lazy-router-compiles',
  setup(b) {
    const patch = (file, pairs) => b.onLoad({ filter: new RegExp(`find-my-way[\\\\/]lib[\\\\/]${file}$`) }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      for (const [from, to] of pairs) {
        // NOTE: a find-my-way whose code moved fails the build rather than quietly losing the patch.
        if (!text.includes(from)) throw new Error(`lazy-router-compiles: ${file} no longer contains ${JSON.stringify(from)}`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: 'js' };
    });
    patch('node\\.js', [[
      'function compilePrefixMatch (prefix) {',
      'function compilePrefixMatch (prefix) {\n  let fn\n  return function lazyPrefixMatch (path, i) { return (fn ??= compilePrefixMatchNow(prefix))(path, i) }\n}\nfunction compilePrefixMatchNow (prefix) {',
    ]]);
    patch('handler-storage\\.js', [[
      '_compileCreateParamsObject (params) {',
      '_compileCreateParamsObject (params) {\n    let fn\n    return (p0, p1, p2, p3, extra) => (fn ??= this._compileCreateParamsObjectNow(params))(p0, p1, p2, p3, extra)\n  }\n\n  _compileCreateParamsObjectNow (params) {',
    ], [
      '_compileGetHandlerMatchingConstraints (constrainer) {',
      '_compileGetHandlerMatchingConstraints (constrainer) {\n    this._getHandlerMatchingConstraints = function lazyMatching (derivedConstraints) {\n      this._compileGetHandlerMatchingConstraintsNow(constrainer)\n      return this._getHandlerMatchingConstraints(derivedConstraints)\n    }\n  }\n\n  _compileGetHandlerMatchingConstraintsNow (constrainer) {',
    ]]);
  },
};

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
