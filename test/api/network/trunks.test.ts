import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeNetworkDriver } from '../../../src/drivers/network/fake-network.js';
import { type Client, startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';

// Trunks (trunk, trunk-details): CRUD, subports, Neutron's validation and errors, and the binding
// of subports where the parent is bound (the fake driver wires them; a driver that cannot fails them).

let cloud: TestCloud;
let demo: Client;
let admin: Client;
let fake: FakeNetworkDriver;
let netA: any;
let netB: any;

before(async () => {
  cloud = await startTestCloud();
  demo = await clientAs(cloud, 'network', 'demo');
  admin = await clientAs(cloud, 'network', 'admin');
  fake = cloud.drivers.network as FakeNetworkDriver;
  netA = (await demo.post('/networks', { network: { name: 'trunk-a' } })).body.network;
  await demo.post('/subnets', { subnet: { network_id: netA.id, ip_version: 4, cidr: '10.81.0.0/24' } });
  netB = (await demo.post('/networks', { network: { name: 'trunk-b' } })).body.network;
  await demo.post('/subnets', { subnet: { network_id: netB.id, ip_version: 4, cidr: '10.82.0.0/24' } });
});
after(async () => { await cloud.stop(); });

const port = async (n = netA, body: Record<string, unknown> = {}) => (await demo.post('/ports', { port: { network_id: n.id, ...body } })).body.port;
const sub = (p: any, id: number) => ({ port_id: p.id, segmentation_type: 'vlan', segmentation_id: id });

describe('trunks', () => {
  test('create with subports, show, list, update, get/add/remove subports, delete; trunk_details on the parent', async () => {
    const parent = await port();
    const s1 = await port(netB);
    const s2 = await port(netB);
    const c = await demo.post('/trunks', { trunk: { name: 't1', port_id: parent.id, sub_ports: [sub(s1, 100)] } });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const t = c.body.trunk;
    assert.deepEqual(Object.keys(t).sort(), ['admin_state_up', 'created_at', 'description', 'id', 'name', 'port_id', 'project_id', 'revision_number',
      'status', 'sub_ports', 'tags', 'tenant_id', 'updated_at']);
    assert.equal(t.status, 'DOWN');
    assert.deepEqual(t.sub_ports, [sub(s1, 100)]);
    assert.equal((await demo.get(`/trunks/${t.id}`)).body.trunk.name, 't1');
    assert.ok((await demo.get(`/trunks?port_id=${parent.id}`)).body.trunks.some((x: any) => x.id === t.id));
    assert.equal((await demo.put(`/trunks/${t.id}`, { trunk: { name: 't2' } })).body.trunk.name, 't2');
    assert.equal((await demo.put(`/trunks/${t.id}`, { trunk: { port_id: s2.id } })).status, 400);

    const added = await demo.put(`/trunks/${t.id}/add_subports`, { sub_ports: [sub(s2, 200)] });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.deepEqual(added.body.sub_ports, [sub(s1, 100), sub(s2, 200)]);
    assert.deepEqual((await demo.get(`/trunks/${t.id}/get_subports`)).body, { sub_ports: [sub(s1, 100), sub(s2, 200)] });
    const shownSub = (await demo.get(`/ports/${s2.id}`)).body.port;
    assert.equal(shownSub.device_owner, 'trunk:subport');
    assert.equal(shownSub.device_id, t.id);
    const details = (await demo.get(`/ports/${parent.id}`)).body.port.trunk_details;
    assert.deepEqual(details, { trunk_id: t.id, sub_ports: [{ ...sub(s1, 100), mac_address: s1.mac_address }, { ...sub(s2, 200), mac_address: s2.mac_address }] });
    assert.equal((await demo.get(`/ports/${s1.id}`)).body.port.trunk_details, undefined);

    const removed = await demo.put(`/trunks/${t.id}/remove_subports`, { sub_ports: [{ port_id: s1.id }] });
    assert.deepEqual(removed.body.sub_ports, [sub(s2, 200)]);
    assert.equal((await demo.get(`/ports/${s1.id}`)).body.port.device_owner, '');
    const notSub = await demo.put(`/trunks/${t.id}/remove_subports`, { sub_ports: [{ port_id: s1.id }] });
    assert.equal(notSub.status, 404);
    assert.equal(notSub.body.NeutronError.type, 'SubPortNotFound');

    assert.equal((await demo.delete(`/trunks/${t.id}`)).status, 204);
    assert.equal((await demo.get(`/trunks/${t.id}`)).body.NeutronError.type, 'TrunkNotFound');
    assert.equal((await demo.get(`/ports/${s2.id}`)).body.port.device_owner, '', 'subports are released with the trunk');
    const ext = (await demo.get('/extensions/trunk')).body.extension;
    assert.deepEqual(ext, { alias: 'trunk', name: 'Trunk Extension', description: 'Provides support for trunk ports', updated: '2016-01-01T10:00:00-00:00', links: [] });
  });

  test('Neutron\'s validation: parent in use, subport a parent, types and ranges, duplicates, devices, missing ports', async () => {
    const parent = await port();
    const s1 = await port(netB);
    const t = (await demo.post('/trunks', { trunk: { port_id: parent.id } })).body.trunk;
    const again = await demo.post('/trunks', { trunk: { port_id: parent.id } });
    assert.equal(again.status, 409);
    assert.equal(again.body.NeutronError.type, 'ParentPortInUse');
    const other = await port();
    const parentAsSub = await demo.post('/trunks', { trunk: { port_id: other.id, sub_ports: [sub(parent, 5)] } });
    assert.equal(parentAsSub.status, 409);
    assert.equal(parentAsSub.body.NeutronError.type, 'ParentPortInUse');
    const self = await demo.post('/trunks', { trunk: { port_id: other.id, sub_ports: [sub(other, 5)] } });
    assert.equal(self.body.NeutronError.type, 'ParentPortInUse');

    const cases: [unknown, number, string][] = [
      [[{ port_id: s1.id, segmentation_type: 'vxlan', segmentation_id: 5 }], 400, "Unknown segmentation_type 'vxlan'"],
      [[sub(s1, 4095)], 400, "Segmentation ID '4095' is not in range"],
      [[sub(s1, 0)], 400, "Segmentation ID '0' is not in range"],
      [[{ port_id: s1.id, segmentation_type: 'vlan' }], 400, 'missing segmentation information'],
      [[{ port_id: 'nope', segmentation_type: 'vlan', segmentation_id: 3 }], 400, "Invalid UUID for subport: 'nope'"],
      [[sub(s1, 7), { ...sub(s1, 8) }], 400, 'Non unique UUID'],
      [[{ port_id: '7e000000-0000-4000-8000-000000000000', segmentation_type: 'vlan', segmentation_id: 3 }], 404, 'Port 7e000000-0000-4000-8000-000000000000 could not be found.'],
    ];
    for (const [subs, status, text] of cases) {
      const res = await demo.put(`/trunks/${t.id}/add_subports`, { sub_ports: subs });
      assert.equal(res.status, status, JSON.stringify(subs));
      assert.ok(res.body.NeutronError.message.includes(text), res.body.NeutronError.message);
    }
    assert.equal((await demo.put(`/trunks/${t.id}/add_subports`, { sub_ports: [sub(s1, 10)] })).status, 200);
    const s2 = await port(netB);
    const dupSeg = await demo.put(`/trunks/${t.id}/add_subports`, { sub_ports: [sub(s2, 10)] });
    assert.equal(dupSeg.status, 409);
    assert.equal(dupSeg.body.NeutronError.type, 'DuplicateSubPort');
    const t2 = (await demo.post('/trunks', { trunk: { port_id: other.id } })).body.trunk;
    const taken = await demo.put(`/trunks/${t2.id}/add_subports`, { sub_ports: [sub(s1, 10)] });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.NeutronError.type, 'TrunkPortInUse');
    const withDevice = await port(netB, { device_id: 'some-vm' });
    const busy = await demo.put(`/trunks/${t2.id}/add_subports`, { sub_ports: [sub(withDevice, 11)] });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.NeutronError.type, 'PortInUse');

    const delParent = await demo.delete(`/ports/${parent.id}`);
    assert.equal(delParent.status, 409);
    assert.equal(delParent.body.NeutronError.type, 'PortInUseAsTrunkParent');
    const delSub = await demo.delete(`/ports/${s1.id}`);
    assert.equal(delSub.status, 409);
    assert.equal(delSub.body.NeutronError.type, 'PortInUseAsSubPort');

    await demo.put(`/trunks/${t.id}`, { trunk: { admin_state_up: false } });
    const disabled = await demo.put(`/trunks/${t.id}/add_subports`, { sub_ports: [sub(s2, 12)] });
    assert.equal(disabled.status, 409);
    assert.equal(disabled.body.NeutronError.type, 'TrunkDisabled');
    assert.equal((await demo.delete(`/trunks/${t.id}`)).body.NeutronError.type, 'TrunkDisabled');
    await demo.put(`/trunks/${t.id}`, { trunk: { admin_state_up: true } });
    assert.equal((await demo.delete(`/trunks/${t.id}`)).status, 204);
    assert.equal((await admin.get(`/trunks/${t2.id}`)).status, 200);
  });

  test('binding the parent binds the subports: ACTIVE where the driver wires VLANs, DEGRADED with binding_failed where it cannot', async () => {
    const parent = await port();
    const s1 = await port(netB);
    const t = (await demo.post('/trunks', { trunk: { port_id: parent.id, sub_ports: [sub(s1, 300)] } })).body.trunk;
    await admin.put(`/ports/${parent.id}`, { port: { 'binding:host_id': 'host1', device_owner: 'compute:nova', device_id: 'vm-t' } });
    assert.equal((await demo.get(`/trunks/${t.id}`)).body.trunk.status, 'ACTIVE');
    const bound = (await admin.get(`/ports/${s1.id}`)).body.port;
    assert.deepEqual([bound['binding:host_id'], bound['binding:vif_type'], bound.status], ['host1', 'bridge', 'ACTIVE']);
    assert.deepEqual(fake.trunks.get(parent.id)?.subports, [{ portId: s1.id, networkId: netB.id, macAddress: s1.mac_address, segmentationType: 'vlan', segmentationId: 300 }]);

    // A host without 802.1Q: the driver refuses, and Neutron's failed binding shows.
    const s2 = await port(netB);
    fake.failNext = 'this host has no 802.1Q VLAN devices';
    const added = await demo.put(`/trunks/${t.id}/add_subports`, { sub_ports: [sub(s2, 301)] });
    assert.equal(added.status, 200);
    assert.equal(added.body.status, 'DEGRADED');
    const failed = (await admin.get(`/ports/${s2.id}`)).body.port;
    assert.deepEqual([failed['binding:vif_type'], failed.status], ['binding_failed', 'DOWN']);

    await demo.put(`/trunks/${t.id}/remove_subports`, { sub_ports: [{ port_id: s2.id }] });
    assert.equal((await demo.get(`/trunks/${t.id}`)).body.trunk.status, 'ACTIVE');
    await admin.put(`/ports/${parent.id}`, { port: { 'binding:host_id': '' } });
    assert.equal((await demo.get(`/trunks/${t.id}`)).body.trunk.status, 'DOWN');
    assert.equal((await admin.get(`/ports/${s1.id}`)).body.port['binding:vif_type'], 'unbound');
    assert.equal(fake.trunks.has(parent.id), false, 'the driver unwires the subports');
  });
});
