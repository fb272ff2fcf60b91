// Cinder's manage and unmanage: os-unmanage on volumes and snapshots leaves their bytes on the
// backend, the manageable listings offer them (and show what Cinder manages as not safe), and
// manageable_volumes / os-volume-manage and their snapshot twins take them back, with Cinder's
// errors and admin-only policies.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { Clients } from '../../support/clients.js';
import { startVolume, volume, waitFor } from './volume-client.js';

const LEGACY_VOLUME_KEYS = [
  'attachments', 'availability_zone', 'bootable', 'consistencygroup_id', 'created_at', 'description', 'encrypted', 'id', 'links', 'metadata',
  'migration_status', 'multiattach', 'name', 'replication_status', 'size', 'snapshot_id', 'source_volid', 'status', 'updated_at', 'user_id', 'volume_type',
];
const LEGACY_SNAPSHOT_KEYS = ['created_at', 'description', 'id', 'metadata', 'name', 'size', 'status', 'updated_at', 'volume_id'];

describe('Cinder manage and unmanage', () => {
  let cloud: TestCloud;
  let admin: Clients;
  let demo: Clients;
  let host: string;
  before(async () => {
    ({ cloud, admin, demo } = await startVolume());
    const v = await volume(admin.volume, { name: 'probe' });
    host = v['os-vol-host-attr:host'];
    await admin.volume.delete(`/volumes/${v.id}`);
  });
  after(async () => cloud.stop());

  const manageable = async (path: string) => {
    const r = await admin.volume.at('3.8').get(path);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  test('a volume unmanaged is gone from the API, offered by the listing, and managed back with its size, type, zone and host', async () => {
    const original = await volume(admin.volume, { name: 'original', size: 2 });
    const other = await volume(admin.volume, { name: 'still-managed' });
    assert.equal((await admin.volume.post(`/volumes/${original.id}/action`, { 'os-unmanage': null })).status, 202);
    await waitFor(admin.volume, `/volumes/${original.id}`, 404);
    const all = (await admin.volume.get('/volumes/detail?all_tenants=1')).body.volumes as any[];
    assert.ok(!all.some((v) => v.id === original.id));

    const summary = (await manageable(`/manageable_volumes?host=${encodeURIComponent(host)}`))['manageable-volumes'] as any[];
    assert.deepEqual(summary.find((e) => e.reference['source-name'] === `volume-${original.id}`), { reference: { 'source-name': `volume-${original.id}` }, size: 2, safe_to_manage: true });
    const detail = (await manageable(`/manageable_volumes/detail?host=${encodeURIComponent(host)}`))['manageable-volumes'] as any[];
    assert.deepEqual(detail.find((e) => e.reference['source-name'] === `volume-${other.id}`), {
      reference: { 'source-name': `volume-${other.id}` }, size: 1, safe_to_manage: false, reason_not_safe: 'already managed', cinder_id: other.id, extra_info: null,
    });
    assert.deepEqual(summary.map((e) => e.reference['source-name']), [...summary.map((e) => e.reference['source-name'])].sort().reverse(), 'sorted by reference, descending');

    const r = await admin.volume.at('3.8').post('/manageable_volumes', { volume: {
      host, ref: { 'source-name': `volume-${original.id}` }, name: '  managed  ', description: 'back', volume_type: original.volume_type,
      availability_zone: original.availability_zone, metadata: { k: 'v' }, bootable: true,
    } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body.volume).sort(), LEGACY_VOLUME_KEYS, 'the legacy view, whatever the microversion');
    assert.equal(r.body.volume.status, 'managing');
    assert.equal(r.body.volume.name, 'managed');
    assert.notEqual(r.body.volume.id, original.id);
    const managed = await waitFor(admin.volume, `/volumes/${r.body.volume.id}`, 'available');
    for (const k of ['size', 'volume_type', 'availability_zone', 'os-vol-host-attr:host']) assert.equal(managed[k], original[k], k);
    assert.equal(managed.bootable, 'true');
    assert.deepEqual(managed.metadata, { k: 'v' });
    const after = (await manageable(`/manageable_volumes/detail?host=${encodeURIComponent(host)}`))['manageable-volumes'] as any[];
    assert.ok(!after.some((e) => e.reference['source-name'] === `volume-${original.id}`), 'renamed on the backend');
    assert.equal(after.find((e) => e.reference['source-name'] === `volume-${managed.id}`)?.cinder_id, managed.id);

    // Managing it twice is refused; the legacy path at the base version works alike.
    const twice = await admin.volume.post('/os-volume-manage', { volume: { host, ref: { 'source-name': `volume-${managed.id}` } } });
    assert.equal(twice.status, 400);
    assert.equal(twice.body.badRequest.message, 'Invalid volume: Unable to manage existing volume. The volume is already managed');
    for (const id of [managed.id, other.id]) await admin.volume.delete(`/volumes/${id}`);
  });

  test('a managed volume counts against the quota; a reference to nothing ends in error_managing', async () => {
    const project = await admin.volume.projectId();
    const usage = async () => (await admin.volume.get(`/os-quota-sets/${project}?usage=True`)).body.quota_set;
    const v = await volume(admin.volume, { size: 3 });
    await admin.volume.post(`/volumes/${v.id}/action`, { 'os-unmanage': {} });
    await waitFor(admin.volume, `/volumes/${v.id}`, 404);
    const before = await usage();
    const r = await admin.volume.post('/os-volume-manage', { volume: { host, ref: { 'source-id': v.id } } });
    assert.equal(r.status, 202);
    await waitFor(admin.volume, `/volumes/${r.body.volume.id}`, 'available');
    const now = await usage();
    assert.equal(now.volumes.in_use, before.volumes.in_use + 1);
    assert.equal(now.gigabytes.in_use, before.gigabytes.in_use + 3);

    const bad = await admin.volume.post('/os-volume-manage', { volume: { host, ref: { 'source-name': 'volume-nothing-here' } } });
    assert.equal(bad.status, 202);
    const failed = await waitFor(admin.volume, `/volumes/${bad.body.volume.id}`, 'error_managing');
    assert.equal(failed.size, 0);
    assert.equal((await admin.volume.delete(`/volumes/${bad.body.volume.id}`)).status, 202);
    await waitFor(admin.volume, `/volumes/${bad.body.volume.id}`, 404);
    await admin.volume.delete(`/volumes/${r.body.volume.id}`);
  });

  test('a snapshot unmanaged is offered with its volume and managed back with its name, description and metadata', async () => {
    const v = await volume(admin.volume, { name: 'snap-origin' });
    const made = await admin.volume.post('/snapshots', { snapshot: { volume_id: v.id, name: 'first' } });
    const s = await waitFor(admin.volume, `/snapshots/${made.body.snapshot.id}`, 'available');
    assert.equal((await demo.volume.post(`/snapshots/${s.id}/action`, { 'os-unmanage': null })).status, 404, 'another project\'s');
    assert.equal((await admin.volume.post(`/snapshots/${s.id}/action`, { 'os-unmanage': null })).status, 202);
    await waitFor(admin.volume, `/snapshots/${s.id}`, 404);

    const listed = (await manageable(`/manageable_snapshots?host=${encodeURIComponent(host)}`))['manageable-snapshots'] as any[];
    assert.deepEqual(listed.find((e) => e.reference['source-name'] === `snapshot-${s.id}`), {
      reference: { 'source-name': `snapshot-${s.id}` }, size: 1, safe_to_manage: true, source_reference: { 'source-name': `volume-${v.id}` },
    });
    const body = { volume_id: v.id, ref: { 'source-name': `snapshot-${s.id}` }, name: 'again', description: 'managed', metadata: { a: '1' } };
    const r = await admin.volume.post('/os-snapshot-manage', { snapshot: body });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body.snapshot).sort(), LEGACY_SNAPSHOT_KEYS);
    const back = await waitFor(admin.volume, `/snapshots/${r.body.snapshot.id}`, 'available');
    assert.deepEqual([back.volume_id, back.name, back.description, back.metadata, back.size], [v.id, 'again', 'managed', { a: '1' }, 1]);
    const detail = (await manageable(`/manageable_snapshots/detail?host=${encodeURIComponent(host)}`))['manageable-snapshots'] as any[];
    assert.deepEqual(detail.find((e) => e.cinder_id === back.id)?.reason_not_safe, 'already managed');

    // A volume with snapshots cannot be unmanaged; its snapshot can, then the volume.
    const refused = await admin.volume.post(`/volumes/${v.id}/action`, { 'os-unmanage': null });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.badRequest.message, 'Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.');
    await admin.volume.delete(`/snapshots/${back.id}`);
    await waitFor(admin.volume, `/snapshots/${back.id}`, 404);
    await admin.volume.delete(`/volumes/${v.id}`);
  });

  test('members may not list, manage or unmanage (403); an attached volume and a busy snapshot are refused (400)', async () => {
    const mine = await volume(demo.volume, { name: 'members' });
    assert.equal((await demo.volume.post(`/volumes/${mine.id}/action`, { 'os-unmanage': null })).status, 403);
    assert.equal((await demo.volume.at('3.8').get(`/manageable_volumes?host=${encodeURIComponent(host)}`)).status, 403);
    assert.equal((await demo.volume.at('3.8').get(`/manageable_snapshots/detail?host=${encodeURIComponent(host)}`)).status, 403);
    assert.equal((await demo.volume.post('/os-volume-manage', { volume: { host, ref: { 'source-name': 'x' } } })).status, 403);
    assert.equal((await demo.volume.post('/os-snapshot-manage', { snapshot: { volume_id: mine.id, ref: { 'source-name': 'x' } } })).status, 403);
    const snap = await demo.volume.post('/snapshots', { snapshot: { volume_id: mine.id } });
    await waitFor(demo.volume, `/snapshots/${snap.body.snapshot.id}`, 'available');
    assert.equal((await demo.volume.post(`/snapshots/${snap.body.snapshot.id}/action`, { 'os-unmanage': null })).status, 403);
    await admin.volume.post(`/snapshots/${snap.body.snapshot.id}/action`, { 'os-reset_status': { status: 'creating' } });
    const busy = await admin.volume.post(`/snapshots/${snap.body.snapshot.id}/action`, { 'os-unmanage': null });
    assert.equal(busy.status, 400);
    assert.equal(busy.body.badRequest.message, 'Invalid snapshot: Snapshot status must be available or error and must not be part of a group.');
    await admin.volume.post(`/snapshots/${snap.body.snapshot.id}/action`, { 'os-reset_status': { status: 'available' } });
    await demo.volume.delete(`/snapshots/${snap.body.snapshot.id}`);
    await waitFor(demo.volume, `/snapshots/${snap.body.snapshot.id}`, 404);

    await demo.volume.post(`/volumes/${mine.id}/action`, { 'os-attach': { instance_uuid: crypto.randomUUID(), mountpoint: '/dev/vdb' } });
    const attached = await admin.volume.post(`/volumes/${mine.id}/action`, { 'os-unmanage': null });
    assert.equal(attached.status, 400);
    assert.match(attached.body.badRequest.message, /^Invalid volume: Volume status must be available/);
    assert.equal((await admin.volume.get(`/volumes/${mine.id}`)).body.volume.status, 'in-use', 'nothing changed');
  });

  test('bad requests answer as Cinder does', async () => {
    const expect = async (p: Promise<{ status: number; body: any }>, status: number, message: string) => {
      const r = await p;
      assert.equal(r.status, status, JSON.stringify(r.body));
      const fault = Object.values(r.body as Record<string, { message: string }>)[0]!;
      assert.equal(fault.message, message);
    };
    const a = admin.volume;
    await expect(a.post('/os-volume-manage', { volume: { ref: { 'source-name': 'x' } } }), 400, 'Invalid input received: Host field is missing.');
    await expect(a.at('3.16').post('/manageable_volumes', { volume: { ref: { 'source-name': 'x' } } }), 400, 'Invalid input received: One and only one of cluster and host must be set.');
    await expect(a.post('/os-volume-manage', { volume: { host: 'elsewhere@lvm#pool', ref: { 'source-name': 'x' } } }), 400, "Host 'elsewhere@lvm#pool' not found");
    await expect(a.post('/os-volume-manage', { volume: { host, ref: { 'source-name': 'x' }, volume_type: 'nope' } }), 400, "Invalid volume type: Cannot find requested 'nope' volume type");
    await expect(a.at('3.8').post('/manageable_volumes', { volume: { host, cluster: 'c', ref: {} } }), 400,
      `Invalid input for field/attribute volume. Value: {'host': '${host}', 'cluster': 'c', 'ref': {}}. Additional properties are not allowed ('cluster' was unexpected)`);
    assert.equal((await a.at('3.7').get(`/manageable_volumes?host=${host}`)).status, 404, 'before 3.8');
    assert.equal((await a.at('3.7').post('/manageable_snapshots', { snapshot: { volume_id: crypto.randomUUID(), ref: {} } })).status, 404);
    await expect(a.at('3.8').get('/manageable_volumes'), 400, 'Invalid input received: Host field is missing.');
    await expect(a.at('3.17').get('/manageable_volumes'), 400, 'Invalid input received: One and only one of cluster and host must be set.');
    await expect(a.at('3.8').get('/manageable_volumes?host=elsewhere@lvm#pool'), 404, 'Service cinder-volume could not be found on host elsewhere@lvm.');
    await expect(a.at('3.8').get(`/manageable_volumes?host=${encodeURIComponent(host)}&sort=name`), 400, 'Invalid sort keys passed: name');
    await expect(a.at('3.8').get(`/manageable_volumes?host=${encodeURIComponent(host)}&sort_dir=up`), 400, 'Invalid sort dirs passed: up');
    await expect(a.at('3.8').get(`/manageable_volumes?host=${encodeURIComponent(host)}&marker=${encodeURIComponent('{"source-name": "none"}')}`), 400, "Invalid input received: marker not found: {'source-name': 'none'}");
    const missing = crypto.randomUUID();
    await expect(a.post('/os-snapshot-manage', { snapshot: { volume_id: missing, ref: { 'source-name': 'x' } } }), 404, `Volume ${missing} could not be found.`);
  });

  test('listings page by reference or size with marker, limit and offset', async () => {
    const made = [];
    for (const size of [1, 3, 2]) made.push(await volume(admin.volume, { size }));
    for (const v of made) await admin.volume.post(`/volumes/${v.id}/action`, { 'os-unmanage': null });
    for (const v of made) await waitFor(admin.volume, `/volumes/${v.id}`, 404);
    const names = new Set(made.map((v) => `volume-${v.id}`));
    const q = `host=${encodeURIComponent(host)}`;
    const page = async (extra: string) => ((await manageable(`/manageable_volumes?${q}&${extra}`))['manageable-volumes'] as any[]);
    const ours = (await page('sort=size:asc,reference:asc')).filter((e) => names.has(e.reference['source-name']));
    assert.deepEqual(ours.map((e) => e.size), [1, 2, 3]);
    const all = await page('sort_key=reference&sort_dir=asc');
    const first = await page('sort_key=reference&sort_dir=asc&limit=1');
    assert.deepEqual(first, all.slice(0, 1));
    const next = await page(`sort_key=reference&sort_dir=asc&limit=2&marker=${encodeURIComponent(JSON.stringify(first[0].reference))}`);
    assert.deepEqual(next, all.slice(1, 3));
    assert.deepEqual(await page('sort_key=reference&sort_dir=asc&offset=1&limit=1'), all.slice(1, 2));
    // Managed back through the legacy path, with the names the backend gave them.
    for (const v of made) {
      const r = await admin.volume.post('/os-volume-manage', { volume: { host, ref: { 'source-name': `volume-${v.id}` } } });
      await admin.volume.delete(`/volumes/${(await waitFor(admin.volume, `/volumes/${r.body.volume.id}`, 'available')).id}`);
    }
  });
});

