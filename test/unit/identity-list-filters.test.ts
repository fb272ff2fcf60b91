import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { textFilters } from '../../src/services/identity/api/filters.js';
import { filterRecords, matchAll } from '../../src/services/identity/domain/list-filters.js';

// Keystone's inexact list filters read from a query string (build_driver_hints) and applied to a
// list in memory (filter_by_attributes).

describe('identity list filters', () => {
  test('textFilters: the supported attributes\' comparators, i for case-insensitive, repeated values, the rest ignored', () => {
    assert.deepEqual(textFilters({
      name__icontains: 'ops', name__startswith: ['a', 'ab'], domain_id__endswith: 'lt', name: 'exact',
      name__bogus: 'x', email__contains: 'x', name__iequals: 'x', __contains: 'x',
    }, ['name', 'domain_id']), [
      { attr: 'name', comparator: 'contains', value: 'ops', caseSensitive: false },
      { attr: 'name', comparator: 'startswith', value: 'a', caseSensitive: true },
      { attr: 'name', comparator: 'startswith', value: 'ab', caseSensitive: true },
      { attr: 'domain_id', comparator: 'endswith', value: 'lt', caseSensitive: true },
    ]);
  });

  test('matchAll: every filter applies; case as asked; a missing or non-text attribute never matches', () => {
    const rows = [{ name: 'Team-Red', n: 1 }, { name: 'team-blue', n: 2 }, { name: 'Other', n: 3 }];
    const pick = (q: Record<string, unknown>, attrs = ['name']) => matchAll(rows, textFilters(q, attrs)).map((r) => r.n);
    assert.deepEqual(pick({ name__startswith: 'team' }), [2]);
    assert.deepEqual(pick({ name__istartswith: 'TEAM' }), [1, 2]);
    assert.deepEqual(pick({ name__icontains: 'team', name__endswith: 'Red' }), [1]);
    assert.deepEqual(pick({ name__iendswith: '' }), [1, 2, 3]);
    assert.deepEqual(pick({ n__contains: '1' }, ['n']), []);
    assert.deepEqual(matchAll(rows, [{ attr: 'name', comparator: 'equals', value: 'TEAM-RED', caseSensitive: false }]).map((r) => r.n), [1]);
    assert.deepEqual(matchAll(rows, [{ attr: 'name', comparator: 'equals', value: 'TEAM-RED', caseSensitive: true }]).map((r) => r.n), []);
  });

  test('filterRecords: name without regard to case, domain, enabled, and a token domain that bounds every answer', () => {
    const rows = [
      { name: 'Web', domain_id: 'd1', enabled: true, n: 1 }, { name: 'web', domain_id: 'd2', enabled: false, n: 2 },
      { name: 'db', domain_id: 'd1', enabled: false, n: 3 },
    ];
    const pick = (f: Parameters<typeof filterRecords>[1]) => filterRecords(rows, f).map((r) => r.n);
    assert.deepEqual(pick({}), [1, 2, 3]);
    assert.deepEqual(pick({ name: 'WEB' }), [1, 2]);
    assert.deepEqual(pick({ domain_id: 'd1' }), [1, 3]);
    assert.deepEqual(pick({ enabled: false }), [2, 3]);
    assert.deepEqual(pick({ withinDomain: 'd2' }), [2]);
    assert.deepEqual(pick({ withinDomain: 'd2', domain_id: 'd2', name: 'Web' }), [2]);
    assert.deepEqual(pick({ withinDomain: 'd2', domain_id: 'd1' }), [], 'another domain than the token\'s: nothing');
  });
});
