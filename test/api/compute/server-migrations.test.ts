import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FakeHypervisorDriver } from '../../../src/drivers/hypervisor/fake-hypervisor.js';
import type { ComputeClient } from '../../support/clients.js';
import { bootServer, computeFixture, networkId, waitStatus, type ComputeFixture } from '../../support/compute-server.js';

// Moving servers between the fake driver's two hosts: cold migration (confirm, revert), live
// migration (force_complete, abort, /servers/{id}/migrations), evacuate from a forced-down host;
// each recorded in os-migrations, the placement allocations following the server.

let f: ComputeFixture;
let admin: ComputeClient;
let hv: FakeHypervisorDriver;
let hosts: string[];

before(async () => {
  f = await computeFixture('sm.tiny', { config: { computeHosts: 2 }, flavor: { vcpus: 2, ram: 128 } });
  admin = f.admin.at('latest');
  hv = f.cloud.drivers.hypervisor as FakeHypervisorDriver;
  hosts = hv.hosts();
});
after(async () => { await f?.cloud.stop(); });

const hostOf = async (id: string): Promise<string> => (await admin.get(`/servers/${id}`)).body.server['OS-EXT-SRV-ATTR:host'];
const other = (h: string) => hosts.find((x) => x !== h)!;
const act = (id: string, body: unknown, c: ComputeClient = admin) => c.post(`/servers/${id}/action`, body);

/** A provider's usage (placement), by compute host name. */
async function usage(host: string): Promise<Record<string, number>> {
  const p = f.users.admin.placement;
  const rp = (await p.get(`/resource_providers?name=${host}`)).body.resource_providers[0];
  return (await p.get(`/resource_providers/${rp.uuid}/usages`)).body.usages;
}
async function allocations(consumer: string): Promise<Record<string, unknown>> {
  return (await f.users.admin.placement.get(`/allocations/${consumer}`)).body.allocations;
}
async function migrationsOf(id: string, mv = '2.80'): Promise<any[]> {
  return (await admin.at(mv).get(`/os-migrations?instance_uuid=${id}`)).body.migrations;
}

test('cold migration: VERIFY_RESIZE on the other host, the migration holding the source allocation; confirm frees it', async () => {
  const id = await bootServer(f, f.admin, 'cold', { networks: [{ uuid: await networkId(f.users.admin.network, 'private') }] });
  const src = await hostOf(id);
  assert.equal((await act(id, { migrate: null })).status, 202);
  const s = await waitStatus(admin, id, 'VERIFY_RESIZE');
  assert.equal(s['OS-EXT-SRV-ATTR:host'], other(src));
  assert.equal(s['OS-EXT-SRV-ATTR:hypervisor_hostname'], other(src));
  const ports = (await f.users.admin.network.get(`/ports?device_id=${id}`)).body.ports;
  assert.ok(ports.length >= 1, JSON.stringify(ports));
  for (const p of ports) assert.equal(p['binding:host_id'], other(src));
  const [m] = await migrationsOf(id);
  assert.equal(m.migration_type, 'migration');
  assert.equal(m.status, 'finished');
  assert.equal(m.source_compute, src);
  assert.equal(m.dest_compute, other(src));
  assert.equal(m.old_instance_type_id, m.new_instance_type_id);
  assert.equal(m.links, undefined);
  // NOTE: as Nova: the migration's uuid consumes the source, the server the destination.
  assert.deepEqual(Object.keys(await allocations(m.uuid)).length, 1);
  assert.equal((await usage(src)).VCPU, 2);
  assert.equal((await usage(other(src))).VCPU, 2);
  assert.equal((await act(id, { confirmResize: null })).status, 204);
  await waitStatus(admin, id, 'ACTIVE');
  assert.equal(await hostOf(id), other(src));
  assert.equal((await migrationsOf(id))[0].status, 'confirmed');
  assert.deepEqual(await allocations(m.uuid), {});
  assert.equal((await usage(src)).VCPU, 0);
  assert.equal((await usage(other(src))).VCPU, 2);
  const hyp = (await admin.at('2.87').get('/os-hypervisors/detail')).body.hypervisors;
  assert.deepEqual(hyp.map((h: any) => [h.hypervisor_hostname, h.running_vms]).sort(), [[src, 0], [other(src), 1]].sort());
  const actions = (await admin.get(`/servers/${id}/os-instance-actions`)).body.instanceActions.map((a: any) => a.action);
  assert.deepEqual(actions.slice(0, 2), ['confirmResize', 'migrate']);
  await admin.delete(`/servers/${id}`);
});

