// /servers/{id}/os-server-password (os-server-password.inc): the encrypted password the guest
// posted to the metadata service ('' when none), and clearing it.
import { callerOf } from '../../../core/auth/caller.js';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { passwordOf } from '../domain/servers.service.js';
import { loadServer, ServerParams } from './servers.routes.js';

const P = 'os_compute_api:os-server-password:';

export function serverPasswordRoutes(d: ComputeDomain): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-server-password', schema: { params: ServerParams },
      handler: async (req) => ({ password: passwordOf(await loadServer(d, req, `${P}show`)) }),
    },
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id/os-server-password', schema: { params: ServerParams }, status: 204,
      handler: async (req) => {
        const s = await loadServer(d, req, `${P}clear`);
        await d.servers.clearPassword(callerOf(req.ctx), s.id);
        return undefined;
      },
    },
  ];
}
