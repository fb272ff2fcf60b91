import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Networks, subnets and the version documents, as Neutron (Zed) answers them.

let cloud: TestCloud;
let admin: Client;
let demo: Client;

before(async () => {
  cloud = await startTestCloud();
  admin = await clientAs(cloud, 'network', 'admin');
  demo = await clientAs(cloud, 'network', 'demo');
});
after(async () => { await cloud.stop(); });

describe('version discovery and extensions', () => {
  test('GET /networking/ lists v2.0; extensions name what is implemented', async () => {
    const root = await new Client(`${cloud.url}/networking`).get('/');
    assert.equal(root.status, 200);
    assert.equal(root.body.versions[0].id, 'v2.0');
    assert.equal(root.body.versions[0].status, 'CURRENT');
    const ext = await demo.get('/extensions');
    assert.equal(ext.status, 200);
    const aliases = ext.body.extensions.map((e: any) => e.alias);
    for (const a of ['router', 'external-net', 'security-group', 'quotas', 'provider', 'allowed-address-pairs', 'port-security', 'extra_dhcp_opt', 'extraroute', 'standard-attr-tag', 'standard-attr-revisions', 'subnet_allocation', 'network-ip-availability', 'rbac-policies', 'availability_zone']) {
      assert.ok(aliases.includes(a), a);
    }
    assert.equal((await demo.get('/extensions/router')).body.extension.alias, 'router');
    assert.equal((await demo.get('/extensions/nope')).status, 404);
  });
});