test('cold migration to a named host (2.56), then revert: back on the source with its allocation', async () => {
  const id = await bootServer(f, f.admin, 'cold-host');
  const src = await hostOf(id);
  assert.equal((await act(id, { migrate: { host: src } })).status, 400);
  const unknown = await act(id, { migrate: { host: 'no-such-host' } });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.badRequest.message, 'Compute host no-such-host could not be found.');
  assert.equal((await admin.at('2.55').post(`/servers/${id}/action`, { migrate: { host: 'anything' } })).status, 202);
  await waitStatus(admin, id, 'VERIFY_RESIZE');
  assert.equal((await act(id, { revertResize: null })).status, 202);
  await waitStatus(admin, id, 'ACTIVE');
  assert.equal(await hostOf(id), src);
  assert.equal((await act(id, { migrate: { host: other(src) } })).status, 202);
  await waitStatus(admin, id, 'VERIFY_RESIZE');
  assert.equal(await hostOf(id), other(src));
  assert.equal((await act(id, { migrate: null })).status, 409);
  assert.equal((await act(id, { revertResize: null })).status, 202);
  await waitStatus(admin, id, 'ACTIVE');
  assert.equal(await hostOf(id), src);
  assert.deepEqual((await migrationsOf(id)).map((m) => m.status), ['reverted', 'reverted']);
  assert.equal((await usage(src)).VCPU, 2);
  assert.equal((await usage(other(src))).VCPU, 0);
  assert.equal((await act(id, { migrate: { host: other(src), extra: 1 } })).status, 400);
  assert.equal((await act(id, { migrate: { host: 'not a host!' } })).status, 400);
  assert.equal((await act(id, { 'os-migrateLive': { host: '', block_migration: 'auto' } })).status, 400);
  assert.equal((await act(id, { migrate: null }, f.demo)).status, 404);
  await admin.delete(`/servers/${id}`);
});

test('cold migration: a stopped server stays SHUTOFF; a suspended one is a 409; a member is refused', async () => {
  const id = await bootServer(f, f.demo, 'cold-stopped');
  assert.equal((await act(id, { migrate: null }, f.demo)).status, 403);
  await act(id, { 'os-stop': null }, f.demo);
  await waitStatus(f.demo, id, 'SHUTOFF');
  await act(id, { migrate: null });
  await waitStatus(admin, id, 'VERIFY_RESIZE');
  await act(id, { confirmResize: null });
  const s = await waitStatus(admin, id, 'SHUTOFF');
  assert.equal(s['OS-EXT-STS:power_state'], 4);
  await act(id, { 'os-start': null });
  await waitStatus(admin, id, 'ACTIVE');
  await act(id, { suspend: null });
  await waitStatus(admin, id, 'SUSPENDED');
  const r = await act(id, { migrate: null });
  assert.equal(r.status, 409);
  assert.equal(r.body.conflictingRequest.message, `Cannot 'migrate' instance ${id} while it is in vm_state suspended`);
  await admin.delete(`/servers/${id}`);
});

