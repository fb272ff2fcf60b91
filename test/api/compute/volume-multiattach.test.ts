// A multiattach volume (its type says multiattach="<is> True", or Zed's deprecated `multiattach`
// flag) through Nova's os-volume_attachments: attached to two servers from 2.60 (refused before,
// as Nova does), detached from one while it stays in use on the other, both attachments shown by
// Cinder.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bootServer, computeFixture, type ComputeFixture } from '../../support/compute-server.js';
import { volume, waitFor } from '../volume/volume-client.js';

describe('multiattach volumes through compute', () => {
  let f: ComputeFixture;
  before(async () => {
    f = await computeFixture('ma.tiny');
    const pid = await f.users.demo.volume.projectId();
    assert.equal((await f.users.admin.volume.put(`/os-quota-sets/${pid}`, { quota_set: { volumes: 50, gigabytes: 100 } })).status, 200);
    const type = await f.users.admin.volume.post('/types', { volume_type: { name: 'multiattach', extra_specs: { multiattach: '<is> True' } } });
    assert.equal(type.status, 200, JSON.stringify(type.body));
  });
  after(async () => f.cloud.stop());
  const cinder = () => f.users.demo.volume;
  const attach = (mv: string, server: string, volumeId: string) =>
    f.demo.at(mv).post(`/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId } });
  const serversOf = async (id: string) => ((await cinder().get(`/volumes/${id}`)).body.volume.attachments as any[]).map((a) => a.server_id).sort();
  async function until(check: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(what);
  }

  test('two servers share the volume from 2.60; a detach from one leaves it in use on the other', async () => {
    const s1 = await bootServer(f, f.demo, 'ma-a');
    const s2 = await bootServer(f, f.demo, 'ma-b');
    const v = await volume(cinder(), { volume_type: 'multiattach', name: 'shared' });
    assert.equal(v.multiattach, true);

    const old = await attach('2.59', s1, v.id);
    assert.equal(old.status, 400, JSON.stringify(old.body));
    assert.equal(old.body.badRequest.message, 'Multiattach volumes are only supported starting with compute API version 2.60.');
    assert.equal((await cinder().get(`/volumes/${v.id}`)).body.volume.status, 'available', 'the refusal changes nothing');
    assert.deepEqual((await f.demo.get(`/servers/${s1}/os-volume_attachments`)).body.volumeAttachments, []);

    const first = await attach('2.60', s1, v.id);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    await waitFor(cinder(), `/volumes/${v.id}`, 'in-use');
    const second = await attach('2.60', s2, v.id);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.volumeAttachment.volumeId, v.id);
    assert.equal(second.body.volumeAttachment.serverId, s2);
    await until(async () => (await serversOf(v.id)).length === 2, 'two attachments');
    assert.deepEqual(await serversOf(v.id), [s1, s2].sort());
    const shown = (await cinder().at('3.60').get(`/volumes/${v.id}`)).body.volume;
    assert.equal(shown.status, 'in-use');
    assert.equal(new Set(shown.attachments.map((a: any) => a.attachment_id)).size, 2);
    for (const s of [s1, s2]) {
      const listed = (await f.demo.at('2.89').get(`/servers/${s}/os-volume_attachments`)).body.volumeAttachments;
      assert.deepEqual(listed.map((a: any) => a.volumeId), [v.id]);
      assert.ok(shown.attachments.some((a: any) => a.server_id === s && a.attachment_id === listed[0].attachment_id));
    }
    const again = await attach('2.60', s1, v.id);
    assert.equal(again.status, 400, 'the same server twice is refused');
    assert.equal(again.body.badRequest.message, `Invalid volume: volume ${v.id} is already attached to instance ${s1}.`);

    assert.equal((await f.demo.delete(`/servers/${s1}/os-volume_attachments/${v.id}`)).status, 202);
    await until(async () => (await serversOf(v.id)).length === 1, 'one attachment left');
    const left = (await cinder().get(`/volumes/${v.id}`)).body.volume;
    assert.equal(left.status, 'in-use');
    assert.deepEqual(left.attachments.map((a: any) => a.server_id), [s2]);
    assert.deepEqual((await f.demo.get(`/servers/${s1}/os-volume_attachments`)).body.volumeAttachments, []);

    assert.equal((await f.demo.delete(`/servers/${s2}/os-volume_attachments/${v.id}`)).status, 202);
    const free = await waitFor(cinder(), `/volumes/${v.id}`, 'available');
    assert.deepEqual(free.attachments, []);
  });

  test("Zed's deprecated multiattach flag makes a multiattach volume; a plain volume attaches at any microversion", async () => {
    const r = await cinder().post('/volumes', { volume: { size: 1, multiattach: true } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.volume.multiattach, true);
    const flagged = await waitFor(cinder(), `/volumes/${r.body.volume.id}`, 'available');
    assert.equal(flagged.multiattach, true);
    assert.equal(flagged.volume_type, '__DEFAULT__');
    const s = await bootServer(f, f.demo, 'ma-c');
    assert.equal((await attach('2.1', s, flagged.id)).status, 400);
    const plain = await volume(cinder(), { name: 'plain' });
    assert.equal(plain.multiattach, false);
    assert.equal((await attach('2.1', s, plain.id)).status, 200);
    await waitFor(cinder(), `/volumes/${plain.id}`, 'in-use');
  });

  test('booting from a multiattach volume is refused before 2.60', async () => {
    const root = await volume(cinder(), { volume_type: 'multiattach' });
    assert.equal((await cinder().post(`/volumes/${root.id}/action`, { 'os-set_bootable': { bootable: true } })).status, 200);
    const r = await f.demo.at('2.59').post('/servers', {
      server: {
        name: 'ma-boot', flavorRef: f.flavorId, networks: 'none',
        block_device_mapping_v2: [{ boot_index: 0, uuid: root.id, source_type: 'volume', destination_type: 'volume' }],
      },
    });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.badRequest.message, 'Multiattach volumes are only supported starting with compute API version 2.60.');
  });
});
