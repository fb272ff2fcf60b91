import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FakeHypervisorDriver } from '../../../src/drivers/hypervisor/fake-hypervisor.js';
import type { Client } from '../../support/cloud.js';
import { bootServer, computeFixture, networkId, waitStatus, type ComputeFixture } from '../../support/compute-server.js';

// os-interface: a server's ports, attach by network (a port compute makes, deleted on detach) or
// by port (the user's, unbound and kept on detach), Nova's 400/404/409, and what another project sees.
// The guest gets (and loses) the NIC after the answer, as an instance action; the fake hypervisor
// shows it in the server's diagnostics.

let f: ComputeFixture;
let neutron: Client;
let privateNet: string;

before(async () => {
  f = await computeFixture('if.tiny');
  neutron = f.users.demo.network;
  privateNet = await networkId(neutron, 'private');
});
after(async () => { await f.cloud.stop(); });

/** Polls `probe` until it returns something truthy (the work after a 202 or 200 is not instant). */
async function until<T>(probe: () => Promise<T>, what: string, ms = 5000): Promise<T> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 10))) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`never: ${what}`);
  }
}

const macsSeen = async (id: string) => (await f.admin.at('2.48').get(`/servers/${id}/diagnostics`)).body.nic_details.map((n: any) => n.mac_address).sort();

/** The server's instance action `action` (the latest), with its events, once its event has finished. */
async function finishedAction(id: string, action: string): Promise<any> {
  return until(async () => {
    const list = (await f.admin.get(`/servers/${id}/os-instance-actions`)).body.instanceActions.filter((a: any) => a.action === action);
    if (!list.length) return undefined;
    const shown = (await f.admin.at('2.51').get(`/servers/${id}/os-instance-actions/${list[0].request_id}`)).body.instanceAction;
    return shown.events.length && shown.events.every((e: any) => e.finish_time) ? shown : undefined;
  }, `${action} finished`);
}

test('list, attach by network and by port, show, detach; the user\'s port is kept and unbound', async () => {
  const id = await bootServer(f, f.demo, 'if-vm', { networks: [{ uuid: privateNet }] });
  const first = await f.demo.get(`/servers/${id}/os-interface`);
  assert.equal(first.status, 200);
  assert.equal(first.body.interfaceAttachments.length, 1);
  const boot = first.body.interfaceAttachments[0];
  assert.deepEqual(Object.keys(boot).sort(), ['fixed_ips', 'mac_addr', 'net_id', 'port_id', 'port_state']);
  assert.equal(boot.net_id, privateNet);

  const byNet = await f.demo.post(`/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet } });
  assert.equal(byNet.status, 200, JSON.stringify(byNet.body));
  const made = byNet.body.interfaceAttachment.port_id;
  assert.equal((await neutron.get(`/ports/${made}`)).body.port.device_id, id);

  const mine = (await neutron.post('/ports', { port: { network_id: privateNet, name: 'brought' } })).body.port;
  const byPort = await f.demo.post(`/servers/${id}/os-interface`, { interfaceAttachment: { port_id: mine.id } });
  assert.equal(byPort.status, 200, JSON.stringify(byPort.body));
  assert.equal(byPort.body.interfaceAttachment.mac_addr, mine.mac_address);
  assert.equal((await f.demo.get(`/servers/${id}/os-interface`)).body.interfaceAttachments.length, 3);
  const shown = await f.demo.get(`/servers/${id}/os-interface/${mine.id}`);
  assert.equal(shown.body.interfaceAttachment.fixed_ips[0].ip_address, mine.fixed_ips[0].ip_address);
  const addrs = (await f.demo.get(`/servers/${id}`)).body.server.addresses.private.map((a: any) => a.addr);
  assert.ok(addrs.includes(mine.fixed_ips[0].ip_address));

  assert.equal((await f.demo.delete(`/servers/${id}/os-interface/${made}`)).status, 202);
  await until(async () => (await neutron.get(`/ports/${made}`)).status === 404, 'the port compute made is deleted');
  assert.equal((await f.demo.delete(`/servers/${id}/os-interface/${mine.id}`)).status, 202);
  await until(async () => (await neutron.get(`/ports/${mine.id}`)).body.port.device_id === '', 'the user\'s port is unbound');
  const kept = (await neutron.get(`/ports/${mine.id}`)).body.port;
  assert.equal(kept.device_id, '');
  assert.equal(kept.device_owner, '');
  assert.deepEqual((await f.demo.get(`/servers/${id}/os-interface`)).body.interfaceAttachments.map((i: any) => i.port_id), [boot.port_id]);
  assert.equal((await f.demo.get(`/servers/${id}/os-interface/${mine.id}`)).status, 404);
  assert.equal((await f.demo.delete(`/servers/${id}/os-interface/${mine.id}`)).status, 404);
});

test('the guest gets an attached NIC (its MAC in the diagnostics) and loses a detached one, each an instance action', async () => {
  const hv = f.cloud.drivers.hypervisor as FakeHypervisorDriver;
  const id = await bootServer(f, f.demo, 'if-guest', { networks: [{ uuid: privateNet }] });
  const bootMac = (await f.demo.get(`/servers/${id}/os-interface`)).body.interfaceAttachments[0].mac_addr;
  assert.deepEqual(await macsSeen(id), [bootMac]);

  const r = await f.demo.post(`/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const { port_id: portId, mac_addr: mac } = r.body.interfaceAttachment;
  const attached = await finishedAction(id, 'attach_interface');
  assert.deepEqual(attached.events.map((e: any) => [e.event, e.result]), [['compute_attach_interface', 'Success']]);
  assert.equal(attached.user_id, (await f.demo.get(`/servers/${id}`)).body.server.user_id);
  assert.deepEqual(await macsSeen(id), [bootMac, mac].sort(), 'the guest has the new NIC');
  assert.deepEqual(hv.nicsOf(id).map((n) => n.portId).slice(-1), [portId]);

  assert.equal((await f.demo.delete(`/servers/${id}/os-interface/${portId}`)).status, 202);
  const detached = await finishedAction(id, 'detach_interface');
  assert.deepEqual(detached.events.map((e: any) => [e.event, e.result]), [['compute_detach_interface', 'Success']]);
  assert.deepEqual(await macsSeen(id), [bootMac], 'the NIC is gone from the guest');
  assert.equal((await neutron.get(`/ports/${portId}`)).status, 404);

  // A stopped guest takes the NIC for its next start.
  await f.demo.post(`/servers/${id}/action`, { 'os-stop': null });
  await waitStatus(f.demo, id, 'SHUTOFF');
  const off = await f.demo.post(`/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet } });
  assert.equal(off.status, 200);
  await until(async () => hv.nicsOf(id).some((n) => n.macAddress === off.body.interfaceAttachment.mac_addr), 'the stopped guest has the NIC');
});

test('a NIC the hypervisor cannot plug: the action\'s event is an Error and the port does not stay attached', async () => {
  const hv = f.cloud.drivers.hypervisor as FakeHypervisorDriver;
  const id = await bootServer(f, f.demo, 'if-fail', { networks: [{ uuid: privateNet }] });
  const before = (await f.demo.get(`/servers/${id}/os-interface`)).body.interfaceAttachments;
  hv.failNext('attachInterface', 'fake hypervisor: no PCI slot left');
  const r = await f.demo.post(`/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet } });
  assert.equal(r.status, 200);
  const action = await finishedAction(id, 'attach_interface');
  assert.deepEqual(action.events.map((e: any) => [e.event, e.result]), [['compute_attach_interface', 'Error']]);
  assert.equal(action.message, 'Error');
  await until(async () => (await neutron.get(`/ports/${r.body.interfaceAttachment.port_id}`)).status === 404, 'the port is released');
  assert.deepEqual((await f.demo.get(`/servers/${id}/os-interface`)).body.interfaceAttachments, before);
  assert.equal((await f.demo.get(`/servers/${id}`)).body.server.status, 'ACTIVE');
});

