import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';

/** The image root as the client reached it (Glance's req.application_url). */
export function imageRoot(req: ApiRequest): string {
  const proto = (req.headers['x-forwarded-proto'] as string | undefined) ?? req.raw.protocol;
  return `${proto}://${req.headers.host}/image`;
}

// NOTE: as Zed lists them with an image cache and enabled_backends configured: v2.16 current.
const VERSIONS: [string, string][] = [
  ['2.16', 'CURRENT'], ['2.15', 'SUPPORTED'], ['2.14', 'SUPPORTED'], ['2.13', 'SUPPORTED'], ['2.12', 'SUPPORTED'],
  ['2.11', 'SUPPORTED'], ['2.10', 'SUPPORTED'], ['2.9', 'SUPPORTED'], ['2.8', 'SUPPORTED'], ['2.7', 'SUPPORTED'],
  ['2.6', 'SUPPORTED'], ['2.5', 'SUPPORTED'], ['2.4', 'SUPPORTED'], ['2.3', 'SUPPORTED'], ['2.2', 'SUPPORTED'],
  ['2.1', 'SUPPORTED'], ['2.0', 'SUPPORTED'],
];

const versions = (req: ApiRequest) => ({
  versions: VERSIONS.map(([id, status]) => ({ id: `v${id}`, status, links: [{ rel: 'self', href: `${imageRoot(req)}/v2/` }] })),
});

export function versionRoutes(): RouteSpec[] {
  return [
    { method: 'GET', url: '/', auth: 'none', status: 300, handler: versions },
    { method: 'GET', url: '/versions', auth: 'none', handler: versions },
    { method: 'GET', url: '/v2', auth: 'none', status: 300, handler: versions },
  ];
}
