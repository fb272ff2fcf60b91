import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client } from '../../support/cloud.js';
import { bootServer, computeFixture, networkId, waitStatus, type ComputeFixture } from '../../support/compute-server.js';

// os-interface: a server's ports, attach by network (a port compute makes, deleted on detach) or
// by port (the user's, unbound and kept on detach), Nova's 400/404/409, and what another project sees.

let f: ComputeFixture;
let neutron: Client;
let privateNet: string;

before(async () => {
  f = await computeFixture('if.tiny');
  neutron = f.users.demo.network;
  privateNet = await networkId(neutron, 'private');
});
after(async () => { await f.cloud.stop(); });

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
  assert.equal((await neutron.get(`/ports/${made}`)).status, 404);
  assert.equal((await f.demo.delete(`/servers/${id}/os-interface/${mine.id}`)).status, 202);
  const kept = (await neutron.get(`/ports/${mine.id}`)).body.port;
  assert.equal(kept.device_id, '');
  assert.equal(kept.device_owner, '');
  assert.deepEqual((await f.demo.get(`/servers/${id}/os-interface`)).body.interfaceAttachments.map((i: any) => i.port_id), [boot.port_id]);
  assert.equal((await f.demo.get(`/servers/${id}/os-interface/${mine.id}`)).status, 404);
  assert.equal((await f.demo.delete(`/servers/${id}/os-interface/${mine.id}`)).status, 404);
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