test('live migration: the scheduler picks the other host, block_migration auto (2.25), the migration completed', async () => {
  const id = await bootServer(f, f.admin, 'live');
  const src = await hostOf(id);
  assert.equal((await act(id, { 'os-migrateLive': { host: null, block_migration: 'auto' } })).status, 202);
  await waitStatus(admin, id, (s) => s.status === 'ACTIVE' && s['OS-EXT-SRV-ATTR:host'] === other(src));
  const [m] = await migrationsOf(id);
  assert.equal(m.migration_type, 'live-migration');
  assert.equal(m.status, 'completed');
  assert.equal(m.dest_compute, other(src));
  assert.equal(m.links, undefined);
  assert.deepEqual(await allocations(m.uuid), {});
  assert.equal((await usage(src)).VCPU, 0);
  // NOTE: back by name, with the 2.24 body (disk_over_commit) and 2.30's force.
  const old = admin.at('2.24');
  assert.equal((await old.post(`/servers/${id}/action`, { 'os-migrateLive': { host: src, block_migration: false } })).status, 400);
  assert.equal((await old.post(`/servers/${id}/action`, { 'os-migrateLive': { host: src, block_migration: 'auto', disk_over_commit: false } })).status, 400);
  assert.equal((await old.post(`/servers/${id}/action`, { 'os-migrateLive': { host: src, block_migration: false, disk_over_commit: false } })).status, 202);
  await waitStatus(admin, id, (s) => s.status === 'ACTIVE' && s['OS-EXT-SRV-ATTR:host'] === src);
  const forced = await admin.at('2.30').post(`/servers/${id}/action`, { 'os-migrateLive': { host: null, block_migration: 'auto', force: true } });
  assert.equal(forced.status, 400);
  assert.equal(forced.body.badRequest.message, "Can't force to a non-provided destination");
  assert.equal((await admin.at('2.68').post(`/servers/${id}/action`, { 'os-migrateLive': { host: null, block_migration: 'auto', force: true } })).status, 400);
  const actions = (await admin.get(`/servers/${id}/os-instance-actions`)).body.instanceActions.map((a: any) => a.action);
  assert.deepEqual(actions.slice(0, 2), ['live-migration', 'live-migration']);
  await admin.delete(`/servers/${id}`);
});

test('live migration errors: unknown host 400, own host 400 before 2.34 and an error migration after, suspended 409', async () => {
  const id = await bootServer(f, f.admin, 'live-bad');
  const src = await hostOf(id);
  const unknown = await act(id, { 'os-migrateLive': { host: 'no-such-host', block_migration: 'auto' } });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.badRequest.message, 'Compute host no-such-host could not be found.');
  const self = await admin.at('2.33').post(`/servers/${id}/action`, { 'os-migrateLive': { host: src, block_migration: 'auto' } });
  assert.equal(self.status, 400);
  assert.equal(self.body.badRequest.message, `Unable to migrate instance (${id}) to current host (${src}).`);
  assert.equal((await act(id, { 'os-migrateLive': { host: src, block_migration: 'auto' } })).status, 202);
  const end = Date.now() + 5000;
  while ((await migrationsOf(id))[0]?.status !== 'error' && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await migrationsOf(id))[0].status, 'error');
  const s = await waitStatus(admin, id, 'ACTIVE');
  assert.equal(s['OS-EXT-SRV-ATTR:host'], src);
  assert.equal(s['OS-EXT-STS:task_state'], null);
  assert.equal((await usage(src)).VCPU, 2);
  await act(id, { suspend: null });
  await waitStatus(admin, id, 'SUSPENDED');
  const r = await act(id, { 'os-migrateLive': { host: null, block_migration: 'auto' } });
  assert.equal(r.status, 409);
  assert.equal(r.body.conflictingRequest.message, `Cannot 'os-migrateLive' instance ${id} while it is in vm_state suspended`);
  await admin.delete(`/servers/${id}`);
});

