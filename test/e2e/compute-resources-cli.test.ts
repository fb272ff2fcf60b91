import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../support/cloud.js';
import { openstackOk, osEnv } from '../support/server.js';

// Compute's own resources with the real `openstack` CLI: DevStack's flavors, a private flavor
// with a property and project access, an aggregate with a zone and a host, availability zones,
// quotas and limits.

let cloud: TestCloud;
let env: Record<string, string>;

before(async () => {
  cloud = await startTestCloud();
  env = osEnv(cloud, 'admin', 'secret');
});
after(async () => { await cloud.stop(); });

const os = (args: string[], who: Record<string, string> = {}): Promise<any> => openstackOk(args, env, who);

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
