// Block-storage benchmark: volume create → available and attach → in-use, with volumes as files
// (the file driver, qemu-img), against the baseline of the same run on the same machine:
// `qemu-img create -f qcow2` of the same size, which is the least a volume create must do.
//
//   node bench/volumes.mjs [--volumes 100] [--clients 10] [--attaches 20]
//
// It starts its own server from the bundle on a fresh data dir, prints a Markdown table and removes
// what it made. Benchmarks report; the exit status is 0 unless the script itself broke.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, fmt, now, numberOption as opt, pct, startBenchServer } from './lib/bench-server.mjs';

const VOLUMES = opt('volumes', 100);
const CLIENTS = opt('clients', 10);
const ATTACHES = opt('attaches', 20);
const QEMU_IMG = '/usr/bin/qemu-img';

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'stratus-volumes-bench-'));
  const baseline = [];
  for (let i = 0; i < 50; i++) {
    const t = now();
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', join(scratch, `b${i}`), String(2 ** 30)]);
    baseline.push(now() - t);
  }
  rmSync(scratch, { recursive: true, force: true });

  const { base, token, projectId } = await startBenchServer('volumes', { blockStorageDriver: 'file', bcryptCost: 4 });
  const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
  const cinder = apiClient(base, `/volume/v3/${projectId}`, headers);
  const nova = apiClient(base, '/compute/v2.1', { ...headers, 'OpenStack-API-Version': 'compute 2.79' });
  await cinder('PUT', `/os-quota-sets/${projectId}`, { quota_set: { volumes: -1, gigabytes: -1, snapshots: -1 } });
  const status = async (id) => (await cinder('GET', `/volumes/${id}`)).volume.status;
  const until = async (id, want) => { for (;;) { const s = await status(id); if (s === want) return; if (s.startsWith('error')) throw new Error(`${id}: ${s}`); await new Promise((r) => setTimeout(r, 2)); } };

  const one = [];
  for (let i = 0; i < 20; i++) {
    const t = now();
    const { volume } = await cinder('POST', '/volumes', { volume: { size: 1, name: `one-${i}` } });
    await until(volume.id, 'available');
    one.push(now() - t);
  }

  const many = [];
  let n = 0;
  const t0 = now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (n < VOLUMES) {
      n++;
      const t = now();
      const { volume } = await cinder('POST', '/volumes', { volume: { size: 1, name: `many-${n}` } });
      await until(volume.id, 'available');
      many.push(now() - t);
    }
  }));
  const perSecond = many.length / ((now() - t0) / 1000);

  const imgDir = mkdtempSync(join(tmpdir(), 'stratus-volumes-img-'));
  process.on('exit', () => rmSync(imgDir, { recursive: true, force: true }));
  const img = join(imgDir, 'guest.qcow2');
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', img, '16M']);
  const image = await apiClient(base, '/image', headers)('POST', '/v2/images', { name: 'guest', disk_format: 'qcow2', container_format: 'bare' });
  await fetch(`${base}/image/v2/images/${image.id}/file`, { method: 'PUT', headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' }, body: execFileSync('cat', [img]) });
  const { flavor } = await nova('POST', '/flavors', { flavor: { name: 'bench.vol', vcpus: 1, ram: 64, disk: 1 } });
  const { server } = await nova('POST', '/servers', { server: { name: 'bench', imageRef: image.id, flavorRef: flavor.id, networks: 'none' } });
  for (;;) { if ((await nova('GET', `/servers/${server.id}`)).server.status === 'ACTIVE') break; await new Promise((r) => setTimeout(r, 5)); }
  const attach = [];
  const detach = [];
  for (let i = 0; i < ATTACHES; i++) {
    const { volume } = await cinder('POST', '/volumes', { volume: { size: 1, name: `att-${i}` } });
    await until(volume.id, 'available');
    let t = now();
    await nova('POST', `/servers/${server.id}/os-volume_attachments`, { volumeAttachment: { volumeId: volume.id } });
    await until(volume.id, 'in-use');
    attach.push(now() - t);
    t = now();
    await nova('DELETE', `/servers/${server.id}/os-volume_attachments/${volume.id}`);
    await until(volume.id, 'available');
    detach.push(now() - t);
  }

  const b = pct(baseline, 50);
  const row = (what, xs, extra = '') => `| ${what} | ${fmt(pct(xs, 50))} | ${fmt(pct(xs, 99))} | ${(pct(xs, 50) / b).toFixed(1)}× | ${extra} |`;
  console.log('| what | p50 | p99 | p50 ÷ baseline | |\n| --- | --- | --- | --- | --- |');
  console.log(row('baseline: qemu-img create -f qcow2 1 GiB', baseline));
  console.log(row(`volume create → available, one client (${one.length})`, one, `${(1000 / pct(one, 50)).toFixed(0)} volumes/s`));
  console.log(row(`volume create → available, ${CLIENTS} clients (${many.length})`, many, `**${perSecond.toFixed(1)} volumes/s**`));
  console.log(row(`attach → in-use through compute (${attach.length})`, attach));
  console.log(row(`detach → available through compute (${detach.length})`, detach));
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
