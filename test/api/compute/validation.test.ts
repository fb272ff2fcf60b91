import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bootServer, computeFixture, type ComputeFixture } from '../../support/compute-server.js';

// Request bodies checked by the routes' schemas, worded as Nova's validators.py words jsonschema's
// errors: "Invalid input for field/attribute <field>. Value: <value>. <message>", or the message
// alone for the body itself; per microversion where Nova's schema changes with it.

let f: ComputeFixture;
let serverId: string;
const mv = (v: string) => ({ 'OpenStack-API-Version': `compute ${v}` });

before(async () => {
  f = await computeFixture('val.tiny');
  serverId = await bootServer(f, f.demo, 'val');
});
after(async () => { await f?.cloud.stop(); });

async function bad(call: Promise<{ status: number; body: any }>, message: string) {
  const r = await call;
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.deepEqual(r.body, { badRequest: { code: 400, message } });
}

describe('Nova\'s wording', () => {
  test('required, additional properties, type, enum, pattern, too long, minimum', async () => {
    await bad(f.demo.post('/os-keypairs', {}), "'keypair' is a required property");
    await bad(
      f.demo.post('/os-keypairs', { keypair: { name: 'k', foo: 1 } }),
      "Invalid input for field/attribute keypair. Value: {'name': 'k', 'foo': 1}. Additional properties are not allowed ('foo' was unexpected)",
    );
    await bad(f.demo.post('/os-keypairs', { keypair: { name: 123 } }), "Invalid input for field/attribute name. Value: 123. 123 is not of type 'string'");
    await bad(
      f.demo.post('/os-keypairs', { keypair: { name: 'a@b' } }),
      "Invalid input for field/attribute name. Value: a@b. 'a@b' does not match '^(?! )[a-zA-Z0-9 _-]+(?<! )$'",
    );
    await bad(
      f.demo.post('/os-keypairs', { keypair: { name: 'k', type: 'rsa' } }, mv('2.2')),
      "Invalid input for field/attribute type. Value: rsa. 'rsa' is not one of ['ssh', 'x509']",
    );
    await bad(
      f.admin.post('/flavors', { flavor: { name: 'v', ram: 0, vcpus: 1, disk: 0 } }),
      'Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1',
    );
    await bad(
      f.admin.post('/os-aggregates', { aggregate: { name: 'x'.repeat(256) } }),
      `Invalid input for field/attribute name. Value: ${'x'.repeat(256)}. '${'x'.repeat(256)}' is too long`,
    );
    await bad(
      f.admin.put('/os-quota-sets/x', { quota_set: { cores: -2 } }),
      'Invalid input for field/attribute cores. Value: -2. -2 is less than the minimum of -1',
    );
  });

  test('metadata keys, a uuid, an empty list, too many properties', async () => {
    await bad(
      f.demo.post(`/servers/${serverId}/metadata`, { metadata: { 'a/b': 'x' } }),
      "Invalid input for field/attribute metadata. Value: {'a/b': 'x'}. 'a/b' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'",
    );
    await bad(
      f.demo.put(`/servers/${serverId}/metadata/a`, { meta: { a: '1', b: '2' } }),
      "Invalid input for field/attribute meta. Value: {'a': '1', 'b': '2'}. {'a': '1', 'b': '2'} has too many properties",
    );
    await bad(f.admin.post('/os-server-external-events', { events: [] }), 'Invalid input for field/attribute events. Value: []. [] should be non-empty');
    await bad(
      f.admin.post('/os-server-external-events', { events: [{ name: 'network-changed', server_uuid: 'x' }] }),
      "Invalid input for field/attribute server_uuid. Value: x. 'x' is not a 'uuid'",
    );
  });
});

test('no token is keystonemiddleware\'s 401 before any schema is looked at', async () => {
  const r = await fetch(`${f.cloud.url}/compute/v2.1/os-keypairs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(r.status, 401);
});

describe('per microversion', () => {
  test('a keypair needs its public key from 2.92; type comes with 2.2', async () => {
    await bad(
      f.demo.post('/os-keypairs', { keypair: { name: 'gen' } }, mv('2.92')),
      "Invalid input for field/attribute keypair. Value: {'name': 'gen'}. 'public_key' is a required property",
    );
    await bad(
      f.demo.post('/os-keypairs', { keypair: { name: 'k', type: 'ssh' } }),
      "Invalid input for field/attribute keypair. Value: {'name': 'k', 'type': 'ssh'}. Additional properties are not allowed ('type' was unexpected)",
    );
  });

  test('server groups: policies before 2.64, policy from it', async () => {
    await bad(
      f.demo.post('/os-server-groups', { server_group: { name: 'g', policy: 'affinity' } }),
      "Invalid input for field/attribute server_group. Value: {'name': 'g', 'policy': 'affinity'}. 'policies' is a required property",
    );
    assert.equal((await f.demo.post('/os-server-groups', { server_group: { name: 'g', policy: 'affinity' } }, mv('2.64'))).status, 200);
  });

  test('routes a microversion lacks answer 404 or 405 whatever the body', async () => {
    assert.equal((await f.demo.post('/os-security-groups', { nope: 1 }, mv('2.36'))).status, 404);
    assert.equal((await f.admin.put('/flavors/val.tiny', { nope: 1 })).status, 405);
    assert.equal((await f.admin.put('/os-hosts/x', { nope: 1 }, mv('2.43'))).status, 404);
  });
});

describe('server actions: each action\'s own schema', () => {
  test('known actions are checked, unknown ones are Nova\'s 404', async () => {
    const act = (body: unknown, h?: Record<string, string>) => f.demo.post(`/servers/${serverId}/action`, body, h);
    await bad(
      act({ reboot: { type: 'bogus' } }),
      "Invalid input for field/attribute type. Value: bogus. 'bogus' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']",
    );
    await bad(act({ reboot: {} }), "Invalid input for field/attribute reboot. Value: {}. 'type' is a required property");
    await bad(act({ pause: { x: 1 } }), "Invalid input for field/attribute pause. Value: {'x': 1}. {'x': 1} has too many properties");
    await bad(
      act({ createBackup: { name: 'b', backup_type: 'daily', rotation: -1 } }),
      'Invalid input for field/attribute rotation. Value: -1. -1 is less than the minimum of 0',
    );
    await bad(
      act({ rebuild: { imageRef: f.imageId, description: 'd' } }),
      `Invalid input for field/attribute rebuild. Value: {'imageRef': '${f.imageId}', 'description': 'd'}. `
        + "Additional properties are not allowed ('description' was unexpected)",
    );
    await bad(
      act({ unshelve: { availability_zone: 'nova' } }),
      "Invalid input for field/attribute unshelve. Value: {'availability_zone': 'nova'}. {'availability_zone': 'nova'} is not of type 'null'",
    );
    await bad(act({ reboot: { type: 'SOFT' }, pause: null }), "{'reboot': {'type': 'SOFT'}, 'pause': None} has too many properties");
    const r = await act({ bogusAction: {} });
    assert.equal(r.status, 404);
    assert.equal(r.body.itemNotFound.message, 'There is no such action: bogusAction');
  });
});