test('a paused server live-migrates and stays PAUSED', async () => {
  const id = await bootServer(f, f.admin, 'live-paused');
  const src = await hostOf(id);
  await act(id, { pause: null });
  await waitStatus(admin, id, 'PAUSED');
  assert.equal((await act(id, { 'os-migrateLive': { host: other(src), block_migration: 'auto' } })).status, 202);
  const s = await waitStatus(admin, id, (x) => x.status === 'PAUSED' && x['OS-EXT-SRV-ATTR:host'] === other(src) && x['OS-EXT-STS:task_state'] === null);
  assert.equal(s['OS-EXT-STS:power_state'], 3);
  await admin.delete(`/servers/${id}`);
});

test('a live migration in progress: listed and shown (2.23), force_complete (2.22) finishes it', async () => {
  const id = await bootServer(f, f.admin, 'live-force');
  const src = await hostOf(id);
  hv.holdLiveMigrations();
  try {
    assert.equal((await act(id, { 'os-migrateLive': { host: null, block_migration: 'auto' } })).status, 202);
    assert.equal((await waitStatus(admin, id, 'MIGRATING'))['OS-EXT-STS:task_state'], 'migrating');
    let list: any[] = [];
    const end = Date.now() + 5000;
    while (list[0]?.status !== 'running' && Date.now() < end) list = (await admin.get(`/servers/${id}/migrations`)).body.migrations;
    assert.equal(list.length, 1);
    const m = list[0];
    assert.deepEqual(Object.keys(m).sort(), ['created_at', 'dest_compute', 'dest_host', 'dest_node', 'disk_processed_bytes', 'disk_remaining_bytes',
      'disk_total_bytes', 'id', 'memory_processed_bytes', 'memory_remaining_bytes', 'memory_total_bytes', 'project_id', 'server_uuid', 'source_compute',
      'source_node', 'status', 'updated_at', 'user_id', 'uuid']);
    assert.equal(m.server_uuid, id);
    assert.equal(m.source_compute, src);
    assert.equal(m.dest_compute, other(src));
    assert.deepEqual((await admin.get(`/servers/${id}/migrations/${m.id}`)).body.migration, m);
    assert.equal((await admin.at('2.22').get(`/servers/${id}/migrations`)).status, 404);
    assert.equal((await admin.at('2.23').get(`/servers/${id}/migrations`)).body.migrations[0].uuid, undefined);
    assert.equal((await admin.get(`/servers/${id}/migrations/999999`)).status, 404);
    const listed = (await admin.at('2.23').get(`/os-migrations?instance_uuid=${id}`)).body.migrations[0];
    assert.match(listed.links[0].href, new RegExp(`/v2.1/servers/${id}/migrations/${m.id}$`));
    assert.equal((await f.demo.get(`/servers/${id}/migrations`)).status, 404);
    assert.equal((await admin.at('2.21').post(`/servers/${id}/migrations/${m.id}/action`, { force_complete: null })).status, 404);
    assert.equal((await admin.post(`/servers/${id}/migrations/${m.id}/action`, { force_complete: 1 })).status, 400);
    assert.equal((await admin.post(`/servers/${id}/migrations/999999/action`, { force_complete: null })).status, 400);
    assert.equal((await admin.at('2.22').post(`/servers/${id}/migrations/${m.id}/action`, { force_complete: null })).status, 202);
    await waitStatus(admin, id, (s) => s.status === 'ACTIVE' && s['OS-EXT-SRV-ATTR:host'] === other(src));
    assert.equal((await migrationsOf(id))[0].status, 'completed');
    assert.deepEqual((await admin.get(`/servers/${id}/migrations`)).body.migrations, []);
    assert.equal((await admin.get(`/servers/${id}/migrations/${m.id}`)).status, 404);
    const again = await admin.post(`/servers/${id}/migrations/${m.id}/action`, { force_complete: null });
    assert.equal(again.status, 409);
    const actions = (await admin.get(`/servers/${id}/os-instance-actions`)).body.instanceActions.map((a: any) => a.action);
    assert.ok(actions.includes('live_migration_force_complete'));
  } finally { hv.holdLiveMigrations(false); }
  await admin.delete(`/servers/${id}`);
});

