import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client, TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeFixture } from '../../support/compute-server.js';

// Nova's image proxy: /images and /images/{id}/metadata over the image service, up to 2.35 / 2.38;
// createImage from a server and the snapshot seen through the proxy.

let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let demoGlance: Client;
let imageId: string;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

before(async () => {
  const image = { name: 'cirros-im', disk_format: 'qcow2', min_ram: 16, auto_disk_config: 'true' };
  ({ cloud, admin, demo, demoGlance, imageId } = await computeFixture('im.tiny', { image, imageData: 'QFI\xfbfake-disk' }));
});
after(async () => { await cloud?.stop(); });

describe('images', () => {
  test('list, detail and show in Nova\'s shape, with self, bookmark and alternate links', async () => {
    const list = await demo.get('/images');
    assert.equal(list.status, 200);
    const basic = list.body.images.find((x: any) => x.id === imageId);
    assert.deepEqual(Object.keys(basic).sort(), ['id', 'links', 'name']);
    assert.deepEqual(basic.links.map((l: any) => l.rel), ['self', 'bookmark', 'alternate']);
    assert.match(basic.links[2].href, new RegExp(`/image/images/${imageId}$`));
    const shown = await demo.get(`/images/${imageId}`);
    assert.equal(shown.status, 200);
    const im = shown.body.image;
    assert.equal(im.status, 'ACTIVE');
    assert.equal(im.progress, 100);
    assert.equal(im.minRam, 16);
    assert.equal(im.minDisk, 0);
    assert.equal(im['OS-DCF:diskConfig'], 'AUTO');
    assert.equal(im['OS-EXT-IMG-SIZE:size'], 14);
    assert.deepEqual(im.metadata, { auto_disk_config: 'true' });
    assert.match(im.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const detail = await demo.get('/images/detail');
    assert.deepEqual(detail.body.images.find((x: any) => x.id === imageId), im);
  });

  test('filters by name and status; limit pages with a next link', async () => {
    const byName = await demo.get('/images?name=cirros-im');
    assert.deepEqual(byName.body.images.map((x: any) => x.id), [imageId]);
    assert.equal((await demo.get('/images?name=nope')).body.images.length, 0);
    assert.equal((await demo.get('/images/detail?status=ACTIVE')).body.images.some((x: any) => x.id === imageId), true);
    const q = await demoGlance.post('/v2/images', { name: 'queued-one' });
    const saving = await demo.get(`/images/${q.body.id}`);
    assert.equal(saving.body.image.status, 'SAVING');
    assert.equal(saving.body.image.progress, 25);
    const one = await demo.get('/images?limit=1');
    assert.equal(one.body.images.length, 1);
    assert.match(one.body.images_links[0].href, /\/compute\/v2\.1\/images\?limit=1&marker=/);
    assert.equal((await demo.get('/images?limit=x')).status, 400);
    assert.equal((await demo.delete(`/images/${q.body.id}`)).status, 204);
  });

  test('unknown ids are 404, a blank id too; another project\'s image cannot be deleted (403)', async () => {
    const missing = await demo.get('/images/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.itemNotFound.message, 'Image not found.');
    assert.equal((await demo.delete('/images/00000000-0000-0000-0000-000000000000')).status, 404);
    assert.equal((await demo.delete('/images/')).status, 404);
    const d = await demo.delete(`/images/${imageId}`);
    assert.equal(d.status, 403);
    assert.equal(d.body.forbidden.message, 'You are not allowed to delete the image.');
  });

  test('the proxy is gone after 2.35 (metadata after 2.38)', async () => {
    assert.equal((await demo.at('2.35').get('/images')).status, 200);
    assert.equal((await demo.at('2.36').get('/images')).status, 404);
    assert.equal((await demo.at('2.36').get(`/images/${imageId}`)).status, 404);
    assert.equal((await demo.at('2.38').get(`/images/${imageId}/metadata`)).status, 200);
    assert.equal((await demo.at('2.39').get(`/images/${imageId}/metadata`)).status, 404);
  });
});

describe('image metadata', () => {
  test('create merges, update all replaces, one key shown, set and deleted', async () => {
    const own = await demoGlance.post('/v2/images', { name: 'meta-one', a: '1' });
    const id = own.body.id;
    assert.deepEqual((await demo.get(`/images/${id}/metadata`)).body, { metadata: { a: '1' } });
    assert.deepEqual((await demo.post(`/images/${id}/metadata`, { metadata: { b: '2' } })).body, { metadata: { a: '1', b: '2' } });
    assert.deepEqual((await demo.put(`/images/${id}/metadata`, { metadata: { c: '3' } })).body, { metadata: { c: '3' } });
    assert.deepEqual((await demo.get(`/images/${id}/metadata/c`)).body, { meta: { c: '3' } });
    assert.equal((await demo.get(`/images/${id}/metadata/zz`)).status, 404);
    assert.deepEqual((await demo.put(`/images/${id}/metadata/d`, { meta: { d: '4' } })).body, { meta: { d: '4' } });
    assert.equal((await demo.put(`/images/${id}/metadata/d`, { meta: { e: '4' } })).status, 400);
    assert.equal((await demo.delete(`/images/${id}/metadata/c`)).status, 204);
    assert.equal((await demo.delete(`/images/${id}/metadata/c`)).status, 404);
    assert.deepEqual((await demo.get(`/images/${id}/metadata`)).body, { metadata: { d: '4' } });
    assert.equal((await demo.post(`/images/${id}/metadata`, { metadata: { '': 'x' } })).status, 400);
    const many = Object.fromEntries(Array.from({ length: 129 }, (_, n) => [`k${n}`, 'v']));
    const over = await demo.put(`/images/${id}/metadata`, { metadata: many });
    assert.equal(over.status, 403);
    assert.equal(over.body.forbidden.message, 'Image metadata limit exceeded');
  });
});

describe('createImage', () => {
  test('a snapshot shows through the proxy with its server; the caller\'s metadata wins; invalid metadata is 400', async () => {
    const r = await demo.post('/servers', { server: { name: 'snap-src', imageRef: imageId, flavorRef: 'im.tiny' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const sid = r.body.server.id;
    await until('ACTIVE', async () => ((await demo.get(`/servers/${sid}`)).body.server.status === 'ACTIVE' ? true : undefined));
    assert.equal((await demo.post(`/servers/${sid}/action`, { createImage: { name: 'x', metadata: { '': '' } } })).status, 400);
    const c = await demo.post(`/servers/${sid}/action`, { createImage: { name: 'snap-ü', metadata: { image_type: 'test' } } });
    assert.equal(c.status, 202);
    const snapId = c.headers.get('location')!.split('/').pop()!;
    const im = await until('snapshot ACTIVE', async () => {
      const s = await demo.get(`/images/${snapId}`);
      return s.body.image?.status === 'ACTIVE' ? s.body.image : undefined;
    });
    assert.equal(im.name, 'snap-ü');
    assert.equal(im.metadata.image_type, 'test');
    assert.equal(im.server.id, sid);
    assert.deepEqual((await demo.get(`/images?server=${sid}`)).body.images.map((x: any) => x.id), [snapId]);
    assert.deepEqual((await demo.get(`/images?type=test`)).body.images.map((x: any) => x.id), [snapId]);
    assert.equal((await demo.delete(`/images/${snapId}`)).status, 204);
    assert.equal((await demo.get(`/images/${snapId}`)).status, 404);
    await demo.delete(`/servers/${sid}`);
  });
});
