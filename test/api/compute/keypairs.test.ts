import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TestCloud } from '../../support/cloud.js';
import type { ComputeClient } from '../../support/clients.js';
import { computeCloud } from '../../support/compute-server.js';

// Key pairs as Nova v2.1 answers them: generation (ssh-rsa, x509), import, fingerprints,
// per-user visibility, user_id for admins (2.10), pagination (2.35), no generation from 2.92.
let cloud: TestCloud;
let admin: ComputeClient;
let demo: ComputeClient;
let alt: ComputeClient;
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host';

before(async () => {
  ({ cloud, admin, demo, alt } = await computeCloud());
});
after(async () => { await cloud.stop(); });

describe('keypairs', () => {
  test('generate at 2.1: 200, ssh-rsa with a private key once, md5 fingerprint', async () => {
    const r = await demo.post('/os-keypairs', { keypair: { name: 'gen' } });
    assert.equal(r.status, 200);
    const kp = r.body.keypair;
    assert.match(kp.public_key, /^ssh-rsa AAAA\S+ Generated-by-Nova$/);
    assert.match(kp.private_key, /^-----BEGIN RSA PRIVATE KEY-----/);
    const blob = Buffer.from(kp.public_key.split(' ')[1], 'base64');
    assert.equal(kp.fingerprint, createHash('md5').update(blob).digest('hex').match(/../g)!.join(':'));
    assert.equal('type' in kp, false);
    const s = await demo.get('/os-keypairs/gen');
    assert.equal(s.status, 200);
    assert.equal(s.body.keypair.private_key, undefined);
    assert.equal(s.body.keypair.deleted, false);
    assert.equal(typeof s.body.keypair.id, 'number');
    assert.equal((await demo.delete('/os-keypairs/gen')).status, 202);
    assert.equal((await demo.get('/os-keypairs/gen')).status, 404);
  });

  test('import, duplicates, bad keys and names', async () => {
    let r = await demo.at('2.2').post('/os-keypairs', { keypair: { name: 'ed', public_key: ED25519 } });
    assert.equal(r.status, 201);
    assert.equal(r.body.keypair.type, 'ssh');
    assert.equal(r.body.keypair.fingerprint, createHash('md5').update(Buffer.from(ED25519.split(' ')[1]!, 'base64')).digest('hex').match(/../g)!.join(':'));
    r = await demo.post('/os-keypairs', { keypair: { name: 'ed', public_key: ED25519 } });
    assert.equal(r.status, 409);
    assert.equal(r.body.conflictingRequest.message, "Key pair 'ed' already exists.");
    r = await demo.post('/os-keypairs', { keypair: { name: 'bad', public_key: 'ssh-rsa not-a-key' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.badRequest.message, 'Keypair data is invalid: failed to generate fingerprint');
    r = await demo.post('/os-keypairs', { keypair: { name: 'bad/name' } });
    assert.equal(r.status, 400);
    r = await demo.post('/os-keypairs', { keypair: { name: '' } });
    assert.equal(r.status, 400);
    r = await demo.post('/os-keypairs', { keypair: { name: 'x', type: 'x509' } });
    assert.equal(r.status, 400, 'type is unknown before 2.2');
    r = await demo.at('2.2').get('/os-keypairs');
    assert.deepEqual(r.body.keypairs.map((k: any) => [k.keypair.name, k.keypair.type]), [['ed', 'ssh']]);
    assert.equal((await demo.at('2.2').delete('/os-keypairs/ed')).status, 204);
  });

  test('x509 generation from 2.2: sha1 fingerprint of the certificate', async () => {
    const r = await demo.at('2.2').post('/os-keypairs', { keypair: { name: 'cert', type: 'x509' } });
    assert.equal(r.status, 201);
    const cert = new X509Certificate(r.body.keypair.public_key);
    assert.equal(r.body.keypair.fingerprint, cert.fingerprint.toLowerCase());
    assert.equal(r.body.keypair.type, 'x509');
    assert.ok(r.body.keypair.private_key);
  });

  test('key pairs are per user; admins use user_id from 2.10', async () => {
    await demo.post('/os-keypairs', { keypair: { name: 'mine', public_key: ED25519 } });
    assert.equal((await alt.get('/os-keypairs/mine')).status, 404);
    assert.ok(!(await alt.get('/os-keypairs')).body.keypairs.some((k: any) => k.keypair.name === 'mine'));
    const userId = (await demo.get('/os-keypairs/mine')).body.keypair.user_id;
    let r = await admin.at('2.10').get(`/os-keypairs/mine?user_id=${userId}`);
    assert.equal(r.status, 200);
    r = await alt.at('2.10').get(`/os-keypairs/mine?user_id=${userId}`);
    assert.equal(r.status, 403);
    r = await admin.at('2.10').post('/os-keypairs', { keypair: { name: 'forit', public_key: ED25519, user_id: userId } });
    assert.equal(r.status, 201);
    assert.equal(r.body.keypair.user_id, userId);
    assert.equal((await demo.get('/os-keypairs/forit')).status, 200);
    r = await alt.at('2.10').post('/os-keypairs', { keypair: { name: 'nope', public_key: ED25519, user_id: userId } });
    assert.equal(r.status, 403);
    assert.equal((await admin.at('2.10').delete(`/os-keypairs/forit?user_id=${userId}`)).status, 204);
  });

  test('pagination from 2.35, generation removed in 2.92', async () => {
    for (const n of ['p1', 'p2', 'p3']) await alt.post('/os-keypairs', { keypair: { name: n, public_key: ED25519 } });
    let r = await alt.at('2.35').get('/os-keypairs?limit=2');
    assert.deepEqual(r.body.keypairs.map((k: any) => k.keypair.name), ['p1', 'p2']);
    assert.match(r.body.keypairs_links[0].href, /marker=p2/);
    r = await alt.at('2.35').get('/os-keypairs?limit=2&marker=p2');
    assert.deepEqual(r.body.keypairs.map((k: any) => k.keypair.name), ['p3']);
    r = await alt.at('2.92').post('/os-keypairs', { keypair: { name: 'gen92' } });
    assert.equal(r.status, 400);
    r = await alt.at('2.92').post('/os-keypairs', { keypair: { name: 'a@b.c', public_key: ED25519 } });
    assert.equal(r.status, 201);
  });
});
