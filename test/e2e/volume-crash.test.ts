import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunningCloud } from '../../src/cloud.js';
import { login } from '../support/cloud.js';
import { clientsOf, type Clients } from '../support/clients.js';
import { removeDir, startServer, tempDir, type StratusServer } from '../support/server.js';

// kill -9 while 20 volumes are being created and 10 are being attached: after the restart every
// volume is available, in-use or error (with a reason), none is left creating or attaching, and
// the backend holds no file that no volume names.

const dir = tempDir('stratus-volume-crash-');
let server: StratusServer | undefined;
after(async () => { await server?.stop(); removeDir(dir); });

async function clients(s: StratusServer): Promise<Clients> {
  const c = await login({ url: s.localUrl } as RunningCloud, 'admin', s.adminPassword, 'admin');
  return clientsOf({ url: s.localUrl }, c.token!);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('kill -9 during 20 volume creates and 10 attaches; after restart nothing is stuck or orphaned', { skip: !existsSync('/usr/bin/qemu-img') && 'qemu-img (qemu-utils) is not installed' }, async () => {
  server = await startServer({ dataDir: dir, args: ['--config', writeConfig()] });
  let c = await clients(server);
  const qcow = join(dir, 'guest.qcow2');
  execFileSync('/usr/bin/qemu-img', ['create', '-q', '-f', 'qcow2', qcow, '16M']);
  const image = await c.image.post('/v2/images', { name: 'guest', disk_format: 'qcow2', container_format: 'bare' });
  await fetch(`${server.localUrl}/image/v2/images/${image.body.id}/file`, { method: 'PUT', headers: { 'X-Auth-Token': c.token, 'Content-Type': 'application/octet-stream' }, body: execFileSync('cat', [qcow]) });
  const flavor = await c.compute.post('/flavors', { flavor: { name: 'crash.tiny', vcpus: 1, ram: 64, disk: 1 } });
  const net = (await c.network.get('/networks?name=private')).body.networks[0]?.id;
  const servers: string[] = [];
  for (const name of ['c1', 'c2']) {
    const r = await c.compute.post('/servers', { server: { name, imageRef: image.body.id, flavorRef: flavor.body.flavor.id, networks: net ? [{ uuid: net }] : 'none' } });
    servers.push(r.body.server.id);
  }
  for (const id of servers) await until(`${id} active`, async () => ((await c.compute.get(`/servers/${id}`)).body.server.status === 'ACTIVE' ? true : undefined));
  const pid = (await c.identity.get('/auth/tokens', { 'X-Subject-Token': c.token })).body.token.project.id;
  assert.equal((await c.volume.put(`/os-quota-sets/${pid}`, { quota_set: { volumes: 100, gigabytes: 1000 } })).status, 200);
  const ready: string[] = [];
  for (let i = 0; i < 10; i++) ready.push((await c.volume.post('/volumes', { volume: { size: 1, name: `attach-${i}` } })).body.volume.id);
  for (const id of ready) await until(`${id} available`, async () => ((await c.volume.get(`/volumes/${id}`)).body.volume.status === 'available' ? true : undefined));

  // NOTE: killed once half the creates are answered: the work of those answered is in flight.
  let answered = 0;
  let killed!: () => void;
  const half = new Promise<void>((r) => { killed = r; });
  const live = server;
  const creates = Array.from({ length: 20 }, (_, i) => c.volume.post('/volumes', { volume: { size: 1, name: `crash-${i}` } })
    .then(() => { if (++answered === 10) { process.kill(live.pid, 'SIGKILL'); killed(); } }, () => undefined));
  const attaches = ready.map((v, i) => c.compute.post(`/servers/${servers[i % 2]}/os-volume_attachments`, { volumeAttachment: { volumeId: v } }).catch(() => undefined));
  await half;
  await Promise.all([...creates, ...attaches]);
  await server.stop();

  server = await startServer({ dataDir: dir, args: ['--config', writeConfig()] });
  c = await clients(server);
  const settled = ['available', 'in-use', 'error'];
  const volumes = await until('every volume settled', async () => {
    const all = (await c.volume.get('/volumes/detail?all_tenants=1')).body.volumes as any[];
    return all.every((v) => settled.includes(v.status)) ? all : undefined;
  });
  assert.ok(volumes.length >= 10, `the volumes made before the crash are there (${volumes.length})`);
  for (const v of volumes.filter((x) => x.status === 'in-use')) assert.equal(v.attachments.length, 1, `${v.id} in use has its attachment`);
  for (const v of volumes.filter((x) => x.status === 'available')) assert.deepEqual(v.attachments, [], `${v.id} available has no attachment`);
  const files = readdirSync(join(dir, 'volumes', 'volumes'));
  assert.deepEqual(files.filter((f) => f.startsWith('.tmp-')), [], 'no temporary file is left');
  const ids = new Set(volumes.map((v) => v.id));
  assert.deepEqual(files.filter((f) => !ids.has(f.replace(/^volume-/, ''))), [], 'every file is a volume');
  for (const v of volumes.filter((x) => x.status !== 'error')) assert.ok(files.includes(`volume-${v.id}`), `${v.id} has its file`);
});

function writeConfig(): string {
  const file = join(dir, 'stratus.json');
  execFileSync('sh', ['-c', `echo '{"bcryptCost": 4, "blockStorageDriver": "file"}' > ${file}`]);
  return file;
}
