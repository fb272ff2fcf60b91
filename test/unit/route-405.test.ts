// mayMatchSamePath decides which 405 routes must stay in Fastify's router (those that could win
// over a real route of the same method); the rest are looked up only when nothing matched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayMatchSamePath } from '../../src/core/http/service-plugin.js';

test('a static segment against a parameter may match the same path', () => {
  assert.equal(mayMatchSamePath('/v2.1/servers/detail', '/v2.1/servers/:id'), true);
  assert.equal(mayMatchSamePath('/v2.1/servers/:id', '/v2.1/servers/detail'), true);
  assert.equal(mayMatchSamePath('/v2.0/ports/:id', '/v2.0/ports/:port_id'), true);
});

test('different static segments or lengths never match the same path', () => {
  assert.equal(mayMatchSamePath('/v2.1/servers/detail', '/v2.1/flavors/:id'), false);
  assert.equal(mayMatchSamePath('/v2.1/servers', '/v2.1/servers/:id/action'), false);
  assert.equal(mayMatchSamePath('/v2.1/servers/:id/ips', '/v2.1/servers/:id/action'), false);
});

test('a wildcard or a trailing parameter one segment longer counts as a possible match', () => {
  assert.equal(mayMatchSamePath('/v1/*', '/v1/AUTH_x/c'), true);
  assert.equal(mayMatchSamePath('/v2/images', '/v2/images/:id'), true);
  assert.equal(mayMatchSamePath('/v2/images/', '/v2/images'), true);
  assert.equal(mayMatchSamePath('/v2/images', '/v2/images/:id/file'), false);
});