test('deleting a server booted on the user\'s port keeps that port, unbound (Nova\'s preserve_on_delete); the ports compute made go', async () => {
  const mine = (await neutron.post('/ports', { port: { network_id: privateNet, name: 'boot-port' } })).body.port;
  const id = await bootServer(f, f.demo, 'if-keep', { networks: [{ port: mine.id }] });
  const byNet = await f.demo.post(`/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet } });
  const made = byNet.body.interfaceAttachment.port_id;
  assert.equal((await neutron.get(`/ports/${mine.id}`)).body.port.device_id, id);
  assert.equal((await f.demo.delete(`/servers/${id}`)).status, 204);
  for (let i = 0; i < 500 && (await f.demo.get(`/servers/${id}`)).status !== 404; i++) await new Promise((r) => setTimeout(r, 10));
  const kept = (await neutron.get(`/ports/${mine.id}`)).body.port;
  assert.deepEqual([kept.device_id, kept.device_owner], ['', '']);
  assert.equal((await neutron.get(`/ports/${made}`)).status, 404);
});

test('bad requests are 400, a busy server 409, another project 404, and nothing changes', async () => {
  const id = await bootServer(f, f.demo, 'if-bad', { networks: [{ uuid: privateNet }] });
  const before = (await f.demo.get(`/servers/${id}/os-interface`)).body.interfaceAttachments;
  const port = (await neutron.post('/ports', { port: { network_id: privateNet } })).body.port;
  for (const body of [
    { interfaceAttachment: { net_id: privateNet, port_id: port.id } },
    { interfaceAttachment: { net_id: 'not-a-uuid' } },
    { interfaceAttachment: { fixed_ips: [{ ip_address: '10.0.0.9' }] } },
    { interfaceAttachment: { bogus: 1 } },
    { other: {} },
  ]) {
    const r = await f.demo.post(`/servers/${id}/os-interface`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.ok(r.body.badRequest.message, JSON.stringify(r.body));
  }
  await f.demo.post(`/servers/${id}/action`, { suspend: null });
  await waitStatus(f.demo, id, 'SUSPENDED');
  const busy = await f.demo.post(`/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet } });
  assert.equal(busy.status, 409);
  assert.match(busy.body.conflictingRequest.message, /Cannot 'attach_interface' instance .* while it is in vm_state suspended/);
  assert.equal((await f.demo.delete(`/servers/${id}/os-interface/${before[0].port_id}`)).status, 409);
  const other = f.alt;
  assert.equal((await other.get(`/servers/${id}/os-interface`)).status, 404);
  assert.equal((await other.post(`/servers/${id}/os-interface`, { interfaceAttachment: { net_id: privateNet } })).status, 404);
  assert.deepEqual((await f.demo.get(`/servers/${id}/os-interface`)).body.interfaceAttachments, before);
  assert.equal((await neutron.get(`/ports/${port.id}`)).body.port.device_id, '');
});
