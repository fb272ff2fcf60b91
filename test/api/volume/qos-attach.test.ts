// A volume type's front-end QoS specs reach the guest: Cinder puts them in the connection info's
// qos_specs, compute hands Nova libvirt's keys to the hypervisor driver with the attach.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeHypervisorDriver } from '../../../src/drivers/hypervisor/fake-hypervisor.js';
import { bootServer, computeFixture, type ComputeFixture } from '../../support/compute-server.js';
import { volume, waitFor } from './volume-client.js';

describe('volume QoS specs applied to attached volumes', () => {
  let f: ComputeFixture;
  before(async () => { f = await computeFixture('qos.tiny'); });
  after(async () => f.cloud.stop());
  const cinder = () => f.users.demo.volume;
  const admin = () => f.users.admin.volume;
  const hypervisor = () => f.cloud.drivers.hypervisor as FakeHypervisorDriver;

  /** A volume type with QoS specs of `consumer` holding `specs`. */
  const typeWith = async (name: string, consumer: string, specs: Record<string, string>) => {
    const q = await admin().post('/qos-specs', { qos_specs: { name: `${name}-qos`, consumer, ...specs } });
    assert.equal(q.status, 200, JSON.stringify(q.body));
    const type = await admin().post('/types', { volume_type: { name } });
    assert.equal((await admin().get(`/qos-specs/${q.body.qos_specs.id}/associate?vol_type_id=${type.body.volume_type.id}`)).status, 202);
    return name;
  };
  const attach = async (server: string, volumeId: string) => {
    const r = await f.demo.post(`/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await waitFor(cinder(), `/volumes/${volumeId}`, 'in-use');
    return r.body.volumeAttachment.device as string;
  };

  test('front-end limits are in the connection info and reach the hypervisor with the attach; detach drops them', async () => {
    const type = await typeWith('gold', 'front-end', {
      total_bytes_sec: '1048576', read_iops_sec: '100', write_iops_sec: '200', read_iops_sec_max: '300', size_iops_sec: '4096', 'vendor:tier': 'x',
    });
    const v = await volume(cinder(), { volume_type: type });
    const at = cinder().at('3.44');
    const created = await at.post('/attachments', { attachment: { volume_uuid: v.id, connector: { host: 'h1' } } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual(created.body.attachment.connection_info.data.qos_specs, {
      total_bytes_sec: '1048576', read_iops_sec: '100', write_iops_sec: '200', read_iops_sec_max: '300', size_iops_sec: '4096', 'vendor:tier': 'x',
    });
    assert.equal((await at.delete(`/attachments/${created.body.attachment.id}`)).status, 200);
    await waitFor(cinder(), `/volumes/${v.id}`, 'available');

    const server = await bootServer(f, f.demo, 'throttled');
    const device = await attach(server, v.id);
    assert.deepEqual(hypervisor().volumeQosOf(server), {
      [device]: { total_bytes_sec: 1048576, read_iops_sec: 100, write_iops_sec: 200, read_iops_sec_max: 300, size_iops_sec: 4096 },
    }, 'Nova libvirt\'s keys only, as numbers');
    assert.equal((await f.demo.delete(`/servers/${server}/os-volume_attachments/${v.id}`)).status, 202);
    await waitFor(cinder(), `/volumes/${v.id}`, 'available');
    assert.deepEqual(hypervisor().volumeQosOf(server), {});
  });

  test('back-end specs stay with the backend; per-GB IOPS become fixed for the volume\'s size', async () => {
    const backEnd = await typeWith('bronze', 'back-end', { total_iops_sec: '50' });
    const perGb = await typeWith('silver', 'both', { total_iops_sec_per_gb: '10', read_bytes_sec: '2097152' });
    const server = await bootServer(f, f.demo, 'mixed');
    const plain = await volume(cinder(), { volume_type: backEnd });
    const info = await cinder().post(`/volumes/${plain.id}/action`, { 'os-initialize_connection': { connector: { host: 'h1' } } });
    assert.equal(info.status, 200);
    assert.equal(info.body.connection_info.data.qos_specs, null, 'a back-end consumer\'s specs are not the front end\'s');
    const sized = await volume(cinder(), { volume_type: perGb, size: 2 });
    const shown = await cinder().post(`/volumes/${sized.id}/action`, { 'os-initialize_connection': { connector: { host: 'h1' } } });
    assert.deepEqual(shown.body.connection_info.data.qos_specs, { total_iops_sec: '20', read_bytes_sec: '2097152' });
    const d1 = await attach(server, plain.id);
    const d2 = await attach(server, sized.id);
    assert.deepEqual(hypervisor().volumeQosOf(server), { [d2]: { total_iops_sec: 20, read_bytes_sec: 2097152 } });
    assert.notEqual(d1, d2);
  });
});
