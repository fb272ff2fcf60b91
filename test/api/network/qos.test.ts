import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeNetworkDriver } from '../../../src/drivers/network/fake-network.js';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// QoS (qos, qos-default, qos-bw-limit-direction, qos-rule-type-details): policies, bandwidth limit
// rules, qos_policy_id on ports and networks, and the limits the network driver is given.

let cloud: TestCloud;
let demo: Client;
let admin: Client;
let fake: FakeNetworkDriver;

before(async () => {
  cloud = await startTestCloud();
  demo = await clientAs(cloud, 'network', 'demo');
  admin = await clientAs(cloud, 'network', 'admin');
  fake = cloud.drivers.network as FakeNetworkDriver;
});
after(async () => { await cloud.stop(); });

async function net(name: string, body: Record<string, unknown> = {}) {
  const n = (await demo.post('/networks', { network: { name, ...body } })).body.network;
  await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: `10.${60 + name.length}.${name.charCodeAt(0)}.0/24` } });
  return n;
}

describe('qos policies', () => {
  test('admin creates, shows, updates, lists and deletes; members may not create; the fields are Neutron\'s', async () => {
    const denied = await demo.post('/qos/policies', { policy: { name: 'mine' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.NeutronError.type, 'PolicyNotAuthorized');
    const c = await admin.post('/qos/policies', { policy: { name: 'gold', description: 'fast' } });
    assert.equal(c.status, 201);
    const p = c.body.policy;
    assert.deepEqual(Object.keys(p).sort(), ['created_at', 'description', 'id', 'is_default', 'name', 'project_id', 'revision_number', 'rules', 'shared', 'tags', 'tenant_id', 'updated_at']);
    assert.deepEqual([p.shared, p.is_default, p.rules], [false, false, []]);
    assert.equal((await admin.put(`/qos/policies/${p.id}`, { policy: { name: 'platinum' } })).body.policy.name, 'platinum');
    assert.ok((await admin.get('/qos/policies?name=platinum')).body.policies.some((x: any) => x.id === p.id));
    assert.equal((await demo.get(`/qos/policies/${p.id}`)).status, 404, 'another project\'s unshared policy is not found');
    assert.equal((await admin.delete(`/qos/policies/${p.id}`)).status, 204);
    const gone = await admin.get(`/qos/policies/${p.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.NeutronError.type, 'QosPolicyNotFound');
  });

  test('bandwidth limit rules: create with defaults, one per direction, update, list, show, delete; bad values are 400', async () => {
    const p = (await admin.post('/qos/policies', { policy: { name: 'bw', shared: true } })).body.policy;
    const r = await admin.post(`/qos/policies/${p.id}/bandwidth_limit_rules`, { bandwidth_limit_rule: { max_kbps: 1000 } });
    assert.equal(r.status, 201);
    assert.deepEqual({ ...r.body.bandwidth_limit_rule, id: 'x' }, { id: 'x', max_kbps: 1000, max_burst_kbps: 0, direction: 'egress' });
    const dup = await admin.post(`/qos/policies/${p.id}/bandwidth_limit_rules`, { bandwidth_limit_rule: { max_kbps: 5 } });
    assert.equal(dup.status, 409);
    const ing = await admin.post(`/qos/policies/${p.id}/bandwidth_limit_rules`, { bandwidth_limit_rule: { max_kbps: 2000, max_burst_kbps: 300, direction: 'ingress' } });
    assert.equal(ing.status, 201);
    for (const bad of [{ max_kbps: -1 }, { max_kbps: 10, direction: 'sideways' }, {}, { max_kbps: 'x' }, { max_kbps: 1, dscp: 3 }]) {
      const res = await admin.post(`/qos/policies/${p.id}/bandwidth_limit_rules`, { bandwidth_limit_rule: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
    const shown = (await demo.get(`/qos/policies/${p.id}`)).body.policy;
    assert.equal(shown.rules.length, 2);
    assert.deepEqual(shown.rules[0], { ...r.body.bandwidth_limit_rule, qos_policy_id: p.id, type: 'bandwidth_limit' });
    assert.equal((await demo.get(`/qos/policies/${p.id}/bandwidth_limit_rules`)).body.bandwidth_limit_rules.length, 2);
    const rid = r.body.bandwidth_limit_rule.id;
    assert.equal((await admin.put(`/qos/policies/${p.id}/bandwidth_limit_rules/${rid}`, { bandwidth_limit_rule: { max_kbps: 1500 } })).body.bandwidth_limit_rule.max_kbps, 1500);
    assert.equal((await demo.put(`/qos/policies/${p.id}/bandwidth_limit_rules/${rid}`, { bandwidth_limit_rule: { max_kbps: 1 } })).status, 403);
    assert.equal((await admin.get(`/qos/policies/${p.id}/bandwidth_limit_rules/${rid}`)).body.bandwidth_limit_rule.max_kbps, 1500);
    assert.equal((await admin.delete(`/qos/policies/${p.id}/bandwidth_limit_rules/${rid}`)).status, 204);
    const missing = await admin.get(`/qos/policies/${p.id}/bandwidth_limit_rules/${rid}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.type, 'QosRuleNotFound');
  });

  test('qos-default: one default per project; new networks of the project get it', async () => {
    const demoProject = (await net('probe')).project_id;
    const d1 = await admin.post('/qos/policies', { policy: { name: 'd1', is_default: true, project_id: demoProject } });
    assert.equal(d1.status, 201);
    const d2 = await admin.post('/qos/policies', { policy: { name: 'd2', is_default: true, project_id: demoProject } });
    assert.equal(d2.status, 409);
    assert.equal(d2.body.NeutronError.type, 'QoSPolicyDefaultAlreadyExists');
    const n = (await demo.post('/networks', { network: { name: 'defaulted' } })).body.network;
    assert.equal(n.qos_policy_id, d1.body.policy.id);
    const explicit = (await demo.post('/networks', { network: { name: 'explicit', qos_policy_id: null } })).body.network;
    assert.equal(explicit.qos_policy_id, null);
    await admin.delete(`/networks/${n.id}`);
    assert.equal((await admin.put(`/qos/policies/${d1.body.policy.id}`, { policy: { is_default: false } })).status, 200);
  });

  test('rule types: list and show with drivers', async () => {
    assert.deepEqual((await demo.get('/qos/rule-types')).body, { rule_types: [{ type: 'bandwidth_limit' }] });
    const t = (await admin.get('/qos/rule-types/bandwidth_limit')).body.rule_type;
    assert.equal(t.type, 'bandwidth_limit');
    assert.equal(t.drivers[0].name, 'linuxbridge');
    assert.equal((await admin.get('/qos/rule-types/dscp_marking')).status, 404);
  });
});

describe('qos on ports and networks', () => {
  test('a bound port gets its own policy\'s limits, else its network\'s; rule changes follow; a policy in use is not deleted', async () => {
    const p = (await admin.post('/qos/policies', { policy: { name: 'limits', shared: true } })).body.policy;
    await admin.post(`/qos/policies/${p.id}/bandwidth_limit_rules`, { bandwidth_limit_rule: { max_kbps: 3000, max_burst_kbps: 400 } });
    const n = await net('qosnet', { qos_policy_id: p.id });
    assert.equal(n.qos_policy_id, p.id);
    const port = (await admin.post('/ports', { port: { network_id: n.id, device_owner: 'compute:nova', device_id: 'vm1', 'binding:host_id': 'host1', project_id: n.project_id } })).body.port;
    assert.equal(port.qos_policy_id, null);
    assert.deepEqual(fake.portQos.get(port.id), { portId: port.id, egress: { maxKbps: 3000, maxBurstKbps: 400 }, ingress: null });

    const own = (await admin.post('/qos/policies', { policy: { name: 'own', shared: true } })).body.policy;
    await admin.post(`/qos/policies/${own.id}/bandwidth_limit_rules`, { bandwidth_limit_rule: { max_kbps: 100, direction: 'ingress' } });
    const u = await demo.put(`/ports/${port.id}`, { port: { qos_policy_id: own.id } });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.equal(u.body.port.qos_policy_id, own.id);
    assert.deepEqual(fake.portQos.get(port.id), { portId: port.id, egress: null, ingress: { maxKbps: 100, maxBurstKbps: 0 } });
    const rid = (await admin.get(`/qos/policies/${own.id}`)).body.policy.rules[0].id;
    await admin.put(`/qos/policies/${own.id}/bandwidth_limit_rules/${rid}`, { bandwidth_limit_rule: { max_kbps: 200 } });
    assert.equal(fake.portQos.get(port.id)?.ingress?.maxKbps, 200);

    const inUse = await admin.delete(`/qos/policies/${own.id}`);
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.NeutronError.type, 'QosPolicyInUse');
    assert.equal(inUse.body.NeutronError.message, `QoS Policy ${own.id} is used by port ${port.id}.`);
    assert.equal((await admin.delete(`/qos/policies/${p.id}`)).body.NeutronError.message, `QoS Policy ${p.id} is used by network ${n.id}.`);

    await demo.put(`/ports/${port.id}`, { port: { qos_policy_id: null } });
    assert.equal(fake.portQos.get(port.id)?.egress?.maxKbps, 3000, 'back to the network\'s policy');
    await demo.put(`/networks/${n.id}`, { network: { qos_policy_id: null } });
    assert.equal(fake.portQos.has(port.id), false);
    assert.equal((await admin.delete(`/qos/policies/${own.id}`)).status, 204);
  });

  test('a policy the project cannot use, or none at all, is QosPolicyNotFound', async () => {
    const priv = (await admin.post('/qos/policies', { policy: { name: 'private' } })).body.policy;
    const n = await net('q2');
    for (const id of [priv.id, 'a0000000-0000-4000-8000-000000000000']) {
      const res = await demo.post('/ports', { port: { network_id: n.id, qos_policy_id: id } });
      assert.equal(res.status, 404);
      assert.equal(res.body.NeutronError.type, 'QosPolicyNotFound');
    }
    assert.equal((await demo.put(`/networks/${n.id}`, { network: { qos_policy_id: priv.id } })).body.NeutronError.type, 'QosPolicyNotFound');
    assert.equal((await demo.post('/ports', { port: { network_id: n.id, qos_policy_id: 'nope' } })).status, 400);
  });

  test('the extensions are listed as Neutron lists them', async () => {
    const aliases = (await demo.get('/extensions')).body.extensions.map((e: any) => e.alias);
    for (const a of ['qos', 'qos-default', 'qos-bw-limit-direction', 'qos-rule-type-details']) assert.ok(aliases.includes(a), a);
    assert.equal((await demo.get('/extensions/qos')).body.extension.updated, '2015-06-08T10:00:00-00:00');
  });
});
