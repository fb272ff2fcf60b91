import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

// The layering rules of DESIGN.md, checked on every import in src/:
// core knows no service or driver; drivers import no service; inside a service
// api → domain → store (api may name store *types*); services meet only through index.ts.

const SRC = resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

interface Import { from: string; to: string; typeOnly: boolean }

function imports(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'/gm)) {
    out.push({ from: relative(SRC, file), to: relative(SRC, resolve(dirname(file), m[3]!)).replace(/\.js$/, '.ts'), typeOnly: Boolean(m[2]) });
  }
  return out;
}

function violation(i: Import): string | undefined {
  const [fromTop, fromSvc, fromLayer] = i.from.split('/');
  const [toTop, toSvc, toLayer] = i.to.split('/');
  if (fromTop === 'core' && (toTop === 'services' || toTop === 'drivers')) return 'core must not import services or drivers';
  if (fromTop === 'drivers' && toTop === 'services') return 'drivers must not import services';
  if (fromTop === 'services' && toTop === 'services' && fromLayer !== undefined && toSvc === 'index.ts') return 'services never import the registry (services/index.ts): the contract is services/service-module.ts';
  if (fromTop === 'services' && toTop === 'services' && fromSvc !== toSvc && toLayer !== undefined) {
    const file = i.to.split('/')[2];
    if (file !== 'index.ts' && !(file === 'facade.ts' && i.typeOnly)) return 'services meet only through the other service\'s index.ts (or the types of its facade.ts)';
  }
  if (fromTop === 'services' && toTop === 'services' && fromSvc === toSvc) {
    if (fromLayer === 'store' && (toLayer === 'domain' || toLayer === 'api')) return 'store must not import domain or api';
    if (fromLayer === 'domain' && toLayer === 'api') return 'domain must not import api';
    if (fromLayer === 'api' && toLayer === 'store' && !i.typeOnly) return 'api may import store types only';
  }
  return undefined;
}

/** An api/ file that reaches a store through another object (`d.servers.store.get(...)`): imports aside, no `.store.` or `.tables.` member. */
function storeReach(file: string, text: string): string[] {
  if (!/^services\/[^/]+\/api\//.test(file)) return [];
  return text.split('\n').flatMap((line, i) => {
    if (/^\s*(import|export)\b.*\bfrom\s+'/.test(line) || /^\s*\/\//.test(line)) return [];
    return /\.(store|tables)\./.test(line) ? [`${file}:${i + 1}: route files call domain services, never a store`] : [];
  });
}

/** A route file that writes a view of its own: views live in the service's `api/views.ts` (or, in
 *  compute, `api/<resource>.view.ts`), so that one file shows a resource's wire format. */
function inlineViews(file: string, text: string): string[] {
  if (!/^services\/[^/]+\/api\/.*\.routes\.ts$/.test(file)) return [];
  return text.split('\n').flatMap((line, i) =>
    /^\s*(export )?(async )?(function|const) \w+View\b/.test(line) ? [`${file}:${i + 1}: views belong in the service's view file`] : []);
}

test('imports flow api → domain → store, and core knows no service or driver', () => {
  const bad = files(SRC).flatMap(imports).map((i) => ({ i, why: violation(i) })).filter((x) => x.why);
  assert.deepEqual(bad.map((b) => `${b.i.from} → ${b.i.to}: ${b.why}`), []);
});

test('route files never reach a store through another object', () => {
  const bad = files(SRC).flatMap((f) => storeReach(relative(SRC, f), readFileSync(f, 'utf8')));
  assert.deepEqual(bad, []);
});

test('route files write no views of their own', () => {
  const bad = files(SRC).flatMap((f) => inlineViews(relative(SRC, f), readFileSync(f, 'utf8')));
  assert.deepEqual(bad, []);
});

test('the checker itself catches a violation', () => {
  assert.ok(violation({ from: 'core/http/x.ts', to: 'services/identity/index.ts', typeOnly: false }));
  assert.ok(violation({ from: 'services/identity/api/x.ts', to: 'services/identity/store/tables.ts', typeOnly: false }));
  assert.equal(violation({ from: 'services/identity/api/x.ts', to: 'services/identity/store/tables.ts', typeOnly: true }), undefined);
  assert.ok(violation({ from: 'services/compute/domain/x.ts', to: 'services/identity/domain/tokens.service.ts', typeOnly: false }));
  assert.ok(violation({ from: 'services/compute/index.ts', to: 'services/index.ts', typeOnly: true }));
  assert.equal(violation({ from: 'services/service-module.ts', to: 'services/compute/facade.ts', typeOnly: true }), undefined);
  assert.ok(violation({ from: 'services/network/domain/x.ts', to: 'services/compute/facade.ts', typeOnly: false }));
  assert.equal(storeReach('services/compute/api/x.routes.ts', "import type { InstanceRecord } from '../store/servers.store.js';").length, 0);
  assert.equal(storeReach('services/compute/api/x.routes.ts', 'const tags = await d.servers.store.tags(id);').length, 1);
  assert.equal(storeReach('services/identity/api/x.routes.ts', 'const u = await d.tables.users.get(id);').length, 1);
  assert.equal(storeReach('services/compute/domain/x.service.ts', 'return this.store.tags(id);').length, 0);
  assert.equal(inlineViews('services/compute/api/x.routes.ts', 'function groupView(req: ApiRequest, g: ServerGroup) {').length, 1);
  assert.equal(inlineViews('services/image/api/x.routes.ts', 'export const taskView = (t: TaskRecord) => ({').length, 1);
  assert.equal(inlineViews('services/volume/api/x.routes.ts', '  const groupView = async (req: ApiRequest, g: GroupRecord) => ({').length, 1);
  assert.equal(inlineViews('services/identity/api/x.routes.ts', 'async function assignmentView(req: ApiRequest) {').length, 1);
  assert.equal(inlineViews('services/image/api/views.ts', 'export function taskView(t: TaskRecord) {').length, 0);
});
