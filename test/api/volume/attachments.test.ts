import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeHypervisorDriver } from '../../../src/drivers/hypervisor/fake-hypervisor.js';
import { bootServer, computeFixture, waitGone, waitStatus, type ComputeFixture } from '../../support/compute-server.js';
import { volume, waitFor } from './volume-client.js';

describe('volumes attached to servers (os-volume_attachments and Cinder attachments)', () => {
  let f: ComputeFixture;
  before(async () => { f = await computeFixture('att.tiny'); });
  after(async () => f.cloud.stop());
  const cinder = () => f.users.demo.volume;
  const hypervisor = () => f.cloud.drivers.hypervisor as FakeHypervisorDriver;

  test('attach: reserved, then in use at /dev/vdb with the volume file handed to the hypervisor; detach frees it', async () => {
    const server = await bootServer(f, f.demo, 'with-volume');
    const v = await volume(cinder(), { name: 'data' });
    const r = await f.demo.post(`/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: v.id } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.volumeAttachment, { device: '/dev/vdb', id: v.id, serverId: server, volumeId: v.id });
    const inUse = await waitFor(cinder(), `/volumes/${v.id}`, 'in-use');
    assert.equal(inUse.attachments.length, 1);
    assert.equal(inUse.attachments[0].server_id, server);
    assert.equal(inUse.attachments[0].device, '/dev/vdb');
    assert.equal(inUse.metadata.attached_mode, 'rw');
    const connection = await f.cloud.drivers.blockStorage.connection(v.id);
    assert.deepEqual(hypervisor().volumesOf(server), { '/dev/vdb': connection.path });
    const listed = await f.demo.get(`/servers/${server}/os-volume_attachments`);
    assert.deepEqual(listed.body.volumeAttachments.map((a: any) => a.volumeId), [v.id]);
    const shown = await f.demo.at('2.79').get(`/servers/${server}`);
    assert.deepEqual(shown.body.server['os-extended-volumes:volumes_attached'], [{ id: v.id, delete_on_termination: false }]);
    const again = await f.demo.post(`/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: v.id } });
    assert.equal(again.status, 400);
    assert.equal((await cinder().delete(`/volumes/${v.id}`)).status, 400, 'an attached volume cannot be deleted');
    assert.equal((await cinder().post(`/volumes/${v.id}/action`, { 'os-extend': { new_size: 2 } })).status, 400, 'attached: only from 3.42');
    assert.equal((await cinder().at('3.42').post(`/volumes/${v.id}/action`, { 'os-extend': { new_size: 2 } })).status, 202);
    assert.equal((await waitFor(cinder(), `/volumes/${v.id}`, 'in-use')).size, 2);
    let extended;
    for (let i = 0; i < 100 && !extended; i++) {
      extended = (await f.demo.get(`/servers/${server}/os-instance-actions`)).body.instanceActions.find((a: any) => a.action === 'extend_volume');
      if (!extended) await new Promise((res) => setTimeout(res, 20));
    }
    assert.ok(extended, 'compute heard of it (volume-extended) and recorded extend_volume');
    assert.equal((await f.demo.delete(`/servers/${server}/os-volume_attachments/${v.id}`)).status, 202);
    const free = await waitFor(cinder(), `/volumes/${v.id}`, 'available');
    assert.deepEqual(free.attachments, []);
    assert.deepEqual(hypervisor().volumesOf(server), {});
    assert.equal((await f.demo.delete(`/servers/${server}/os-volume_attachments/${v.id}`)).status, 404);
    const missing = await f.demo.post(`/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: crypto.randomUUID() } });
    assert.equal(missing.status, 404);
    assert.match(missing.body.itemNotFound.message, /^Volume .* could not be found\.$/);
  });

  test('a deleted server releases its volumes and deletes those marked delete_on_termination', async () => {
    const server = await bootServer(f, f.demo, 'short-lived');
    const keep = await volume(cinder(), { name: 'keep' });
    const drop = await volume(cinder(), { name: 'drop' });
    await f.demo.post(`/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: keep.id } });
    const r = await f.demo.at('2.79').post(`/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: drop.id, delete_on_termination: true } });
    assert.equal(r.body.volumeAttachment.device, '/dev/vdc');
    await waitFor(cinder(), `/volumes/${drop.id}`, 'in-use');
    await waitFor(cinder(), `/volumes/${keep.id}`, 'in-use');
    assert.equal((await f.demo.delete(`/servers/${server}`)).status, 204);
    await waitGone(f.demo, server);
    await waitFor(cinder(), `/volumes/${keep.id}`, 'available');
    await waitFor(cinder(), `/volumes/${drop.id}`, 404);
  });

  test('the legacy actions: reserve, attach, begin and roll back detaching, detach; the attachments API', async () => {
    const v = await volume(cinder());
    const act = (body: unknown) => cinder().post(`/volumes/${v.id}/action`, body);
    assert.equal((await act({ 'os-reserve': {} })).status, 202);
    assert.equal((await cinder().get(`/volumes/${v.id}`)).body.volume.status, 'attaching');
    assert.equal((await act({ 'os-reserve': {} })).status, 400, 'reserved twice');
    assert.equal((await act({ 'os-unreserve': {} })).status, 202);
    assert.equal((await cinder().get(`/volumes/${v.id}`)).body.volume.status, 'available');
    const server = crypto.randomUUID();
    assert.equal((await act({ 'os-attach': { instance_uuid: server, mountpoint: '/dev/vdb', mode: 'rw' } })).status, 202);
    const attached = (await cinder().get(`/volumes/${v.id}`)).body.volume;
    assert.equal(attached.status, 'in-use');
    assert.equal((await act({ 'os-begin_detaching': {} })).status, 202);
    assert.equal((await cinder().get(`/volumes/${v.id}`)).body.volume.status, 'detaching');
    assert.equal((await act({ 'os-roll_detaching': {} })).status, 202);
    assert.equal((await cinder().get(`/volumes/${v.id}`)).body.volume.status, 'in-use');
    const info = await act({ 'os-initialize_connection': { connector: { host: 'h1' } } });
    assert.equal(info.body.connection_info.driver_volume_type, 'file');
    assert.equal((await act({ 'os-detach': { attachment_id: attached.attachments[0].attachment_id } })).status, 202);
    assert.equal((await cinder().get(`/volumes/${v.id}`)).body.volume.status, 'available');

    const at = cinder().at('3.44');
    const created = await at.post('/attachments', { attachment: { volume_uuid: v.id, instance_uuid: server } });
    assert.equal(created.status, 200);
    assert.equal(created.body.attachment.status, 'reserved');
    assert.equal((await cinder().get(`/volumes/${v.id}`)).body.volume.status, 'reserved');
    const updated = await at.put(`/attachments/${created.body.attachment.id}`, { attachment: { connector: { host: 'h1' } } });
    assert.equal(updated.body.attachment.connection_info.driver_volume_type, 'file');
    assert.equal((await at.post(`/attachments/${created.body.attachment.id}/action`, { 'os-complete': null })).status, 204);
    assert.equal((await cinder().get(`/volumes/${v.id}`)).body.volume.status, 'in-use');
    assert.equal((await at.delete(`/attachments/${created.body.attachment.id}`)).status, 200);
    assert.equal((await cinder().get(`/volumes/${v.id}`)).body.volume.status, 'available');
    assert.equal((await cinder().at('3.26').get('/attachments')).status, 404, 'before 3.27 there is no attachments API');
  });

  test('boot from volume: an existing volume, or one made from the image, is the root disk; others attach after', async () => {
    const fromImage = await f.demo.post('/servers', { server: {
      name: 'bfv-image', flavorRef: f.flavorId, imageRef: '',
      block_device_mapping_v2: [{ boot_index: 0, uuid: f.imageId, source_type: 'image', destination_type: 'volume', volume_size: 1, delete_on_termination: true }],
    } });
    assert.equal(fromImage.status, 202, JSON.stringify(fromImage.body));
    const server = await waitStatus(f.demo, fromImage.body.server.id, 'ACTIVE', 30_000);
    assert.equal(server.image, '');
    const [root] = server['os-extended-volumes:volumes_attached'];
    const rootVolume = (await f.users.admin.volume.get(`/volumes/${root.id}`)).body.volume;
    assert.equal(rootVolume.status, 'in-use');
    assert.equal(rootVolume.bootable, 'true');
    assert.equal(rootVolume.attachments[0].device, '/dev/vda');
    const path = (await f.cloud.drivers.blockStorage.connection(root.id)).path;
    assert.equal(hypervisor().specOf(server.id)?.imagePath, path, 'the guest boots from the volume\'s file');

    const existing = await volume(cinder(), { name: 'root', imageRef: f.imageId });
    const data = await volume(cinder(), { name: 'data2' });
    const fromVolume = await f.demo.post('/servers', { server: {
      name: 'bfv-volume', flavorRef: f.flavorId,
      block_device_mapping_v2: [
        { boot_index: 0, uuid: existing.id, source_type: 'volume', destination_type: 'volume' },
        { boot_index: 1, uuid: data.id, source_type: 'volume', destination_type: 'volume' },
      ],
    } });
    assert.equal(fromVolume.status, 202, JSON.stringify(fromVolume.body));
    await waitStatus(f.demo, fromVolume.body.server.id, 'ACTIVE', 30_000);
    assert.equal((await cinder().get(`/volumes/${existing.id}`)).body.volume.status, 'in-use');
    assert.deepEqual(Object.keys(hypervisor().volumesOf(fromVolume.body.server.id)), ['/dev/vdb']);
    const taken = await f.demo.post('/servers', { server: { name: 'no', flavorRef: f.flavorId, block_device_mapping_v2: [{ boot_index: 0, uuid: existing.id, source_type: 'volume', destination_type: 'volume' }] } });
    assert.equal(taken.status, 400);

    await f.demo.delete(`/servers/${server.id}`);
    await waitGone(f.demo, server.id);
    await waitFor(f.users.admin.volume, `/volumes/${root.id}`, 404);
    await f.demo.delete(`/servers/${fromVolume.body.server.id}`);
    await waitGone(f.demo, fromVolume.body.server.id);
    await waitFor(cinder(), `/volumes/${existing.id}`, 'available');
  });

  test('shelve offload and unshelve of a volume-backed server: no shelved image; it boots again from its root volume, still in use', async () => {
    const root = await volume(cinder(), { name: 'shelved-root', imageRef: f.imageId });
    const data = await volume(cinder(), { name: 'shelved-data' });
    const made = await f.demo.post('/servers', { server: {
      name: 'bfv-shelve', flavorRef: f.flavorId,
      block_device_mapping_v2: [
        { boot_index: 0, uuid: root.id, source_type: 'volume', destination_type: 'volume' },
        { boot_index: 1, uuid: data.id, source_type: 'volume', destination_type: 'volume' },
      ],
    } });
    assert.equal(made.status, 202, JSON.stringify(made.body));
    const id = made.body.server.id;
    await waitStatus(f.demo, id, 'ACTIVE', 30_000);
    const images = async () => (await f.demoGlance.get('/v2/images')).body.images.map((i: any) => i.name);
    assert.equal((await f.demo.post(`/servers/${id}/action`, { shelve: null })).status, 202);
    await waitStatus(f.demo, id, 'SHELVED_OFFLOADED', 30_000);
    assert.ok(!(await images()).includes('bfv-shelve-shelved'), 'a volume-backed server is shelved without an image');
    assert.equal(hypervisor().specOf(id), undefined, 'offloaded: no guest');
    assert.equal((await cinder().get(`/volumes/${root.id}`)).body.volume.status, 'in-use');
    assert.equal((await f.demo.post(`/servers/${id}/action`, { unshelve: null })).status, 202);
    await waitStatus(f.demo, id, 'ACTIVE', 30_000);
    const path = (await f.cloud.drivers.blockStorage.connection(root.id)).path;
    assert.equal(hypervisor().specOf(id)?.imagePath, path, 'the guest boots from its root volume again');
    assert.equal(hypervisor().specOf(id)?.rootVolume, true);
    assert.deepEqual(hypervisor().volumesOf(id), { '/dev/vdb': (await f.cloud.drivers.blockStorage.connection(data.id)).path }, 'its other volume is attached again');
    const shown = (await cinder().get(`/volumes/${root.id}`)).body.volume;
    assert.equal(shown.status, 'in-use');
    assert.deepEqual(shown.attachments.map((a: any) => [a.server_id, a.device]), [[id, '/dev/vda']]);
    await f.demo.delete(`/servers/${id}`);
    await waitGone(f.demo, id);
    await waitFor(cinder(), `/volumes/${root.id}`, 'available');
  });

  test('createImage of a volume-backed server snapshots its volume into an image of mappings; a server of that image boots from a new volume of the snapshot', async () => {
    const origin = await volume(cinder(), { name: 'origin', imageRef: f.imageId });
    const first = await f.demo.post('/servers', { server: {
      name: 'bfv-snap', flavorRef: f.flavorId,
      block_device_mapping_v2: [{ boot_index: 0, uuid: origin.id, source_type: 'volume', destination_type: 'volume', delete_on_termination: true }],
    } });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const id1 = first.body.server.id;
    await waitStatus(f.demo, id1, 'ACTIVE', 30_000);
    const r = await f.demo.at('2.45').post(`/servers/${id1}/action`, { createImage: { name: 'bfv-image', metadata: { k: 'v' } } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const image = (await f.demoGlance.get(`/v2/images/${r.body.image_id}`)).body;
    assert.equal(image.status, 'active', 'the image is only properties: active at once');
    assert.equal(image.size, 0);
    assert.equal(image.k, 'v');
    assert.equal(image.instance_uuid, id1);
    assert.equal(image.bdm_v2, 'True');
    assert.equal(image.root_device_name, '/dev/vda');
    const [mapping] = JSON.parse(image.block_device_mapping);
    assert.equal(mapping.source_type, 'snapshot');
    assert.equal(mapping.destination_type, 'volume');
    assert.equal(mapping.boot_index, 0);
    assert.equal(mapping.device_name, '/dev/vda');
    assert.equal(mapping.delete_on_termination, true);
    assert.equal(mapping.volume_size, origin.size);
    const snap = await waitFor(cinder(), `/snapshots/${mapping.snapshot_id}`, 'available');
    assert.equal(snap.volume_id, origin.id);
    assert.equal((await f.demo.get(`/servers/${id1}`)).body.server['OS-EXT-STS:task_state'], null);
    assert.ok((await f.demo.get(`/servers/${id1}/os-instance-actions`)).body.instanceActions.some((a: any) => a.action === 'createImage'));

    const second = await f.demo.post('/servers', { server: { name: 'from-bfv-image', flavorRef: f.flavorId, imageRef: image.id } });
    assert.equal(second.status, 202, JSON.stringify(second.body));
    const server = await waitStatus(f.demo, second.body.server.id, 'ACTIVE', 30_000);
    const attached = server['os-extended-volumes:volumes_attached'];
    assert.equal(attached.length, 1, 'booted from a volume the image defined');
    const made = (await cinder().get(`/volumes/${attached[0].id}`)).body.volume;
    assert.notEqual(made.id, origin.id);
    assert.equal(made.snapshot_id, snap.id);
    assert.deepEqual(made.attachments.map((a: any) => [a.server_id, a.device]), [[server.id, '/dev/vda']]);
    assert.equal(made.volume_image_metadata.image_id, f.imageId, 'the image metadata comes along from the snapshot');
    assert.equal(hypervisor().specOf(server.id)?.imagePath, (await f.cloud.drivers.blockStorage.connection(made.id)).path);
    assert.equal(hypervisor().specOf(server.id)?.rootVolume, true);

    await f.demo.delete(`/servers/${server.id}`);
    await waitGone(f.demo, server.id);
    await waitFor(cinder(), `/volumes/${made.id}`, 404);
    assert.equal((await cinder().delete(`/snapshots/${snap.id}`)).status, 202);
    await waitFor(cinder(), `/snapshots/${snap.id}`, 404);
    await f.demo.delete(`/servers/${id1}`);
    await waitGone(f.demo, id1);
    await waitFor(cinder(), `/volumes/${origin.id}`, 404);
  });

  test('Nova\'s os-volumes and os-snapshots proxy (to 2.35): create, list with limit and offset, show, snapshot, delete', async () => {
    const made = await f.demo.post('/os-volumes', { volume: { size: 1, display_name: 'via-nova' } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.volume.displayName, 'via-nova');
    assert.deepEqual(made.body.volume.attachments, [{}]);
    await waitFor(cinder(), `/volumes/${made.body.volume.id}`, 'available');
    const all = (await f.demo.get('/os-volumes/detail')).body.volumes;
    assert.ok(all.length >= 2);
    assert.equal((await f.demo.get('/os-volumes?limit=1')).body.volumes.length, 1);
    assert.equal((await f.demo.get(`/os-volumes?offset=1&limit=${all.length}`)).body.volumes.length, all.length - 1);
    assert.equal((await f.demo.get('/os-volumes/')).status, 404);
    assert.equal((await f.demo.get(`/os-volumes/${made.body.volume.id}`)).body.volume.status, 'available');
    assert.equal((await f.demo.post('/os-volumes', { volume: { size: 0 } })).status, 400);
    const snap = await f.demo.post('/os-snapshots', { snapshot: { volume_id: made.body.volume.id, display_name: 's' } });
    assert.equal(snap.status, 200, JSON.stringify(snap.body));
    assert.equal(snap.body.snapshot.volumeId, made.body.volume.id);
    await waitFor(cinder(), `/snapshots/${snap.body.snapshot.id}`, 'available');
    assert.equal((await f.demo.delete(`/os-snapshots/${snap.body.snapshot.id}`)).status, 202);
    await waitFor(cinder(), `/snapshots/${snap.body.snapshot.id}`, 404);
    assert.equal((await f.demo.delete(`/os-volumes/${made.body.volume.id}`)).status, 202);
    await waitFor(cinder(), `/volumes/${made.body.volume.id}`, 404);
    assert.equal((await f.demo.at('2.36').get('/os-volumes')).status, 404, 'gone from 2.36');
  });
});
