import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { Clients } from '../../support/clients.js';
import { userWithRole } from '../../support/clients.js';
import { startVolume, volume, waitFor } from './volume-client.js';

describe('Cinder volumes', () => {
  let cloud: TestCloud;
  let admin: Clients;
  let demo: Clients;
  before(async () => ({ cloud, admin, demo } = await startVolume()));
  after(async () => cloud.stop());

  test('a blank volume is created, becomes available, and shows what Cinder shows', async () => {
    const r = await demo.volume.post('/volumes', { volume: { size: 1, name: 'volume1', description: 'first', metadata: { a: 'b' } } });
    assert.equal(r.status, 202);
    const v = r.body.volume;
    assert.equal(v.status, 'creating');
    assert.equal(v.bootable, 'false');
    assert.equal(v.volume_type, '__DEFAULT__');
    assert.deepEqual(v.attachments, []);
    assert.ok(!('os-vol-tenant-attr:tenant_id' in v), 'create answers without the extension attributes');
    const pid = await demo.volume.projectId();
    assert.equal(v.links[0].href, `${cloud.url}/volume/v3/${pid}/volumes/${v.id}`);
    assert.match(v.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const shown = await waitFor(demo.volume, `/volumes/${v.id}`, 'available');
    assert.equal(shown['os-vol-tenant-attr:tenant_id'], pid);
    assert.ok(!('os-vol-host-attr:host' in shown), 'only an admin sees the host');
    const asAdmin = await admin.volume.get(`/volumes/${v.id}`);
    assert.equal(asAdmin.status, 200, 'an admin sees any project\'s volume by id, as in Cinder');
    assert.match(asAdmin.body.volume['os-vol-host-attr:host'], /.+@.+#.+/);
    const all = await admin.volume.get('/volumes/detail?all_tenants=1');
    const mine = all.body.volumes.find((x: any) => x.id === v.id);
    assert.match(mine['os-vol-host-attr:host'], /.+@.+#.+/);
    assert.deepEqual(mine.metadata, { a: 'b' });
  });

  test('bad input gets Cinder\'s 400 and changes nothing', async () => {
    const before = (await demo.volume.get('/volumes')).body.volumes.length;
    for (const [size, words] of [[0, 'less than the minimum of 1'], [-1, 'less than the minimum of 1'], ['#$%', "does not match '^[0-9]+$'"]] as const) {
      const r = await demo.volume.post('/volumes', { volume: { size } });
      assert.equal(r.status, 400);
      assert.ok(r.body.badRequest.message.startsWith('Invalid input for field/attribute size. Value: '), r.body.badRequest.message);
      assert.ok(r.body.badRequest.message.endsWith(words), r.body.badRequest.message);
      assert.equal(r.body.badRequest.code, 400);
    }
    const none = await demo.volume.post('/volumes', { volume: { name: 'x' } });
    assert.equal(none.status, 400);
    assert.equal(none.body.badRequest.message, "Invalid input received: Volume size 'None' must be an integer and greater than 0");
    const type = await demo.volume.post('/volumes', { volume: { size: 1, volume_type: 'nope' } });
    assert.equal(type.status, 404);
    assert.equal(type.body.itemNotFound.message, 'Volume type with name nope could not be found.');
    const snap = await demo.volume.post('/volumes', { volume: { size: 1, snapshot_id: crypto.randomUUID() } });
    assert.equal(snap.status, 404);
    assert.match(snap.body.itemNotFound.message, /^Snapshot .* could not be found\.$/);
    assert.equal((await demo.volume.get('/volumes')).body.volumes.length, before);
    const missing = await demo.volume.get(`/volumes/${crypto.randomUUID()}`);
    assert.equal(missing.status, 404);
    assert.match(missing.body.itemNotFound.message, /^Volume .* could not be found\.$/);
  });

  test('lists filter by name, status and metadata, sort, and page with next links', async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await volume(demo.volume, { name: `page-${i}`, metadata: { group: 'paging', n: String(i) } }));
    const byName = await demo.volume.get('/volumes?name=page-1');
    assert.deepEqual(byName.body.volumes.map((v: any) => v.id), [made[1].id]);
    assert.deepEqual(Object.keys(byName.body.volumes[0]).sort(), ['id', 'links', 'name']);
    const byMeta = await demo.volume.get(`/volumes/detail?metadata=${encodeURIComponent("{'group': 'paging'}")}`);
    assert.equal(byMeta.body.volumes.length, 3);
    assert.deepEqual((await demo.volume.get('/volumes?status=nonsense')).body.volumes, []);
    const asc = await demo.volume.get('/volumes/detail?metadata=' + encodeURIComponent('{"group": "paging"}') + '&sort=name:asc');
    assert.deepEqual(asc.body.volumes.map((v: any) => v.name), ['page-0', 'page-1', 'page-2']);
    const first = await demo.volume.get('/volumes/detail?sort=name:asc&limit=2&metadata=' + encodeURIComponent('{"group": "paging"}'));
    assert.equal(first.body.volumes.length, 2);
    const next = first.body.volumes_links[0];
    assert.equal(next.rel, 'next');
    const rest = await fetch(next.href, { headers: { 'X-Auth-Token': demo.token } }).then((r) => r.json() as Promise<any>);
    assert.deepEqual(rest.volumes.map((v: any) => v.name), ['page-2']);
    const bad = await demo.volume.get('/volumes?foo=bar');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.badRequest.message, 'Invalid filters foo are found in query options.');
    assert.equal((await demo.volume.at('3.11').get('/volumes/summary')).status, 404, 'volume-summary came in 3.12');
    assert.equal((await demo.volume.at('3.12').get('/volumes/summary')).body['volume-summary'].total_count >= 3, true);
    const counted = await demo.volume.at('3.45').get('/volumes?with_count=true&limit=1');
    assert.ok(counted.body.count >= 3);
    assert.equal(counted.body.volumes.length, 1);
  });

  test('update, metadata, bootable, readonly and extend', async () => {
    const v = await volume(demo.volume, { name: 'change-me' });
    const u = await demo.volume.put(`/volumes/${v.id}`, { volume: { name: 'changed', description: 'd' } });
    assert.equal(u.status, 200);
    assert.equal(u.body.volume.name, 'changed');
    assert.deepEqual((await demo.volume.post(`/volumes/${v.id}/metadata`, { metadata: { k1: 'v1' } })).body, { metadata: { k1: 'v1' } });
    assert.deepEqual((await demo.volume.put(`/volumes/${v.id}/metadata/k2`, { meta: { k2: 'v2' } })).body, { meta: { k2: 'v2' } });
    assert.deepEqual((await demo.volume.get(`/volumes/${v.id}/metadata`)).body, { metadata: { k1: 'v1', k2: 'v2' } });
    assert.equal((await demo.volume.delete(`/volumes/${v.id}/metadata/k1`)).status, 200);
    assert.equal((await demo.volume.get(`/volumes/${v.id}/metadata/k1`)).status, 404);
    assert.equal((await demo.volume.post(`/volumes/${v.id}/action`, { 'os-set_bootable': { bootable: true } })).status, 200);
    assert.equal((await demo.volume.post(`/volumes/${v.id}/action`, { 'os-update_readonly_flag': { readonly: true } })).status, 202);
    const shown = (await demo.volume.get(`/volumes/${v.id}`)).body.volume;
    assert.equal(shown.bootable, 'true');
    assert.equal(shown.metadata.readonly, 'True');
    assert.equal((await demo.volume.post(`/volumes/${v.id}/action`, { 'os-extend': { new_size: 1 } })).status, 400);
    assert.equal((await demo.volume.post(`/volumes/${v.id}/action`, { 'os-extend': { new_size: 2 } })).status, 202);
    const grown = await waitFor(demo.volume, `/volumes/${v.id}`, 'available');
    assert.equal(grown.size, 2);
    const reset = await demo.volume.post(`/volumes/${v.id}/action`, { 'os-reset_status': { status: 'error' } });
    assert.equal(reset.status, 403);
    assert.equal(reset.body.forbidden.message, "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed.");
  });

  test('another project sees none of it; a reader may look but not create', async () => {
    const v = await volume(demo.volume, { name: 'private' });
    const alt = await clientsForAlt();
    assert.equal((await alt.volume.get(`/volumes/${v.id}`)).status, 404);
    assert.ok(!(await alt.volume.get('/volumes')).body.volumes.some((x: any) => x.id === v.id));
    const reader = await userWithRole(cloud, admin, 'reader', 'demo', `reader-${Date.now()}`);
    assert.equal((await reader.volume.get(`/volumes/${v.id}`)).status, 200);
    const denied = await reader.volume.post('/volumes', { volume: { size: 1 } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.forbidden.message, "Policy doesn't allow volume:create to be performed.");
    const snap = await demo.volume.post('/snapshots', { snapshot: { volume_id: v.id } });
    await waitFor(demo.volume, `/snapshots/${snap.body.snapshot.id}`, 'available');
    const backup = await demo.volume.post('/backups', { backup: { volume_id: v.id } });
    assert.equal(backup.status, 202, JSON.stringify(backup.body));
    assert.equal((await alt.volume.get(`/snapshots/${snap.body.snapshot.id}`)).status, 404);
    assert.equal((await alt.volume.get(`/backups/${backup.body.backup.id}`)).status, 404);
    assert.ok(!(await alt.volume.get('/snapshots')).body.snapshots.some((x: any) => x.id === snap.body.snapshot.id));
    assert.ok(!(await alt.volume.get('/backups')).body.backups.some((x: any) => x.id === backup.body.backup.id));
    assert.equal((await alt.volume.post('/snapshots', { snapshot: { volume_id: v.id } })).status, 404, 'nor snapshot what it cannot see');
    assert.equal((await alt.volume.post('/backups', { backup: { volume_id: v.id } })).status, 404, 'nor back it up');
    const wrongProject = await alt.volume.get(`/../${await demo.volume.projectId()}/volumes`);
    assert.ok([400, 404].includes(wrongProject.status));
  });

  test('delete: refused with snapshots, then with cascade; the volume is gone', async () => {
    const v = await volume(demo.volume);
    const s = await demo.volume.post('/snapshots', { snapshot: { volume_id: v.id, name: 's' } });
    assert.equal(s.status, 202);
    await waitFor(demo.volume, `/snapshots/${s.body.snapshot.id}`, 'available');
    const refused = await demo.volume.delete(`/volumes/${v.id}`);
    assert.equal(refused.status, 400);
    assert.match(refused.body.badRequest.message, /^Invalid volume: /);
    assert.equal((await demo.volume.delete(`/volumes/${v.id}?cascade=true`)).status, 202);
    await waitFor(demo.volume, `/volumes/${v.id}`, 404);
    assert.equal((await demo.volume.get(`/snapshots/${s.body.snapshot.id}`)).status, 404);
  });

  test("Zed's deprecated multiattach flag: a multiattach volume of the default type; with an encrypted type, Cinder's 400", async () => {
    const r = await demo.volume.post('/volumes', { volume: { size: 1, multiattach: true } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.volume.multiattach, true);
    assert.equal((await waitFor(demo.volume, `/volumes/${r.body.volume.id}`, 'available')).multiattach, true);
    const off = await demo.volume.post('/volumes', { volume: { size: 1, multiattach: false } });
    assert.equal(off.body.volume.multiattach, false);
    const t = (await admin.volume.post('/types', { volume_type: { name: 'enc-ma' } })).body.volume_type;
    assert.equal((await admin.volume.post(`/types/${t.id}/encryption`, { encryption: { provider: 'luks', control_location: 'front-end' } })).status, 200);
    const before = (await demo.volume.get('/volumes')).body.volumes.length;
    const enc = await demo.volume.post('/volumes', { volume: { size: 1, multiattach: true, volume_type: 'enc-ma' } });
    assert.equal(enc.status, 400, JSON.stringify(enc.body));
    assert.equal(enc.body.badRequest.message, 'Invalid volume: Multiattach cannot be used with encrypted volumes.');
    assert.equal((await demo.volume.get('/volumes')).body.volumes.length, before);
  });

  async function clientsForAlt(): Promise<Clients> {
    const { clientsFor } = await import('../../support/clients.js');
    return clientsFor(cloud, 'alt_demo');
  }
});
