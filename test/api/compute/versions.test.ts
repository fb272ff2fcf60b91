import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, type TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeCloud, type ComputeCloud } from '../../support/compute-server.js';

// Version discovery and microversion negotiation as Nova answers them.
let cloud: TestCloud;
let demo: ComputeClient;
let users: ComputeCloud['users'];
let anon: Client;

before(async () => {
  ({ cloud, demo, users } = await computeCloud());
  anon = new Client(`${cloud.url}/compute`);
});
after(async () => { await cloud.stop(); });

describe('compute versions', () => {
  test('GET /compute lists v2.0 and v2.1 without a token', async () => {
    const r = await anon.get('/');
    assert.equal(r.status, 200);
    const ids = r.body.versions.map((v: any) => v.id);
    assert.deepEqual(ids, ['v2.0', 'v2.1']);
    const v21 = r.body.versions[1];
    assert.equal(v21.status, 'CURRENT');
    assert.equal(v21.min_version, '2.1');
    assert.equal(v21.links[0].href, `${cloud.url}/compute/v2.1/`);
  });

  test('GET /compute/v2.1 describes the version', async () => {
    const r = await anon.get('/v2.1');
    assert.equal(r.status, 200);
    assert.equal(r.body.version.id, 'v2.1');
    assert.equal(r.body.version.version, '2.96');
    assert.equal(r.body.version['media-types'][0].type, 'application/vnd.openstack.compute+json;version=2.1');
  });

  test('the catalog holds compute at /compute/v2.1', async () => {
    const r = await users.demo.identity.get('/auth/catalog');
    const compute = r.body.catalog.find((s: any) => s.type === 'compute');
    assert.equal(compute.name, 'nova');
    assert.equal(compute.endpoints[0].url, `${cloud.url}/compute/v2.1`);
  });

  test('microversions are negotiated and echoed', async () => {
    let r = await demo.get('/flavors');
    assert.equal(r.headers.get('openstack-api-version'), 'compute 2.1');
    assert.equal(r.headers.get('x-openstack-nova-api-version'), '2.1');
    assert.match(r.headers.get('vary') ?? '', /OpenStack-API-Version/);
    r = await demo.at('2.55').get('/flavors');
    assert.equal(r.headers.get('openstack-api-version'), 'compute 2.55');
    r = await demo.get('/flavors', { 'X-OpenStack-Nova-API-Version': '2.10' });
    assert.equal(r.headers.get('x-openstack-nova-api-version'), '2.10');
    r = await demo.at('latest').get('/flavors');
    assert.equal(r.headers.get('openstack-api-version'), 'compute 2.96');
  });

  test('an out of range version is 406, a malformed one 400', async () => {
    let r = await demo.at('2.200').get('/flavors');
    assert.equal(r.status, 406);
    assert.equal(r.body.computeFault.code, 406);
    assert.match(r.body.computeFault.message, /Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.96./);
    r = await demo.at('2.a').get('/flavors');
    assert.equal(r.status, 400);
    assert.ok(r.body.badRequest);
  });

  test('no token is keystonemiddleware\'s 401', async () => {
    const r = await new Client(`${cloud.url}/compute/v2.1`).get('/servers');
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Keystone uri=/);
  });
});
