// The metadata API (OpenStack and EC2 layouts) under /compute/metadata, reached only through the
// network driver's proxy (its secret header); guests ask http://169.254.169.254/...
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { resourceNotFound } from '../domain/errors.js';
import { type MetadataService, OPENSTACK_VERSIONS } from '../domain/metadata.service.js';
import { passwordOf } from '../domain/servers.service.js';

const header = (req: ApiRequest, name: string) => { const v = req.headers[name]; return Array.isArray(v) ? v[0] : v; };

/** The request body as text (a guest's curl posts it form-encoded, or with no type at all). */
async function textBody(req: ApiRequest): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req.raw.raw) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function metadataRoutes(m: MetadataService): RouteSpec[] {
  const guest = (req: ApiRequest) => m.guest({ secret: header(req, 'x-metadata-secret'), networkId: header(req, 'x-neutron-network-id'), address: header(req, 'x-forwarded-for') });
  const text = (req: ApiRequest, body: string | Buffer) => { req.reply.type('text/plain; charset=utf-8'); return body; };
  const address = (req: ApiRequest) => (header(req, 'x-forwarded-for') ?? '').split(',')[0]!.trim();
  const ec2 = async (req: ApiRequest) => m.ec2(await guest(req), address(req));
  /** A dated version of the OpenStack layout, or 404 as Nova answers an unknown one. */
  const version = (req: ApiRequest) => {
    const v = String((req.params as Record<string, string>).version);
    if (!OPENSTACK_VERSIONS.includes(v)) throw resourceNotFound();
    return v;
  };
  return [
    { method: 'GET', url: '/metadata/openstack', auth: 'none', handler: async (req) => { await guest(req); return text(req, `${OPENSTACK_VERSIONS.join('\n')}\n`); } },
    {
      method: 'GET', url: '/metadata/openstack/:version', auth: 'none',
      handler: async (req) => { version(req); await guest(req); return text(req, 'meta_data.json\npassword\nuser_data\nvendor_data.json\n'); },
    },
    { method: 'GET', url: '/metadata/openstack/:version/meta_data.json', auth: 'none', handler: async (req) => { version(req); return m.metaData(await guest(req)); } },
    { method: 'GET', url: '/metadata/openstack/:version/user_data', auth: 'none', handler: async (req) => { version(req); return text(req, m.userData(await guest(req))); } },
    { method: 'GET', url: '/metadata/openstack/:version/vendor_data.json', auth: 'none', handler: async (req) => { version(req); await guest(req); return {}; } },
    { method: 'GET', url: '/metadata/openstack/:version/password', auth: 'none', handler: async (req) => { version(req); return text(req, passwordOf(await guest(req))); } },
    {
      method: 'POST', url: '/metadata/openstack/:version/password', auth: 'none', rawBody: 'stream',
      handler: async (req) => {
        version(req);
        const s = await guest(req);
        await m.setPassword(s, await textBody(req));
        return text(req, '');
      },
    },
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
