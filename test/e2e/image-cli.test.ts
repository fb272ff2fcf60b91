import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../support/cloud.js';
import { openstackOk, osEnv } from '../support/server.js';

// An image's life with the real `openstack` CLI: create with a file, list, show, save, set, delete.

let cloud: TestCloud;
let env: Record<string, string>;
let dir: string;

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'image'] });
  dir = mkdtempSync(join(tmpdir(), 'stratus-image-cli-'));
  env = osEnv(cloud, 'admin', 'secret');
});
after(async () => { await cloud.stop(); rmSync(dir, { recursive: true, force: true }); });

const os = (args: string[], who: Record<string, string> = {}): Promise<any> => openstackOk(args, env, who);

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

test("glance's quotas with the CLI: registered limit list, limit create and set (system scope), a refused image create", async () => {
  const { OS_PROJECT_NAME: _p, OS_PROJECT_DOMAIN_NAME: _d, ...unscoped } = env;
  const asSystem = (args: string[]) => openstackOk(args, { ...unscoped, OS_SYSTEM_SCOPE: 'all' });
  const registered = await asSystem(['registered', 'limit', 'list', '--service', 'glance', '-f', 'json']);
  const byName = Object.fromEntries(registered.map((r: any) => [r['Resource Name'], r['Default Limit']]));
  assert.deepEqual(byName, { image_size_total: 1000, image_stage_total: 1000, image_count_total: 100, image_count_uploading: 100 });
  const made = await asSystem(['limit', 'create', '--service', 'glance', '--project', 'demo', '--region', 'RegionOne', '--resource-limit', '0', 'image_count_total', '-f', 'json']);
  assert.equal(made.resource_limit, 0);
  const demo = { OS_USERNAME: 'demo', OS_PROJECT_NAME: 'demo' };
  await assert.rejects(os(['image', 'create', 'refused', '-f', 'json'], demo), /413|over a limit/);
  await asSystem(['limit', 'set', '--resource-limit', '1', made.id]);
  const shown = await os(['limit', 'show', made.id, '-f', 'json'], demo);
  assert.equal(shown.resource_limit, 1);
  const created = await os(['image', 'create', 'allowed', '-f', 'json'], demo);
  await os(['image', 'delete', created.id], demo);
});
