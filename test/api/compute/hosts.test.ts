import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { bootServer, computeFixture } from '../../support/compute-server.js';

// os-hosts (2.1-2.42): hosts of the enabled services with their zone, a host's resources, enabling
// and disabling a compute host, host power actions (501) and the 404s.

let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let computeHost: string;

before(async () => {
  const f = await computeFixture('h.tiny', { flavor: { vcpus: 2, ram: 128 }, config: { computeHosts: 2 } });
  ({ cloud, admin, demo } = f);
  const id = await bootServer(f, demo, 'h-vm');
  computeHost = (await admin.get(`/servers/${id}`)).body.server['OS-EXT-SRV-ATTR:host'];
  assert.ok(computeHost);
});
after(async () => { await cloud?.stop(); });

describe('os-hosts', () => {
  test('lists the enabled services\' hosts with topic and zone; zone filters, a blank zone does not', async () => {
    const r = await admin.get('/os-hosts');
    assert.equal(r.status, 200);
    const hosts = r.body.hosts as { host_name: string; service: string; zone: string }[];
    assert.ok(hosts.length >= 3);
    for (const h of hosts) assert.deepEqual(Object.keys(h).sort(), ['host_name', 'service', 'zone']);
    assert.deepEqual(hosts.filter((h) => h.service === 'compute').map((h) => h.zone), ['nova', 'nova']);
    assert.ok(hosts.some((h) => h.service === 'scheduler' && h.zone === 'internal'));
    assert.deepEqual((await admin.get('/os-hosts?zone=nova')).body.hosts, hosts.filter((h) => h.zone === 'nova'));
    assert.deepEqual((await admin.get('/os-hosts?zone=')).body.hosts, hosts);
    assert.deepEqual((await admin.get('/os-hosts?zone=xxx')).body.hosts, []);
  });

  test('a host\'s resources: total, used now, used max and per project', async () => {
    const r = await admin.get(`/os-hosts/${computeHost}`);
    assert.equal(r.status, 200);
    const rows = r.body.host.map((x: any) => x.resource);
    assert.deepEqual(rows.map((x: any) => x.project).slice(0, 3), ['(total)', '(used_now)', '(used_max)']);
    for (const x of rows) assert.equal(x.host, computeHost);
    assert.deepEqual({ cpu: rows[1].cpu, memory_mb: rows[1].memory_mb, disk_gb: rows[1].disk_gb }, { cpu: 2, memory_mb: 128, disk_gb: 1 });
    assert.deepEqual({ cpu: rows[2].cpu, memory_mb: rows[2].memory_mb, disk_gb: rows[2].disk_gb }, { cpu: 2, memory_mb: 128, disk_gb: 1 });
    assert.equal(rows.length, 4);
    const missing = await admin.get('/os-hosts/nonexistent_hostname');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.itemNotFound.message, "Host 'nonexistent_hostname' is not mapped to any cell");
  });

  test('update: status disables and enables the compute service; bad bodies 400; maintenance 501; unknown 404', async () => {
    const off = await admin.put(`/os-hosts/${computeHost}`, { status: 'Disable' });
    assert.equal(off.status, 200);
    assert.deepEqual(off.body, { host: computeHost, status: 'disabled' });
    assert.equal((await admin.get('/os-hosts')).body.hosts.some((h: any) => h.host_name === computeHost && h.service === 'compute'), false);
    const svc = (await admin.get(`/os-services?host=${computeHost}&binary=nova-compute`)).body.services[0];
    assert.equal(svc.status, 'disabled');
    assert.deepEqual((await admin.put(`/os-hosts/${computeHost}`, { status: 'enable' })).body, { host: computeHost, status: 'enabled' });
    assert.equal((await admin.put(`/os-hosts/${computeHost}`, {})).status, 400);
    assert.equal((await admin.put(`/os-hosts/${computeHost}`, { status: 'invalid', maintenance_mode: 'enable' })).status, 400);
    assert.equal((await admin.put(`/os-hosts/${computeHost}`, { status: 'enable', maintenance_mode: 'invalid' })).status, 400);
    assert.equal((await admin.put(`/os-hosts/${computeHost}`, { status: 'enable', extra: 1 })).status, 400);
    assert.equal((await admin.put(`/os-hosts/${computeHost}`, { maintenance_mode: 'enable' })).status, 501);
    assert.equal((await admin.put('/os-hosts/nonexistent_hostname', { status: 'enable' })).status, 404);
  });

  test('power actions: 404 for unknown hosts, 501 otherwise; non-admins 403; gone after 2.42', async () => {
    for (const a of ['startup', 'shutdown', 'reboot']) {
      assert.equal((await admin.get(`/os-hosts/nonexistent_hostname/${a}`)).status, 404);
      assert.equal((await admin.get(`/os-hosts/${computeHost}/${a}`)).status, 501);
      assert.equal((await demo.get(`/os-hosts/${computeHost}/${a}`)).status, 403);
    }
    assert.equal((await demo.get('/os-hosts')).status, 403);
    assert.equal((await admin.at('2.42').get('/os-hosts')).status, 200);
    assert.equal((await admin.at('2.43').get('/os-hosts')).status, 404);
  });
});

describe('host_status (2.16)', () => {
  const statuses = async (path: string) => {
    const servers = (await admin.at('2.16').get(path)).body.servers as { name: string; host_status?: string }[];
    return servers.filter((s) => s.name === 'h-vm').map((s) => s.host_status);
  };

  test('UP, MAINTENANCE when the compute service is disabled, DOWN when forced down: in show and in every detail page', async () => {
    const [id] = (await admin.get('/servers?all_tenants=1&name=h-vm')).body.servers.map((s: { id: string }) => s.id);
    const svc = (await admin.at('2.53').get(`/os-services?host=${computeHost}&binary=nova-compute`)).body.services[0];
    const seen = async () => [(await admin.at('2.16').get(`/servers/${id}`)).body.server.host_status, ...await statuses('/servers/detail?all_tenants=1')];
    assert.deepEqual(await seen(), ['UP', 'UP']);
    assert.equal((await admin.at('2.15').get(`/servers/${id}`)).body.server.host_status, undefined);
    assert.equal((await demo.at('2.16').get(`/servers/${id}`)).body.server.host_status, undefined);
    assert.equal((await admin.at('2.53').put(`/os-services/${svc.id}`, { status: 'disabled' })).status, 200);
    assert.deepEqual(await seen(), ['MAINTENANCE', 'MAINTENANCE']);
    assert.equal((await admin.at('2.53').put(`/os-services/${svc.id}`, { forced_down: true })).status, 200);
    assert.deepEqual(await seen(), ['DOWN', 'DOWN']);
    assert.equal((await admin.at('2.53').put(`/os-services/${svc.id}`, { status: 'enabled', forced_down: false })).status, 200);
    assert.deepEqual(await seen(), ['UP', 'UP']);
  });
});
