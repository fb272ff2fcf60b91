import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { clientsFor, type Clients } from '../../support/clients.js';
import { startVolume, volume, waitFor } from './volume-client.js';

describe('Cinder transfers, QoS specs, user messages and services', () => {
  let cloud: TestCloud;
  let admin: Clients;
  let demo: Clients;
  let alt: Clients;
  before(async () => { ({ cloud, admin, demo } = await startVolume()); alt = await clientsFor(cloud, 'alt_demo'); });
  after(async () => cloud.stop());

  test('a transfer moves a volume to the project that presents its key, and only with the key', async () => {
    const v = await volume(demo.volume, { name: 'gift' });
    const r = await demo.volume.post('/os-volume-transfer', { transfer: { volume_id: v.id, name: 'for alt' } });
    assert.equal(r.status, 202);
    const { id, auth_key: key } = r.body.transfer;
    assert.match(key, /^[0-9a-f]{16}$/);
    assert.equal((await demo.volume.get(`/volumes/${v.id}`)).body.volume.status, 'awaiting-transfer');
    assert.equal((await alt.volume.get(`/os-volume-transfer/${id}`)).status, 404, 'only the owner lists and shows it');
    assert.equal((await alt.volume.post(`/os-volume-transfer/${id}/accept`, { accept: { auth_key: 'wrong' } })).status, 400);
    const accepted = await alt.volume.post(`/os-volume-transfer/${id}/accept`, { accept: { auth_key: key } });
    assert.equal(accepted.status, 202);
    assert.equal((await alt.volume.get(`/volumes/${v.id}`)).body.volume.status, 'available');
    assert.equal((await demo.volume.get(`/volumes/${v.id}`)).status, 404);
    const t57 = await alt.volume.at('3.57').post('/volume-transfers', { transfer: { volume_id: v.id, no_snapshots: true } });
    assert.equal(t57.body.transfer.no_snapshots, true);
    assert.equal(t57.body.transfer.source_project_id, await alt.volume.projectId());
    assert.equal((await alt.volume.delete(`/os-volume-transfer/${t57.body.transfer.id}`)).status, 202);
    assert.equal((await alt.volume.get(`/volumes/${v.id}`)).body.volume.status, 'available');
  });

  test('QoS specs: made, keyed, associated with a type, refused to delete while associated', async () => {
    const q = await admin.volume.post('/qos-specs', { qos_specs: { name: 'slow', consumer: 'front-end', read_iops_sec: '100' } });
    assert.equal(q.status, 200);
    assert.deepEqual(q.body.qos_specs.specs, { read_iops_sec: '100' });
    const id = q.body.qos_specs.id;
    assert.deepEqual((await admin.volume.put(`/qos-specs/${id}`, { qos_specs: { write_iops_sec: '50' } })).body, { qos_specs: { write_iops_sec: '50' } });
    const type = await admin.volume.post('/types', { volume_type: { name: 'throttled' } });
    assert.equal((await admin.volume.get(`/qos-specs/${id}/associate?vol_type_id=${type.body.volume_type.id}`)).status, 202);
    assert.deepEqual((await admin.volume.get(`/qos-specs/${id}/associations`)).body.qos_associations, [{ association_type: 'volume_type', name: 'throttled', id: type.body.volume_type.id }]);
    assert.equal((await admin.volume.get(`/types/${type.body.volume_type.id}`)).body.volume_type.qos_specs_id, id);
    assert.equal((await admin.volume.delete(`/qos-specs/${id}`)).status, 400);
    assert.equal((await admin.volume.put(`/qos-specs/${id}/delete_keys`, { keys: ['read_iops_sec'] })).status, 202);
    assert.deepEqual((await admin.volume.get(`/qos-specs/${id}`)).body.qos_specs.specs, { write_iops_sec: '50' });
    assert.equal((await admin.volume.delete(`/qos-specs/${id}?force=true`)).status, 202);
    assert.equal((await demo.volume.get('/qos-specs')).status, 403);
  });

  test('a volume no backend can take ends in error with a user message', async () => {
    const type = await admin.volume.post('/types', { volume_type: { name: 'nowhere', extra_specs: { storage_protocol: 'carrier-pigeon' } } });
    const r = await demo.volume.post('/volumes', { volume: { size: 1, volume_type: type.body.volume_type.id } });
    await waitFor(demo.volume, `/volumes/${r.body.volume.id}`, 'error');
    const messages = (await demo.volume.at('3.3').get('/messages')).body.messages;
    const m = messages.find((x: any) => x.resource_uuid === r.body.volume.id);
    assert.equal(m.user_message, 'schedule allocate volume:Could not find any available weighted backend.');
    assert.equal(m.event_id, 'VOLUME_000002');
    assert.equal((await demo.volume.at('3.3').delete(`/messages/${m.id}`)).status, 204);
    assert.equal((await demo.volume.at('3.3').get(`/messages/${m.id}`)).status, 404);
    assert.equal((await demo.volume.delete(`/volumes/${r.body.volume.id}`)).status, 202, 'a volume in error may be deleted');
  });

  test('services: listed by host, disabled with a reason (then volumes find no backend), enabled again', async () => {
    const all = (await admin.volume.get('/os-services')).body.services;
    const vol = all.find((s: any) => s.binary === 'cinder-volume');
    const host = vol.host.split('@')[0];
    assert.deepEqual((await admin.volume.get(`/os-services?host=${host}`)).body.services.map((s: any) => s.binary).sort(), ['cinder-scheduler', 'cinder-volume']);
    assert.equal((await admin.volume.put('/os-services/disable-log-reason', { host: vol.host, binary: 'cinder-volume' })).status, 400);
    const off = await admin.volume.put('/os-services/disable-log-reason', { host: vol.host, binary: 'cinder-volume', disabled_reason: 'maintenance' });
    assert.equal(off.body.status, 'disabled');
    const r = await demo.volume.post('/volumes', { volume: { size: 1 } });
    await waitFor(demo.volume, `/volumes/${r.body.volume.id}`, 'error');
    assert.equal((await admin.volume.put('/os-services/enable', { host: vol.host, binary: 'cinder-volume' })).body.status, 'enabled');
    await volume(demo.volume);
    assert.equal((await admin.volume.put('/os-services/freeze', { host: 'nowhere' })).status, 400);
    const show = await admin.volume.get(`/os-hosts/${vol.host}`);
    assert.equal(show.body.host[0].resource.project, '(total)');
  });
});
