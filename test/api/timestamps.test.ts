// Every time a client reads, per service, in the exact format the real service prints it. One cloud,
// one of each resource. Each regex names the upstream code (or api-ref sample) it comes from; the
// formatters live in one module per service: compute/api/times.ts, identity/domain/times.ts,
// image/domain/times.ts, network/domain/times.ts, volume/domain/times.ts, object-store/domain/clock.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../support/cloud.js';
import { projectOf } from '../support/clients.js';
import { bootServer, computeFixture, networkId, waitStatus, type ComputeFixture } from '../support/compute-server.js';

/** oslo jsonutils' PERFECT_TIME_FORMAT '%Y-%m-%dT%H:%M:%S.%f': how Nova and Cinder serialise a DateTime column. */
const PERFECT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;
/** nova.utils.isotime / glance.common.timeutils.isotime / neutron's standard attributes: whole seconds and Z. */
const ISOTIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
/** keystone.common.utils.isotime(subsecond=True): microseconds and Z. */
const KEYSTONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
/** Python's str(datetime) of a whole-second time. */
const STR = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
/** An HTTP-date (webob's Response.last_modified, swob's Last-Modified). */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;

function is(re: RegExp, v: unknown, what: string): void {
  assert.equal(typeof v, 'string', `${what}: ${JSON.stringify(v)}`);
  assert.match(v as string, re, what);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(get: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) { const v = await get(); if (v !== undefined) return v; await sleep(25); }
  throw new Error(`never: ${what}`);
}

