import assert from 'node:assert/strict';
import { test } from 'node:test';
import { s3Signature } from '../../src/services/identity/domain/ec2-signatures.js';
import { parseIsoTime } from '../../src/services/identity/domain/ec2-tokens.service.js';

// The signatures /v3/s3tokens checks, against AWS's published signature v4 example.

test('signature v4: AWS\'s example (IAM ListUsers, 20150830) signs as AWS says', () => {
  const toSign = [
    'AWS4-HMAC-SHA256', '20150830T123600Z', '20150830/us-east-1/iam/aws4_request',
    'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59',
  ].join('\n');
  assert.equal(s3Signature('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', Buffer.from(toSign)),
    '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
});

test('timestamps as pyiso8601 reads them: extended, basic, with a zone, else UTC', () => {
  const t = Date.UTC(2026, 11, 5, 0, 30, 0);
  assert.equal(parseIsoTime('2026-12-05T00:30:00Z'), t);
  assert.equal(parseIsoTime('2026-12-05T00:30:00.000Z'), t);
  assert.equal(parseIsoTime('20261205T003000Z'), t);
  assert.equal(parseIsoTime('2026-12-05T00:30:00'), t);
  assert.equal(parseIsoTime('2026-12-05T02:30:00+02:00'), t);
  assert.equal(parseIsoTime('yesterday'), undefined);
});
