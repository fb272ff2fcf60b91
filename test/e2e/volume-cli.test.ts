import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../support/cloud.js';
import { OPENSTACK_BIN, openstackOk, osEnv, run } from '../support/server.js';

// The seeds' volume lab with the real `openstack` CLI, volumes as files (qemu-img): create,
// extend, snapshot, volume from snapshot and from image, types, quotas, attach to a server and
// detach, boot from volume, upload to an image, backup and restore, delete.

let cloud: TestCloud;
let env: Record<string, string>;
let dir: string;
const QEMU_IMG = '/usr/bin/qemu-img';

before(async () => {
  cloud = await startTestCloud({ blockStorageDriver: 'file' });
  dir = mkdtempSync(join(tmpdir(), 'stratus-volume-cli-'));
  env = osEnv(cloud, 'admin', 'secret');
});
after(async () => { await cloud.stop(); rmSync(dir, { recursive: true, force: true }); });

const os = (args: string[]): Promise<any> => openstackOk(args, env);

async function volumeStatus(name: string, want: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const v = await os(['volume', 'show', name, '-f', 'json']);
    if (v.status === want) return v;
    if (String(v.status).startsWith('error')) throw new Error(`${name} went to ${v.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} never reached ${want}`);
}

test('volume create, extend, snapshot, volume from snapshot and image, attach to a server, detach, delete', { skip: !existsSync(QEMU_IMG) && 'qemu-img (qemu-utils) is not installed' }, async () => {
  const created = await os(['volume', 'create', '--size', '1', 'volume1', '-f', 'json']);
  assert.equal(created.size, 1);
  const v1 = await volumeStatus('volume1', 'available');
  assert.equal(v1.type, '__DEFAULT__');
  const file = join(cloud.dataDir, 'volumes', 'volumes', `volume-${v1.id}`);
  const info = JSON.parse(execFileSync(QEMU_IMG, ['info', '--output=json', file], { encoding: 'utf8' }));
  assert.equal(info.format, 'qcow2');
  assert.equal(info['virtual-size'], 2 ** 30);

  await os(['volume', 'set', '--size', '2', 'volume1']);
  assert.equal((await volumeStatus('volume1', 'available')).size, 2);
  assert.equal(JSON.parse(execFileSync(QEMU_IMG, ['info', '--output=json', file], { encoding: 'utf8' }))['virtual-size'], 2 * 2 ** 30);

  await os(['volume', 'snapshot', 'create', '--volume', 'volume1', 'snap1', '-f', 'json']);
  for (let i = 0; i < 200 && (await os(['volume', 'snapshot', 'show', 'snap1', '-f', 'json'])).status !== 'available'; i++) await new Promise((r) => setTimeout(r, 50));
  await os(['volume', 'create', '--snapshot', 'snap1', 'volume2', '-f', 'json']);
  assert.equal((await volumeStatus('volume2', 'available')).size, 2);

  const image = join(dir, 'cirros.qcow2');
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', image, '64M']);
  await os(['image', 'create', 'cirros', '--file', image, '--disk-format', 'qcow2', '--container-format', 'bare', '-f', 'json']);
  await os(['volume', 'create', '--image', 'cirros', '--size', '1', 'bootable', '-f', 'json']);
  const boot = await volumeStatus('bootable', 'available');
  assert.equal(boot.bootable, 'true');
  assert.equal(boot.volume_image_metadata.image_name, 'cirros');

  const types = await os(['volume', 'type', 'list', '-f', 'json']);
  assert.ok(types.some((t: any) => t.Name === '__DEFAULT__'));
  const quota = await os(['quota', 'show', '-f', 'json']);
  assert.ok(JSON.stringify(quota).includes('volumes'));

  await os(['flavor', 'create', '--vcpus', '1', '--ram', '64', '--disk', '1', 'v.nano', '-f', 'json']);
  await os(['server', 'create', '--flavor', 'v.nano', '--image', 'cirros', '--network', 'private', '--wait', 'vm1', '-f', 'json']);
  await os(['server', 'add', 'volume', 'vm1', 'volume1']);
  const inUse = await volumeStatus('volume1', 'in-use');
  assert.equal(inUse.attachments[0].device, '/dev/vdb');
  const listed = await os(['volume', 'list', '-f', 'json']);
  const attached = listed.find((v: any) => v.Name === 'volume1')['Attached to'];
  assert.equal(attached[0].device, '/dev/vdb');
  assert.equal(attached[0].server_id, (await os(['server', 'show', 'vm1', '-f', 'json'])).id);
  await os(['server', 'remove', 'volume', 'vm1', 'volume1']);
  await volumeStatus('volume1', 'available');

  await os(['server', 'create', '--flavor', 'v.nano', '--image', 'cirros', '--boot-from-volume', '1', '--network', 'private', '--wait', 'bfv1', '-f', 'json']);
  const bfv = await os(['server', 'show', 'bfv1', '-f', 'json']);
  assert.equal(bfv.status, 'ACTIVE');
  assert.equal(bfv.volumes_attached.length, 1);
  await os(['server', 'delete', '--wait', 'bfv1']);
  // NOTE: --boot-from-volume keeps the root volume (delete_on_termination false), as on Nova.
  await volumeStatus(bfv.volumes_attached[0].id, 'available');
  await os(['volume', 'delete', bfv.volumes_attached[0].id]);

  await os(['image', 'create', '--volume', 'volume2', 'from-volume']);
  for (let i = 0; i < 200 && (await os(['image', 'show', 'from-volume', '-f', 'json'])).status !== 'active'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await os(['image', 'show', 'from-volume', '-f', 'json'])).status, 'active');
  await volumeStatus('volume2', 'available');

  await os(['volume', 'backup', 'create', '--name', 'b1', 'volume2', '-f', 'json']);
  for (let i = 0; i < 200 && (await os(['volume', 'backup', 'show', 'b1', '-f', 'json'])).status !== 'available'; i++) await new Promise((r) => setTimeout(r, 50));
  // NOTE: Debian's python-openstackclient 6.0 restores, then fails printing the answer ("cannot unpack
  // non-iterable VolumeBackupsRestore object", fixed in later releases): the restore itself is done.
  const restore = await run(OPENSTACK_BIN, ['volume', 'backup', 'restore', 'b1', 'volume3'], env);
  assert.ok(restore.code === 0 || /cannot unpack non-iterable VolumeBackupsRestore/.test(restore.stderr), restore.stderr);
  assert.equal((await volumeStatus('volume3', 'available')).size, 2);
  await os(['volume', 'backup', 'delete', 'b1']);
  await os(['volume', 'delete', 'volume2', 'volume3']);
  await os(['volume', 'snapshot', 'delete', 'snap1']);
  for (let i = 0; i < 200 && (await os(['volume', 'snapshot', 'list', '-f', 'json'])).length; i++) await new Promise((r) => setTimeout(r, 50));
  await os(['volume', 'delete', 'volume1', 'bootable']);
  for (let i = 0; i < 200 && (await os(['volume', 'list', '-f', 'json'])).length; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await os(['volume', 'list', '-f', 'json']), []);
  assert.ok(!existsSync(file), 'the volume file is gone with the volume');
});
