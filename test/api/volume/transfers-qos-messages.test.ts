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

describe('Cinder backups on the file driver', () => {
  let cloud: TestCloud;
  let admin: Clients;
  let demo: Clients;
  before(async () => ({ cloud, admin, demo } = await startVolume({ blockStorageDriver: 'file' })));
  after(async () => cloud.stop());

  const backupStatus = async (c: Clients, id: string, want: string) => {
    for (let i = 0; i < 400; i++) {
      const r = await c.volume.get(`/backups/${id}`);
      if (want === '404' && r.status === 404) return undefined;
      if (r.body?.backup?.status === want) return r.body.backup;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error(`backup ${id} never ${want}`);
  };

  test('a backup of a volume, an incremental one, restores to a new and an existing volume, export and import, delete in order', async () => {
    const v = await volume(demo.volume, { name: 'precious' });
    const full = await demo.volume.post('/backups', { backup: { volume_id: v.id, name: 'full' } });
    assert.equal(full.status, 202);
    assert.deepEqual(Object.keys(full.body.backup).sort(), ['id', 'links', 'name']);
    const b = await backupStatus(demo, full.body.backup.id, 'available');
    assert.equal(b.is_incremental, false);
    assert.equal((await demo.volume.get(`/volumes/${v.id}`)).body.volume.status, 'available');
    const inc = await demo.volume.post('/backups', { backup: { volume_id: v.id, incremental: true } });
    const i = await backupStatus(demo, inc.body.backup.id, 'available');
    assert.equal(i.is_incremental, true);
    assert.equal((await backupStatus(demo, b.id, 'available')).has_dependent_backups, true);
    assert.equal((await demo.volume.delete(`/backups/${b.id}`)).status, 400, 'the incremental depends on it');

    const restored = await demo.volume.post(`/backups/${b.id}/restore`, { restore: { name: 'back' } });
    assert.equal(restored.status, 202);
    assert.equal(restored.body.restore.volume_name, 'back');
    const nv = await waitFor(demo.volume, `/volumes/${restored.body.restore.volume_id}`, 'available');
    assert.equal(nv.size, 1);
    const target = await volume(demo.volume, { size: 2 });
    await demo.volume.post(`/backups/${i.id}/restore`, { restore: { volume_id: target.id } });
    await waitFor(demo.volume, `/volumes/${target.id}`, 'available');
    const small = await demo.volume.post(`/backups/${i.id}/restore`, { restore: { volume_id: nv.id } });
    assert.equal(small.status, 202, 'a volume of the same size takes it');
    await waitFor(demo.volume, `/volumes/${nv.id}`, 'available');

    const record = await admin.volume.get(`/backups/${b.id}/export_record`);
    assert.equal(record.body['backup-record'].backup_service, 'cinder.backup.drivers.posix.PosixBackupDriver');
    const fields = JSON.parse(Buffer.from(record.body['backup-record'].backup_url, 'base64').toString());
    const copyId = crypto.randomUUID();
    const url = Buffer.from(JSON.stringify({ ...fields, id: copyId })).toString('base64');
    const imported = await admin.volume.post('/backups/import_record', { 'backup-record': { backup_service: record.body['backup-record'].backup_service, backup_url: url } });
    assert.equal(imported.status, 201);
    assert.equal(imported.body.backup.id, copyId);
    await backupStatus(admin, copyId, 'available');

    assert.equal((await demo.volume.delete(`/backups/${i.id}`)).status, 202);
    await backupStatus(demo, i.id, '404');
    assert.equal((await demo.volume.delete(`/backups/${b.id}`)).status, 202);
    await backupStatus(demo, b.id, '404');
    const still = await admin.volume.post(`/backups/${copyId}/restore`, { restore: null });
    assert.equal(still.status, 202, 'the imported record still has the bytes its original shared');
    await waitFor(admin.volume, `/volumes/${still.body.restore.volume_id}`, 'available');
    const limits = (await demo.volume.get('/limits')).body.limits.absolute;
    assert.equal(limits.totalBackupsUsed, 0);
  });

  test('an in-use volume needs force; a backup of a snapshot reads the snapshot', async () => {
    const v = await volume(demo.volume);
    await demo.volume.post(`/volumes/${v.id}/action`, { 'os-attach': { instance_uuid: crypto.randomUUID(), mountpoint: '/dev/vdb' } });
    const refused = await demo.volume.post('/backups', { backup: { volume_id: v.id } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.badRequest.message, 'Invalid volume: Backing up an in-use volume must use the force flag.');
    const forced = await demo.volume.post('/backups', { backup: { volume_id: v.id, force: true } });
    await backupStatus(demo, forced.body.backup.id, 'available');
    assert.equal((await demo.volume.get(`/volumes/${v.id}`)).body.volume.status, 'in-use');
    await demo.volume.post(`/volumes/${v.id}/action`, { 'os-detach': {} });
    const s = await demo.volume.post('/snapshots', { snapshot: { volume_id: v.id } });
    await waitFor(demo.volume, `/snapshots/${s.body.snapshot.id}`, 'available');
    const fromSnap = await demo.volume.post('/backups', { backup: { volume_id: v.id, snapshot_id: s.body.snapshot.id } });
    const done = await backupStatus(demo, fromSnap.body.backup.id, 'available');
    assert.equal(done.snapshot_id, s.body.snapshot.id);
    const held = await cloud.drivers.blockStorage.list();
    assert.ok(!held.volumes.some((x) => x.startsWith('backup-source-')), 'the snapshot clone is gone');
  });
});