describe('networks', () => {
  test('create shows Neutron attributes; provider attributes only for admin', async () => {
    const r = await demo.post('/networks', { network: { name: 'n1' } });
    assert.equal(r.status, 201);
    const n = r.body.network;
    assert.equal(n.name, 'n1');
    assert.equal(n.admin_state_up, true);
    assert.equal(n.shared, false);
    assert.equal(n['router:external'], false);
    assert.equal(n.status, 'ACTIVE');
    assert.equal(n.mtu, 1450);
    assert.deepEqual(n.subnets, []);
    assert.equal(n.revision_number, 0);
    assert.equal(n.project_id, n.tenant_id);
    assert.ok(!('provider:network_type' in n));
    const shown = await admin.get(`/networks/${n.id}`);
    assert.equal(shown.body.network['provider:network_type'], 'vxlan');
    const upd = await demo.put(`/networks/${n.id}`, { network: { name: 'n1b' } });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.network.revision_number, 1);
    assert.equal((await demo.delete(`/networks/${n.id}`)).status, 204);
    const gone = await demo.get(`/networks/${n.id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body, { NeutronError: { type: 'NetworkNotFound', message: `Network ${n.id} could not be found.`, detail: '' } });
  });

  test('bad input is a 400 with NeutronError and creates nothing', async () => {
    const before = (await demo.get('/networks')).body.networks.length;
    const r = await demo.post('/networks', { network: { name: 'x', bogus: 1 } });
    assert.equal(r.status, 400);
    assert.equal(r.body.NeutronError.type, 'HTTPBadRequest');
    assert.match(r.body.NeutronError.message, /Unrecognized attribute\(s\) 'bogus'/);
    assert.equal((await demo.post('/networks', { network: { admin_state_up: 'maybe' } })).status, 400);
    assert.equal((await demo.post('/networks', {})).status, 400);
    assert.equal((await demo.get('/networks')).body.networks.length, before);
  });

  test('fields=, filters, sorting and pagination with networks_links', async () => {
    for (const name of ['pa', 'pb', 'pc']) await demo.post('/networks', { network: { name, tags: ['page'] } });
    const f = await demo.get('/networks?fields=id&fields=name&tags=page');
    assert.equal(f.body.networks.length, 3);
    assert.deepEqual(Object.keys(f.body.networks[0]).sort(), ['id', 'name']);
    const sorted = await demo.get('/networks?tags=page&sort_key=name&sort_dir=desc');
    assert.deepEqual(sorted.body.networks.map((n: any) => n.name), ['pc', 'pb', 'pa']);
    const p1 = await demo.get('/networks?tags=page&sort_key=name&sort_dir=asc&limit=2');
    assert.deepEqual(p1.body.networks.map((n: any) => n.name), ['pa', 'pb']);
    const next = p1.body.networks_links.find((l: any) => l.rel === 'next');
    assert.ok(next);
    const p2 = await demo.get(`/networks?${new URL(next.href).searchParams.toString()}`);
    assert.deepEqual(p2.body.networks.map((n: any) => n.name), ['pc']);
    assert.ok(p2.body.networks_links.find((l: any) => l.rel === 'previous'));
    assert.equal((await demo.get('/networks?name=pb')).body.networks.length, 1);
  });

  test('tags and If-Match revisions', async () => {
    const n = (await demo.post('/networks', { network: { name: 't' } })).body.network;
    assert.equal((await demo.put(`/networks/${n.id}/tags/red`)).status, 201);
    assert.deepEqual((await demo.get(`/networks/${n.id}/tags`)).body.tags, ['red']);
    assert.deepEqual((await demo.put(`/networks/${n.id}/tags`, { tags: ['a', 'b'] })).body.tags, ['a', 'b']);
    assert.equal((await demo.get(`/networks/${n.id}/tags/a`)).status, 204);
    assert.equal((await demo.delete(`/networks/${n.id}/tags/zzz`)).status, 404);
    assert.equal((await demo.delete(`/networks/${n.id}/tags`)).status, 204);
    const cur = (await demo.get(`/networks/${n.id}`)).body.network.revision_number;
    const stale = await demo.put(`/networks/${n.id}`, { network: { name: 'x' } }, { 'If-Match': `revision_number=${cur + 5}` });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.NeutronError.type, 'RevisionNumberConstraintFailed');
    assert.equal((await demo.put(`/networks/${n.id}`, { network: { name: 'x' } }, { 'If-Match': `revision_number=${cur}` })).status, 200);
  });
});

describe('subnets', () => {
  test('IPv4 defaults: gateway, pools, DHCP; overlap and bad CIDR are 400', async () => {
    const n = (await demo.post('/networks', { network: { name: 's' } })).body.network;
    const r = await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.20.0.0/24', dns_nameservers: ['8.8.8.8'] } });
    assert.equal(r.status, 201);
    const s = r.body.subnet;
    assert.equal(s.gateway_ip, '10.20.0.1');
    assert.deepEqual(s.allocation_pools, [{ start: '10.20.0.2', end: '10.20.0.254' }]);
    assert.equal(s.enable_dhcp, true);
    assert.deepEqual(s.dns_nameservers, ['8.8.8.8']);
    assert.deepEqual((await demo.get(`/networks/${n.id}`)).body.network.subnets, [s.id]);
    const overlap = await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.20.0.128/25' } });
    assert.equal(overlap.status, 400);
    assert.equal(overlap.body.NeutronError.message, `Invalid input for operation: Requested subnet with cidr: 10.20.0.128/25 for network: ${n.id} overlaps with another subnet.`);
    assert.equal((await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.300.0.0/24' } })).status, 400);
    assert.equal((await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.21.0.0/24', allocation_pools: [{ start: '10.22.0.2', end: '10.22.0.9' }] } })).status, 400);
    assert.equal((await demo.get(`/subnets?network_id=${n.id}`)).body.subnets.length, 1);
  });

  test('IPv6 SLAAC needs /64; mismatched modes are 400', async () => {
    const n = (await demo.post('/networks', { network: { name: 's6' } })).body.network;
    const ok = await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 6, cidr: '2001:db8:1::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' } });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.subnet.gateway_ip, '2001:db8:1::1');
    assert.equal((await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 6, cidr: '2001:db8:2::/80', ipv6_address_mode: 'slaac' } })).status, 400);
    assert.equal((await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 6, cidr: '2001:db8:3::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'dhcpv6-stateful' } })).status, 400);
    const port = await demo.post('/ports', { port: { network_id: n.id } });
    assert.match(port.body.port.fixed_ips[0].ip_address, /^2001:db8:1:0:f816:3eff:fe/);
  });

  test('binding:profile null is no profile, on create and update (dict-or-none)', async () => {
    const n = (await admin.post('/networks', { network: { name: 'bp' } })).body.network;
    const p = await admin.post('/ports', { port: { network_id: n.id, 'binding:profile': null } });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    assert.deepEqual(p.body.port['binding:profile'], {});
    await admin.put(`/ports/${p.body.port.id}`, { port: { 'binding:profile': { a: 'b' } } });
    const u = await admin.put(`/ports/${p.body.port.id}`, { port: { 'binding:profile': null } });
    assert.equal(u.status, 200);
    assert.deepEqual(u.body.port['binding:profile'], {});
    assert.equal((await admin.post('/ports', { port: { network_id: n.id, 'binding:profile': 'x' } })).status, 400);
  });

  test('subnet pools allocate prefixes', async () => {
    const pool = await admin.post('/subnetpools', { subnetpool: { name: 'pool', prefixes: ['10.100.0.0/16'], default_prefixlen: 26 } });
    assert.equal(pool.status, 201);
    const n = (await admin.post('/networks', { network: { name: 'sp' } })).body.network;
    const s = await admin.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, subnetpool_id: pool.body.subnetpool.id } });
    assert.equal(s.status, 201);
    assert.equal(s.body.subnet.cidr, '10.100.0.0/26');
    const s2 = await admin.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, subnetpool_id: pool.body.subnetpool.id, prefixlen: 28 } });
    assert.equal(s2.body.subnet.cidr, '10.100.0.64/28');
    assert.equal((await admin.delete(`/subnetpools/${pool.body.subnetpool.id}`)).status, 409);
  });
});