test('aborting a live migration (2.24) leaves the server where it was, the migration cancelled', async () => {
  const id = await bootServer(f, f.admin, 'live-abort');
  const src = await hostOf(id);
  hv.holdLiveMigrations();
  try {
    await act(id, { 'os-migrateLive': { host: other(src), block_migration: 'auto' } });
    let m: any;
    const end = Date.now() + 5000;
    while (m?.status !== 'running' && Date.now() < end) m = (await admin.get(`/servers/${id}/migrations`)).body.migrations[0];
    assert.equal((await admin.at('2.23').delete(`/servers/${id}/migrations/${m.id}`)).status, 404);
    assert.equal((await admin.delete(`/servers/${id}/migrations/999999`)).status, 404);
    assert.equal((await f.demo.delete(`/servers/${id}/migrations/${m.id}`)).status, 404);
    assert.equal((await admin.at('2.24').delete(`/servers/${id}/migrations/${m.id}`)).status, 202);
    const s = await waitStatus(admin, id, (x) => x.status === 'ACTIVE' && x['OS-EXT-STS:task_state'] === null);
    assert.equal(s['OS-EXT-SRV-ATTR:host'], src);
    assert.equal((await migrationsOf(id))[0].status, 'cancelled');
    assert.equal((await usage(src)).VCPU, 2);
    assert.equal((await usage(other(src))).VCPU, 0);
    const late = await admin.delete(`/servers/${id}/migrations/${m.id}`);
    assert.equal(late.status, 409);
    assert.equal(late.body.conflictingRequest.message, `Cannot 'abort live migration' instance ${id} while it is in task_state None`);
  } finally { hv.holdLiveMigrations(false); }
  await admin.delete(`/servers/${id}`);
});

test('evacuate: refused while the host is up; from a forced-down host the server is rebuilt elsewhere', async () => {
  const id = await bootServer(f, f.admin, 'evac');
  const stopped = await bootServer(f, f.admin, 'evac-stopped', { availability_zone: `nova:${await hostOf(id)}` });
  const src = await hostOf(id);
  assert.equal(await hostOf(stopped), src);
  await act(stopped, { 'os-stop': null });
  await waitStatus(admin, stopped, 'SHUTOFF');
  const up = await act(id, { evacuate: {} });
  assert.equal(up.status, 400);
  assert.equal(up.body.badRequest.message, `Compute service of ${src} is still in use.`);
  const svc = (await admin.get(`/os-services?host=${src}&binary=nova-compute`)).body.services[0];
  assert.equal((await admin.put(`/os-services/${svc.id}`, { forced_down: true })).status, 200);
  try {
    const gone = await act(id, { evacuate: { host: 'no-such-host' } });
    assert.equal(gone.status, 404, JSON.stringify(gone.body));
    assert.equal(gone.body.itemNotFound.message, 'Compute host no-such-host not found.');
    assert.equal((await act(id, { evacuate: { host: src } })).status, 400);
    const cold = await act(id, { migrate: null });
    assert.equal(cold.status, 409);
    assert.equal(cold.body.conflictingRequest.message, 'Service is unavailable at this time.');
    assert.equal((await act(id, { evacuate: { onSharedStorage: false } })).status, 400);
    assert.equal((await act(id, { evacuate: {} }, f.demo.at('latest'))).status, 404);
    // NOTE: before 2.14 onSharedStorage is required and the new password comes back.
    assert.equal((await admin.at('2.13').post(`/servers/${id}/action`, { evacuate: {} })).status, 400);
    const old = await admin.at('2.13').post(`/servers/${id}/action`, { evacuate: { onSharedStorage: false } });
    assert.equal(old.status, 200);
    assert.equal(typeof old.body.adminPass, 'string');
    const s = await waitStatus(admin, id, (x) => x.status === 'ACTIVE' && x['OS-EXT-STS:task_state'] === null);
    assert.equal(s['OS-EXT-SRV-ATTR:host'], other(src));
    const [m] = await migrationsOf(id);
    assert.equal(m.migration_type, 'evacuation');
    assert.equal(m.status, 'done');
    assert.equal(m.source_compute, src);
    assert.equal(m.dest_compute, other(src));
    assert.equal((await usage(other(src))).VCPU >= 2, true);
    // NOTE: a stopped server stays stopped; from 2.95 every evacuated server is.
    const r = await admin.at('2.94').post(`/servers/${stopped}/action`, { evacuate: { host: other(src) } });
    assert.equal(r.status, 200);
    assert.equal(r.body, undefined);
    const t = await waitStatus(admin, stopped, (x) => x['OS-EXT-SRV-ATTR:host'] === other(src) && x['OS-EXT-STS:task_state'] === null);
    assert.equal(t.status, 'SHUTOFF');
    assert.equal((await usage(src)).VCPU, 0);
    const actions = (await admin.get(`/servers/${id}/os-instance-actions`)).body.instanceActions.map((a: any) => a.action);
    assert.equal(actions[0], 'evacuate');
  } finally {
    await admin.put(`/os-services/${svc.id}`, { forced_down: false });
  }
  const back = await act(id, { evacuate: {} });
  assert.equal(back.status, 400);
  await admin.delete(`/servers/${id}`);
  await admin.delete(`/servers/${stopped}`);
});

