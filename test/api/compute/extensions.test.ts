import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

// GET /extensions and /extensions/{alias}: Nova's fixed list; anyone authenticated.

let cloud: TestCloud;
let demo: Client;
before(async () => {
  cloud = await startTestCloud();
  demo = new Client(`${cloud.url}/compute/v2.1`, (await login(cloud, 'demo', 'secret', 'demo')).token);
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
