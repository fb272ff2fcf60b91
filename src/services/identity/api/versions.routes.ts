import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { identityRoot } from './links.js';

const MEDIA_TYPES = [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }];

const v3Document = (req: ApiRequest) => ({
  id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z',
  links: [{ rel: 'self', href: `${identityRoot(req)}/v3/` }], 'media-types': MEDIA_TYPES,
});

export function versionRoutes(): RouteSpec[] {
  return [
    route({
      method: 'GET', url: '/', auth: 'none', status: 300, schema: {},
      handler: (req) => ({ versions: { values: [v3Document(req)] } }),
    }),
    route({ method: 'GET', url: '/v3', auth: 'none', schema: {}, handler: (req) => ({ version: v3Document(req) }) }),
  ];
}
