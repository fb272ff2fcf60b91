import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeCloud } from '../../support/compute-server.js';

// Availability zones: 'nova' by default, zones from aggregates, detail for admins only.
let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let hosts: string[];

before(async () => {
  ({ cloud, admin, demo } = await computeCloud({ computeHosts: 2 }));
  hosts = cloud.drivers.hypervisor!.hosts();
});
after(async () => { await cloud.stop(); });

describe('availability zones', () => {
  test('every host is in nova at first', async () => {
    const r = await demo.get('/os-availability-zone');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }] });
  });

  test('detail is admin-only and lists hosts per zone', async () => {
    assert.equal((await demo.get('/os-availability-zone/detail')).status, 403);
    const agg = (await admin.post('/os-aggregates', { aggregate: { name: 'a', availability_zone: 'east' } })).body.aggregate;
    await admin.post(`/os-aggregates/${agg.id}/action`, { add_host: { host: hosts[1] } });
    const r = await admin.get('/os-availability-zone/detail');
    assert.equal(r.status, 200);
    const zones = Object.fromEntries(r.body.availabilityZoneInfo.map((z: any) => [z.zoneName, z]));
    assert.deepEqual(Object.keys(zones.east.hosts), [hosts[1]]);
    assert.deepEqual(Object.keys(zones.nova.hosts), [hosts[0]]);
    assert.equal(zones.east.hosts[hosts[1]]['nova-compute'].available, true);
    assert.ok(Object.values(zones.internal.hosts).some((svcs: any) => 'nova-scheduler' in svcs && 'nova-conductor' in svcs));
    assert.equal((await demo.get('/os-availability-zone')).body.availabilityZoneInfo.some((z: any) => z.zoneName === 'internal'), false);
  });

  test('a zone whose every nova-compute is disabled is unavailable', async () => {
    const svc = (await admin.at('2.53').get('/os-services?binary=nova-compute')).body.services.find((s: any) => s.host === hosts[1]);
    const r = await admin.at('2.53').put(`/os-services/${svc.id}`, { status: 'disabled' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const zones = (await demo.get('/os-availability-zone')).body.availabilityZoneInfo;
    assert.deepEqual(zones.find((z: any) => z.zoneName === 'east').zoneState, { available: false });
    assert.deepEqual(zones.find((z: any) => z.zoneName === 'nova').zoneState, { available: true });
  });
});
