import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { bootServer, computeFixture, networkId, type ComputeFixture } from '../../support/compute-server.js';

// Nova's os-security-groups and os-security-group-rules proxied to Neutron, a server's groups and
// add/removeSecurityGroup on its ports, the 404 from 2.36.

let f: ComputeFixture;
let admin: ComputeClient;
let demo: ComputeClient;
let demoNet: Client;
let privateNet: string;
let imageId: string;

const boot = (c: ComputeClient, name: string, extra: Record<string, unknown> = {}) => bootServer(f, c, name, { networks: [{ uuid: privateNet }], ...extra });

before(async () => {
  f = await computeFixture('sg.tiny');
  ({ admin, demo, imageId } = f);
  demoNet = f.users.demo.network;
  privateNet = await networkId(demoNet, 'private');
});
after(async () => { await f.cloud.stop(); });

describe('os-security-groups', () => {
  test('create, show, update, list, delete in Nova\'s shape', async () => {
    const c = await demo.post('/os-security-groups', { security_group: { name: 'web', description: 'web servers' } });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const g = c.body.security_group;
    assert.deepEqual(Object.keys(g).sort(), ['description', 'id', 'name', 'rules', 'tenant_id']);
    assert.deepEqual(g.rules, [], 'egress rules are not shown');
    const s = await demo.get(`/os-security-groups/${g.id}`);
    assert.deepEqual(s.body.security_group, g);
    const u = await demo.put(`/os-security-groups/${g.id}`, { security_group: { name: 'web2', description: 'd2' } });
    assert.equal(u.status, 200);
    assert.equal(u.body.security_group.name, 'web2');
    const l = await demo.get('/os-security-groups');
    assert.deepEqual(l.body.security_groups.map((x: any) => x.name).sort(), ['default', 'web2']);
    const page = await demo.get('/os-security-groups?limit=1&offset=1');
    assert.deepEqual(page.body.security_groups.map((x: any) => x.name), ['web2'], 'paged in creation order');
    assert.equal((await demo.get('/os-security-groups?limit=-1')).status, 400);
    assert.equal((await demo.delete(`/os-security-groups/${g.id}`)).status, 202);
    assert.equal((await demo.get(`/os-security-groups/${g.id}`)).status, 404);
  });

  test('Nova\'s errors: bad id 400, unknown 404, default group 400, body 400', async () => {
    assert.equal((await demo.get('/os-security-groups/not-a-uuid')).status, 400);
    assert.equal((await demo.get(`/os-security-groups/${crypto.randomUUID()}`)).body.itemNotFound.code, 404);
    assert.equal((await demo.delete('/os-security-groups')).status, 404);
    const def = (await demo.get('/os-security-groups')).body.security_groups.find((x: any) => x.name === 'default');
    const d = await demo.delete(`/os-security-groups/${def.id}`);
    assert.equal(d.status, 400, JSON.stringify(d.body));
    assert.equal((await demo.post('/os-security-groups', { security_group: { name: 'x' } })).status, 400);
    assert.equal((await demo.post('/os-security-groups', { security_group: { name: 'x'.repeat(256), description: '' } })).status, 400);
  });

  test('all_tenants for an admin only', async () => {
    await demo.get('/os-security-groups');
    const mine = (await admin.get('/os-security-groups')).body.security_groups;
    const all = (await admin.get('/os-security-groups?all_tenants=1')).body.security_groups;
    assert.ok(all.length > mine.length);
    const demoAll = (await demo.get('/os-security-groups?all_tenants=1')).body.security_groups;
    assert.ok(demoAll.every((g: any) => g.tenant_id === demoAll[0].tenant_id));
  });

  test('gone from 2.36', async () => {
    assert.equal((await demo.at('2.36').get('/os-security-groups')).status, 404);
    assert.equal((await demo.at('2.36').post('/os-security-group-rules', { security_group_rule: {} })).status, 404);
    assert.equal((await demo.at('2.35').get('/os-security-groups')).status, 200);
  });
});

