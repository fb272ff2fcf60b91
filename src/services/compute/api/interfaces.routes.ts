// /servers/{id}/os-interface (os-interface.inc): a server's ports, attach and detach.
import { Type, type Static } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import { callerOf } from '../../../core/auth/caller.js';
import type { InterfacesService } from '../domain/interfaces.service.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { InterfaceAttach } from './interfaces.schema.js';
import { mvCheck } from './common.js';
import { loadServer } from './servers.routes.js';
import { interfaceView } from './interfaces.view.js';

const P = 'os_compute_api:os-attach-interfaces';
const Params = Type.Object({ server_id: Type.String() });
const PortParams = Type.Object({ server_id: Type.String(), port_id: Type.String() });

/** The checked body (InterfaceAttach) as the domain takes it. */
function attachRequest(body: Static<typeof InterfaceAttach.loosest>): { portId?: string; networkId?: string; fixedIp?: string } {
  const a = body?.interfaceAttachment;
  return { portId: a?.port_id, networkId: a?.net_id, fixedIp: a?.fixed_ips?.[0]?.ip_address };
}

export function interfaceRoutes(interfaces: InterfacesService, d: ComputeDomain): RouteSpec[] {
  const withTag = (req: ApiRequest) => mvCheck(req)('2.70');
  return [
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-interface', schema: { params: Params },
      handler: async (req) => ({ interfaceAttachments: (await interfaces.list(await loadServer(d, req, `${P}:list`))).map((i) => interfaceView(i, withTag(req))) }),
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-interface/:port_id', schema: { params: PortParams },
      handler: async (req) => ({ interfaceAttachment: interfaceView(await interfaces.show(await loadServer(d, req, `${P}:show`), req.params.port_id), withTag(req)) }),
    },
    route({
      method: 'POST', url: '/v2.1/servers/:server_id/os-interface', schema: { params: Params, body: InterfaceAttach.loosest },
      handler: async (req) => {
        InterfaceAttach.check(mvCheck(req), req.body);
        const attach = attachRequest(req.body);
        const s = await loadServer(d, req, `${P}:create`);
        return { interfaceAttachment: interfaceView(await interfaces.attach(s, callerOf(req.ctx), attach), withTag(req)) };
      },
    }),
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id/os-interface/:port_id', status: 202, schema: { params: PortParams },
      handler: async (req) => { await interfaces.detach(await loadServer(d, req, `${P}:delete`), callerOf(req.ctx), req.params.port_id); },
    },
  ];
}
