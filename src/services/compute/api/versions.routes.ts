// Version discovery: GET /compute/ lists the versions, GET /compute/v2.1 (and v2) describes one.
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { MAX_VERSION, MIN_VERSION } from '../microversions.js';

export function versionDoc(base: string, id: 'v2.0' | 'v2.1') {
  const v21 = id === 'v2.1';
  return {
    id, status: v21 ? 'CURRENT' : 'SUPPORTED', version: v21 ? MAX_VERSION : '', min_version: v21 ? MIN_VERSION : '',
    updated: v21 ? '2013-07-23T11:33:21Z' : '2011-01-21T11:33:21Z',
    links: [{ rel: 'self', href: `${base}/${v21 ? 'v2.1' : 'v2'}/` }, { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }],
    'media-types': [{ base: 'application/json', type: `application/vnd.openstack.compute+json;version=${v21 ? 2.1 : 2}` }],
  };
}

export function versionRoutes(base: () => string): RouteSpec[] {
  const list = () => ({ versions: [versionDoc(base(), 'v2.0'), versionDoc(base(), 'v2.1')].map(({ 'media-types': _m, ...v }) => v) });
  return [
    { method: 'GET', url: '/', auth: 'none', handler: list },
    { method: 'GET', url: '/v2.1', auth: 'none', handler: () => ({ version: versionDoc(base(), 'v2.1') }) },
    { method: 'GET', url: '/v2', auth: 'none', handler: () => ({ version: versionDoc(base(), 'v2.0') }) },
  ];
}