test('evacuate at 2.95 leaves the server SHUTOFF on its new host', async () => {
  const id = await bootServer(f, f.admin, 'evac-295');
  const src = await hostOf(id);
  const svc = (await admin.get(`/os-services?host=${src}&binary=nova-compute`)).body.services[0];
  await admin.put(`/os-services/${svc.id}`, { forced_down: true });
  try {
    assert.equal((await act(id, { evacuate: {} })).status, 200);
    const s = await waitStatus(admin, id, (x) => x['OS-EXT-SRV-ATTR:host'] === other(src) && x['OS-EXT-STS:task_state'] === null);
    assert.equal(s.status, 'SHUTOFF');
  } finally { await admin.put(`/os-services/${svc.id}`, { forced_down: false }); }
  await admin.delete(`/servers/${id}`);
});

test('unshelve to a host (2.91)', async () => {
  const id = await bootServer(f, f.admin, 'unshelve-host');
  const src = await hostOf(id);
  await act(id, { shelve: null });
  await waitStatus(admin, id, 'SHELVED_OFFLOADED');
  assert.equal((await act(id, { unshelve: { host: 'no-such-host' } })).status, 400);
  assert.equal((await act(id, { unshelve: { host: other(src) } })).status, 202);
  await waitStatus(admin, id, 'ACTIVE');
  assert.equal(await hostOf(id), other(src));
  await admin.delete(`/servers/${id}`);
});

test('a multi-create in an anti-affinity group lands on both hosts (each member scheduled after the last)', async () => {
  const g = (await admin.post('/os-server-groups', { server_group: { name: 'anti', policy: 'anti-affinity' } })).body.server_group.id;
  const r = await admin.post('/servers', { server: { name: 'anti', imageRef: f.imageId, flavorRef: f.flavorId, networks: 'none', min_count: 2, return_reservation_id: true }, 'os:scheduler_hints': { group: g } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const list = (await admin.get(`/servers/detail?reservation_id=${r.body.reservation_id}`)).body.servers;
  assert.equal(list.length, 2);
  for (const s of list) await waitStatus(admin, s.id, 'ACTIVE');
  const placed = await Promise.all(list.map((s: any) => hostOf(s.id)));
  assert.deepEqual(placed.sort(), [...hosts].sort());
  for (const s of list) await admin.delete(`/servers/${s.id}`);
});
