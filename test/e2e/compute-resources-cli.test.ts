import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../support/cloud.js';

// Compute's own resources with the real `openstack` CLI: DevStack's flavors, a private flavor
// with a property and project access, an aggregate with a zone and a host, availability zones,
// quotas and limits.

let cloud: TestCloud;
let env: Record<string, string>;

before(async () => {
  cloud = await startTestCloud();
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', OS_AUTH_URL: `${cloud.url}/identity/v3`,
    OS_USERNAME: 'admin', OS_PASSWORD: 'secret', OS_PROJECT_NAME: 'admin', OS_USER_DOMAIN_ID: 'default',
    OS_PROJECT_DOMAIN_ID: 'default', OS_IDENTITY_API_VERSION: '3', OS_REGION_NAME: 'RegionOne',
  };
});
after(async () => { await cloud.stop(); });

function os(args: string[]): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/openstack', args, { env, timeout: 90_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`openstack ${args.join(' ')} failed: ${stderr}`));
      try { resolve(stdout.trim() ? JSON.parse(stdout) : undefined); } catch { resolve(stdout); }
    });
  });
}

test('flavors, aggregates, zones, quotas and limits through the CLI', async () => {
  const flavors = await os(['flavor', 'list', '-f', 'json']);
  assert.deepEqual(flavors.map((f: any) => f.Name).sort(), ['cirros256', 'ds1G', 'ds2G', 'ds4G', 'ds512M', 'm1.large', 'm1.medium', 'm1.micro', 'm1.nano', 'm1.small', 'm1.tiny', 'm1.xlarge']);
  const f = await os(['flavor', 'create', '--id', 'p1', '--ram', '64', '--vcpus', '1', '--disk', '0', '--private', '--project', 'demo', '--property', 'hw:cpu_policy=shared', 'priv', '-f', 'json']);
  assert.equal(f['os-flavor-access:is_public'], false);
  assert.deepEqual(f.properties, { 'hw:cpu_policy': 'shared' });

  const host = cloud.drivers.hypervisor!.hosts()[0]!;
  await os(['aggregate', 'create', '--zone', 'east', 'agg', '-f', 'json']);
  const agg = await os(['aggregate', 'add', 'host', 'agg', host, '-f', 'json']);
  assert.deepEqual(agg.hosts, [host]);
  const zones = await os(['availability', 'zone', 'list', '--compute', '-f', 'json']);
  // NOTE: an admin's list is the detail one, with the internal zone of the control services.
  assert.deepEqual(zones.map((z: any) => [z['Zone Name'], z['Zone Status']]).filter(([n]: string[]) => n !== 'internal'), [['east', 'available']]);

  await os(['quota', 'set', '--cores', '7', '--instances', '3', 'demo']);
  const q = await os(['quota', 'show', 'demo', '-f', 'json']);
  assert.equal(q.cores, 7);
  assert.equal(q.instances, 3);
  const limits = await os(['limits', 'show', '--absolute', '--project', 'demo', '-f', 'json']);
  assert.equal(limits.find((l: any) => l.Name === 'maxTotalCores').Value, 7);
});
