import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { format } from '../../src/core/microversion/microversion.js';
import { BadMicroversion, requestedVersion } from '../../src/services/placement/microversions.js';

// Placement's negotiation on core/microversion: 1.0 to 1.39, any digits, its own 406 texts.

const asked = (value?: string) => format(requestedVersion(value === undefined ? {} : { 'openstack-api-version': value }));
const refusal = (value: string) => {
  try { requestedVersion({ 'openstack-api-version': value }); } catch (e) {
    assert.ok(e instanceof BadMicroversion);
    assert.equal(e.status, 406);
    return e.message;
  }
  assert.fail(`${value} was accepted`);
};

describe('placement microversions', () => {
  test('absent is 1.0, latest is 1.39, the last placement entry wins, other services are ignored', () => {
    assert.equal(asked(), '1.0');
    assert.equal(asked('placement latest'), '1.39');
    assert.equal(asked('compute 2.90, placement 1.10'), '1.10');
    assert.equal(asked('placement 1.2, placement 1.30'), '1.30');
    assert.equal(asked('compute 2.1'), '1.0');
  });

  test('leading zeros are digits like any others', () => {
    assert.equal(asked('placement 01.05'), '1.5');
  });

  test('malformed and unacceptable versions, in microversion_parse words', () => {
    assert.equal(refusal('placement 1'), 'Invalid microversion: invalid version string: 1');
    assert.equal(refusal('placement LATEST'), 'Invalid microversion: invalid version string: LATEST');
    assert.equal(refusal('placement 1.2.3'), 'Invalid microversion: invalid version string: 1.2.3');
    assert.equal(refusal('placement 1.40'), 'Invalid microversion: Unacceptable version header: 1.40');
    assert.equal(refusal('placement 2.0'), 'Invalid microversion: Unacceptable version header: 2.0');
    assert.equal(refusal('placement 0.9'), 'Invalid microversion: Unacceptable version header: 0.9');
  });
});
