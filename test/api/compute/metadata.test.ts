import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '../../support/cloud.js';
import { bootServer, computeFixture, networkId, type ComputeFixture } from '../../support/compute-server.js';

// The metadata service as a guest reaches it (the guest is found by its address on the named
// network; without the proxy's secret nothing is answered) through the network driver's proxy (the proxy adds
// the secret, the network and the guest's address): the EC2 tree with the floating IP as
// public-ipv4, the dated OpenStack versions, and the password a guest posts once (Nova's
// handle_password), which os-server-password then shows.

let f: ComputeFixture;
let neutron: Client;
let server: string;
let fixed: string;
let net: string;

before(async () => {
  f = await computeFixture('md.tiny');
  neutron = f.users.demo.network;
  net = await networkId(neutron, 'private');
  server = await bootServer(f, f.demo, 'md-vm', { networks: [{ uuid: net }] });
  const port = (await neutron.get(`/ports?device_id=${server}`)).body.ports[0];
  fixed = port.fixed_ips[0].ip_address;
});
after(async () => { await f.cloud.stop(); });

/** A request as the proxy in the network's DHCP namespace sends it for the guest at `from`. */
async function asGuest(path: string, init: { method?: string; body?: string; from?: string; secret?: string } = {}) {
  const res = await fetch(`${f.cloud.url}/compute/metadata${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'x-metadata-secret': init.secret ?? f.cloud.config.metadataSecret!, 'x-neutron-network-id': net, 'x-forwarded-for': init.from ?? fixed,
      ...(init.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: init.body,
  });
  return { status: res.status, text: await res.text() };
}

test('a guest reads its meta_data.json, user_data and EC2 keys; a wrong secret or address gets nothing', async () => {
  const key = (await f.demo.post('/os-keypairs', { keypair: { name: 'md-key' } })).body.keypair;
  const id = await bootServer(f, f.demo, 'md-vm', { networks: [{ uuid: net }], key_name: 'md-key', metadata: { role: 'web' }, user_data: Buffer.from('#!/bin/sh\necho hi\n').toString('base64') });
  const ip = (await f.demo.get(`/servers/${id}`)).body.server.addresses.private[0].addr;
  const proxy = new Client(`${f.cloud.url}/compute/metadata`);
  const as = (addr: string, secret = f.cloud.config.metadataSecret!) => ({ 'X-Forwarded-For': addr, 'X-Neutron-Network-ID': net, 'X-Metadata-Secret': secret });

  const md = await proxy.get('/openstack/latest/meta_data.json', as(ip));
  assert.equal(md.status, 200, JSON.stringify(md.body));
  assert.equal(md.body.uuid, id);
  assert.equal(md.body.name, 'md-vm');
  assert.deepEqual(md.body.meta, { role: 'web' });
  assert.equal(md.body.public_keys['md-key'], key.public_key);
  assert.equal((await proxy.get('/openstack/latest/user_data', as(ip))).body, '#!/bin/sh\necho hi\n');
  assert.equal((await proxy.get('/latest/meta-data/instance-id', as(ip))).body, id);
  assert.equal((await proxy.get('/latest/meta-data/public-keys/0/openssh-key', as(ip))).body, `${key.public_key}\n`);

  assert.equal((await proxy.get('/openstack/latest/meta_data.json', as(ip, 'x'.repeat(48)))).status, 403);
  assert.equal((await proxy.get('/openstack/latest/meta_data.json', { 'X-Forwarded-For': ip, 'X-Neutron-Network-ID': net })).status, 403);
  assert.equal((await proxy.get('/openstack/latest/meta_data.json', as('10.0.0.250'))).status, 404);
});

test('the EC2 tree: local-ipv4 is the guest\'s address, public-ipv4 its floating IP once it has one', async () => {
  const list = await asGuest('/latest/meta-data/');
  assert.equal(list.status, 200);
  for (const key of ['instance-id', 'local-ipv4', 'public-ipv4', 'instance-type', 'hostname']) assert.ok(list.text.split('\n').includes(key), key);
  assert.equal((await asGuest('/latest/meta-data/local-ipv4')).text, fixed);
  assert.equal((await asGuest('/latest/meta-data/instance-id')).text, server);
  assert.equal((await asGuest('/latest/meta-data/instance-type')).text, 'md.tiny');
  assert.equal((await asGuest('/latest/meta-data/public-ipv4')).text, '');

  const pub = await networkId(neutron, 'public');
  const port = (await neutron.get(`/ports?device_id=${server}`)).body.ports[0];
  const fip = await neutron.post('/floatingips', { floatingip: { floating_network_id: pub, port_id: port.id } });
  assert.equal(fip.status, 201, JSON.stringify(fip.body));
  assert.equal((await asGuest('/latest/meta-data/public-ipv4')).text, fip.body.floatingip.floating_ip_address);
  assert.equal((await asGuest('/latest/meta-data/no-such-key')).status, 404);
});

test('dated OpenStack versions answer as latest does; an unknown version is 404', async () => {
  const versions = (await asGuest('/openstack')).text.trim().split('\n');
  assert.ok(versions.includes('2013-10-17') && versions.at(-1) === 'latest', versions.join(','));
  const dated = await asGuest('/openstack/2013-10-17/meta_data.json');
  assert.equal(dated.status, 200);
  assert.equal(JSON.parse(dated.text).uuid, server);
  assert.deepEqual(JSON.parse(dated.text), JSON.parse((await asGuest('/openstack/latest/meta_data.json')).text));
  assert.equal((await asGuest('/openstack/1999-01-01/meta_data.json')).status, 404);
  assert.equal((await asGuest('/openstack/latest/meta_data.json', { secret: 'not-the-secret-of-this-cloud-at-all' })).status, 403);
});

test('a guest posts its password once; os-server-password shows it and clearing lets it post again', async () => {
  const data = 'x'.repeat(100);
  assert.equal((await asGuest('/openstack/2013-10-17/password', { method: 'POST', body: data })).status, 200);
  assert.equal((await f.demo.get(`/servers/${server}/os-server-password`)).body.password, data);
  assert.equal((await asGuest('/openstack/latest/password')).text, data);
  // NOTE: Nova's handle_password: set once; a second post is a conflict and changes nothing.
  assert.equal((await asGuest('/openstack/latest/password', { method: 'POST', body: 'other' })).status, 409);
  assert.equal((await f.demo.get(`/servers/${server}/os-server-password`)).body.password, data);
  assert.equal((await f.demo.delete(`/servers/${server}/os-server-password`)).status, 204);
  assert.equal((await asGuest('/openstack/latest/password', { method: 'POST', body: 'y'.repeat(257) })).status, 400);
  assert.equal((await f.demo.get(`/servers/${server}/os-server-password`)).body.password, '');
});