describe('timestamps as each service prints them', () => {
  let f: ComputeFixture;
  let server: string;
  before(async () => {
    f = await computeFixture('ts.tiny');
    server = await bootServer(f, f.admin, 'ts-vm');
  });
  after(async () => f.cloud.stop());

  test('compute (Nova)', async () => {
    const nova = f.admin.at('2.90');
    const s = (await nova.get(`/servers/${server}`)).body.server;
    // views/servers.py: created/updated through utils.isotime; OS-SRV-USG:* the instance's DateTime (jsonutils)
    is(ISOTIME, s.created, 'server created');
    is(ISOTIME, s.updated, 'server updated');
    is(PERFECT, s['OS-SRV-USG:launched_at'], 'OS-SRV-USG:launched_at');
    assert.equal(s['OS-SRV-USG:terminated_at'], null);
    const detail = (await nova.get('/servers/detail')).body.servers[0];
    is(ISOTIME, detail.created, 'servers/detail created');
    is(PERFECT, detail['OS-SRV-USG:launched_at'], 'servers/detail launched_at');

    // A fault: views/servers.py _get_fault "created": utils.isotime(fault.created_at)
    await f.admin.post('/flavors', { flavor: { name: 'ts.huge', id: 'ts.huge', vcpus: 1, ram: 64, disk: 100000 } });
    const bad = await f.admin.post('/servers', { server: { name: 'ts-bad', imageRef: f.imageId, flavorRef: 'ts.huge' } });
    const failed = await waitStatus(f.admin, bad.body.server.id, 'ERROR');
    is(ISOTIME, failed.fault.created, 'fault created');

    // os-instance-actions: start_time, updated_at (2.58), events' start_time/finish_time are DateTime columns
    const actions = (await nova.get(`/servers/${server}/os-instance-actions`)).body.instanceActions;
    is(PERFECT, actions[0].start_time, 'action start_time');
    is(PERFECT, actions[0].updated_at, 'action updated_at');
    const action = (await nova.get(`/servers/${server}/os-instance-actions/${actions[0].request_id}`)).body.instanceAction;
    is(PERFECT, action.events[0].start_time, 'event start_time');
    is(PERFECT, action.events[0].finish_time, 'event finish_time');

    // keypairs-get-resp.json "created_at": "2014-05-07T12:06:13.681238"
    await nova.post('/os-keypairs', { keypair: { name: 'ts-kp' } });
    const kp = (await nova.get('/os-keypairs/ts-kp')).body.keypair;
    is(PERFECT, kp.created_at, 'keypair created_at');
    assert.equal(kp.updated_at, null);

    // aggregate-create-resp.json, os-services/services-list-get-resp.json, availability-zone-detail-resp.json
    const ag = (await nova.post('/os-aggregates', { aggregate: { name: 'ts-ag', availability_zone: 'ts-az' } })).body.aggregate;
    is(PERFECT, ag.created_at, 'aggregate created_at');
    for (const svc of (await nova.get('/os-services')).body.services) is(PERFECT, svc.updated_at, `service ${svc.binary} updated_at`);
    for (const svc of (await f.admin.get('/os-services')).body.services) is(PERFECT, svc.updated_at, `2.1 service ${svc.binary} updated_at`);
    for (const z of (await nova.get('/os-availability-zone/detail')).body.availabilityZoneInfo) {
      for (const services of Object.values(z.hosts ?? {}) as Record<string, { updated_at: string }>[]) {
        for (const [b, st] of Object.entries(services)) is(PERFECT, st.updated_at, `az ${b} updated_at`);
      }
    }

    // os-simple-tenant-usage: start/stop are the parsed period, started_at the instance's launched_at (jsonutils)
    const usage = (await nova.get(`/os-simple-tenant-usage/${await projectOf(f.users.admin)}?start=2020-01-01T00:00:00.123456&end=2099-01-01T00:00:00`)).body.tenant_usage;
    assert.equal(usage.start, '2020-01-01T00:00:00.123456', 'the period as given, microseconds kept');
    assert.equal(usage.stop, '2099-01-01T00:00:00.000000');
    is(PERFECT, usage.server_usages[0].started_at, 'server usage started_at');
    // instance_usage_audit_log.py: 'period_beginning': str(begin)
    const audit = (await nova.get('/os-instance_usage_audit_log')).body.instance_usage_audit_logs;
    is(STR, audit.period_beginning, 'audit period_beginning');
    is(STR, audit.period_ending, 'audit period_ending');

    // The 2.1 proxies: views/images.py created/updated through utils.isotime; os-volumes createdAt is Cinder's string
    const image = (await f.admin.get(`/images/${f.imageId}`)).body.image;
    is(ISOTIME, image.created, 'image proxy created');
    is(ISOTIME, image.updated, 'image proxy updated');
    const vol = await f.admin.post('/os-volumes', { volume: { size: 1 } });
    is(PERFECT, vol.body.volume.createdAt, 'os-volumes createdAt');
  });

  test('identity (Keystone)', async () => {
    const ks = f.users.admin.identity;
    // token-validate: expires_at/issued_at through utils.isotime(subsecond=True)
    const tok = (await ks.get('/auth/tokens', { 'X-Subject-Token': f.users.admin.token })).body.token;
    is(KEYSTONE, tok.expires_at, 'token expires_at');
    is(KEYSTONE, tok.issued_at, 'token issued_at');
    // api/trusts.py _normalize_trust_expires_at: utils.isotime(subsecond=True)
    const me = tok.user.id;
    const demo = (await ks.get('/users?name=demo')).body.users[0].id;
    const member = (await ks.get('/roles?name=member')).body.roles[0].id;
    const trust = await ks.post('/OS-TRUST/trusts', { trust: { trustor_user_id: me, trustee_user_id: demo, project_id: tok.project.id, impersonation: false, roles: [{ id: member }], expires_at: '2099-01-01T10:00:00Z' } });
    assert.equal(trust.body.trust.expires_at, '2099-01-01T10:00:00.000000Z');
    is(KEYSTONE, (await ks.get(`/OS-TRUST/trusts/${trust.body.trust.id}`)).body.trust.expires_at, 'trust expires_at');
    // application-credential-get-response.json "expires_at": "2018-02-27T18:30:59.000000" (the DateTime column)
    const ac = await ks.post(`/users/${me}/application_credentials`, { application_credential: { name: 'ts-ac', expires_at: '2099-01-01T10:00:00Z' } });
    assert.equal(ac.body.application_credential.expires_at, '2099-01-01T10:00:00.000000');
    is(PERFECT, (await ks.get(`/users/${me}/application_credentials/${ac.body.application_credential.id}`)).body.application_credential.expires_at, 'app cred expires_at');
  });

  test('image (Glance)', async () => {
    const g = f.glance;
    // glance/api/v2/images.py _format_image: timeutils.isotime
    const img = (await g.get(`/v2/images/${f.imageId}`)).body;
    is(ISOTIME, img.created_at, 'image created_at');
    is(ISOTIME, img.updated_at, 'image updated_at');
    // image_members.py: timeutils.isotime
    const shared = (await g.post('/v2/images', { name: 'ts-shared', visibility: 'shared', disk_format: 'raw', container_format: 'bare' })).body;
    const m = (await g.post(`/v2/images/${shared.id}/members`, { member: await projectOf(f.users.demo) })).body;
    is(ISOTIME, m.created_at, 'member created_at');
    is(ISOTIME, m.updated_at, 'member updated_at');
    // metadefs: namespace created_at "2014-08-28T17:13:06Z"
    const ns = (await g.post('/v2/metadefs/namespaces', { namespace: 'ts-ns' })).body;
    is(ISOTIME, ns.created_at, 'namespace created_at');
    // tasks.py _format_task: timeutils.isotime(created_at/updated_at/expires_at)
    const task = (await g.post('/v2/tasks', { type: 'import', input: { import_from: 'http://127.0.0.1:1/x', import_from_format: 'raw', image_properties: { disk_format: 'raw', container_format: 'bare' } } })).body;
    is(ISOTIME, task.created_at, 'task created_at');
    const ended = await until(async () => { const t = (await g.get(`/v2/tasks/${task.id}`)).body; return t.expires_at ? t : undefined; }, 'task ended');
    is(ISOTIME, ended.expires_at, 'task expires_at');
    is(ISOTIME, ended.updated_at, 'task updated_at');
    // GET /v2/images/{id}/tasks: the DB rows serialised (image-tasks-show-response.json "2020-12-18T05:20:38.000000")
    const staged = (await g.post('/v2/images', { name: 'ts-import', disk_format: 'raw', container_format: 'bare' })).body;
    assert.equal((await g.put(`/v2/images/${staged.id}/stage`, 'bytes', { 'Content-Type': 'application/octet-stream' })).status, 204);
    assert.equal((await g.post(`/v2/images/${staged.id}/import`, { method: { name: 'glance-direct' } })).status, 202);
    const itask = await until(async () => (await g.get(`/v2/images/${staged.id}/tasks`)).body.tasks?.[0], 'image task');
    is(PERFECT, itask.created_at, 'image task created_at');
    is(PERFECT, itask.updated_at, 'image task updated_at');
  });

  test('network (Neutron): standard attributes', async () => {
    const n = f.users.admin.network;
    // services/timestamp/timestamp_db.py: strftime('%Y-%m-%dT%H:%M:%S') + 'Z'
    const net = (await n.post('/networks', { network: { name: 'ts-net' } })).body.network;
    const sub = (await n.post('/subnets', { subnet: { network_id: net.id, cidr: '10.99.0.0/24', ip_version: 4 } })).body.subnet;
    const port = (await n.post('/ports', { port: { network_id: net.id } })).body.port;
    const router = (await n.post('/routers', { router: { name: 'ts-r' } })).body.router;
    const sg = (await n.post('/security-groups', { security_group: { name: 'ts-sg' } })).body.security_group;
    const fip = (await n.post('/floatingips', { floatingip: { floating_network_id: await networkId(n, 'public') } })).body.floatingip;
    const pools = (await n.get('/subnetpools')).body.subnetpools;
    for (const [what, r] of [['network', net], ['subnet', sub], ['port', port], ['router', router], ['security group', sg], ['security group rule', sg.security_group_rules[0]], ['floating ip', fip], ...pools.map((p: unknown) => ['subnet pool', p])] as [string, any][]) {
      is(ISOTIME, r.created_at, `${what} created_at`);
      is(ISOTIME, r.updated_at, `${what} updated_at`);
    }
  });

  test('block storage (Cinder)', async () => {
    const c = f.users.admin.volume.at('3.70');
    const wait = (path: string, key: string, status: string) => until(async () => { const r = (await c.get(path)).body?.[key]; return r?.status === status ? r : undefined; }, `${path} ${status}`);
    // views/volumes.py: created_at/updated_at, the DateTime columns (volume-show-response.json "2018-11-29T06:50:07.770785")
    const vid = (await c.post('/volumes', { volume: { size: 1, name: 'ts-v' } })).body.volume.id;
    const v = await wait(`/volumes/${vid}`, 'volume', 'available');
    is(PERFECT, v.created_at, 'volume created_at');
    is(PERFECT, v.updated_at, 'volume updated_at');
    const sid = (await c.post('/snapshots', { snapshot: { volume_id: vid } })).body.snapshot.id;
    is(PERFECT, (await wait(`/snapshots/${sid}`, 'snapshot', 'available')).created_at, 'snapshot created_at');
    const bid = (await c.post('/backups', { backup: { volume_id: vid } })).body.backup.id;
    const b = await wait(`/backups/${bid}`, 'backup', 'available');
    is(PERFECT, b.created_at, 'backup created_at');
    is(PERFECT, b.data_timestamp, 'backup data_timestamp');
    // attachments: attached_at (attachment-show-response.json)
    const att = (await c.post('/attachments', { attachment: { volume_uuid: vid, instance_uuid: server, connector: { initiator: 'iqn.ts', host: 'ts' } } })).body.attachment;
    await c.post(`/attachments/${att.id}/action`, { 'os-complete': null });
    is(PERFECT, (await c.get(`/attachments/${att.id}`)).body.attachment.attached_at, 'attachment attached_at');
    is(PERFECT, (await c.get(`/volumes/${vid}`)).body.volume.attachments[0].attached_at, 'volume attachments[].attached_at');
    // transfers, services, os-hosts' last-update
    const v2 = (await c.post('/volumes', { volume: { size: 1 } })).body.volume.id;
    await wait(`/volumes/${v2}`, 'volume', 'available');
    is(PERFECT, (await c.post('/volume-transfers', { transfer: { volume_id: v2 } })).body.transfer.created_at, 'transfer created_at');
    for (const svc of (await c.get('/os-services')).body.services) is(PERFECT, svc.updated_at, `${svc.binary} updated_at`);
    for (const h of (await c.get('/os-hosts')).body.hosts) is(PERFECT, h['last-update'], 'os-hosts last-update');
    // messages: created_at and guaranteed_until (views/messages.py)
    const type = await c.post('/types', { volume_type: { name: 'ts-nowhere', extra_specs: { storage_protocol: 'carrier-pigeon' } } });
    const lost = (await c.post('/volumes', { volume: { size: 1, volume_type: type.body.volume_type.id } })).body.volume.id;
    const msg = await until(async () => (await c.get('/messages')).body.messages.find((x: any) => x.resource_uuid === lost), 'a user message');
    is(PERFECT, msg.created_at, 'message created_at');
    is(PERFECT, msg.guaranteed_until, 'message guaranteed_until');
  });

  test('placement: Last-Modified and Cache-Control from 1.15, none before', async () => {
    const rp = (await f.users.admin.placement.get('/resource_providers')).body.resource_providers[0].uuid;
    for (const path of ['/resource_providers', `/resource_providers/${rp}`, `/resource_providers/${rp}/inventories`, `/resource_providers/${rp}/usages`, '/traits', '/resource_classes', `/allocations/${server}`]) {
      const old = await f.users.admin.placement.at('1.14').get(path);
      assert.equal(old.headers.get('last-modified'), null, `${path} at 1.14`);
      const r = await f.users.admin.placement.at('1.15').get(path);
      assert.equal(r.headers.get('cache-control'), 'no-cache', path);
      is(HTTP_DATE, r.headers.get('last-modified'), `${path} Last-Modified`);
    }
    // util.pick_last_modified: a provider's own updated_at, not the time of the request; a write
    // that answers with the provider (PUT, POST from 1.20) carries the headers too
    const pl = f.users.admin.placement.at('1.20');
    const made = await pl.post('/resource_providers', { name: 'ts-rp' });
    is(HTTP_DATE, made.headers.get('last-modified'), 'POST resource provider Last-Modified');
    await sleep(1100);
    const shown = await pl.get(`/resource_providers/${made.body.uuid}`);
    assert.ok(Date.parse(shown.headers.get('last-modified')!) < Date.parse(shown.headers.get('date')!), 'the provider\'s time, a second ago');
    const renamed = await pl.put(`/resource_providers/${made.body.uuid}`, { name: 'ts-rp2' });
    assert.equal(renamed.headers.get('cache-control'), 'no-cache');
    is(HTTP_DATE, renamed.headers.get('last-modified'), 'PUT resource provider Last-Modified');
    // inventory.py _send_inventories: no inventories, no last_modified (Cache-Control only)
    const empty = await pl.get(`/resource_providers/${made.body.uuid}/inventories`);
    assert.equal(empty.headers.get('cache-control'), 'no-cache');
    assert.equal(empty.headers.get('last-modified'), null);
    // a write placement answers without the headers
    assert.equal((await pl.delete(`/resource_providers/${made.body.uuid}`)).headers.get('last-modified'), null);
  });

  test('object storage (Swift)', async () => {
    const sw = new Client(`${f.cloud.url}/object-store/v1/AUTH_${await projectOf(f.users.admin)}`, f.users.admin.token);
    await sw.put('/ts-c');
    await sw.put('/ts-c/o', 'hello', { 'Content-Type': 'text/plain' });
    // container listing last_modified: swift.common.utils.Timestamp.isoformat, microseconds, no zone
    is(PERFECT, (await sw.get('/ts-c?format=json')).body[0].last_modified, 'object listing last_modified');
    is(PERFECT, (await sw.get('?format=json')).body[0].last_modified, 'container listing last_modified');
    // Last-Modified: an HTTP-date of the ceiled timestamp; X-Timestamp: Timestamp.normal ('%016.05f')
    const h = await sw.head('/ts-c/o');
    is(HTTP_DATE, h.headers.get('last-modified'), 'object Last-Modified');
    is(/^\d{10}\.\d{5}$/, h.headers.get('x-timestamp'), 'object X-Timestamp');
  });
});
