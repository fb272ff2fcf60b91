import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkOAuthParameters, oauthSignature, parseOAuthHeader } from '../../src/services/identity/domain/oauth1-signatures.js';

// OAuth 1.0a signatures as OS-OAUTH1 checks them, against a published example.

test("HMAC-SHA1: Twitter's documented example (the form parameter given in the query signs the same)", () => {
  const status = encodeURIComponent('Hello Ladies + Gentlemen, a signed OAuth request!');
  const url = `https://api.twitter.com/1.1/statuses/update.json?include_entities=true&status=${status}`;
  const oauth = {
    oauth_consumer_key: 'xvz1evFS4wEEPTGEFPHBog', oauth_nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: '1318622958', oauth_token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', oauth_version: '1.0',
  };
  assert.equal(oauthSignature('POST', url, oauth, 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE'),
    'hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
});

test('the Authorization header: quoted, percent-encoded values; commas inside quotes', () => {
  assert.deepEqual(parseOAuthHeader('OAuth realm="", oauth_signature="a%2Bb%3D", oauth_callback="oob", x="1,2"'), {
    realm: '', oauth_signature: 'a+b=', oauth_callback: 'oob', x: '1,2',
  });
  assert.equal(parseOAuthHeader('Bearer abc'), undefined);
});

test("oauthlib's checks, with its words", () => {
  const now = 1_800_000_000_000;
  const ok = {
    oauth_signature: 's', oauth_consumer_key: 'a'.repeat(32), oauth_nonce: '123', oauth_timestamp: String(now / 1000),
    oauth_signature_method: 'HMAC-SHA1', oauth_callback: 'oob',
  };
  checkOAuthParameters(ok, 'request_token', now);
  assert.throws(() => checkOAuthParameters({ ...ok, oauth_nonce: '' }, 'request_token', now), /^Error: Missing mandatory OAuth parameters\.$/);
  assert.throws(() => checkOAuthParameters({ ...ok, oauth_timestamp: String(now / 1000 - 601) }, 'request_token', now), /over 600 seconds/);
  assert.throws(() => checkOAuthParameters({ ...ok, oauth_nonce: 'XYZ' }, 'request_token', now), /Invalid nonce format/);
  assert.throws(() => checkOAuthParameters({ ...ok, oauth_signature_method: 'MD5' }, 'request_token', now), /Invalid signature, MD5 not in \('HMAC-SHA1'/);
  assert.throws(() => checkOAuthParameters(ok, 'access_token', now), /Missing resource owner/);
  assert.throws(() => checkOAuthParameters({ ...ok, oauth_token: 'b'.repeat(32), oauth_verifier: 'abc' }, 'access_token', now), /Invalid verifier format/);
});
