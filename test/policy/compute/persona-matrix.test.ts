import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import { type ComputeClient, userWithRole } from '../../support/clients.js';
import { computeCloud } from '../../support/compute-server.js';

// Compute's own resources under Nova's default policy, per persona: admin, member (demo), reader
// of demo, and a member of another project (alt). Each row: the request and who may make it.

let cloud: TestCloud;
const who: Record<string, ComputeClient> = {};
let demoProject: string;
let demoUser: string;
let demoGroup: string;
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host';

before(async () => {
  const c = await computeCloud();
  cloud = c.cloud;
  demoProject = (await c.users.admin.identity.get('/projects?name=demo')).body.projects[0].id;
  demoUser = (await c.users.admin.identity.get('/users?name=demo')).body.users[0].id;
  Object.assign(who, { admin: c.admin, member: c.demo, reader: (await userWithRole(cloud, c.users.admin, 'reader', 'demo', 'peeker')).compute, other: c.alt });
  await who.member.post('/os-keypairs', { keypair: { name: 'demo-key', public_key: ED25519 } });
  demoGroup = (await who.member.post('/os-server-groups', { server_group: { name: 'g', policies: ['affinity'] } })).body.server_group.id;
});
after(async () => { await cloud?.stop(); });

type Row = [string, (c: ComputeClient, name: string) => Promise<{ status: number }>, string[]];
const ALL = ['admin', 'member', 'reader', 'other'];
const rows = (): Row[] => [
  ['list flavors', (c) => c.get('/flavors'), ALL],
  ['create flavor', (c, n) => c.post('/flavors', { flavor: { name: `f-${n}`, ram: 64, vcpus: 1, disk: 0 } }), ['admin']],
  ['delete flavor', (c) => c.delete('/flavors/nonexistent-but-authorized-first'), []],
  ['set extra specs', (c) => c.post('/flavors/1/os-extra_specs', { extra_specs: { k: 'v' } }), ['admin']],
  ['read extra specs', (c) => c.get('/flavors/1/os-extra_specs'), ALL],
  ['list flavor access', (c) => c.get('/flavors/1/os-flavor-access'), []],
  ['own keypairs', (c) => c.get('/os-keypairs'), ALL],
  ['create own keypair', (c, n) => c.post('/os-keypairs', { keypair: { name: `k-${n}`, public_key: ED25519 } }), ALL],
  ['demo\'s keypair by user_id', (c) => c.at('2.10').get(`/os-keypairs/demo-key?user_id=${demoUser}`), ['admin', 'member']],
  ['availability zones', (c) => c.get('/os-availability-zone'), ALL],
  ['availability zone detail', (c) => c.get('/os-availability-zone/detail'), ['admin']],
  ['list aggregates', (c) => c.get('/os-aggregates'), ['admin']],
  ['create aggregate', (c, n) => c.post('/os-aggregates', { aggregate: { name: `a-${n}` } }), ['admin']],
  ['list server groups', (c) => c.get('/os-server-groups'), ALL],
  ['create server group', (c, n) => c.post('/os-server-groups', { server_group: { name: `g-${n}`, policies: ['affinity'] } }), ['admin', 'member', 'other']],
  ['show demo\'s server group', (c) => c.get(`/os-server-groups/${demoGroup}`), ['admin', 'member', 'reader']],
  ['show demo quota', (c) => c.get(`/os-quota-sets/${demoProject}`), ['admin', 'member', 'reader']],
  ['quota defaults', (c) => c.get(`/os-quota-sets/${demoProject}/defaults`), ALL],
  ['update demo quota', (c) => c.put(`/os-quota-sets/${demoProject}`, { quota_set: { instances: 10 } }), ['admin']],
  ['delete demo quota', (c) => c.delete(`/os-quota-sets/${demoProject}`), ['admin']],
  ['quota classes', (c) => c.get('/os-quota-class-sets/default'), ['admin']],
  ['limits', (c) => c.get('/limits'), ALL],
  ['limits of demo', (c) => c.get(`/limits?tenant_id=${demoProject}`), ['admin', 'member', 'reader']],
  ['list hosts', (c) => c.get('/os-hosts'), ['admin']],
  ['show a host', (c) => c.get('/os-hosts/no-such-host'), ['admin']],
  ['update a host', (c) => c.put('/os-hosts/no-such-host', { status: 'enable' }), ['admin']],
  ['reboot a host', (c) => c.get('/os-hosts/no-such-host/reboot'), ['admin']],
  ['shut down a host', (c) => c.get('/os-hosts/no-such-host/shutdown'), ['admin']],
  ['start a host', (c) => c.get('/os-hosts/no-such-host/startup'), ['admin']],
  // NOTE: Nova's image proxy checks no policy: the image service decides.
  ['list images (proxy)', (c) => c.get('/images'), ALL],
  ['list migrations', (c) => c.get('/os-migrations'), ['admin']],
  ['usage audit log', (c) => c.get('/os-instance_usage_audit_log'), ['admin']],
  ['external events', (c) => c.post('/os-server-external-events', { events: [{ name: 'network-changed', server_uuid: '00000000-0000-4000-8000-000000000000' }] }), ['admin']],
  ['extensions', (c) => c.get('/extensions'), ALL],
  // Network proxies: the target is the caller's own project, so readers read and members write.
  ['list security groups', (c) => c.get('/os-security-groups'), ALL],
  ['create security group', (c, n) => c.post('/os-security-groups', { security_group: { name: `sg-${n}`, description: '' } }), ['admin', 'member', 'other']],
  ['create security group rule', (c) => c.post('/os-security-group-rules', { security_group_rule: { parent_group_id: '00000000-0000-0000-0000-000000000000', ip_protocol: 'tcp', from_port: 1, to_port: 2 } }), ['admin', 'member', 'other']],
  ['list floating IPs', (c) => c.get('/os-floating-ips'), ALL],
  ['allocate floating IP', (c) => c.post('/os-floating-ips', { pool: 'public' }), ['admin', 'member', 'other']],
  ['floating IP pools', (c) => c.get('/os-floating-ip-pools'), ALL],
  ['list networks (proxy)', (c) => c.get('/os-networks'), ALL],
  ['list tenant networks', (c) => c.get('/os-tenant-networks'), ALL],
];

test('persona matrix', async () => {
  const failures: string[] = [];
  for (const [name, call, allowed] of rows()) {
    for (const persona of ALL) {
      const r = await call(who[persona]!, `${persona}-${name.replace(/\W+/g, '')}`);
      const denied = r.status === 403;
      const want = allowed.includes(persona);
      // NOTE: 'delete flavor' of a missing flavor: admin passes policy and gets 404.
      if (want === denied || (!want && r.status !== 403)) failures.push(`${name} as ${persona}: ${r.status} (allowed: ${want})`);
    }
  }
  assert.deepEqual(failures.filter((f) => !f.startsWith('delete flavor as admin: 404') && !f.startsWith('list flavor access as admin: 404')), []);
});
