import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeCloud } from '../../support/compute-server.js';

// GET /extensions and /extensions/{alias}: Nova's fixed list; anyone authenticated.

let cloud: TestCloud;
let demo: ComputeClient;
before(async () => {
  ({ cloud, demo } = await computeCloud());
});
after(async () => { await cloud?.stop(); });

test('list and show by alias', async () => {
  const list = (await demo.get('/extensions')).body.extensions;
  assert.ok(list.some((e: any) => e.name === 'Hosts'));
  const one = await demo.get('/extensions/os-consoles');
  assert.equal(one.status, 200);
  assert.deepEqual(Object.keys(one.body.extension).sort(), ['alias', 'description', 'links', 'name', 'namespace', 'updated']);
  assert.equal(one.body.extension.alias, 'os-consoles');
  assert.equal((await demo.get('/extensions/nope')).status, 404);
});
