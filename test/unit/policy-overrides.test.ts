import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadPolicyOverrides, parsePolicyYaml } from '../../src/core/policy/overrides.js';

// The operator's policy file as oslo.policy reads it: policy.yaml (the generated one-rule-a-line
// shape, quoted either way, with comments) or policy.json; the YAML wins when both are there.

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function dataDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stratus-policy-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const lines = (...text: string[]) => parsePolicyYaml(text.join('\n'));

describe('policy.yaml lines', () => {
  test('double-quoted, single-quoted and bare keys and values', () => {
    assert.deepEqual(lines(
      '"os_compute_api:servers:create": "role:admin"',
      "'identity:get_user': 'rule:admin_required or user_id:%(target.user.id)s'",
      'admin_required: role:admin or is_admin:1',
      '"mixed": \'role:reader\'',
    ), {
      'os_compute_api:servers:create': 'role:admin',
      'identity:get_user': 'rule:admin_required or user_id:%(target.user.id)s',
      admin_required: 'role:admin or is_admin:1',
      mixed: 'role:reader',
    });
  });

  test('comments: whole lines (oslo\'s commented-out defaults) and after a value; # inside quotes is text', () => {
    const text = [
      '# Create a server',
      '# POST  /servers',
      '#"os_compute_api:servers:create": "rule:project_member_api"',
      '"os_compute_api:servers:index": "role:reader"   # who may list',
      'admin_api: role:admin # bare value',
      '"odd": "role:#hash"',
    ].join('\n');
    assert.deepEqual(parsePolicyYaml(text), { 'os_compute_api:servers:index': 'role:reader', admin_api: 'role:admin', odd: 'role:#hash' });
  });

  test('escapes: \\" in double quotes, \'\' in single quotes; an empty rule is kept as ""', () => {
    assert.deepEqual(lines('"a": "role:\\"quoted\\""', "'b': 'it''s'", '"c": ""', "'d': ''"), { a: 'role:"quoted"', b: "it's", c: '', d: '' });
  });

  test('blank lines, indentation, CRLF and lines that are not a rule are skipped or tolerated', () => {
    assert.deepEqual(parsePolicyYaml('\n---\n  "a": "role:x"\r\n\t\n"b":"@"\r\nnot a rule\n'), { a: 'role:x', b: '@' });
    assert.deepEqual(parsePolicyYaml(''), {});
  });

  test('a rule named twice: the last one', () => {
    assert.deepEqual(parsePolicyYaml('"a": "role:one"\n"a": "role:two"'), { a: 'role:two' });
  });
});

describe('loadPolicyOverrides', () => {
  test('no policy file: no overrides', () => {
    assert.deepEqual(loadPolicyOverrides(dataDir({})), {});
  });

  test('policy.json alone', () => {
    const dir = dataDir({ 'policy.json': JSON.stringify({ 'image:get_images': 'role:admin', 'network:x': '' }) });
    assert.deepEqual(loadPolicyOverrides(dir), { 'image:get_images': 'role:admin', 'network:x': '' });
  });

  test('policy.yaml alone', () => {
    const dir = dataDir({ 'policy.yaml': '# overrides\n"image:get_images": "role:admin"\n' });
    assert.deepEqual(loadPolicyOverrides(dir), { 'image:get_images': 'role:admin' });
  });

  test('both: the YAML wins and the JSON is not read at all', () => {
    const dir = dataDir({
      'policy.yaml': '"a": "role:from-yaml"\n',
      'policy.json': JSON.stringify({ a: 'role:from-json', b: 'role:only-in-json' }),
    });
    assert.deepEqual(loadPolicyOverrides(dir), { a: 'role:from-yaml' });
  });

  test('broken JSON is an error, not silently no overrides', () => {
    assert.throws(() => loadPolicyOverrides(dataDir({ 'policy.json': '{ "a": ' })), SyntaxError);
  });
});
