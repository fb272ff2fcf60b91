// The version document at the root and the resource index of /v2.0.
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { resourceLinkView, versionView } from './views.js';

const RESOURCES = ['subnets', 'networks', 'ports', 'routers', 'floatingips', 'security-groups', 'subnetpools'];

const base = (req: ApiRequest) => `${req.raw.protocol}://${req.headers.host}/networking/v2.0`;

export function versionRoutes(): RouteSpec[] {
  return [
    { method: 'GET', url: '/', auth: 'none', handler: async (req) => ({ versions: [versionView(base(req))] }) },
    { method: 'GET', url: '/v2.0', auth: 'optional', handler: async (req) => ({ resources: RESOURCES.map((n) => resourceLinkView(base(req), n)) }) },
  ];
}
