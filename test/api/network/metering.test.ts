import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FakeNetworkDriver } from '../../../src/drivers/network/fake-network.js';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Metering labels and rules (admin only), and the labels each router is told to count.

const dir = mkdtempSync(join(tmpdir(), 'stratus-metering-'));
let cloud: TestCloud;
let demo: Client;
let admin: Client;
let fake: FakeNetworkDriver;

async function start() {
  cloud = await startTestCloud({}, dir);
  demo = await clientAs(cloud, 'network', 'demo');
  admin = await clientAs(cloud, 'network', 'admin');
  fake = cloud.drivers.network as FakeNetworkDriver;
}
before(start);
after(async () => { await cloud.stop(); rmSync(dir, { recursive: true, force: true }); });

const L = '/metering/metering-labels';
const R = '/metering/metering-label-rules';

describe('metering labels', () => {
  test('create, show, list with filters, delete; Neutron\'s fields and defaults', async () => {
    const c = await admin.post(L, { metering_label: { name: 'web', description: 'to the web' } });
    assert.equal(c.status, 201);
    const l = c.body.metering_label;
    assert.deepEqual(Object.keys(l).sort(), ['description', 'id', 'name', 'project_id', 'shared', 'tenant_id']);
    assert.equal(l.shared, false);
    assert.equal(l.project_id, l.tenant_id);
    assert.deepEqual((await admin.get(`${L}/${l.id}`)).body.metering_label, l);
    assert.equal((await admin.get(`${L}?id=${l.id}`)).body.metering_labels.length, 1);
    assert.deepEqual((await admin.get(`${L}?id=33`)).body.metering_labels, []);
    assert.equal((await admin.delete(`${L}/${l.id}`)).status, 204);
    const gone = await admin.get(`${L}/${l.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.NeutronError.type, 'MeteringLabelNotFound');
    assert.equal(gone.body.NeutronError.message, `Metering label '${l.id}' does not exist.`);
  });

  test('bad input is a 400 and creates nothing; labels are never updated', async () => {
    const before = (await admin.get(L)).body.metering_labels.length;
    const unknown = await admin.post(L, { metering_label: { name: 'x', colour: 'red' } });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.NeutronError.message, /Unrecognized attribute\(s\) 'colour'/);
    assert.equal((await admin.post(L, { metering_label: { shared: 'perhaps' } })).status, 400);
    assert.equal((await admin.post(L, { metering_label: { name: 'n'.repeat(256) } })).status, 400);
    assert.equal((await admin.post(L, { label: {} })).status, 400);
    assert.equal((await admin.get(L)).body.metering_labels.length, before);
    const l = (await admin.post(L, { metering_label: { name: 'fixed' } })).body.metering_label;
    assert.equal((await admin.put(`${L}/${l.id}`, { metering_label: { name: 'renamed' } })).status, 405);
  });

  test('admin only: a member lists none, sees none, creates none', async () => {
    const l = (await admin.post(L, { metering_label: { name: 'private' } })).body.metering_label;
    assert.deepEqual((await demo.get(L)).body.metering_labels, []);
    assert.equal((await demo.get(`${L}/${l.id}`)).status, 404);
    const c = await demo.post(L, { metering_label: { name: 'mine' } });
    assert.equal(c.status, 403);
    assert.equal(c.body.NeutronError.type, 'PolicyNotAuthorized');
    assert.equal((await demo.delete(`${L}/${l.id}`)).status, 404);
    assert.equal((await demo.post(R, { metering_label_rule: { metering_label_id: l.id, direction: 'ingress', remote_ip_prefix: '10.0.0.0/24' } })).status, 403);
  });
});

describe('metering label rules', () => {
  test('create, show, list, delete; excluded false by default; overlaps are 409', async () => {
    const l = (await admin.post(L, { metering_label: { name: 'rules' } })).body.metering_label;
    const c = await admin.post(R, { metering_label_rule: { metering_label_id: l.id, direction: 'ingress', remote_ip_prefix: '10.0.0.0/24' } });
    assert.equal(c.status, 201);
    const r = c.body.metering_label_rule;
    assert.deepEqual(Object.keys(r).sort(), ['direction', 'excluded', 'id', 'metering_label_id', 'remote_ip_prefix']);
    assert.equal(r.excluded, false);
    assert.deepEqual((await admin.get(`${R}/${r.id}`)).body.metering_label_rule, r);
    assert.equal((await admin.get(`${R}?id=${r.id}`)).body.metering_label_rules.length, 1);
    assert.deepEqual((await admin.get(`${R}?id=33`)).body.metering_label_rules, []);

    const overlap = await admin.post(R, { metering_label_rule: { metering_label_id: l.id, direction: 'ingress', remote_ip_prefix: '10.0.0.128/25' } });
    assert.equal(overlap.status, 409);
    assert.equal(overlap.body.NeutronError.type, 'MeteringLabelRuleOverlaps');
    assert.equal(overlap.body.NeutronError.message, "Metering label rule with remote_ip_prefix '10.0.0.128/25' overlaps another.");
    // The other direction, an excluded rule and another family do not overlap it.
    for (const rule of [
      { direction: 'egress', remote_ip_prefix: '10.0.0.0/24' }, { direction: 'ingress', remote_ip_prefix: '10.0.0.0/25', excluded: true },
      { direction: 'ingress', remote_ip_prefix: 'fd02::/64' },
    ]) assert.equal((await admin.post(R, { metering_label_rule: { metering_label_id: l.id, ...rule } })).status, 201, JSON.stringify(rule));

    assert.equal((await admin.delete(`${R}/${r.id}`)).status, 204);
    const gone = await admin.get(`${R}/${r.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.NeutronError.type, 'MeteringLabelRuleNotFound');
    // Deleting the label takes its rules.
    await admin.delete(`${L}/${l.id}`);
    assert.deepEqual((await admin.get(`${R}?metering_label_id=${l.id}`)).body.metering_label_rules, []);
  });

  test('bad input is a 400, an unknown label a 404, and nothing is created', async () => {
    const l = (await admin.post(L, { metering_label: { name: 'strict' } })).body.metering_label;
    const before = (await admin.get(R)).body.metering_label_rules.length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ direction: 'ingress', remote_ip_prefix: '10.0.0.0/24' }, /Required attribute 'metering_label_id' not specified/],
      [{ metering_label_id: l.id, remote_ip_prefix: '10.0.0.0/24' }, /Required attribute 'direction' not specified/],
      [{ metering_label_id: l.id, direction: 'sideways', remote_ip_prefix: '10.0.0.0/24' }, /Invalid input for direction/],
      [{ metering_label_id: l.id, direction: 'ingress', remote_ip_prefix: 'not-a-cidr' }, /'not-a-cidr' is not a valid IP subnet/],
      [{ metering_label_id: l.id, direction: 'ingress', remote_ip_prefix: '10.0.0.1/24' }, /isn't a recognized IP subnet cidr, '10.0.0.0\/24' is recommended/],
      [{ metering_label_id: 'nope', direction: 'ingress', remote_ip_prefix: '10.0.0.0/24' }, /'nope' is not a valid UUID/],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post(R, { metering_label_rule: body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.NeutronError.message, message);
    }
    const missing = await admin.post(R, { metering_label_rule: { metering_label_id: '00000000-0000-4000-8000-000000000000', direction: 'ingress', remote_ip_prefix: '10.0.0.0/24' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.type, 'MeteringLabelNotFound');
    assert.equal((await admin.get(R)).body.metering_label_rules.length, before);
  });
});

describe('the routers count the labels', () => {
  test("a label reaches its project's routers, a shared one every router; deleting it takes it away", async () => {
    const demoProject = (await demo.post('/routers', { router: { name: 'counted' } })).body.router;
    const adminRouter = (await admin.post('/routers', { router: { name: 'admins' } })).body.router;
    const own = (await admin.post(L, { metering_label: { name: 'demo-web', project_id: demoProject.project_id } })).body.metering_label;
    await admin.post(R, { metering_label_rule: { metering_label_id: own.id, direction: 'egress', remote_ip_prefix: '0.0.0.0/0' } });
    await admin.post(R, { metering_label_rule: { metering_label_id: own.id, direction: 'egress', remote_ip_prefix: '198.51.100.0/24', excluded: true } });
    const labelsOf = (id: string) => (fake.metering.get(id) ?? []).map((l) => l.id);
    assert.deepEqual(fake.metering.get(demoProject.id)?.find((l) => l.id === own.id)?.rules, [
      { direction: 'egress', remoteIpPrefix: '0.0.0.0/0', excluded: false }, { direction: 'egress', remoteIpPrefix: '198.51.100.0/24', excluded: true },
    ]);
    assert.ok(!labelsOf(adminRouter.id).includes(own.id), "another project's router does not count it");

    const shared = (await admin.post(L, { metering_label: { name: 'all', shared: true } })).body.metering_label;
    assert.ok(labelsOf(demoProject.id).includes(shared.id) && labelsOf(adminRouter.id).includes(shared.id));

    // A router made later counts the labels that apply to it.
    const later = (await demo.post('/routers', { router: { name: 'later' } })).body.router;
    assert.ok(labelsOf(later.id).includes(own.id) && labelsOf(later.id).includes(shared.id));

    await admin.delete(`${L}/${own.id}`);
    assert.ok(!labelsOf(demoProject.id).includes(own.id));
    await admin.delete(`${L}/${shared.id}`);
  });

  test('labels, rules and agents outlive a restart; the driver is given them again', async () => {
    const l = (await admin.post(L, { metering_label: { name: 'durable', shared: true } })).body.metering_label;
    const r = (await admin.post(R, { metering_label_rule: { metering_label_id: l.id, direction: 'ingress', remote_ip_prefix: '203.0.113.0/24' } })).body.metering_label_rule;
    const router = (await admin.post('/routers', { router: { name: 'durable' } })).body.router;
    const agents = (await admin.get('/agents')).body.agents.map((a: any) => a.id).sort();
    await cloud.stop();
    await start();
    assert.equal((await admin.get(`${L}/${l.id}`)).body.metering_label.name, 'durable');
    assert.equal((await admin.get(`${R}/${r.id}`)).body.metering_label_rule.remote_ip_prefix, '203.0.113.0/24');
    assert.deepEqual((await admin.get('/agents')).body.agents.map((a: any) => a.id).sort(), agents, 'the same agents, not new ones');
    assert.equal((await admin.get(`/routers/${router.id}/l3-agents`)).body.agents.length, 1);
    const reconciled = fake.callsOf('reconcile').at(-1)![0] as { metering: Record<string, { id: string }[]> };
    assert.ok(reconciled.metering[router.id]!.some((x) => x.id === l.id));
  });
});
