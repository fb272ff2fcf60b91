// /servers/{id}/os-interface (os-interface.inc): a server's ports, attach and detach.
import { Type } from '@sinclair/typebox';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest } from '../../../core/errors/errors.js';
import type { InterfaceAttachment, InterfacesService } from '../domain/interfaces.service.js';
import { isUuid } from '../domain/security-groups.service.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { mv } from './common.js';
import { loadServer } from './servers.routes.js';

const P = 'os_compute_api:os-attach-interfaces';
const Params = Type.Object({ server_id: Type.String() });
const PortParams = Type.Object({ server_id: Type.String(), port_id: Type.String() });

function interfaceView(i: InterfaceAttachment, withTag: boolean): Record<string, unknown> {
  return {
    port_state: i.portState, fixed_ips: i.fixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
    port_id: i.portId, net_id: i.networkId, mac_addr: i.macAddress, ...(withTag ? { tag: null } : {}),
  };
}

const invalid = (detail: string) => new BadRequest(`Invalid input for field/attribute interfaceAttachment. ${detail}`);

/** Nova's attach_interfaces schema: port_id or net_id (uuids), one fixed IP, a tag from 2.49. */
function attachRequest(body: unknown, tagAllowed: boolean): { portId?: string; networkId?: string; fixedIp?: string } {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequest(`Invalid input for field/attribute body. Value: ${JSON.stringify(body)}. ${JSON.stringify(body)} is not of type 'object'`);
  const extra = Object.keys(body).filter((k) => k !== 'interfaceAttachment');
  if (extra.length) throw new BadRequest(`Additional properties are not allowed ('${extra.join("', '")}' ${extra.length > 1 ? 'were' : 'was'} unexpected)`);
  const a = (body as { interfaceAttachment?: unknown }).interfaceAttachment;
  if (a === undefined) return {};
  if (typeof a !== 'object' || a === null || Array.isArray(a)) throw invalid(`${JSON.stringify(a)} is not of type 'object'`);
  const allowed = ['port_id', 'net_id', 'fixed_ips', ...(tagAllowed ? ['tag'] : [])];
  const unknown = Object.keys(a).filter((k) => !allowed.includes(k));
  if (unknown.length) throw invalid(`Additional properties are not allowed ('${unknown.join("', '")}' ${unknown.length > 1 ? 'were' : 'was'} unexpected)`);
  const { port_id: portId, net_id: networkId, fixed_ips: fixedIps } = a as Record<string, unknown>;
  for (const [name, v] of [['port_id', portId], ['net_id', networkId]] as const) {
    if (v !== undefined && !isUuid(v)) throw new BadRequest(`Invalid input for field/attribute ${name}. Value: ${String(v)}. '${String(v)}' is not a 'uuid'`);
  }
  let fixedIp: string | undefined;
  if (fixedIps !== undefined) {
    if (!Array.isArray(fixedIps) || fixedIps.length !== 1 || typeof fixedIps[0]?.ip_address !== 'string') throw invalid('fixed_ips takes exactly one {"ip_address": ...}');
    fixedIp = fixedIps[0].ip_address;
  }
  return { portId: portId as string | undefined, networkId: networkId as string | undefined, fixedIp };
}

export function interfaceRoutes(interfaces: InterfacesService, d: ComputeDomain): RouteSpec[] {
  const withTag = (req: ApiRequest) => mv(req, '2.70');
  return [
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-interface', schema: { params: Params },
      handler: async (req) => ({ interfaceAttachments: (await interfaces.list(await loadServer(d, req, `${P}:list`))).map((i) => interfaceView(i, withTag(req))) }),
    },
    {
      method: 'GET', url: '/v2.1/servers/:server_id/os-interface/:port_id', schema: { params: PortParams },
      handler: async (req) => ({ interfaceAttachment: interfaceView(await interfaces.show(await loadServer(d, req, `${P}:show`), req.params.port_id), withTag(req)) }),
    },
    {
      method: 'POST', url: '/v2.1/servers/:server_id/os-interface', schema: { params: Params },
      handler: async (req) => {
        const attach = attachRequest(req.body, mv(req, '2.49'));
        const s = await loadServer(d, req, `${P}:create`);
        return { interfaceAttachment: interfaceView(await interfaces.attach(s, attach), withTag(req)) };
      },
    },
    {
      method: 'DELETE', url: '/v2.1/servers/:server_id/os-interface/:port_id', status: 202, schema: { params: PortParams },
      handler: async (req) => { await interfaces.detach(await loadServer(d, req, `${P}:delete`), req.params.port_id); },
    },
  ];
}
