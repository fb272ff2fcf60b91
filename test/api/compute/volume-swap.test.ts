// Nova's volume swap: PUT /servers/{id}/os-volume_attachments/{old volume} with another volumeId
// (admin by default): the old volume available again, the new one in use at the same device, an
// instance action swap_volume; the refusals of nova/api/openstack/compute/volumes.py and
// compute/api.py swap_volume leave everything as it was; a hypervisor failure rolls back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeHypervisorDriver } from '../../../src/drivers/hypervisor/fake-hypervisor.js';
import { bootServer, computeFixture, waitStatus, type ComputeFixture } from '../../support/compute-server.js';
import { volume, waitFor } from '../volume/volume-client.js';

describe('volume swap (os-volume_attachments PUT with another volumeId)', () => {
  let f: ComputeFixture;
  before(async () => {
    f = await computeFixture('swap.tiny');
    const pid = await f.users.demo.volume.projectId();
    const q = await f.users.admin.volume.put(`/os-quota-sets/${pid}`, { quota_set: { volumes: 50, gigabytes: 100 } });
    assert.equal(q.status, 200, JSON.stringify(q.body));
  });
  after(async () => f.cloud.stop());
  const cinder = () => f.users.demo.volume;
  const hypervisor = () => f.cloud.drivers.hypervisor as FakeHypervisorDriver;
  const put = (c = f.admin, server: string, oldId: string, body: Record<string, unknown>) =>
    c.put(`/servers/${server}/os-volume_attachments/${oldId}`, { volumeAttachment: body });

  async function attached(server: string, v: string): Promise<void> {
    const r = await f.demo.at('2.60').post(`/servers/${server}/os-volume_attachments`, { volumeAttachment: { volumeId: v } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await waitFor(cinder(), `/volumes/${v}`, 'in-use');
  }
  const attachmentIds = async (server: string) => (await f.demo.get(`/servers/${server}/os-volume_attachments`)).body.volumeAttachments.map((a: any) => a.volumeId);
  async function swapped(server: string, to: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await attachmentIds(server)).includes(to)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`server ${server} did not get volume ${to}`);
  }
  async function swapActions(server: string): Promise<any[]> {
    const list = (await f.admin.get(`/servers/${server}/os-instance-actions`)).body.instanceActions.filter((a: any) => a.action === 'swap_volume');
    return Promise.all(list.map(async (a: any) => (await f.admin.at('2.51').get(`/servers/${server}/os-instance-actions/${a.request_id}`)).body.instanceAction));
  }

  test('as admin: the old volume available, the new one in use at the same device, the action recorded; 2.85 sets delete_on_termination with the swap', async () => {
    const server = await bootServer(f, f.demo, 'swapper');
    const v1 = await volume(cinder(), { name: 'v1' });
    const v2 = await volume(cinder(), { name: 'v2' });
    await attached(server, v1.id);
    const r = await put(f.admin, server, v1.id, { volumeId: v2.id });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.ok(r.body === undefined || r.body === '' || r.body === null, 'no body');
    await waitFor(cinder(), `/volumes/${v1.id}`, 'available');
    const now = await waitFor(cinder(), `/volumes/${v2.id}`, 'in-use');
    await swapped(server, v2.id);
    assert.deepEqual(now.attachments.map((a: any) => [a.server_id, a.device]), [[server, '/dev/vdb']]);
    assert.deepEqual((await cinder().get(`/volumes/${v1.id}`)).body.volume.attachments, []);
    const listed = (await f.demo.at('2.89').get(`/servers/${server}/os-volume_attachments`)).body.volumeAttachments;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].volumeId, v2.id);
    assert.equal(listed[0].device, '/dev/vdb');
    assert.equal(listed[0].attachment_id, now.attachments[0].attachment_id, 'the mapping holds the new attachment');
    assert.deepEqual(hypervisor().volumesOf(server), { '/dev/vdb': (await f.cloud.drivers.blockStorage.connection(v2.id)).path });
    const [action] = await swapActions(server);
    assert.equal(action.message, null);
    assert.deepEqual(action.events.map((e: any) => [e.event, e.result]), [['compute_swap_volume', 'Success']]);
    assert.equal((await f.demo.get(`/servers/${server}`)).body.server.status, 'ACTIVE');

    // Back again at 2.85, with delete_on_termination in the same body.
    const back = await put(f.admin.at('2.85'), server, v2.id, { volumeId: v1.id, delete_on_termination: true });
    assert.equal(back.status, 202, JSON.stringify(back.body));
    await waitFor(cinder(), `/volumes/${v2.id}`, 'available');
    await waitFor(cinder(), `/volumes/${v1.id}`, 'in-use');
    await swapped(server, v1.id);
    const shown = (await f.demo.at('2.79').get(`/servers/${server}/os-volume_attachments/${v1.id}`)).body.volumeAttachment;
    assert.deepEqual(shown, { device: '/dev/vdb', id: v1.id, serverId: server, volumeId: v1.id, tag: null, delete_on_termination: true });
    assert.equal((await swapActions(server)).length, 2);
  });

  test('a member may update the attachment (2.85) but not swap: 403, nothing changes', async () => {
    const server = await bootServer(f, f.demo, 'member-swap');
    const v1 = await volume(cinder());
    const v2 = await volume(cinder());
    await attached(server, v1.id);
    for (const c of [f.demo, f.demo.at('2.85')]) {
      const r = await put(c, server, v1.id, { volumeId: v2.id });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.forbidden.message, "Policy doesn't allow os_compute_api:os-volumes-attachments:swap to be performed.");
    }
    assert.equal((await put(f.demo, server, v1.id, { volumeId: v1.id })).status, 403, 'before 2.85 every PUT is a swap');
    assert.equal((await put(f.alt, server, v1.id, { volumeId: v2.id })).status, 404, 'another project does not see the server');
    const upd = await put(f.demo.at('2.85'), server, v1.id, { volumeId: v1.id, delete_on_termination: true });
    assert.equal(upd.status, 202, JSON.stringify(upd.body));
    assert.equal((await f.demo.at('2.79').get(`/servers/${server}/os-volume_attachments/${v1.id}`)).body.volumeAttachment.delete_on_termination, true);
    assert.equal((await put(f.demo.at('2.85'), server, v1.id, { volumeId: v1.id })).status, 202, 'no delete_on_termination: unchanged');
    assert.equal((await f.demo.at('2.79').get(`/servers/${server}/os-volume_attachments/${v1.id}`)).body.volumeAttachment.delete_on_termination, true);
    assert.deepEqual(await attachmentIds(server), [v1.id]);
    assert.equal((await cinder().get(`/volumes/${v2.id}`)).body.volume.status, 'available');
    assert.deepEqual(await swapActions(server), []);
  });

  test('refusals: Nova\'s status and message each, and nothing changes', async () => {
    const server = await bootServer(f, f.demo, 'refusals');
    const v1 = await volume(cinder(), { size: 2 });
    const free = await volume(cinder(), { size: 2 });
    const small = await volume(cinder(), { size: 1 });
    const broken = await volume(cinder(), { size: 2 });
    assert.equal((await f.users.admin.volume.post(`/volumes/${broken.id}/action`, { 'os-reset_status': { status: 'error' } })).status, 202);
    const other = await bootServer(f, f.demo, 'other');
    const elsewhere = await volume(cinder(), { size: 2 });
    await attached(server, v1.id);
    await attached(other, elsewhere.id);
    const missing = crypto.randomUUID();
    const cases: [string, ReturnType<typeof put>, number, string][] = [
      ['no such server', put(f.admin, crypto.randomUUID(), v1.id, { volumeId: free.id }), 404, 'itemNotFound'],
      ['the old volume does not exist', put(f.admin, server, missing, { volumeId: free.id }), 404, `Volume ${missing} could not be found.`],
      ['the old volume is not attached here (before 2.85)', put(f.admin, server, free.id, { volumeId: small.id }), 400, 'Invalid volume: Old volume is attached to a different instance.'],
      ['the old volume is not attached here (2.85)', put(f.admin.at('2.85'), server, free.id, { volumeId: small.id }), 404, `No volume Block Device Mapping with id ${free.id}.`],
      ['the new volume does not exist', put(f.admin, server, v1.id, { volumeId: missing }), 400, `Volume ${missing} could not be found.`],
      ['the same volume before 2.85', put(f.admin, server, v1.id, { volumeId: v1.id }), 400, 'Invalid volume: New volume must be detached in order to swap.'],
      ['the new volume is attached elsewhere', put(f.admin, server, v1.id, { volumeId: elsewhere.id }), 400, 'Invalid volume: New volume must be detached in order to swap.'],
      ['the new volume is smaller', put(f.admin, server, v1.id, { volumeId: small.id }), 400, 'Invalid volume: New volume must be the same size or larger.'],
      ['the new volume is not available', put(f.admin, server, v1.id, { volumeId: broken.id }), 400, `Invalid volume: volume '${broken.id}' status must be 'available'. Currently in 'error'`],
      ['delete_on_termination before 2.85', put(f.admin.at('2.84'), server, v1.id, { volumeId: free.id, delete_on_termination: true }), 400, "Additional properties are not allowed ('delete_on_termination' was unexpected)"],
      ['a new device (2.85)', put(f.admin.at('2.85'), server, v1.id, { volumeId: free.id, device: '/dev/vdz' }), 400, 'The device property is not mutable'],
      ['a new serverId (2.85)', put(f.admin.at('2.85'), server, v1.id, { volumeId: free.id, serverId: other }), 400, 'The serverId property is not mutable'],
      ['a volumeId that is no uuid', put(f.admin, server, v1.id, { volumeId: 'nope' }), 400, "'nope' is not a 'uuid'"],
    ];
    for (const [what, pending, status, message] of cases) {
      const r = await pending;
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      const body = Object.values(r.body as Record<string, any>)[0];
      if (message !== 'itemNotFound') assert.ok(String(body.message).includes(message), `${what}: ${body.message}`);
      else assert.ok(r.body.itemNotFound, what);
    }
    // A stopped server: 409.
    assert.equal((await f.demo.post(`/servers/${server}/action`, { 'os-stop': null })).status, 202);
    await waitStatus(f.demo, server, 'SHUTOFF');
    const stopped = await put(f.admin, server, v1.id, { volumeId: free.id });
    assert.equal(stopped.status, 409, JSON.stringify(stopped.body));
    assert.equal(stopped.body.conflictingRequest.message, `Cannot 'swap_volume' instance ${server} while it is in vm_state stopped`);

    assert.deepEqual(await attachmentIds(server), [v1.id]);
    const statuses = await Promise.all([v1, free, small, broken, elsewhere].map(async (v) => (await cinder().get(`/volumes/${v.id}`)).body.volume.status));
    assert.deepEqual(statuses, ['in-use', 'available', 'available', 'error', 'in-use']);
    assert.equal((await f.demo.at('2.79').get(`/servers/${server}/os-volume_attachments/${v1.id}`)).body.volumeAttachment.delete_on_termination, false);
    assert.deepEqual(await swapActions(server), []);
  });

  test('a hypervisor failure: the old volume stays attached, the new one available, the action and its event in error', async () => {
    const server = await bootServer(f, f.demo, 'fails');
    const v1 = await volume(cinder());
    const v2 = await volume(cinder());
    await attached(server, v1.id);
    hypervisor().failNext('swapVolume', 'fake hypervisor: the copy failed');
    assert.equal((await put(f.admin, server, v1.id, { volumeId: v2.id })).status, 202);
    let action: any;
    for (let i = 0; i < 200 && !action?.events?.[0]?.finish_time; i++) {
      [action] = await swapActions(server);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(action.message, 'Error');
    assert.deepEqual(action.events.map((e: any) => [e.event, e.result]), [['compute_swap_volume', 'Error']]);
    assert.match(action.events[0].traceback, /the copy failed/);
    await waitFor(cinder(), `/volumes/${v2.id}`, 'available');
    const old = await waitFor(cinder(), `/volumes/${v1.id}`, 'in-use');
    assert.deepEqual(old.attachments.map((a: any) => [a.server_id, a.device]), [[server, '/dev/vdb']]);
    assert.deepEqual((await cinder().get(`/volumes/${v2.id}`)).body.volume.attachments, []);
    assert.deepEqual(await attachmentIds(server), [v1.id]);
    assert.equal((await f.demo.get(`/servers/${server}`)).body.server.status, 'ACTIVE');
    assert.deepEqual(hypervisor().volumesOf(server), { '/dev/vdb': (await f.cloud.drivers.blockStorage.connection(v1.id)).path });
    // The old volume can be swapped again once the failure is over.
    assert.equal((await put(f.admin, server, v1.id, { volumeId: v2.id })).status, 202);
    await swapped(server, v2.id);
    await waitFor(cinder(), `/volumes/${v1.id}`, 'available');
  });

  test('multiattach: a volume with two read/write attachments is refused; a read-only one swaps on one server and stays on the other', async () => {
    const admin = f.users.admin.volume;
    const type = await admin.post('/types', { volume_type: { name: 'multi', extra_specs: { multiattach: '<is> True' } } });
    assert.equal(type.status, 200, JSON.stringify(type.body));
    const s1 = await bootServer(f, f.demo, 'ma-1');
    const s2 = await bootServer(f, f.demo, 'ma-2');
    const shared = await volume(cinder(), { volume_type: 'multi' });
    const target = await volume(cinder());
    await attached(s1, shared.id);
    assert.equal((await f.demo.at('2.60').post(`/servers/${s2}/os-volume_attachments`, { volumeAttachment: { volumeId: shared.id } })).status, 200);
    for (let i = 0; i < 200 && (await cinder().get(`/volumes/${shared.id}`)).body.volume.attachments.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    const r = await put(f.admin, s1, shared.id, { volumeId: target.id });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.badRequest.message, 'Swapping multi-attach volumes with more than one read/write attachment is not supported.');
    assert.equal((await cinder().get(`/volumes/${shared.id}`)).body.volume.status, 'in-use', 'the begun detach is rolled back');
    assert.equal((await cinder().get(`/volumes/${target.id}`)).body.volume.status, 'available');

    // Read-only (as Tempest's test_volume_swap_with_multiattach sets it before attaching).
    const ro = await volume(cinder(), { volume_type: 'multi' });
    assert.equal((await admin.post(`/volumes/${ro.id}/action`, { 'os-update_readonly_flag': { readonly: true } })).status, 202);
    const s3 = await bootServer(f, f.demo, 'ma-3');
    const s4 = await bootServer(f, f.demo, 'ma-4');
    await attached(s3, ro.id);
    assert.equal((await f.demo.at('2.60').post(`/servers/${s4}/os-volume_attachments`, { volumeAttachment: { volumeId: ro.id } })).status, 200);
    for (let i = 0; i < 200 && (await cinder().get(`/volumes/${ro.id}`)).body.volume.attachments.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await put(f.admin, s3, ro.id, { volumeId: target.id })).status, 202);
    await swapped(s3, target.id);
    await waitFor(cinder(), `/volumes/${target.id}`, 'in-use');
    const left = await waitFor(cinder(), `/volumes/${ro.id}`, 'in-use');
    assert.deepEqual(left.attachments.map((a: any) => a.server_id), [s4]);
    assert.deepEqual(await attachmentIds(s3), [target.id]);
    assert.deepEqual(await attachmentIds(s4), [ro.id]);
  });
});
