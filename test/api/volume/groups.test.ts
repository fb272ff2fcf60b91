import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { Clients } from '../../support/clients.js';
import { startVolume, volume, waitFor } from './volume-client.js';

describe('Cinder generic volume groups', () => {
  let cloud: TestCloud;
  let admin: Clients;
  before(async () => ({ cloud, admin } = await startVolume()));
  after(async () => cloud.stop());

  test('group types, a group of volumes, updates, a group snapshot, a group from it, deletes', async () => {
    const c = admin.volume.at('3.25');
    assert.equal((await admin.volume.at('3.10').get('/group_types')).status, 404, 'before 3.11 there are no group types');
    const gt = await c.post('/group_types', { group_type: { name: 'gt1', group_specs: { consistent_group_snapshot_enabled: '<is> True' } } });
    assert.equal(gt.status, 202);
    await c.post('/group_types', { group_type: { name: 'gt-private', is_public: false } });
    const names = async (q: string) => (await c.get(`/group_types${q}`)).body.group_types.map((x: any) => x.name);
    assert.deepEqual(await names('?is_public=None&sort=name:desc'), ['gt1', 'gt-private'].sort().reverse());
    assert.deepEqual(await names('?is_public=false'), ['gt-private']);
    assert.deepEqual(await names(''), ['gt1']);
    const vt = (await admin.volume.post('/types', { volume_type: { name: 'grouped' } })).body.volume_type;
    const g = await c.post('/groups', { group: { name: 'g1', group_type: gt.body.group_type.id, volume_types: [vt.id] } });
    assert.equal(g.status, 202);
    const gid = g.body.group.id;
    const shown = (await c.get(`/groups/${gid}`)).body.group;
    assert.equal(shown.status, 'available');
    assert.deepEqual(shown.volume_types, [vt.id]);
    const r = await c.post('/volumes', { volume: { size: 1, volume_type: vt.id, group_id: gid } });
    const member = await waitFor(c, `/volumes/${r.body.volume.id}`, 'available');
    assert.equal(member.group_id, gid);
    assert.equal((await c.post('/volumes', { volume: { size: 1, group_id: gid } })).status, 400, 'the default type is not the group\'s');
    assert.equal((await c.delete(`/volumes/${member.id}`)).status, 400, 'a member goes with its group');
    const loose = await volume(c, { volume_type: vt.id });
    assert.equal((await c.put(`/groups/${gid}`, { group: { add_volumes: loose.id, name: 'g1b' } })).status, 202);
    assert.deepEqual((await c.get(`/groups/${gid}`)).body.group.volumes.sort(), [member.id, loose.id].sort());
    await c.put(`/groups/${gid}`, { group: { remove_volumes: loose.id } });
    assert.deepEqual((await c.get(`/groups/${gid}`)).body.group.volumes, [member.id]);

    const gs = await c.post('/group_snapshots', { group_snapshot: { group_id: gid, name: 'gs1' } });
    assert.equal(gs.status, 202);
    let status = '';
    for (let i = 0; i < 200 && status !== 'available'; i++) { status = (await c.get(`/group_snapshots/${gs.body.group_snapshot.id}`)).body.group_snapshot.status; await new Promise((res) => setTimeout(res, 20)); }
    assert.equal(status, 'available');
    const copy = await c.post('/groups/action', { 'create-from-src': { name: 'g2', group_snapshot_id: gs.body.group_snapshot.id } });
    assert.equal(copy.status, 202);
    const copyVolumes = (await c.get(`/groups/${copy.body.group.id}`)).body.group.volumes;
    assert.equal(copyVolumes.length, 1);
    await waitFor(c, `/volumes/${copyVolumes[0]}`, 'available');

    assert.equal((await c.post(`/groups/${copy.body.group.id}/action`, { delete: { 'delete-volumes': false } })).status, 400, 'it has volumes');
    assert.equal((await c.post(`/groups/${copy.body.group.id}/action`, { delete: { 'delete-volumes': true } })).status, 202);
    await waitFor(c, `/volumes/${copyVolumes[0]}`, 404);
    assert.equal((await c.delete(`/group_snapshots/${gs.body.group_snapshot.id}`)).status, 202);
    assert.equal((await c.get(`/group_snapshots/${gs.body.group_snapshot.id}`)).status, 404);
    for (let i = 0; i < 200 && (await c.get(`/snapshots?volume_id=${member.id}`)).body.snapshots.length; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal((await c.post(`/groups/${gid}/action`, { delete: { 'delete-volumes': true } })).status, 202);
    await waitFor(c, `/volumes/${member.id}`, 404);
    assert.equal((await c.delete(`/group_types/${gt.body.group_type.id}`)).status, 202);
  });
});
