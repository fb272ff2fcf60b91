import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '../../support/cloud.js';
import { bootServer, computeFixture, networkId, type ComputeFixture } from '../../support/compute-server.js';

// The metadata API as the network driver's proxy calls it: the guest is found by its address on
// the named network; without the proxy's secret nothing is answered.

let f: ComputeFixture;
let privateNet: string;

before(async () => {
  f = await computeFixture('md.tiny');
  privateNet = await networkId(f.users.demo.network, 'private');
});
after(async () => { await f.cloud.stop(); });

test('a guest reads its meta_data.json, user_data and EC2 keys; a wrong secret or address gets nothing', async () => {
  const key = (await f.demo.post('/os-keypairs', { keypair: { name: 'md-key' } })).body.keypair;
  const id = await bootServer(f, f.demo, 'md-vm', { networks: [{ uuid: privateNet }], key_name: 'md-key', metadata: { role: 'web' }, user_data: Buffer.from('#!/bin/sh\necho hi\n').toString('base64') });
  const ip = (await f.demo.get(`/servers/${id}`)).body.server.addresses.private[0].addr;
  const proxy = new Client(`${f.cloud.url}/compute/metadata`);
  const as = (addr: string, secret = f.cloud.config.metadataSecret!) => ({ 'X-Forwarded-For': addr, 'X-Neutron-Network-ID': privateNet, 'X-Metadata-Secret': secret });

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
  assert.equal((await proxy.get('/openstack/latest/meta_data.json', { 'X-Forwarded-For': ip, 'X-Neutron-Network-ID': privateNet })).status, 403);
  assert.equal((await proxy.get('/openstack/latest/meta_data.json', as('10.0.0.250'))).status, 404);
});
