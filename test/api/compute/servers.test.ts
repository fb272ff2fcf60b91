import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { bootServer, computeFixture, waitGone, waitStatus, type ComputeCloud } from '../../support/compute-server.js';
import type { FakeHypervisorDriver } from '../../../src/drivers/hypervisor/fake-hypervisor.js';

// Servers on the fake hypervisor, as Nova v2.1 answers them: create → ACTIVE, the actions and the
// 409s of the state machine, delete freeing the allocation, NoValidHost, quota, bad references.

let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let users: ComputeCloud['users'];
let imageId: string;
const FLAVOR = 'st.tiny';

/** Polls at 2.96, where a server shows every field. */
const waitFor = (c: ComputeClient, id: string, want: string | ((s: any) => boolean)) => waitStatus(c.at('2.96'), id, want);
const boot = (c: ComputeClient, name: string, extra: Record<string, unknown> = {}) => bootServer({ imageId, flavorId: FLAVOR }, c, name, extra);

before(async () => {
  const image = { name: 'cirros-test', disk_format: 'qcow2' };
  const f = await computeFixture(FLAVOR, { image, imageData: 'QFI\xfbfake-disk', config: { computeHosts: 2 } });
  ({ cloud, admin, demo, imageId, users } = f);
});
after(async () => { await cloud?.stop(); });
// NOTE: the demo project's quota is Nova's default (10 instances): each test cleans up.
afterEach(async () => {
  const left = (await demo.get('/servers')).body.servers as { id: string }[];
  for (const s of left) await demo.delete(`/servers/${s.id}`);
  for (const s of left) await waitGone(demo, s.id);
});

