import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextLink, pageAfter, withMarker } from '../../src/core/pagination/pagination.js';

// Marker and limit paging as the OpenStack APIs share it: the page after the marker's item, at most
// `limit` items, a next link only on a full page, a missing marker in the service's own words.

class MarkerNotFound extends Error {}
const items = ['a', 'b', 'c', 'd', 'e'].map((id, n) => ({ id, n }));
const key = (i: { id: string }) => i.id;
const missing = (marker: string) => new MarkerNotFound(`marker ${marker} not found`);
const ids = (page: { id: string }[]) => page.map(key);
const page = (marker?: string, limit?: number) => ids(pageAfter(items, { marker, limit }, key, missing));

describe('pageAfter', () => {
  test('no marker and no limit: everything, in order', () => {
    assert.deepEqual(page(), ['a', 'b', 'c', 'd', 'e']);
  });

  test('a limit cuts the page; zero is an empty page; more than there are is all', () => {
    assert.deepEqual(page(undefined, 2), ['a', 'b']);
    assert.deepEqual(page(undefined, 0), []);
    assert.deepEqual(page(undefined, 50), ['a', 'b', 'c', 'd', 'e']);
  });

  test('a marker starts after its item, never at it', () => {
    assert.deepEqual(page('b'), ['c', 'd', 'e']);
    assert.deepEqual(page('b', 2), ['c', 'd']);
    assert.deepEqual(page('e'), [], 'the last item: an empty page');
    assert.deepEqual(page('d', 5), ['e']);
  });

  test('walking with the last id as marker visits every item once', () => {
    const seen: string[] = [];
    let marker: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const p = page(marker, 2);
      seen.push(...p);
      if (p.length < 2) break;
      marker = p[p.length - 1];
    }
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
  });

  test('a marker that names no item is the service\'s error', () => {
    assert.throws(() => page('zz'), (e: unknown) => e instanceof MarkerNotFound && e.message === 'marker zz not found');
    assert.throws(() => page('', 1), MarkerNotFound, 'an empty marker is a marker');
  });

  test('the items are not changed', () => {
    const before = JSON.stringify(items);
    pageAfter(items, { marker: 'a', limit: 1 }, key, missing);
    assert.equal(JSON.stringify(items), before);
  });
});

describe('links', () => {
  test('withMarker sets the marker, keeps the other parameters and repeats lists in order', () => {
    assert.equal(withMarker({ limit: 2, marker: 'old', name: 'x y' }, 'new'), 'limit=2&name=x+y&marker=new');
    assert.equal(withMarker({ status: ['ACTIVE', 'ERROR'], limit: 1 }, 'm'), 'status=ACTIVE&status=ERROR&limit=1&marker=m');
    assert.equal(withMarker({ a: undefined }, 'm&n'), 'marker=m%26n');
  });

  test('a full page links to the next one, with the last item as marker', () => {
    const p = pageAfter(items, { limit: 2 }, key, missing);
    assert.deepEqual(nextLink(p, 2, 'http://h/v2.1/flavors', { limit: '2', is_public: 'none' }, key),
      [{ rel: 'next', href: 'http://h/v2.1/flavors?limit=2&is_public=none&marker=b' }]);
  });

  test('no link on a short page, without a limit or with limit 0', () => {
    const last = pageAfter(items, { marker: 'c', limit: 3 }, key, missing);
    assert.deepEqual(nextLink(last, 3, 'http://h/x', { limit: 3 }, key), []);
    assert.deepEqual(nextLink(items, undefined, 'http://h/x', {}, key), []);
    assert.deepEqual(nextLink([], 0, 'http://h/x', { limit: 0 }, key), []);
  });

  test('a full last page still links (Nova and Cinder do; the next page is empty)', () => {
    const last = pageAfter(items, { marker: 'c', limit: 2 }, key, missing);
    assert.deepEqual(nextLink(last, 2, 'http://h/x', { limit: 2, marker: 'c' }, key), [{ rel: 'next', href: 'http://h/x?limit=2&marker=e' }]);
  });
});