describe('os-security-group-rules', () => {
  test('cidr and group rules, Nova\'s defaults, duplicates and validation', async () => {
    const g = (await demo.post('/os-security-groups', { security_group: { name: 'rules', description: '' } })).body.security_group;
    const src = (await demo.post('/os-security-groups', { security_group: { name: 'src', description: '' } })).body.security_group;
    const rule = (b: Record<string, unknown>) => demo.post('/os-security-group-rules', { security_group_rule: { parent_group_id: g.id, ...b } });
    const r1 = await rule({ ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr: '10.2.3.124/24' });
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.deepEqual({ ...r1.body.security_group_rule, id: 'x' }, { id: 'x', parent_group_id: g.id, ip_protocol: 'tcp', from_port: 22, to_port: 22, group: {}, ip_range: { cidr: '10.2.3.124/24' } });
    const r2 = await rule({ ip_protocol: 'tcp', group_id: src.id });
    assert.equal(r2.status, 200, JSON.stringify(r2.body));
    assert.deepEqual(r2.body.security_group_rule.group, { name: 'src', tenant_id: src.tenant_id });
    assert.deepEqual(r2.body.security_group_rule.ip_range, {});
    assert.equal(r2.body.security_group_rule.from_port, 1);
    assert.equal(r2.body.security_group_rule.to_port, 65535);
    const dup = await rule({ ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr: '10.2.3.124/24' });
    assert.equal(dup.status, 400);
    assert.match(dup.body.badRequest.message, /This rule already exists in group/);
    for (const bad of [
      { ip_protocol: 'tcp', from_port: 65536, to_port: 65536 }, { ip_protocol: 'tcp', from_port: 30, to_port: 20 },
      { ip_protocol: 'foo', from_port: 1, to_port: 2 }, { ip_protocol: 'tcp', from_port: 'a', to_port: 2 },
      { ip_protocol: 'tcp', from_port: 1, to_port: 2, cidr: '10.0.0.300/8' }, { ip_protocol: 'tcp' },
    ]) assert.equal((await rule(bad)).status, 400, JSON.stringify(bad));
    assert.equal((await demo.post('/os-security-group-rules', { security_group_rule: { parent_group_id: 'nope', ip_protocol: 'tcp', from_port: 1, to_port: 2 } })).status, 400);
    assert.equal((await demo.post('/os-security-group-rules', { security_group_rule: { parent_group_id: crypto.randomUUID(), ip_protocol: 'tcp', from_port: 1, to_port: 2 } })).status, 404);
    const shown = (await demo.get(`/os-security-groups/${g.id}`)).body.security_group;
    assert.equal(shown.rules.length, 2);
    // Deleting the source group drops the rule that named it.
    assert.equal((await demo.delete(`/os-security-groups/${src.id}`)).status, 202);
    assert.equal((await demo.get(`/os-security-groups/${g.id}`)).body.security_group.rules.length, 1);
    assert.equal((await demo.delete(`/os-security-group-rules/${r1.body.security_group_rule.id}`)).status, 202);
    assert.equal((await demo.delete(`/os-security-group-rules/${r1.body.security_group_rule.id}`)).status, 404);
    assert.equal((await demo.get(`/os-security-groups/${g.id}`)).body.security_group.rules.length, 0);
  });
});

describe('a server\'s security groups', () => {
  test('add, list, in use, remove; unknown group at create 400', async () => {
    const id = await boot(demo, 'sg-server');
    const g = (await demo.post('/os-security-groups', { security_group: { name: 'extra', description: '' } })).body.security_group;
    assert.equal((await demo.post(`/servers/${id}/action`, { addSecurityGroup: { name: 'extra' } })).status, 202);
    const l = await demo.get(`/servers/${id}/os-security-groups`);
    assert.deepEqual(l.body.security_groups.map((x: any) => x.name), ['default', 'extra']);
    const port = (await demoNet.get(`/ports?device_id=${id}`)).body.ports[0];
    assert.equal(port.security_groups.length, 2);
    assert.equal((await demo.delete(`/os-security-groups/${g.id}`)).status, 400, 'in use');
    assert.equal((await demo.post(`/servers/${id}/action`, { addSecurityGroup: { name: 'nope' } })).status, 404);
    assert.equal((await demo.post(`/servers/${id}/action`, { removeSecurityGroup: { name: 'extra' } })).status, 202);
    assert.equal((await demo.post(`/servers/${id}/action`, { removeSecurityGroup: { name: 'extra' } })).status, 404);
    assert.equal((await demo.post(`/servers/${id}/action`, { removeSecurityGroup: { name: 'default' } })).status, 202);
    const s = (await demo.get(`/servers/${id}`)).body.server;
    assert.equal('security_groups' in s, false, 'Nova leaves the key out');
    assert.deepEqual((await demo.get(`/servers/${id}/os-security-groups`)).body.security_groups, []);
    const withGroup = await boot(demo, 'sg-at-create', { security_groups: [{ name: 'extra' }] });
    assert.deepEqual((await demo.get(`/servers/${withGroup}/os-security-groups`)).body.security_groups.map((x: any) => x.name), ['extra']);
    const byId = await boot(demo, 'sg-by-id', { security_groups: [{ name: g.id }] });
    assert.deepEqual((await demo.get(`/servers/${byId}`)).body.server.security_groups, [{ name: 'extra' }], 'a group asked by id shows its name');
    const bad = await demo.post('/servers', { server: { name: 'x', imageRef: imageId, flavorRef: 'sg.tiny', networks: [{ uuid: privateNet }], security_groups: [{ name: 'missing' }] } });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
  });
});
