import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bootServer, computeFixture, type ComputeFixture } from '../../support/compute-server.js';

// os-server-password: '' until the guest posts one; clear is 204; other projects 404.

let f: ComputeFixture;
before(async () => { f = await computeFixture('pw.tiny'); });
after(async () => { await f?.cloud.stop(); });

test('show and clear', async () => {
  const id = await bootServer(f, f.demo, 'pw');
  assert.deepEqual((await f.demo.get(`/servers/${id}/os-server-password`)).body, { password: '' });
  assert.equal((await f.demo.delete(`/servers/${id}/os-server-password`)).status, 204);
  assert.deepEqual((await f.demo.get(`/servers/${id}/os-server-password`)).body, { password: '' });
  assert.equal((await f.demo.get('/servers/00000000-0000-0000-0000-000000000000/os-server-password')).status, 404);
});

test('metadata over the metadata_items quota is 403 on create; rebuild shows key_name from 2.54', async () => {
  const metadata = Object.fromEntries(Array.from({ length: 129 }, (_, n) => [String(n), String(n)]));
  const r = await f.demo.post('/servers', { server: { name: 'meta', imageRef: f.imageId, flavorRef: f.flavorId, metadata } });
  assert.equal(r.status, 403);
  assert.equal(r.body.forbidden.message, 'Quota exceeded for metadata_items: Requested 129, but already used 0 of 128 metadata_items');
  const id = await bootServer(f, f.demo, 'rb');
  const rb = await f.demo.at('2.54').post(`/servers/${id}/action`, { rebuild: { imageRef: f.imageId } });
  assert.equal(rb.status, 202);
  assert.equal(rb.body.server.key_name, null);
});
