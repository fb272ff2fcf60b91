import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { identityRoot } from './links.js';

const MEDIA_TYPES = [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }];

const v3Document = (req: ApiRequest) => ({
  id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z',
  links: [{ rel: 'self', href: `${identityRoot(req)}/v3/` }], 'media-types': MEDIA_TYPES,
});

export function versionRoutes(): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/', auth: 'none', status: 300,
      handler: (req) => ({ versions: { values: [v3Document(req)] } }),
    },
    { method: 'GET', url: '/v3', auth: 'none', handler: (req) => ({ version: v3Document(req) }) },
  ];
}
