import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient, PlacementClient } from '../../support/clients.js';
import { computeCloud } from '../../support/compute-server.js';

// Host aggregates as Nova v2.1 answers them, and their membership mirrored into Placement.
let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let placement: PlacementClient;
let hosts: string[];

before(async () => {
  const c = await computeCloud({ computeHosts: 2 });
  ({ cloud, admin, demo } = c);
  placement = c.users.admin.placement.at('1.19');
  hosts = cloud.drivers.hypervisor!.hosts();
});
after(async () => { await cloud.stop(); });

describe('aggregates', () => {
  test('create, show, update, delete', async () => {
    let r = await demo.get('/os-aggregates');
    assert.equal(r.status, 403);
    r = await admin.at('2.41').post('/os-aggregates', { aggregate: { name: 'agg1', availability_zone: 'az1' } });
    assert.equal(r.status, 200);
    const a = r.body.aggregate;
    assert.deepEqual(Object.keys(a).sort(), ['availability_zone', 'created_at', 'deleted', 'deleted_at', 'id', 'name', 'updated_at', 'uuid']);
    assert.equal(a.availability_zone, 'az1');
    assert.equal(typeof a.id, 'number');
    r = await admin.post('/os-aggregates', { aggregate: { name: 'agg1' } });
    assert.equal(r.status, 409);
    assert.equal(r.body.conflictingRequest.message, 'Aggregate agg1 already exists.');
    r = await admin.post('/os-aggregates', { aggregate: { name: '' } });
    assert.equal(r.status, 400);
    r = await admin.get(`/os-aggregates/${a.id}`);
    assert.deepEqual(r.body.aggregate.metadata, { availability_zone: 'az1' });
    assert.deepEqual(r.body.aggregate.hosts, []);
    assert.equal('uuid' in r.body.aggregate, false);
    r = await admin.put(`/os-aggregates/${a.id}`, { aggregate: { name: 'agg1-new', availability_zone: 'az2' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.aggregate.name, 'agg1-new');
    assert.equal(r.body.aggregate.availability_zone, 'az2');
    r = await admin.get('/os-aggregates/9999');
    assert.equal(r.status, 404);
    assert.equal(r.body.itemNotFound.message, 'Aggregate 9999 could not be found.');
    assert.equal((await admin.delete(`/os-aggregates/${a.id}`)).status, 200);
    assert.equal((await admin.get(`/os-aggregates/${a.id}`)).status, 404);
  });

  test('hosts, metadata, AZ conflicts and Placement', async () => {
    const a = (await admin.at('2.41').post('/os-aggregates', { aggregate: { name: 'h1', availability_zone: 'zone-a' } })).body.aggregate;
    const b = (await admin.at('2.41').post('/os-aggregates', { aggregate: { name: 'h2' } })).body.aggregate;
    let r = await admin.post(`/os-aggregates/${a.id}/action`, { add_host: { host: hosts[0] } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.aggregate.hosts, [hosts[0]]);
    r = await admin.post(`/os-aggregates/${a.id}/action`, { add_host: { host: hosts[0] } });
    assert.equal(r.status, 409);
    r = await admin.post(`/os-aggregates/${a.id}/action`, { add_host: { host: 'nope' } });
    assert.equal(r.status, 404);
    assert.equal(r.body.itemNotFound.message, 'Compute host nope could not be found.');
    r = await admin.post(`/os-aggregates/${b.id}/action`, { add_host: { host: hosts[0] } });
    assert.equal(r.status, 200, 'an aggregate without a zone may share the host');
    r = await admin.post(`/os-aggregates/${b.id}/action`, { set_metadata: { metadata: { availability_zone: 'zone-b', foo: 'bar' } } });
    assert.equal(r.status, 400);
    r = await admin.post(`/os-aggregates/${b.id}/action`, { set_metadata: { metadata: { foo: 'bar' } } });
    assert.deepEqual(r.body.aggregate.metadata, { foo: 'bar' });
    r = await admin.post(`/os-aggregates/${b.id}/action`, { set_metadata: { metadata: { foo: null } } });
    assert.deepEqual(r.body.aggregate.metadata, {});

    // Placement sees the host's provider in both aggregates.
    const rps = (await placement.get(`/resource_providers?name=${hosts[0]}`)).body.resource_providers;
    const aggs = (await placement.get(`/resource_providers/${rps[0].uuid}/aggregates`)).body.aggregates;
    assert.deepEqual(aggs.sort(), [a.uuid, b.uuid].sort());

    r = await admin.get('/os-availability-zone');
    assert.deepEqual(r.body.availabilityZoneInfo.map((z: any) => z.zoneName), ['nova', 'zone-a']);
    r = await admin.delete(`/os-aggregates/${a.id}`);
    assert.equal(r.status, 400);
    r = await admin.post(`/os-aggregates/${a.id}/action`, { remove_host: { host: hosts[1] } });
    assert.equal(r.status, 404);
    r = await admin.post(`/os-aggregates/${a.id}/action`, { remove_host: { host: hosts[0] } });
    assert.deepEqual(r.body.aggregate.hosts, []);
    const after = (await placement.get(`/resource_providers/${rps[0].uuid}/aggregates`)).body.aggregates;
    assert.deepEqual(after, [b.uuid]);
  });
});
