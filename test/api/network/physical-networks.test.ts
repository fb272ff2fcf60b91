import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientAs } from '../../support/clients.js';
import type { Client } from '../../support/cloud.js';
import { parseAnswerFile } from '../../../src/answer-file.js';

// Physical networks, type drivers and VNI ranges as configuration (ML2's flat_networks, type_drivers,
// tenant_network_types, vni_ranges), and a cloud seeded as Packstack's CONFIG_PROVISION_DEMO=n.

describe("Packstack's networking: extnet, Geneve tenant networks, VNIs 10:11, no demo", () => {
  let cloud: TestCloud;
  let admin: Client;
  before(async () => {
    cloud = await startTestCloud({
      networking: {
        typeDrivers: ['geneve', 'flat'], tenantNetworkTypes: ['geneve'], flatNetworks: ['extnet'], vniRanges: [[10, 11]],
        bridgeMappings: { extnet: 'br-ex' }, bridgeInterfaces: { 'br-ex': 'ens33' },
      },
      seed: { demo: false, publicNetwork: null },
    });
    admin = await clientAs(cloud, 'network', 'admin');
  });
  after(async () => { await cloud.stop(); });

  test('nothing is seeded: no networks, routers or subnet pools, no demo project or user', async () => {
    assert.deepEqual((await admin.get('/networks')).body.networks, []);
    assert.deepEqual((await admin.get('/routers')).body.routers, []);
    assert.deepEqual((await admin.get('/subnetpools')).body.subnetpools, []);
    const identity = await clientAs(cloud, 'identity', 'admin');
    const projects = (await identity.get('/projects')).body.projects.map((p: any) => p.name).sort();
    assert.deepEqual(projects, ['admin', 'service']);
    const users = (await identity.get('/users')).body.users.map((u: any) => u.name);
    assert.ok(!users.includes('demo') && !users.includes('alt_demo'), users.join(', '));
  });

  test('a flat network on the configured physical network; others are unknown', async () => {
    const ok = await admin.post('/networks', { network: { name: 'ext1', 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': 'extnet' } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.network['provider:physical_network'], 'extnet');
    const unknown = await admin.post('/networks', { network: { name: 'x', 'provider:network_type': 'flat', 'provider:physical_network': 'public' } });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.NeutronError.message, /physical_network 'public' unknown for flat provider network/);
  });

  test('a type without its type driver is not supported', async () => {
    const r = await admin.post('/networks', { network: { name: 'v', 'provider:network_type': 'vxlan' } });
    assert.equal(r.status, 400);
    assert.match(r.body.NeutronError.message, /network_type value 'vxlan' not supported/);
  });

  test('tenant networks are Geneve from the VNI range, then none is left (503)', async () => {
    const a = await admin.post('/networks', { network: { name: 't1' } });
    const b = await admin.post('/networks', { network: { name: 't2' } });
    assert.equal(a.status, 201);
    assert.deepEqual([a.body.network['provider:network_type'], a.body.network['provider:segmentation_id'], a.body.network.mtu], ['geneve', 10, 1442]);
    assert.equal(b.body.network['provider:segmentation_id'], 11);
    const c = await admin.post('/networks', { network: { name: 't3' } });
    assert.equal(c.status, 503);
    assert.equal(c.body.NeutronError.type, 'NoNetworkAvailable');
  });
});

describe("DevStack's local.conf network settings shape the seeded networks", () => {
  let cloud: TestCloud;
  let admin: Client;
  before(async () => {
    cloud = await startTestCloud({
      seed: {
        publicNetwork: { name: 'ext-net', physicalNetwork: 'public', cidr: '198.51.100.0/24', gateway: '198.51.100.254', pool: { start: '198.51.100.10', end: '198.51.100.20' } },
        privateNetwork: { cidr: '10.11.12.0/24', gateway: '10.11.12.1' },
      },
    });
    admin = await clientAs(cloud, 'network', 'admin');
  });
  after(async () => { await cloud.stop(); });

  test('the public network, its subnet and pool, and demo\'s private subnet are those named', async () => {
    const nets = (await admin.get('/networks')).body.networks;
    assert.deepEqual(nets.map((n: any) => n.name).sort(), ['ext-net', 'private']);
    const pub = nets.find((n: any) => n.name === 'ext-net');
    assert.equal(pub['router:external'], true);
    assert.equal(pub.is_default, true);
    const [sub] = (await admin.get(`/subnets?network_id=${pub.id}`)).body.subnets;
    assert.equal(sub.cidr, '198.51.100.0/24');
    assert.equal(sub.gateway_ip, '198.51.100.254');
    assert.deepEqual(sub.allocation_pools, [{ start: '198.51.100.10', end: '198.51.100.20' }]);
    const priv = nets.find((n: any) => n.name === 'private');
    const [psub] = (await admin.get(`/subnets?network_id=${priv.id}`)).body.subnets;
    assert.equal(psub.cidr, '10.11.12.0/24');
    const [router] = (await admin.get('/routers?name=router1')).body.routers;
    assert.equal(router.external_gateway_info.network_id, pub.id);
  });
});

describe("Packstack's CONFIG_PROVISION_DEMO=y: public on extnet with the float range, demo's private behind router1", () => {
  let cloud: TestCloud;
  let admin: Client;
  before(async () => {
    const { overrides } = parseAnswerFile('[general]\nCONFIG_PROVISION_DEMO=y\nCONFIG_PROVISION_DEMO_FLOATRANGE=198.51.100.0/24\n', 'answers.txt');
    cloud = await startTestCloud({ networking: overrides.networking, seed: overrides.seed });
    admin = await clientAs(cloud, 'network', 'admin');
  });
  after(async () => { await cloud.stop(); });

  test('the networks, subnets and router Packstack provisions', async () => {
    const nets = (await admin.get('/networks')).body.networks;
    assert.deepEqual(nets.map((n: any) => n.name).sort(), ['private', 'public']);
    const pub = nets.find((n: any) => n.name === 'public');
    assert.equal(pub['provider:physical_network'], 'extnet');
    const subnets = (await admin.get('/subnets')).body.subnets;
    assert.deepEqual(subnets.map((s: any) => `${s.name} ${s.cidr}`).sort(), ['private_subnet 10.0.0.0/24', 'public_subnet 198.51.100.0/24']);
    const priv = nets.find((n: any) => n.name === 'private');
    assert.equal(priv['provider:network_type'], 'geneve', "Packstack's tenant network type");
    const [router] = (await admin.get('/routers?name=router1')).body.routers;
    assert.equal(router.external_gateway_info.network_id, pub.id);
  });
});
