// Version discovery: GET /volume/ lists the versions (300), GET /volume/v3/ describes v3.
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { MAX_VERSION, MIN_VERSION } from '../microversions.js';

export function versionDoc(base: string) {
  return {
    id: 'v3.0', status: 'CURRENT', version: MAX_VERSION, min_version: MIN_VERSION, updated: '2022-08-31T00:00:00Z',
    links: [{ rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' }, { rel: 'self', href: `${base}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  };
}

export function versionRoutes(base: () => string): RouteSpec[] {
  const list = () => ({ versions: [versionDoc(base())] });
  return [
    { method: 'GET', url: '/', auth: 'none', status: 300, handler: list },
    { method: 'GET', url: '/v3', auth: 'none', handler: list },
  ];
}