test('an unmanaged volume file outlives a restart (reconcile keeps what it does not manage) and is managed back after it',
  { skip: !existsSync('/usr/bin/qemu-img') && 'qemu-img (qemu-utils) is not installed' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratus-manage-'));
    try {
      let { cloud, admin } = await startVolume({ blockStorageDriver: 'file' }, dir);
      const v = await volume(admin.volume, { size: 1 });
      const host = v['os-vol-host-attr:host'];
      await admin.volume.post(`/volumes/${v.id}/action`, { 'os-unmanage': null });
      await waitFor(admin.volume, `/volumes/${v.id}`, 404);
      await cloud.stop();
      ({ cloud, admin } = await startVolume({ blockStorageDriver: 'file' }, dir));
      try {
        assert.ok(readdirSync(join(dir, 'volumes', 'volumes')).includes(`volume-${v.id}`), 'the file is kept');
        const listed = (await admin.volume.at('3.8').get(`/manageable_volumes?host=${encodeURIComponent(host)}`)).body['manageable-volumes'] as any[];
        assert.deepEqual(listed, [{ reference: { 'source-name': `volume-${v.id}` }, size: 1, safe_to_manage: true }]);
        const r = await admin.volume.at('3.8').post('/manageable_volumes', { volume: { host, ref: { 'source-name': `volume-${v.id}` } } });
        const back = await waitFor(admin.volume, `/volumes/${r.body.volume.id}`, 'available');
        assert.deepEqual(readdirSync(join(dir, 'volumes', 'volumes')).filter((f) => !f.startsWith('.')), [`volume-${back.id}`]);
      } finally {
        await cloud.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
