// Cinder's Swift backup driver: backups are objects in the backup project's Swift account, in
// Cinder's chunked layout, seen through the Swift API; restores give the same bytes; deletes
// remove the objects.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { TestCloud } from '../../support/cloud.js';
import type { Clients } from '../../support/clients.js';
import { startVolume, volume, waitFor } from './volume-client.js';

const run = promisify(execFile);

describe('Cinder backups on the Swift backup driver', () => {
  let cloud: TestCloud;
  let demo: Clients;
  before(async () => ({ cloud, demo } = await startVolume({ services: ['identity', 'image', 'volume', 'object-store'], blockStorageDriver: 'file', backupDriver: 'swift' })));
  after(async () => cloud.stop());

  const backupStatus = async (id: string, want: string) => {
    for (let i = 0; i < 1200; i++) {
      const r = await demo.volume.get(`/backups/${id}`);
      if (want === '404' && r.status === 404) return undefined;
      if (r.body?.backup?.status === want) return r.body.backup;
      if (r.body?.backup?.status === 'error') throw new Error(`backup ${id} failed: ${r.body.backup.fail_reason}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`backup ${id} never ${want}`);
  };
  const swift = async (path: string) => {
    const pid = await demo.volume.projectId();
    const r = await fetch(`${cloud.url}/object-store/v1/AUTH_${pid}${path}`, { headers: { 'X-Auth-Token': demo.token } });
    return { status: r.status, text: await r.text() };
  };
  const listing = async (): Promise<string[]> => {
    const r = await swift('/volumebackups?format=json');
    if (r.status === 404 || r.status === 204) return [];
    assert.equal(r.status, 200, r.text);
    return (JSON.parse(r.text) as { name: string }[]).map((o) => o.name);
  };
  const path = async (volumeId: string) => (await cloud.drivers.blockStorage.connection(volumeId)).path;
  const qemuIo = async (volumeId: string, cmd: string) => (await run('qemu-io', ['-f', 'qcow2', '-c', cmd, await path(volumeId)])).stdout;
  const same = async (a: string, b: string) => {
    try { await run('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', await path(a), await path(b)]); return true; } catch { return false; }
  };

  test('a full and an incremental backup are Swift objects in Cinder\'s layout; restores give the bytes back; deletes remove the objects', async () => {
    const v = await volume(demo.volume, { name: 'precious' });
    await qemuIo(v.id, 'write -P 0xab 0 64k');
    await qemuIo(v.id, 'write -P 0xcd 100M 32k');

    const full = await demo.volume.post('/backups', { backup: { volume_id: v.id, name: 'full' } });
    assert.equal(full.status, 202, JSON.stringify(full.body));
    const b = await backupStatus(full.body.backup.id, 'available');
    assert.equal(b.container, 'volumebackups', 'Cinder\'s backup_swift_container');
    const names = await listing();
    const prefix = new RegExp(`^volume_${v.id}/\\d{14}/az_nova_backup_${b.id}`);
    assert.ok(names.length > 0 && names.every((n) => prefix.test(n)), JSON.stringify(names));
    const base = names.find((n) => n.endsWith('_metadata'))!.slice(0, -'_metadata'.length);
    // NOTE: 1 GiB in 50 MiB objects: 21 chunks, numbered from 00001, beside the metadata and sha256 files.
    const chunks = Array.from({ length: 21 }, (_, i) => `${base}-${String(i + 1).padStart(5, '0')}`);
    assert.deepEqual(names.sort(), [...chunks, `${base}_metadata`, `${base}_sha256file`].sort());
    assert.equal(b.object_count, 22, 'Cinder counts the next object id');
    const meta = JSON.parse((await swift(`/volumebackups/${base}_metadata`)).text);
    assert.equal(meta.backup_id, b.id);
    assert.equal(meta.volume_id, v.id);
    assert.equal(meta.parent_id, null);
    assert.equal(meta.objects.length, 21);
    assert.deepEqual(meta.objects[1][chunks[1]!].offset, 52428800);
    assert.equal(meta.objects[0][chunks[0]!].compression, 'zlib');
    const sha = JSON.parse((await swift(`/volumebackups/${base}_sha256file`)).text);
    assert.equal(sha.chunk_size, 32768);
    assert.equal(sha.sha256s.length, 32768, 'one hash per 32 KiB block of 1 GiB');

    await qemuIo(v.id, 'write -P 0xef 512M 4k');
    const inc = await demo.volume.post('/backups', { backup: { volume_id: v.id, incremental: true } });
    const i = await backupStatus(inc.body.backup.id, 'available');
    assert.equal(i.is_incremental, true);
    const incNames = (await listing()).filter((n) => n.includes(`_backup_${i.id}`));
    assert.equal(incNames.length, 3, `one changed extent, the metadata and the hashes: ${JSON.stringify(incNames)}`);
    const incMeta = JSON.parse((await swift(`/volumebackups/${incNames.find((n) => n.endsWith('_metadata'))}`)).text);
    assert.equal(incMeta.parent_id, b.id);
    const [[, extent]] = Object.entries(incMeta.objects[0]) as [string, { offset: number; length: number }][];
    assert.deepEqual([extent!.offset, extent!.length], [512 * 1024 * 1024, 32768]);

    const fromInc = await demo.volume.post(`/backups/${i.id}/restore`, { restore: { name: 'latest' } });
    assert.equal(fromInc.status, 202);
    await waitFor(demo.volume, `/volumes/${fromInc.body.restore.volume_id}`, 'available', 120_000);
    assert.ok(await same(v.id, fromInc.body.restore.volume_id), 'the incremental restore gives the volume\'s bytes');
    const target = await volume(demo.volume);
    await demo.volume.post(`/backups/${b.id}/restore`, { restore: { volume_id: target.id } });
    await waitFor(demo.volume, `/volumes/${target.id}`, 'available', 120_000);
    assert.ok(!(await same(v.id, target.id)), 'the full backup predates the last write');
    assert.match(await qemuIo(target.id, 'read -P 0xcd 100M 32k'), /read 32768\/32768 bytes/);
    assert.doesNotMatch(await qemuIo(target.id, 'read -P 0xcd 100M 32k'), /Pattern verification failed/);
    assert.doesNotMatch(await qemuIo(target.id, 'read -P 0 512M 4k'), /Pattern verification failed/);

    assert.equal((await demo.volume.delete(`/backups/${i.id}`)).status, 202);
    await backupStatus(i.id, '404');
    assert.deepEqual((await listing()).sort(), [...chunks, `${base}_metadata`, `${base}_sha256file`].sort(), 'the full backup\'s objects stay');
    assert.equal((await demo.volume.delete(`/backups/${b.id}`)).status, 202);
    await backupStatus(b.id, '404');
    assert.deepEqual(await listing(), []);
  });

  test('a backup goes to the container the request names', async () => {
    const v = await volume(demo.volume);
    const r = await demo.volume.post('/backups', { backup: { volume_id: v.id, container: 'mine' } });
    const b = await backupStatus(r.body.backup.id, 'available');
    assert.equal(b.container, 'mine');
    const pid = await demo.volume.projectId();
    const got = await fetch(`${cloud.url}/object-store/v1/AUTH_${pid}/mine?format=json`, { headers: { 'X-Auth-Token': demo.token } });
    assert.equal(got.status, 200);
    assert.equal(((await got.json()) as unknown[]).length, 23);
  });
});
