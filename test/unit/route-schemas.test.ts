import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Kind } from '@sinclair/typebox';
import { startTestCloud, type TestCloud } from '../support/cloud.js';

// DESIGN rule 2: every route that takes a body declares its schema (a real one, not Type.Any()),
// or says why it has none: `rawBody: 'none'` for an operation without a body, `'stream'` for a
// handler that reads the raw bytes.

let cloud: TestCloud;
before(async () => { cloud = await startTestCloud(); });
after(async () => { await cloud.stop(); });

function undeclared(prefix: string): string[] {
  const mount = cloud.mounts.find((m) => m.prefix === prefix);
  assert.ok(mount, `${prefix} is mounted`);
  return mount.routes
    .filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))
    .filter((r) => (!r.schema?.body || r.schema.body[Kind] === 'Any') && !r.rawBody)
    .map((r) => `${r.method} ${prefix}${r.url}`);
}

describe('every POST, PUT and PATCH route declares its body schema or why it has none', () => {
  test('identity', () => assert.deepEqual(undeclared('/identity'), []));
  test('image', () => assert.deepEqual(undeclared('/image'), []));
  test('network', () => assert.deepEqual(undeclared('/networking'), []));
  test('placement', () => assert.deepEqual(undeclared('/placement'), []));
  test('compute', () => assert.deepEqual(undeclared('/compute'), []));
});

test('without a token, a route with a body schema answers 401 before it looks at the body (keystonemiddleware first)', async () => {
  const asked: string[] = [];
  for (const m of cloud.mounts) {
    const r = m.routes.find((x) => x.method === 'POST' && x.schema?.body && (x.auth ?? 'required') === 'required' && !x.url.includes(':'));
    if (!r) continue;
    const url = `${cloud.url}${m.prefix}${r.url}`;
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[42]' });
    asked.push(`${r.method} ${m.prefix}${r.url} → ${res.status}`);
    assert.equal(res.status, 401, `${url}: ${await res.text()}`);
  }
  assert.ok(asked.length >= 4, asked.join('\n'));
});