describe('create and show', () => {
  test('create answers 202 with id, links, adminPass; the server becomes ACTIVE with Nova\'s body', async () => {
    const r = await demo.post('/servers', { server: { name: 'vm1', imageRef: imageId, flavorRef: FLAVOR, metadata: { a: 'b' } } });
    assert.equal(r.status, 202);
    const s = r.body.server;
    assert.deepEqual(Object.keys(s).sort(), ['OS-DCF:diskConfig', 'adminPass', 'id', 'links', 'security_groups']);
    assert.deepEqual(s.security_groups, [{ name: 'default' }]);
    assert.match(s.links[0].href, new RegExp(`/compute/v2.1/servers/${s.id}$`));
    const shown = await waitFor(demo, s.id, 'ACTIVE');
    assert.equal(shown['OS-EXT-STS:vm_state'], 'active');
    assert.equal(shown['OS-EXT-STS:power_state'], 1);
    assert.equal(shown['OS-EXT-STS:task_state'], null);
    assert.deepEqual(shown.metadata, { a: 'b' });
    assert.equal(shown['OS-EXT-AZ:availability_zone'], 'nova');
    assert.ok(!('OS-EXT-SRV-ATTR:host' in shown), 'extended attributes are for admin');
    assert.deepEqual(shown.flavor, { vcpus: 1, ram: 64, disk: 1, ephemeral: 0, swap: 0, original_name: FLAVOR, extra_specs: {} });
    const v21 = (await demo.get(`/servers/${s.id}`)).body.server;
    assert.deepEqual(Object.keys(v21.flavor).sort(), ['id', 'links']);
    assert.ok(!('locked' in v21) && !('tags' in v21) && !('description' in v21));
    const asAdmin = (await admin.at('2.3').get(`/servers/${s.id}`)).body.server;
    assert.ok(cloud.drivers.hypervisor!.hosts().includes(asAdmin['OS-EXT-SRV-ATTR:host']));
    assert.match(asAdmin['OS-EXT-SRV-ATTR:reservation_id'], /^r-/);
    assert.equal((cloud.drivers.hypervisor as FakeHypervisorDriver).guests.get(s.id)?.powerState, 1);
  });

  test('list, detail, filters, pagination with servers_links', async () => {
    const ids = [await boot(demo, 'page-a'), await boot(demo, 'page-b'), await boot(demo, 'page-c')];
    const list = await demo.get('/servers?name=^page-');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.servers.map((s: any) => s.name).sort(), ['page-a', 'page-b', 'page-c']);
    assert.deepEqual(Object.keys(list.body.servers[0]).sort(), ['id', 'links', 'name']);
    const page = await demo.get('/servers/detail?name=^page-&limit=2');
    assert.equal(page.body.servers.length, 2);
    assert.match(page.body.servers_links[0].href, /marker=/);
    const next = await demo.get(`/servers/detail?name=^page-&limit=2&marker=${page.body.servers[1].id}`);
    assert.equal(next.body.servers.length, 1);
    assert.deepEqual(new Set([...page.body.servers, ...next.body.servers].map((s: any) => s.id)), new Set(ids));
    assert.equal((await demo.get('/servers?status=SHUTOFF&name=^page-')).body.servers.length, 0);
    assert.equal((await demo.get('/servers?status=ACTIVE&name=^page-')).body.servers.length, 3);
    assert.equal((await demo.get('/servers?marker=nope')).status, 400);
  });

  test('status=BUILD lists a server still building, whatever its task_state (Nova filters a default status on vm_state only)', async () => {
    const hv = cloud.drivers.hypervisor as FakeHypervisorDriver;
    hv.holdSpawns();
    try {
      const r = await demo.post('/servers', { server: { name: 'held-build', imageRef: imageId, flavorRef: FLAVOR } });
      assert.equal(r.status, 202);
      const shown = (await demo.at('2.96').get(`/servers/${r.body.server.id}`)).body.server;
      assert.equal(shown.status, 'BUILD');
      assert.notEqual(shown['OS-EXT-STS:task_state'], null);
      assert.deepEqual((await demo.get('/servers?status=BUILD&name=^held-build$')).body.servers.map((s: any) => s.id), [r.body.server.id]);
      assert.deepEqual((await demo.get('/servers/detail?status=ACTIVE&name=^held-build$')).body.servers, []);
    } finally { hv.holdSpawns(false); }
    const id = (await demo.get('/servers?name=^held-build$')).body.servers[0].id;
    await waitFor(demo, id, 'ACTIVE');
    assert.deepEqual((await demo.get('/servers?status=BUILD&name=^held-build$')).body.servers, []);
    assert.equal((await demo.get('/servers?status=ACTIVE&name=^held-build$')).body.servers.length, 1);
  });

  test('pages follow the sort order, also over a key that is null for some servers', async () => {
    const ips = ['10.0.0.2', null, '10.0.0.1', null];
    const ids: string[] = [];
    for (const [i, ip] of ips.entries()) ids.push(await boot(demo, `keyset-${i}`, ip ? { accessIPv4: ip } : {}));
    for (const dir of ['asc', 'desc']) {
      const query = `/servers/detail?name=^keyset-&sort_key=access_ip_v4&sort_dir=${dir}`;
      const whole = (await demo.get(query)).body.servers.map((s: any) => s.id);
      assert.deepEqual(new Set(whole), new Set(ids));
      const paged: string[] = [];
      let marker = '';
      for (let n = 0; n < 10; n++) {
        const page = await demo.get(`${query}&limit=1${marker && `&marker=${marker}`}`);
        assert.equal(page.status, 200);
        if (page.body.servers.length === 0) break;
        paged.push(page.body.servers[0].id);
        marker = page.body.servers[0].id;
      }
      assert.deepEqual(paged, whole, `sort_dir=${dir}`);
      const addrs = whole.map((id: string) => ips[ids.indexOf(id)]);
      assert.deepEqual(addrs.filter(Boolean), dir === 'asc' ? ['10.0.0.1', '10.0.0.2'] : ['10.0.0.2', '10.0.0.1']);
    }
  });

  test('update name and description (2.19); bad name is a 400', async () => {
    const id = await boot(demo, 'upd');
    const r = await demo.at('2.19').put(`/servers/${id}`, { server: { name: 'renamed', description: 'hello' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.server.name, 'renamed');
    assert.equal(r.body.server.description, 'hello');
    assert.equal((await demo.put(`/servers/${id}`, { server: { description: 'x' } })).status, 400, 'description needs 2.19');
    assert.equal((await demo.put(`/servers/${id}`, { server: { name: '   ' } })).status, 400);
  });
});

describe('networks', () => {
  test('a server on a network gets a port and addresses; delete removes the port', async () => {
    const neutron = users.demo.network;
    const net = (await neutron.get('/networks?name=private')).body.networks[0];
    assert.ok(net, 'the DevStack private network is seeded');
    const id = await boot(demo, 'wired', { networks: [{ uuid: net.id }] });
    const s = (await demo.get(`/servers/${id}`)).body.server;
    const addrs = s.addresses.private;
    assert.equal(addrs.length >= 1, true, JSON.stringify(s.addresses));
    assert.equal(addrs[0]['OS-EXT-IPS:type'], 'fixed');
    assert.match(addrs[0]['OS-EXT-IPS-MAC:mac_addr'], /^fa:16:3e:/);
    assert.deepEqual((await demo.get(`/servers/${id}/ips/private`)).body, { private: addrs.map((a: any) => ({ version: a.version, addr: a.addr })) });
    const ports = (await neutron.get(`/ports?device_id=${id}`)).body.ports;
    assert.equal(ports.length, 1);
    assert.equal(ports[0].device_owner, 'compute:nova');
    await demo.delete(`/servers/${id}`);
    await waitGone(demo, id);
    assert.equal((await neutron.get(`/ports?device_id=${id}`)).body.ports.length, 0);
  });

  test('each server of a detail page is the body its own GET shows (addresses, metadata, tags, security groups, fault)', async () => {
    const net = (await users.demo.network.get('/networks?name=private')).body.networks[0];
    const ids = [
      await boot(demo, 'same-wired', { networks: [{ uuid: net.id }], metadata: { role: 'web', n: '1' } }),
      await boot(demo, 'same-plain', { networks: 'none', metadata: {} }),
    ];
    assert.equal((await demo.at('2.26').put(`/servers/${ids[0]}/tags`, { tags: ['blue', 'red'] })).status, 200);
    await demo.post(`/servers/${ids[1]}/action`, { 'os-stop': null });
    await waitFor(demo, ids[1], 'SHUTOFF');
    for (const [c, mv, query] of [[demo, '2.1', ''], [demo, '2.70', ''], [admin, '2.96', '&all_tenants=1']] as const) {
      const page = (await c.at(mv).get(`/servers/detail?name=^same-${query}`)).body.servers;
      assert.deepEqual(page.map((s: any) => s.id).sort(), [...ids].sort(), mv);
      for (const listed of page) {
        const shown = (await c.at(mv).get(`/servers/${listed.id}`)).body.server;
        // NOTE: as Nova, server_groups (2.71) is in the show body only.
        delete shown.server_groups;
        assert.deepEqual(listed, shown, `${mv} ${listed.name}`);
      }
    }
    assert.deepEqual(Object.keys((await demo.get(`/servers/${ids[0]}`)).body.server.addresses), ['private']);
  });
});

describe('actions and the state machine', () => {
  test('stop, start, reboot, pause/unpause, suspend/resume; invalid transitions are 409 conflictingRequest', async () => {
    const id = await boot(demo, 'acts');
    const act = (body: unknown) => demo.post(`/servers/${id}/action`, body);
    assert.equal((await act({ 'os-stop': null })).status, 202);
    await waitFor(demo, id, 'SHUTOFF');
    const again = await act({ 'os-stop': null });
    assert.equal(again.status, 409);
    assert.equal(again.body.conflictingRequest.message, `Cannot 'stop' instance ${id} while it is in vm_state stopped`);
    assert.equal((await act({ pause: null })).status, 409);
    assert.equal((await act({ 'os-start': null })).status, 202);
    await waitFor(demo, id, 'ACTIVE');
    assert.equal((await act({ reboot: { type: 'HARD' } })).status, 202);
    await waitFor(demo, id, 'ACTIVE');
    assert.equal((await act({ reboot: { type: 'bogus' } })).status, 400);
    assert.equal((await act({ pause: null })).status, 202);
    await waitFor(demo, id, 'PAUSED');
    assert.equal((await act({ unpause: null })).status, 202);
    await waitFor(demo, id, 'ACTIVE');
    assert.equal((await act({ suspend: null })).status, 202);
    await waitFor(demo, id, 'SUSPENDED');
    assert.equal((await act({ resume: null })).status, 202);
    await waitFor(demo, id, 'ACTIVE');
    assert.equal((await act({ nonsense: null })).status, 404);
    const actions = await demo.get(`/servers/${id}/os-instance-actions`);
    assert.deepEqual(actions.body.instanceActions.map((a: any) => a.action).slice(0, 3), ['resume', 'suspend', 'unpause']);
    const create = actions.body.instanceActions.find((a: any) => a.action === 'create');
    const shown = await admin.get(`/servers/${id}/os-instance-actions/${create.request_id}`);
    assert.equal(shown.body.instanceAction.events[0].event, 'compute__do_build_and_run_instance');
    assert.equal(shown.body.instanceAction.events[0].result, 'Success');
    // NOTE: Nova's format: no zone, microseconds.
    assert.match(create.start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.match(shown.body.instanceAction.events[0].finish_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  });

  test('lock blocks the owner with 409 until unlock; locked and locked_reason by microversion', async () => {
    const id = await boot(demo, 'locky');
    assert.equal((await demo.at('2.73').post(`/servers/${id}/action`, { lock: { locked_reason: 'why' } })).status, 202);
    const s = (await demo.at('2.73').get(`/servers/${id}`)).body.server;
    assert.equal(s.locked, true);
    assert.equal(s.locked_reason, 'why');
    const r = await demo.post(`/servers/${id}/action`, { 'os-stop': null });
    assert.equal(r.status, 409);
    assert.equal(r.body.conflictingRequest.message, `Instance ${id} is locked`);
    assert.equal((await demo.post(`/servers/${id}/action`, { unlock: null })).status, 202);
    assert.equal((await demo.post(`/servers/${id}/action`, { 'os-stop': null })).status, 202);
  });

  test('resize, confirm and revert; rebuild; rescue; shelve and unshelve; console output', async () => {
    const big = await admin.post('/flavors', { flavor: { name: 'st.small', id: 'st.small', vcpus: 2, ram: 128, disk: 1 } });
    assert.equal(big.status, 200);
    const id = await boot(demo, 'mover');
    const act = (body: unknown) => demo.post(`/servers/${id}/action`, body);
    assert.equal((await act({ resize: { flavorRef: FLAVOR } })).status, 400, 'same flavor');
    assert.equal((await act({ resize: { flavorRef: 'st.small' } })).status, 202);
    let s = await waitFor(demo, id, 'VERIFY_RESIZE');
    assert.equal(s.flavor.vcpus, 2);
    assert.equal((await act({ revertResize: null })).status, 202);
    s = await waitFor(demo, id, 'ACTIVE');
    assert.equal(s.flavor.vcpus, 1);
    assert.equal((await act({ resize: { flavorRef: 'st.small' } })).status, 202);
    await waitFor(demo, id, 'VERIFY_RESIZE');
    assert.equal((await act({ confirmResize: null })).status, 204);
    s = await waitFor(demo, id, 'ACTIVE');
    assert.equal(s.flavor.original_name, 'st.small');

    const rb = await act({ rebuild: { imageRef: imageId, name: 'rebuilt' } });
    assert.equal(rb.status, 202);
    assert.equal(rb.body.server.name, 'rebuilt');
    assert.ok(rb.body.server.adminPass);
    await waitFor(demo, id, 'ACTIVE');

    const rescue = await act({ rescue: null });
    assert.equal(rescue.status, 200);
    assert.ok(rescue.body.adminPass);
    await waitFor(demo, id, 'RESCUE');
    assert.equal((await act({ unrescue: null })).status, 202);
    await waitFor(demo, id, 'ACTIVE');

    const out = await act({ 'os-getConsoleOutput': { length: 2 } });
    assert.equal(out.status, 200);
    assert.ok(out.body.output.split('\n').filter(Boolean).length <= 2);
    assert.match((await act({ 'os-getConsoleOutput': {} })).body.output, /login:/);

    assert.equal((await act({ shelve: null })).status, 202);
    s = await waitFor(demo, id, 'SHELVED_OFFLOADED');
    assert.equal((await admin.get(`/servers/${id}`)).body.server['OS-EXT-SRV-ATTR:host'], null);
    assert.equal((await act({ unshelve: null })).status, 202);
    await waitFor(demo, id, 'ACTIVE');
  });

  test('createImage snapshots into the image service (Location before 2.45, image_id after)', async () => {
    const id = await boot(demo, 'snappy');
    const r = await demo.at('2.45').post(`/servers/${id}/action`, { createImage: { name: 'snap1', metadata: { k: 'v' } } });
    assert.equal(r.status, 202);
    const imageRef = r.body.image_id;
    const glance = users.demo.image;
    const until = Date.now() + 5000;
    let img: any;
    do { img = (await glance.get(`/v2/images/${imageRef}`)).body; } while (img.status !== 'active' && Date.now() < until && await new Promise((res) => setTimeout(res, 10)) === undefined);
    assert.equal(img.status, 'active');
    assert.equal(img.k, 'v');
    assert.equal(img.instance_uuid, id);
    await waitFor(demo, id, (s) => s['OS-EXT-STS:task_state'] === null);
    const old = await demo.post(`/servers/${id}/action`, { createImage: { name: 'snap2' } });
    assert.equal(old.status, 202);
    assert.match(old.headers.get('location')!, /\/image\/v2\/images\/[0-9a-f-]{36}$/);
  });

  test('metadata and tags sub-resources', async () => {
    const id = await boot(demo, 'meta');
    assert.deepEqual((await demo.post(`/servers/${id}/metadata`, { metadata: { x: '1' } })).body, { metadata: { x: '1' } });
    assert.deepEqual((await demo.put(`/servers/${id}/metadata/y`, { meta: { y: '2' } })).body, { meta: { y: '2' } });
    assert.equal((await demo.put(`/servers/${id}/metadata/y`, { meta: { z: '2' } })).status, 400);
    assert.deepEqual((await demo.get(`/servers/${id}/metadata`)).body, { metadata: { x: '1', y: '2' } });
    assert.equal((await demo.delete(`/servers/${id}/metadata/x`)).status, 204);
    assert.equal((await demo.get(`/servers/${id}/metadata/x`)).status, 404);
    assert.equal((await demo.at('2.26').put(`/servers/${id}/tags/t1`, undefined)).status, 201);
    assert.equal((await demo.at('2.26').put(`/servers/${id}/tags/t1`, undefined)).status, 204);
    assert.deepEqual((await demo.at('2.26').put(`/servers/${id}/tags`, { tags: ['a', 'b'] })).body, { tags: ['a', 'b'] });
    assert.equal((await demo.at('2.26').get(`/servers?tags=a,b&name=^meta$`)).body.servers.length, 1);
    assert.equal((await demo.at('2.26').get(`/servers?not-tags=a&name=^meta$`)).body.servers.length, 0);
    assert.equal((await demo.get(`/servers/${id}/tags`)).status, 404, 'tags need 2.26');
  });
});

describe('delete, scheduling failures, quota, bad references', () => {
  test('delete answers 204, the server disappears and its allocation is freed', async () => {
    const before = (await admin.get('/os-hypervisors/statistics')).body.hypervisor_statistics;
    const id = await boot(demo, 'doomed');
    const during = (await admin.get('/os-hypervisors/statistics')).body.hypervisor_statistics;
    assert.equal(during.vcpus_used, before.vcpus_used + 1);
    assert.equal(during.memory_mb_used, before.memory_mb_used + 64);
    assert.equal((await demo.delete(`/servers/${id}`)).status, 204);
    await waitGone(demo, id);
    const after = (await admin.get('/os-hypervisors/statistics')).body.hypervisor_statistics;
    assert.equal(after.vcpus_used, before.vcpus_used);
    assert.ok(!(cloud.drivers.hypervisor as FakeHypervisorDriver).guests.has(id));
    const deleted = (await admin.get(`/servers/detail?deleted=true&all_tenants=1&name=^doomed$`)).body.servers;
    assert.equal(deleted[0].status, 'DELETED');
  });

  test('no host with room: ERROR with the NoValidHost fault (code 500)', async () => {
    const huge = await admin.post('/flavors', { flavor: { name: 'st.huge', id: 'st.huge', vcpus: 1, ram: 20_000, disk: 1 } });
    assert.equal(huge.status, 200);
    const r = await demo.post('/servers', { server: { name: 'toobig', imageRef: imageId, flavorRef: 'st.huge' } });
    assert.equal(r.status, 202);
    const s = await waitFor(demo, r.body.server.id, 'ERROR');
    assert.equal(s.fault.code, 500);
    assert.match(s.fault.message, /^No valid host was found\. /);
    assert.ok(!('details' in s.fault), 'details of a 500 fault are for admin');
    assert.equal((await demo.post(`/servers/${s.id}/action`, { 'os-stop': null })).status, 409);
    assert.equal((await demo.delete(`/servers/${s.id}`)).status, 204);
    await waitGone(demo, s.id);
  });

  test('a failing spawn leaves ERROR with a fault and frees the allocation', async () => {
    (cloud.drivers.hypervisor as FakeHypervisorDriver).failNext('spawn', 'disk on fire');
    const r = await demo.post('/servers', { server: { name: 'fails', imageRef: imageId, flavorRef: FLAVOR } });
    const s = await waitFor(demo, r.body.server.id, 'ERROR');
    assert.equal(s.fault.message, 'disk on fire');
    await demo.delete(`/servers/${s.id}`);
    await waitGone(demo, s.id);
  });

  test('missing flavor, image or keypair and bad user_data: 400 and nothing left behind', async () => {
    const count = async () => (await demo.get('/servers?name=^ghost$')).body.servers.length;
    const bad = [
      { name: 'ghost', imageRef: imageId, flavorRef: 'nope' },
      { name: 'ghost', imageRef: '11111111-2222-3333-4444-555555555555', flavorRef: FLAVOR },
      { name: 'ghost', imageRef: imageId, flavorRef: FLAVOR, key_name: 'nokey' },
      { name: 'ghost', imageRef: imageId, flavorRef: FLAVOR, user_data: '!!!not base64' },
      { name: 'ghost', imageRef: imageId, flavorRef: FLAVOR, bogus: 1 },
      { imageRef: imageId, flavorRef: FLAVOR },
    ];
    for (const server of bad) {
      const r = await demo.post('/servers', { server });
      assert.equal(r.status, 400, JSON.stringify(server));
      assert.equal(r.body.badRequest.code, 400);
    }
    assert.equal((await demo.at('2.37').post('/servers', { server: { name: 'ghost', imageRef: imageId, flavorRef: FLAVOR } })).status, 400, '2.37 requires networks');
    assert.equal(await count(), 0);
  });

  // NOTE: todo until compute's QuotasService is wired into the servers part (coreOf in index.ts).
  test('quota exceeded: 403 and nothing created', { todo: 'quota check not wired yet' }, async () => {
    const r = await demo.post('/servers', { server: { name: 'many', imageRef: imageId, flavorRef: FLAVOR, min_count: 500 } });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.match(r.body.forbidden.message, /Quota exceeded/);
    assert.equal((await demo.get('/servers?name=^many')).body.servers.length, 0);
  });

  test('min/max count with return_reservation_id', async () => {
    const r = await demo.post('/servers', { server: { name: 'multi', imageRef: imageId, flavorRef: FLAVOR, min_count: 2, max_count: 2, return_reservation_id: true } });
    assert.equal(r.status, 202);
    assert.match(r.body.reservation_id, /^r-/);
    const list = (await demo.get(`/servers/detail?reservation_id=${r.body.reservation_id}`)).body.servers;
    assert.deepEqual(list.map((s: any) => s.name).sort(), ['multi-1', 'multi-2']);
    for (const s of list) { await waitFor(demo, s.id, 'ACTIVE'); await demo.delete(`/servers/${s.id}`); }
  });
});

describe('hosts', () => {
  test('os-hypervisors lists the fake hosts; statistics is gone at 2.88; os-services disable keeps the scheduler away', async () => {
    const hv = await admin.get('/os-hypervisors/detail');
    assert.equal(hv.status, 200);
    assert.deepEqual(hv.body.hypervisors.map((h: any) => h.hypervisor_hostname).sort(), cloud.drivers.hypervisor!.hosts().sort());
    assert.equal(typeof hv.body.hypervisors[0].id, 'number');
    const v253 = await admin.at('2.53').get('/os-hypervisors');
    assert.match(v253.body.hypervisors[0].id, /^[0-9a-f-]{36}$/);
    assert.equal((await admin.at('2.88').get('/os-hypervisors/statistics')).status, 404);
    assert.equal((await demo.get('/os-hypervisors')).status, 403);

    const services = (await admin.at('2.53').get('/os-services?binary=nova-compute')).body.services;
    assert.equal(services.length, 2);
    for (const s of services.slice(1)) {
      const r = await admin.at('2.53').put(`/os-services/${s.id}`, { status: 'disabled', disabled_reason: 'maint' });
      assert.equal(r.status, 200);
      assert.equal(r.body.service.status, 'disabled');
    }
    const id = await boot(demo, 'placed');
    assert.equal((await admin.get(`/servers/${id}`)).body.server['OS-EXT-SRV-ATTR:host'], services[0].host);
    for (const s of services) await admin.at('2.53').put(`/os-services/${s.id}`, { status: 'enabled' });
  });
});
