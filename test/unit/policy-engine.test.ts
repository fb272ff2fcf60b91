import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileRules, type Credentials, enforce, parseRule, type Target } from '../../src/core/policy/policy-engine.js';

// The oslo.policy rule language, checked against what oslo_policy/_parser.py and _checks.py do.

const alice: Credentials = {
  roles: ['Reader', 'member'], user_id: 'u1', project_id: 'p1', domain_id: undefined,
  'token.project.domain.id': 'd1', is_admin: true, groups: ['g1', 'g2'],
};
const sys: Credentials = { roles: ['admin'], user_id: 'u9', system_scope: 'all' };
const check = (rule: string, creds: Credentials = alice, target: Target = {}) =>
  enforce(compileRules({ r: rule }), 'r', target, creds);

describe('policy engine', () => {
  test('an empty rule and @ allow, ! denies', () => {
    assert.equal(check(''), true);
    assert.equal(check('@'), true);
    assert.equal(check('!'), false);
    assert.equal(check('@', { roles: [] }), true);
  });

  test('role: compares case-insensitively and may interpolate the target', () => {
    assert.equal(check('role:reader'), true);
    assert.equal(check('role:MEMBER'), true);
    assert.equal(check('role:admin'), false);
    assert.equal(check('role:%(wanted)s', alice, { wanted: 'member' }), true);
    assert.equal(check('role:%(wanted)s', alice, {}), false, 'a missing target key fails');
  });

  test('generic checks: credential path against the interpolated target', () => {
    assert.equal(check('project_id:%(target.project.id)s', alice, { target: { project: { id: 'p1' } } }), true);
    assert.equal(check('project_id:%(target.project.id)s', alice, { target: { project: { id: 'p2' } } }), false);
    // keystone flattens the target: "target.project.id" as one key works as well.
    assert.equal(check('project_id:%(target.project.id)s', alice, { 'target.project.id': 'p1' }), true);
    assert.equal(check('project_id:%(target.project.id)s', alice, {}), false, 'missing key');
    assert.equal(check('domain_id:%(target.domain_id)s', alice, { target: { domain_id: 'd1' } }), false, 'absent credential');
    assert.equal(check('token.project.domain.id:%(target.domain.id)s', alice, { target: { domain: { id: 'd1' } } }), true);
    assert.equal(check('system_scope:all', sys), true);
    assert.equal(check('system_scope:all'), false);
    assert.equal(check('groups:g2'), true, 'any element of a list matches');
    assert.equal(check('groups:g3'), false);
  });

  test('generic checks with literal values compare as Python strings', () => {
    assert.equal(check('is_admin:True'), true);
    assert.equal(check('is_admin:1'), false, 'str(True) is "True", not "1"');
    assert.equal(check('user_id:u1'), true);
    assert.equal(check('True:%(user.enabled)s', alice, { user: { enabled: true } }), true);
    assert.equal(check('True:%(user.enabled)s', alice, { user: { enabled: false } }), false);
    assert.equal(check("'member':%(role.name)s", alice, { role: { name: 'member' } }), true);
    assert.equal(check("'member':%(role.name)s", alice, { role: { name: 'admin' } }), false);
    assert.equal(check('None:%(target.role.domain_id)s', alice, { target: { role: { domain_id: null } } }), true);
    assert.equal(check('None:%(target.role.domain_id)s', alice, { target: { role: { domain_id: 'd1' } } }), false);
    assert.equal(check('42:%(n)s', alice, { n: 42 }), true);
  });

  test('and, or, not with the usual precedence; parentheses group', () => {
    assert.equal(check('role:reader and role:member'), true);
    assert.equal(check('role:reader and role:admin'), false);
    assert.equal(check('role:admin or role:member'), true);
    assert.equal(check('not role:admin'), true);
    assert.equal(check('not role:reader'), false);
    // and binds tighter than or: (admin and x) or member
    assert.equal(check('role:admin and user_id:nobody or role:member'), true);
    assert.equal(check('role:admin and (user_id:nobody or role:member)'), false);
    assert.equal(check('((role:admin) or (role:reader and not role:foo))'), true);
    assert.equal(check('role:admin or not (role:reader or role:member)'), false);
    assert.equal(check('role:reader AND role:member'), true, 'operators are case-insensitive');
  });

  test('rule: refers to other rules; an unknown rule or name denies', () => {
    const rules = compileRules({
      admin_required: 'role:admin or is_admin:1',
      owner: 'user_id:%(user_id)s',
      admin_or_owner: 'rule:admin_required or rule:owner',
      uses_missing: 'rule:does_not_exist or role:nobody',
    });
    assert.equal(enforce(rules, 'admin_or_owner', { user_id: 'u1' }, alice), true);
    assert.equal(enforce(rules, 'admin_or_owner', { user_id: 'u2' }, alice), false);
    assert.equal(enforce(rules, 'admin_or_owner', { user_id: 'u2' }, sys), true);
    assert.equal(enforce(rules, 'uses_missing', {}, alice), false);
    assert.equal(enforce(rules, 'identity:not_registered', {}, sys), false);
  });

  test('malformed rules: parseRule throws, compiled rules fail closed as oslo.policy does', () => {
    assert.throws(() => parseRule('role:admin and'));
    assert.throws(() => parseRule('(role:admin'));
    assert.throws(() => parseRule('role:admin)'));
    const rules = compileRules({ broken: '(role:admin or', nokind: 'justaword' });
    assert.equal(enforce(rules, 'broken', {}, sys), false);
    assert.equal(enforce(rules, 'nokind', {}, sys), false);
  });

  test("Keystone's own rule strings", () => {
    const getUser = '(role:reader and system_scope:all) or (role:reader and token.domain.id:%(target.user.domain_id)s) or user_id:%(target.user.id)s';
    const domainReader: Credentials = { roles: ['reader'], user_id: 'x', domain_id: 'd1', 'token.domain.id': 'd1' };
    assert.equal(check(getUser, domainReader, { target: { user: { id: 'y', domain_id: 'd1' } } }), true);
    assert.equal(check(getUser, domainReader, { target: { user: { id: 'y', domain_id: 'd2' } } }), false);
    assert.equal(check(getUser, alice, { target: { user: { id: 'u1', domain_id: 'd2' } } }), true, 'self');
    assert.equal(check(getUser, { roles: ['reader'], system_scope: 'all' }, { target: { user: { id: 'y', domain_id: 'd2' } } }), true);
    const grant = '(role:admin and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) and (domain_id:%(target.role.domain_id)s or None:%(target.role.domain_id)s)';
    const dAdmin: Credentials = { roles: ['admin'], domain_id: 'd1' };
    const t = (role: string | null) => ({ target: { user: { domain_id: 'd1' }, project: { domain_id: 'd1' }, role: { domain_id: role } } });
    assert.equal(check(grant, dAdmin, t(null)), true);
    assert.equal(check(grant, dAdmin, t('d1')), true);
    assert.equal(check(grant, dAdmin, t('d2')), false);
  });
});
