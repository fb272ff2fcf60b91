import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../support/cloud.js';

// An image's life with the real `openstack` CLI: create with a file, list, show, save, set, delete.

let cloud: TestCloud;
let env: Record<string, string>;
let dir: string;

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'image'] });
  dir = mkdtempSync(join(tmpdir(), 'stratus-image-cli-'));
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', OS_AUTH_URL: `${cloud.url}/identity/v3`,
    OS_USERNAME: 'admin', OS_PASSWORD: 'secret', OS_PROJECT_NAME: 'admin', OS_USER_DOMAIN_ID: 'default',
    OS_PROJECT_DOMAIN_ID: 'default', OS_IDENTITY_API_VERSION: '3', OS_REGION_NAME: 'RegionOne',
  };
});
after(async () => { await cloud.stop(); rmSync(dir, { recursive: true, force: true }); });

function os(args: string[], who: Record<string, string> = {}): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/openstack', args, { env: { ...env, ...who }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`openstack ${args.join(' ')} failed: ${stderr}`));
      try { resolve(stdout.trim() ? JSON.parse(stdout) : undefined); } catch { resolve(stdout); }
    });
  });
}

test('create --file --public, list, show, save, set --property, delete', async () => {
  const file = join(dir, 'cirros.img');
  const bytes = randomBytes(3 * 1024 * 1024 + 17);
  writeFileSync(file, bytes);
  const md5 = createHash('md5').update(bytes).digest('hex');

  const created = await os(['image', 'create', 'cirros', '--file', file, '--disk-format', 'qcow2', '--container-format', 'bare', '--public', '-f', 'json']);
  assert.equal(created.name, 'cirros');
  assert.equal(created.visibility, 'public');

  const list = await os(['image', 'list', '-f', 'json']);
  const row = list.find((i: any) => i.Name === 'cirros');
  assert.ok(row, JSON.stringify(list));
  assert.equal(row.Status, 'active');
  assert.equal(row.ID, created.id);

  const shown = await os(['image', 'show', 'cirros', '-f', 'json']);
  assert.equal(shown.status, 'active');
  assert.equal(shown.size, bytes.length);
  assert.equal(shown.checksum, md5);
  assert.equal(shown.disk_format, 'qcow2');

  // A member of another project sees the public image too.
  const seen = await os(['image', 'list', '--public', '-f', 'json'], { OS_USERNAME: 'demo', OS_PROJECT_NAME: 'demo' });
  assert.ok(seen.some((i: any) => i.ID === created.id));

  const saved = join(dir, 'saved.img');
  await os(['image', 'save', '--file', saved, 'cirros']);
  assert.equal(createHash('md5').update(readFileSync(saved)).digest('hex'), md5);

  await os(['image', 'set', '--property', 'os_distro=cirros', '--property', 'hw_rng_model=virtio', '--min-ram', '64', 'cirros']);
  const set = await os(['image', 'show', 'cirros', '-f', 'json']);
  assert.equal(set.properties.os_distro, 'cirros');
  assert.equal(set.properties.hw_rng_model, 'virtio');
  assert.equal(set.min_ram, 64);

  await os(['image', 'delete', 'cirros']);
  const after = await os(['image', 'list', '-f', 'json']);
  assert.ok(!after.some((i: any) => i.ID === created.id));
  await assert.rejects(os(['image', 'show', created.id, '-f', 'json']), /No Image found|Could not find|not found/i);
});
