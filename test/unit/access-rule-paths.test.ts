import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessRulePathMatches } from '../../src/core/http/service-plugin.js';

// Application credential access rule paths, as keystonemiddleware's _path_matches reads them.

test('a literal path matches only itself', () => {
  assert.equal(accessRulePathMatches('/v2.1/servers', '/v2.1/servers'), true);
  assert.equal(accessRulePathMatches('/v2.1/servers/x', '/v2.1/servers'), false);
  assert.equal(accessRulePathMatches('/v2x1/servers', '/v2.1/servers'), false, 'a dot is a dot');
});

test('* and {name} are one segment, ** any number of them', () => {
  for (const t of ['/v2.1/servers/*/ips', '/v2.1/servers/{server_id}/ips']) {
    assert.equal(accessRulePathMatches('/v2.1/servers/abc/ips', t), true, t);
    assert.equal(accessRulePathMatches('/v2.1/servers/a/b/ips', t), false, t);
    assert.equal(accessRulePathMatches('/v2.1/servers//ips', t), false, t);
  }
  assert.equal(accessRulePathMatches('/v2.1/servers/a/b/ips', '/v2.1/**'), true);
  assert.equal(accessRulePathMatches('/v2.1/', '/v2.1/**'), true);
  assert.equal(accessRulePathMatches('/v2.0/networks', '/v2.1/**'), false);
  assert.equal(accessRulePathMatches('/v2/images/x/file', '/v2/images/*/file'), true);
});
