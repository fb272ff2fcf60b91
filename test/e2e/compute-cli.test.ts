import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../support/cloud.js';
import { openstackOk, osEnv } from '../support/server.js';

// A server's life with the real `openstack` CLI on the fake hypervisor: flavor, keypair, image,
// server create --wait, list, stop/start/reboot, console log, server image create, delete.

let cloud: TestCloud;
let env: Record<string, string>;
let dir: string;

before(async () => {
  cloud = await startTestCloud();
  dir = mkdtempSync(join(tmpdir(), 'stratus-compute-cli-'));
  env = osEnv(cloud, 'admin', 'secret');
});
after(async () => { await cloud.stop(); rmSync(dir, { recursive: true, force: true }); });

const os = (args: string[], who: Record<string, string> = {}): Promise<any> => openstackOk(args, env, who);

async function status(name: string, want: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await os(['server', 'show', name, '-f', 'json'])).status === want) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} never reached ${want}`);
}

test('flavor, keypair, image, server create --wait, actions, console log, snapshot, delete', async () => {
  const flavor = await os(['flavor', 'create', '--id', '0', '--vcpus', '1', '--ram', '64', '--disk', '1', 'm0.nano', '-f', 'json']);
  assert.equal(flavor.name, 'm0.nano');
  await os(['keypair', 'create', 'mykey', '--private-key', join(dir, 'mykey.pem'), '-f', 'json']);
  const file = join(dir, 'cirros.img');
  writeFileSync(file, Buffer.from('QFI\xfbnot-really-cirros', 'latin1'));
  await os(['image', 'create', 'cirros', '--file', file, '--disk-format', 'qcow2', '--container-format', 'bare', '--public', '-f', 'json']);

  const server = await os(['server', 'create', '--flavor', 'm0.nano', '--image', 'cirros', '--key-name', 'mykey', '--wait', 'vm1', '-f', 'json']);
  assert.equal(server.status, 'ACTIVE');
  assert.equal(server.key_name, 'mykey');
  const list = await os(['server', 'list', '-f', 'json']);
  assert.deepEqual(list.map((s: any) => [s.Name, s.Status]), [['vm1', 'ACTIVE']]);

  await os(['server', 'stop', 'vm1']);
  await status('vm1', 'SHUTOFF');
  await os(['server', 'start', 'vm1']);
  await status('vm1', 'ACTIVE');
  await os(['server', 'reboot', 'vm1']);
  await status('vm1', 'ACTIVE');

  const log = await os(['console', 'log', 'show', 'vm1']);
  assert.match(String(log), /login:/);

  const snap = await os(['server', 'image', 'create', '--name', 'vm1-snap', '--wait', 'vm1', '-f', 'json']);
  assert.equal(snap.name, 'vm1-snap');
  assert.equal((await os(['image', 'show', 'vm1-snap', '-f', 'json'])).status, 'active');

  await os(['server', 'delete', '--wait', 'vm1']);
  assert.deepEqual(await os(['server', 'list', '-f', 'json']), []);

  const token = (await os(['token', 'issue', '-f', 'json'])).id;
  const r = await fetch(`${cloud.url}/compute/v2.1/flavors`, { headers: { 'X-Auth-Token': token } });
  assert.equal(r.status, 200);
  assert.ok((await r.json() as any).flavors.some((f: any) => f.name === 'm0.nano'));
});
