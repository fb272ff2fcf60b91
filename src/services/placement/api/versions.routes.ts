import type { RouteSpec } from '../../../core/http/service-plugin.js';
import { MAX_VERSION, MIN_VERSION } from '../microversions.js';

/** GET /placement: the one version document, no token needed (placement's handlers/root.py). */
export function versionRoutes(): RouteSpec[] {
  return [{
    method: 'GET', url: '/', auth: 'none',
    handler: () => ({
      versions: [{ id: `v${MIN_VERSION}`, max_version: MAX_VERSION, min_version: MIN_VERSION, status: 'CURRENT', links: [{ rel: 'self', href: '' }] }],
    }),
  }];
}
