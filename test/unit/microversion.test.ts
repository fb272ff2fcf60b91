import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  askedVersion, atLeast, compare, format, type MicroversionSpec, negotiate, parse,
} from '../../src/core/microversion/microversion.js';

// Microversion negotiation as microversion_parse and Nova's api_version_request do it: the generic
// header (possibly naming several services), a service's legacy header, latest, absent, and the
// service's own errors for a malformed or unsupported ask.

class Malformed extends Error {}
class Unsupported extends Error {}
const compute: MicroversionSpec = {
  service: 'compute', min: '2.1', max: '2.96', legacyHeader: 'X-OpenStack-Nova-API-Version',
  malformed: (asked) => new Malformed(asked), unsupported: (asked) => new Unsupported(asked),
};
const placement: MicroversionSpec = { ...compute, service: 'placement', min: '1.0', max: '1.39', legacyHeader: undefined };

const got = (headers: Record<string, string | string[] | undefined>, spec = compute) => format(negotiate(headers, spec));
const generic = (value: string | string[]) => ({ 'openstack-api-version': value });
const refused = (headers: Record<string, string | string[]>, kind: typeof Malformed, asked: string, spec = compute) =>
  assert.throws(() => negotiate(headers, spec), (e: unknown) => e instanceof kind && e.message === asked);

describe('negotiate', () => {
  test('no header: the minimum', () => {
    assert.equal(got({}), '2.1');
    assert.equal(got({}, placement), '1.0');
    assert.equal(got(generic('compute')), '2.1', 'the service named without a version');
  });

  test('the generic header for this service', () => {
    assert.equal(got(generic('compute 2.47')), '2.47');
    assert.equal(got(generic('compute 2.1')), '2.1');
    assert.equal(got(generic('compute 2.96')), '2.96');
    assert.equal(got(generic('COMPUTE   2.10')), '2.10', 'the service name in any case, any spacing');
  });

  test('latest, in any case, is the maximum', () => {
    assert.equal(got(generic('compute latest')), '2.96');
    assert.equal(got(generic('compute LATEST')), '2.96');
    assert.equal(got(generic('placement latest'), placement), '1.39');
  });

  test('several services in one header, or the header repeated: this service\'s entry', () => {
    assert.equal(got(generic('placement 1.10, compute 2.5')), '2.5');
    assert.equal(got(generic('compute 2.5,placement 1.10'), placement), '1.10');
    assert.equal(got(generic(['placement 1.10', 'compute 2.60'])), '2.60');
    assert.equal(got(generic('placement 1.10')), '2.1', 'another service only: the minimum');
  });

  test('the legacy header when the generic one does not name the service; the generic wins', () => {
    assert.equal(got({ 'x-openstack-nova-api-version': '2.10' }), '2.10');
    assert.equal(got({ 'x-openstack-nova-api-version': 'latest' }), '2.96');
    assert.equal(got({ ...generic('placement 1.2'), 'x-openstack-nova-api-version': '2.11' }), '2.11');
    assert.equal(got({ ...generic('compute 2.20'), 'x-openstack-nova-api-version': '2.11' }), '2.20');
    assert.equal(got({ 'x-openstack-nova-api-version': '2.11' }, placement), '1.0', 'placement has no legacy header');
  });

  test('malformed values are the service\'s malformed error, with the value asked', () => {
    for (const asked of ['2.a', '2', '2.05', '02.1', '2.1.1', 'v2.1', '-2.1', 'two']) refused(generic(`compute ${asked}`), Malformed, asked);
    refused({ 'x-openstack-nova-api-version': '2.x' }, Malformed, '2.x');
  });

  test('well-formed values outside min..max are the service\'s unsupported error', () => {
    for (const asked of ['2.97', '2.200', '3.0', '1.1', '2.0']) refused(generic(`compute ${asked}`), Unsupported, asked);
    refused(generic('placement 1.40'), Unsupported, '1.40', placement);
    refused({ 'x-openstack-nova-api-version': '2.97' }, Unsupported, '2.97');
  });

  test('a service may allow another shape through its pattern', () => {
    const loose = { ...compute, pattern: /^(\d+)\.(\d+)$/ };
    assert.equal(format(negotiate(generic('compute 2.05'), loose)), '2.5');
    assert.throws(() => negotiate(generic('compute 2.x'), loose), Malformed);
  });
});

test('askedVersion: the text asked for this service, undefined when nothing is', () => {
  assert.equal(askedVersion(generic('placement 1.1, compute 2.3'), compute), '2.3');
  assert.equal(askedVersion(generic('compute  latest '), compute), 'latest');
  assert.equal(askedVersion({ 'x-openstack-nova-api-version': ' 2.4 ' }, compute), '2.4');
  assert.equal(askedVersion({}, compute), undefined);
  assert.equal(askedVersion(generic('compute'), compute), undefined);
});

test('parse, format, compare and atLeast compare numerically', () => {
  assert.deepEqual(parse('2.10'), { major: 2, minor: 10 });
  assert.equal(format({ major: 1, minor: 0 }), '1.0');
  assert.throws(() => parse('2.a'), /not a microversion: 2\.a/);
  assert.throws(() => parse('latest'));
  assert.ok(compare(parse('2.10'), parse('2.9')) > 0, '2.10 is after 2.9');
  assert.ok(compare(parse('3.0'), parse('2.99')) > 0);
  assert.equal(compare(parse('2.5'), parse('2.5')), 0);
  assert.equal(atLeast(parse('2.47'), '2.47'), true);
  assert.equal(atLeast(parse('2.47'), '2.48'), false);
  assert.equal(atLeast(parse('2.100'), { major: 2, minor: 99 }), true);
});
