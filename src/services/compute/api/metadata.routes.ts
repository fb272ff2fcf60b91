// The metadata API (OpenStack and EC2 layouts) under /compute/metadata, reached only through the
// network driver's proxy (its secret header); guests ask http://169.254.169.254/...
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import type { MetadataService } from '../domain/metadata.service.js';

const header = (req: ApiRequest, name: string) => { const v = req.headers[name]; return Array.isArray(v) ? v[0] : v; };

export function metadataRoutes(m: MetadataService): RouteSpec[] {
  const guest = (req: ApiRequest) => m.guest({ secret: header(req, 'x-metadata-secret'), networkId: header(req, 'x-neutron-network-id'), address: header(req, 'x-forwarded-for') });
  const text = (req: ApiRequest, body: string | Buffer) => { req.reply.type('text/plain; charset=utf-8'); return body; };
  const ec2 = async (req: ApiRequest) => {
    const s = await guest(req);
    return { 'instance-id': s.id, hostname: s.hostname, 'local-hostname': s.hostname, 'local-ipv4': header(req, 'x-forwarded-for') ?? '', 'placement/availability-zone': s.availability_zone ?? '' } as Record<string, string>;
  };
  return [
    { method: 'GET', url: '/metadata/openstack', auth: 'none', handler: async (req) => { await guest(req); return text(req, 'latest\n'); } },
    { method: 'GET', url: '/metadata/openstack/latest', auth: 'none', handler: async (req) => { await guest(req); return text(req, 'meta_data.json\nuser_data\n'); } },
    { method: 'GET', url: '/metadata/openstack/latest/meta_data.json', auth: 'none', handler: async (req) => m.metaData(await guest(req)) },
    { method: 'GET', url: '/metadata/openstack/latest/user_data', auth: 'none', handler: async (req) => text(req, m.userData(await guest(req))) },
    { method: 'GET', url: '/metadata/latest/meta-data/', auth: 'none', handler: async (req) => text(req, `${Object.keys(await ec2(req)).join('\n')}\npublic-keys/\n`) },
    {
      method: 'GET', url: '/metadata/latest/meta-data/public-keys/0/openssh-key', auth: 'none',
      handler: async (req) => { const s = await guest(req); return text(req, s.key_data ? `${s.key_data}\n` : ''); },
    },
    {
      method: 'GET', url: '/metadata/latest/meta-data/*', auth: 'none',
      handler: async (req) => {
        const value = (await ec2(req))[String((req.params as Record<string, string>)['*'])];
        if (value === undefined) { req.reply.code(404); return text(req, ''); }
        return text(req, value);
      },
    },
  ];
}
