import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Metadata definitions: namespaces (admin writes, visibility for reads), properties, objects,
// tags and resource-type associations, with Glance's messages.

let cloud: TestCloud;
let admin: Client;
let demo: Client;

before(async () => {
  cloud = await startTestCloud({ services: ['identity', 'image'] });
  admin = await clientAs(cloud, 'image', 'admin');
  demo = await clientAs(cloud, 'image', 'demo');
});
after(async () => { await cloud.stop(); });

describe('metadefs', () => {
  test('namespaces: create (admin only), show, list by visibility, protected delete 403, update, delete', async () => {
    const types = (await demo.get('/v2/metadefs/resource_types')).body.resource_types.map((r: any) => r.name);
    assert.ok(types.includes('OS::Glance::Image'));
    assert.equal((await demo.post('/v2/metadefs/namespaces', { namespace: 'Demo::Nope' })).status, 403);
    const r = await admin.post('/v2/metadefs/namespaces', {
      namespace: 'Test::One', display_name: 'One', description: 'd', visibility: 'private', protected: true,
      resource_type_associations: [{ name: 'OS::Glance::Image', prefix: 'hw_' }],
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.self, '/v2/metadefs/namespaces/Test::One');
    assert.equal(r.body.schema, '/v2/schemas/metadefs/namespace');
    assert.equal(r.body.resource_type_associations[0].prefix, 'hw_');
    assert.equal((await admin.post('/v2/metadefs/namespaces', { namespace: 'Test::One' })).status, 409);
    assert.equal((await admin.post('/v2/metadefs/namespaces', { display_name: 'x' })).status, 400);
    // Private: the demo project does not see it.
    assert.equal((await demo.get('/v2/metadefs/namespaces/Test::One')).status, 404);
    assert.ok(!(await demo.get('/v2/metadefs/namespaces')).body.namespaces.some((n: any) => n.namespace === 'Test::One'));
    const del = await admin.delete('/v2/metadefs/namespaces/Test::One');
    assert.equal(del.status, 403);
    assert.match(del.body.message, /Metadata definition namespace Test::One is protected and cannot be deleted\./);
    const up = await admin.put('/v2/metadefs/namespaces/Test::One', { namespace: 'Test::One', visibility: 'public', protected: false });
    assert.equal(up.status, 200);
    assert.equal(up.body.visibility, 'public');
    assert.equal((await demo.get('/v2/metadefs/namespaces/Test::One')).status, 200);
    assert.equal((await demo.delete('/v2/metadefs/namespaces/Test::One')).status, 403);
    assert.equal((await admin.delete('/v2/metadefs/namespaces/Test::One')).status, 204);
    const gone = await admin.get('/v2/metadefs/namespaces/Test::One');
    assert.equal(gone.status, 404);
    assert.match(gone.body.message, /Metadata definition namespace=Test::One was not found\./);
  });

  test('properties, objects, tags and associations inside a namespace', async () => {
    await admin.post('/v2/metadefs/namespaces', { namespace: 'Test::Two', visibility: 'public' });
    const ns = '/v2/metadefs/namespaces/Test::Two';
    const p = await admin.post(`${ns}/properties`, { name: 'hypervisor_type', title: 'Hypervisor', type: 'string', enum: ['kvm', 'qemu'] });
    assert.equal(p.status, 201);
    assert.deepEqual(p.body, { name: 'hypervisor_type', title: 'Hypervisor', type: 'string', enum: ['kvm', 'qemu'] });
    assert.equal((await admin.post(`${ns}/properties`, { name: 'x', type: 'string' })).status, 400);
    assert.equal((await demo.get(`${ns}/properties/hypervisor_type`)).body.title, 'Hypervisor');
    assert.equal((await admin.put(`${ns}/properties/hypervisor_type`, { name: 'hypervisor_type', title: 'HV', type: 'string' })).body.title, 'HV');
    assert.deepEqual(Object.keys((await demo.get(`${ns}/properties`)).body.properties), ['hypervisor_type']);
    assert.equal((await admin.delete(`${ns}/properties/hypervisor_type`)).status, 204);
    assert.equal((await admin.get(`${ns}/properties/hypervisor_type`)).status, 404);

    const o = await admin.post(`${ns}/objects`, { name: 'CPU Limits', description: 'cpu' });
    assert.equal(o.status, 201);
    assert.equal(o.body.self, '/v2/metadefs/namespaces/Test::Two/objects/CPU Limits');
    assert.equal((await admin.put(`${ns}/objects/CPU%20Limits`, { name: 'CPU' })).body.name, 'CPU');
    assert.deepEqual((await demo.get(`${ns}/objects`)).body.objects.map((x: any) => x.name), ['CPU']);
    assert.equal((await admin.delete(`${ns}/objects/CPU`)).status, 204);

    const t = await admin.post(`${ns}/tags`, { tags: [{ name: 'a' }, { name: 'b' }] });
    assert.equal(t.status, 201);
    assert.deepEqual(t.body, { tags: [{ name: 'a' }, { name: 'b' }] });
    assert.equal((await admin.post(`${ns}/tags/A`)).status, 409);
    assert.equal((await admin.post(`${ns}/tags/c`)).status, 201);
    assert.equal((await admin.put(`${ns}/tags/c`, { name: 'd' })).body.name, 'd');
    assert.deepEqual((await demo.get(`${ns}/tags`)).body.tags.map((x: any) => x.name), ['a', 'b', 'd']);
    assert.equal((await admin.delete(`${ns}/tags`)).status, 204);
    assert.deepEqual((await demo.get(`${ns}/tags`)).body.tags, []);

    const a = await admin.post(`${ns}/resource_types`, { name: 'OS::Nova::Flavor', prefix: 'hw:' });
    assert.equal(a.status, 201);
    assert.equal(a.body.name, 'OS::Nova::Flavor');
    assert.equal((await admin.post(`${ns}/resource_types`, { name: 'OS::Nova::Flavor' })).status, 409);
    assert.equal((await admin.post(`${ns}/resource_types`, { name: 'No::Such' })).status, 404);
    assert.deepEqual((await demo.get(`${ns}/resource_types`)).body.resource_type_associations.map((x: any) => x.name), ['OS::Nova::Flavor']);
    assert.equal((await admin.delete(`${ns}/resource_types/OS::Nova::Flavor`)).status, 204);
    assert.equal((await admin.delete(`${ns}/resource_types/OS::Nova::Flavor`)).status, 404);
  });
});
