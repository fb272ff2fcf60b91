import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Address scopes (address-scope): CRUD, subnet pools joining them, networks' derived scopes.

let cloud: TestCloud;
let demo: Client;
let admin: Client;

before(async () => {
  cloud = await startTestCloud();
  demo = await clientAs(cloud, 'network', 'demo');
  admin = await clientAs(cloud, 'network', 'admin');
});
after(async () => { await cloud.stop(); });

describe('address scopes', () => {
  test('create, show, list, update and delete with Neutron fields; the extension is listed', async () => {
    const c = await demo.post('/address-scopes', { address_scope: { name: 'as4', ip_version: 4 } });
    assert.equal(c.status, 201);
    const s = c.body.address_scope;
    assert.deepEqual(Object.keys(s).sort(), ['created_at', 'description', 'id', 'ip_version', 'name', 'project_id', 'revision_number', 'shared', 'tags', 'tenant_id', 'updated_at']);
    assert.equal(s.shared, false);
    assert.equal(s.ip_version, 4);
    assert.equal((await demo.get(`/address-scopes/${s.id}`)).body.address_scope.name, 'as4');
    assert.ok((await demo.get('/address-scopes?ip_version=4')).body.address_scopes.some((x: any) => x.id === s.id));
    const u = await demo.put(`/address-scopes/${s.id}`, { address_scope: { name: 'renamed' } });
    assert.equal(u.body.address_scope.name, 'renamed');
    assert.equal(u.body.address_scope.revision_number, 1);
    assert.equal((await demo.put(`/address-scopes/${s.id}`, { address_scope: { ip_version: 6 } })).status, 400);
    assert.equal((await demo.delete(`/address-scopes/${s.id}`)).status, 204);
    const gone = await demo.get(`/address-scopes/${s.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.NeutronError.type, 'AddressScopeNotFound');
    const ext = (await demo.get('/extensions/address-scope')).body.extension;
    assert.deepEqual(ext, { alias: 'address-scope', name: 'Address scope', description: 'Address scopes extension.', updated: '2015-07-26T10:00:00-00:00', links: [] });
  });

  test('bad input and policy: ip_version required and 4 or 6; shared only by admin; unsharing refused; others cannot see a private scope', async () => {
    const none = await demo.post('/address-scopes', { address_scope: { name: 'x' } });
    assert.equal(none.status, 400);
    assert.match(none.body.NeutronError.message, /Required attribute 'ip_version' not specified/);
    assert.equal((await demo.post('/address-scopes', { address_scope: { name: 'x', ip_version: 5 } })).status, 400);
    const shared = await demo.post('/address-scopes', { address_scope: { name: 'x', ip_version: 4, shared: true } });
    assert.equal(shared.status, 403);
    assert.equal(shared.body.NeutronError.type, 'PolicyNotAuthorized');
    const s = (await admin.post('/address-scopes', { address_scope: { name: 'pub', ip_version: 4, shared: true } })).body.address_scope;
    assert.equal((await demo.get(`/address-scopes/${s.id}`)).status, 200);
    const unshare = await admin.put(`/address-scopes/${s.id}`, { address_scope: { shared: false } });
    assert.equal(unshare.status, 400);
    assert.equal(unshare.body.NeutronError.type, 'AddressScopeUpdateError');
    const priv = (await admin.post('/address-scopes', { address_scope: { name: 'priv', ip_version: 4 } })).body.address_scope;
    assert.equal((await demo.get(`/address-scopes/${priv.id}`)).status, 404);
    assert.ok(!(await demo.get('/address-scopes')).body.address_scopes.some((x: any) => x.id === priv.id));
  });

  test('subnet pools join a scope of their IP version with unique prefixes; a scope in use is not deleted; networks show their scope', async () => {
    const s4 = (await demo.post('/address-scopes', { address_scope: { name: 's4', ip_version: 4 } })).body.address_scope;
    const s6 = (await demo.post('/address-scopes', { address_scope: { name: 's6', ip_version: 6 } })).body.address_scope;
    const wrong = await demo.post('/subnetpools', { subnetpool: { name: 'p', prefixes: ['10.90.0.0/16'], address_scope_id: s6.id } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.NeutronError.type, 'IllegalSubnetPoolIpVersionAssociationToAddressScope');
    const missing = await demo.post('/subnetpools', { subnetpool: { name: 'p', prefixes: ['10.90.0.0/16'], address_scope_id: '5e1f0000-0000-4000-8000-000000000000' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.type, 'AddressScopeNotFound');
    const pool = (await demo.post('/subnetpools', { subnetpool: { name: 'p', prefixes: ['10.90.0.0/16'], default_prefixlen: 24, address_scope_id: s4.id } }));
    assert.equal(pool.status, 201);
    assert.equal(pool.body.subnetpool.address_scope_id, s4.id);
    const overlap = await demo.post('/subnetpools', { subnetpool: { name: 'q', prefixes: ['10.90.5.0/24'], address_scope_id: s4.id } });
    assert.equal(overlap.status, 409);
    assert.equal(overlap.body.NeutronError.type, 'AddressScopePrefixConflict');
    const inUse = await demo.delete(`/address-scopes/${s4.id}`);
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.NeutronError.type, 'AddressScopeInUse');
    const other = (await admin.post('/address-scopes', { address_scope: { name: 'adm', ip_version: 4 } })).body.address_scope;
    const illegal = await demo.put(`/subnetpools/${pool.body.subnetpool.id}`, { subnetpool: { address_scope_id: other.id } });
    assert.equal(illegal.status, 400);
    assert.equal(illegal.body.NeutronError.type, 'IllegalSubnetPoolAssociationToAddressScope');

    const n = (await demo.post('/networks', { network: { name: 'scoped' } })).body.network;
    assert.equal(n.ipv4_address_scope, null);
    await demo.post('/subnets', { subnet: { network_id: n.id, ip_version: 4, subnetpool_id: pool.body.subnetpool.id } });
    const shown = (await demo.get(`/networks/${n.id}`)).body.network;
    assert.equal(shown.ipv4_address_scope, s4.id);
    assert.equal(shown.ipv6_address_scope, null);
    const cleared = await demo.put(`/subnetpools/${pool.body.subnetpool.id}`, { subnetpool: { address_scope_id: null } });
    assert.equal(cleared.body.subnetpool.address_scope_id, null);
    assert.equal((await demo.get(`/networks/${n.id}`)).body.network.ipv4_address_scope, null);
    assert.equal((await demo.delete(`/address-scopes/${s4.id}`)).status, 204);
  });
});
