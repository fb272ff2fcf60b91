import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { startTestCloud, systemLogin, type Client, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Image quotas as Glance enforces Keystone's unified limits (use_keystone_limits, on as DevStack's
// GLANCE_ENABLE_QUOTAS): the project's limit from /v3/limits, else glance's registered default,
// checked where Glance checks them (Tempest's scenario test_unified_limits, step by step).

const OCTET = { 'Content-Type': 'application/octet-stream' };
const MIB = Buffer.alloc(1024 * 1024, 1).toString('latin1');

const systemAdmin = (cloud: TestCloud) => systemLogin(cloud, 'admin');

describe('glance enforces keystone limits', () => {
  let cloud: TestCloud;
  let sys: Client;
  let demo: Client;
  let demoId: string;
  let glanceId: string;
  const limitIds: Record<string, string> = {};

  /** Sets demo's own limit for a resource (creates it the first time), as Tempest's _update_limit. */
  async function setLimit(name: string, value: number): Promise<void> {
    if (!limitIds[name]) {
      const r = await sys.post('/limits', { limits: [{ service_id: glanceId, project_id: demoId, region_id: 'RegionOne', resource_name: name, resource_limit: value }] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      limitIds[name] = r.body.limits[0].id;
    } else {
      assert.equal((await sys.patch(`/limits/${limitIds[name]}`, { limit: { resource_limit: value } })).status, 200);
    }
  }
  const create = async (name: string) => demo.post('/v2/images', { name, disk_format: 'raw', container_format: 'bare', visibility: 'private' });
  const newImage = async (name: string) => { const r = await create(name); assert.equal(r.status, 201); return r.body.id as string; };
  const upload = (id: string) => demo.put(`/v2/images/${id}/file`, MIB, OCTET);
  const stage = (id: string) => demo.put(`/v2/images/${id}/stage`, MIB, OCTET);
  async function importStaged(id: string): Promise<void> {
    assert.equal((await demo.post(`/v2/images/${id}/import`, { method: { name: 'glance-direct' } })).status, 202);
    let status = '';
    for (let n = 0; n < 200 && status !== 'active'; n++) {
      status = (await demo.get(`/v2/images/${id}`)).body.status;
      if (status !== 'active') await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(status, 'active');
  }

  before(async () => {
    cloud = await startTestCloud({ services: ['identity', 'image'] });
    sys = await systemAdmin(cloud);
    demo = await clientAs(cloud, 'image', 'demo');
    demoId = (await sys.get('/projects?name=demo')).body.projects[0].id;
    glanceId = (await sys.get('/services?type=image')).body.services.find((s: any) => s.name === 'glance').id;
  });
  after(async () => { await cloud.stop(); });
  afterEach(async () => {
    for (const i of (await demo.get('/v2/images')).body.images) if (i.owner === demoId) await demo.delete(`/v2/images/${i.id}`);
  });

  test('glance\'s registered limits are DevStack\'s, in RegionOne; /v2/info/usage shows them', async () => {
    const r = await sys.get(`/registered_limits?service_id=${glanceId}`);
    const byName = Object.fromEntries(r.body.registered_limits.map((l: any) => [l.resource_name, [l.default_limit, l.region_id]]));
    assert.deepEqual(byName, {
      image_size_total: [1000, 'RegionOne'], image_stage_total: [1000, 'RegionOne'], image_count_total: [100, 'RegionOne'], image_count_uploading: [100, 'RegionOne'],
    });
    await newImage('one');
    const usage = await demo.get('/v2/info/usage');
    assert.deepEqual(usage.body, { usage: {
      image_size_total: { limit: 1000, usage: 0 }, image_stage_total: { limit: 1000, usage: 0 },
      image_count_total: { limit: 100, usage: 1 }, image_count_uploading: { limit: 100, usage: 0 },
    } });
  });

  test('image_count_total: the project\'s limit, then its raise, then a delete making room', async () => {
    await setLimit('image_count_total', 1);
    const first = await newImage('first');
    const refused = await create('second');
    assert.equal(refused.status, 413);
    assert.equal(refused.body.message, 'The request returned a 413 Request Entity Too Large. This generally means that rate limiting or a quota threshold was breached.\n\n'
      + `The response body:\nProject ${demoId} is over a limit for [Resource image_count_total is over limit of 1 due to current usage 1 and delta 1]<br /><br />\n\n`);
    assert.equal((await demo.get('/v2/info/usage')).body.usage.image_count_total.limit, 1);
    await setLimit('image_count_total', 2);
    await newImage('second');
    assert.equal((await create('third')).status, 413);
    assert.equal((await demo.delete(`/v2/images/${first}`)).status, 204);
    await newImage('third');
    // Other projects keep the registered default.
    const alt = await clientAs(cloud, 'image', 'alt_demo');
    assert.equal((await alt.get('/v2/info/usage')).body.usage.image_count_total.limit, 100);
    await setLimit('image_count_total', 10);
  });

  test('image_size_total: checked before an upload with delta 0, so the upload that crosses the limit succeeds and the next is 413', async () => {
    await setLimit('image_size_total', 1);
    const [one, two, three, four] = [await newImage('first'), await newImage('second'), await newImage('third'), await newImage('fourth')];
    assert.equal((await upload(one)).status, 204);
    assert.equal((await upload(two)).status, 204);
    const refused = await upload(three);
    assert.equal(refused.status, 413);
    assert.match(refused.body.message, /Resource image_size_total is over limit of 1 due to current usage 2 and delta 0/);
    assert.equal((await demo.get(`/v2/images/${three}`)).body.status, 'queued');
    await setLimit('image_size_total', 2);
    assert.equal((await upload(three)).status, 204);
    assert.equal((await upload(four)).status, 413);
    assert.equal((await demo.delete(`/v2/images/${one}`)).status, 204);
    assert.equal((await upload(four)).status, 204);
    await setLimit('image_size_total', 10);
  });

  test('image_stage_total: staging only (an upload is not held back); freed by an import', async () => {
    await setLimit('image_stage_total', 1);
    const [one, two, three, four, direct] = [await newImage('first'), await newImage('second'), await newImage('third'), await newImage('fourth'), await newImage('uploaded')];
    assert.equal((await stage(one)).status, 204);
    assert.equal((await stage(two)).status, 204);
    const refused = await stage(three);
    assert.equal(refused.status, 413);
    assert.match(refused.body.message, /Resource image_stage_total is over limit of 1 due to current usage 2 and delta 0/);
    assert.equal((await demo.get(`/v2/images/${three}`)).body.status, 'queued');
    assert.equal((await upload(direct)).status, 204);
    await setLimit('image_stage_total', 2);
    assert.equal((await stage(three)).status, 204);
    assert.equal((await stage(four)).status, 413);
    await importStaged(one);
    assert.equal((await stage(four)).status, 204);
    await setLimit('image_stage_total', 10);
  });

  test('image_count_uploading: a staged image counts until it is imported; stage and upload both refused past it', async () => {
    await setLimit('image_count_uploading', 1);
    const [one, two, three, four] = [await newImage('first'), await newImage('second'), await newImage('third'), await newImage('fourth')];
    assert.equal((await stage(one)).status, 204);
    const refused = await stage(two);
    assert.equal(refused.status, 413);
    assert.match(refused.body.message, /Resource image_count_uploading is over limit of 1 due to current usage 2 and delta 0/);
    assert.equal((await upload(three)).status, 413);
    for (const id of [two, three]) assert.equal((await demo.get(`/v2/images/${id}`)).body.status, 'queued');
    await setLimit('image_count_uploading', 2);
    assert.equal((await upload(three)).status, 204);
    assert.equal((await stage(two)).status, 204);
    await importStaged(two);
    await setLimit('image_count_uploading', 1);
    assert.equal((await upload(four)).status, 413);
    await importStaged(one);
    assert.equal((await upload(four)).status, 204);
    await setLimit('image_count_uploading', 10);
  });

  test('glance-direct: the import charges its staged MiB to image_size_total (the task fails, the image goes back to queued)', async () => {
    await setLimit('image_size_total', 1);
    const [active, staged] = [await newImage('active'), await newImage('staged')];
    assert.equal((await upload(active)).status, 204);
    assert.equal((await stage(staged)).status, 204);
    assert.equal((await demo.post(`/v2/images/${staged}/import`, { method: { name: 'glance-direct' } })).status, 202);
    let task: any;
    for (let n = 0; n < 200 && !(task?.status === 'failure'); n++) {
      [task] = (await demo.get(`/v2/images/${staged}/tasks`)).body.tasks;
      if (task?.status !== 'failure') await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(task.status, 'failure');
    assert.match(task.message, /Resource image_size_total is over limit of 1 due to current usage 1 and delta 1/);
    assert.equal((await demo.get(`/v2/images/${staged}`)).body.status, 'queued');
    await setLimit('image_size_total', 10);
  });

  test('-1 is unlimited', async () => {
    await setLimit('image_count_total', -1);
    assert.equal((await demo.get('/v2/info/usage')).body.usage.image_count_total.limit, -1);
    await newImage('any');
    await setLimit('image_count_total', 0);
    assert.equal((await create('none')).status, 413);
    await setLimit('image_count_total', 10);
  });
});

describe('configuration', () => {
  test('imageUseKeystoneLimits false: nothing registered, nothing enforced, an empty usage', async () => {
    const cloud = await startTestCloud({ services: ['identity', 'image'], imageUseKeystoneLimits: false, imageQuotas: { imageCountTotal: 0 } });
    try {
      const sys = await systemAdmin(cloud);
      assert.deepEqual((await sys.get('/registered_limits')).body.registered_limits, []);
      const demo = await clientAs(cloud, 'image', 'demo');
      assert.equal((await demo.post('/v2/images', { name: 'free' })).status, 201);
      assert.deepEqual((await demo.get('/v2/info/usage')).body, { usage: {} });
    } finally { await cloud.stop(); }
  });

  test('imageQuotas are set as registered limits at every start; the others keep what the API set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratus-image-limits-'));
    try {
      let cloud = await startTestCloud({ services: ['identity', 'image'], imageQuotas: { imageCountTotal: 3 } }, dir);
      let sys = await systemAdmin(cloud);
      const limits = async () => Object.fromEntries((await sys.get('/registered_limits')).body.registered_limits.map((l: any) => [l.resource_name, l.default_limit]));
      assert.deepEqual(await limits(), { image_size_total: 1000, image_stage_total: 1000, image_count_total: 3, image_count_uploading: 100 });
      const size = (await sys.get('/registered_limits?resource_name=image_size_total')).body.registered_limits[0];
      assert.equal((await sys.patch(`/registered_limits/${size.id}`, { registered_limit: { default_limit: 5 } })).status, 200);
      await cloud.stop();
      cloud = await startTestCloud({ services: ['identity', 'image'], imageQuotas: { imageCountTotal: 4, imageCountUploading: -1 } }, dir);
      sys = await systemAdmin(cloud);
      assert.deepEqual(await limits(), { image_size_total: 5, image_stage_total: 1000, image_count_total: 4, image_count_uploading: -1 });
      await cloud.stop();
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
