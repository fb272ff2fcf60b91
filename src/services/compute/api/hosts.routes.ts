// /os-hosts (os-hosts.inc, deprecated; 2.1-2.42): the hosts of the enabled services, a host's
// resources, enabling a compute host, and the host power actions no driver supports.
import { Type } from '@sinclair/typebox';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest, NotFound } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { queryStr, invalidInput as invalid, mv } from './common.js';

const P = 'os_compute_api:os-hosts:';
/** The last microversion of os-hosts (2.43 removed it). */
export const HOSTS_MAX_MV = '2.42';
const HostParams = Type.Object({ host_name: Type.String() });
const MODES = ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE'];

function upTo(req: ApiRequest): void {
  if (mv(req, '2.43')) throw new NotFound('The resource could not be found.');
}

/** Nova's hosts update schema: status and/or maintenance_mode, 'enable' or 'disable' in three cases. */
function updateBody(body: unknown): { enabled?: boolean; maintenance?: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', body, `${JSON.stringify(body)} is not of type 'object'`);
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (k !== 'status' && k !== 'maintenance_mode') throw invalid('body', b, `Additional properties are not allowed ('${k}' was unexpected)`);
  for (const k of ['status', 'maintenance_mode']) {
    if (b[k] !== undefined && (typeof b[k] !== 'string' || !MODES.includes(b[k] as string))) throw invalid(k, b[k], `'${String(b[k])}' is not one of ${JSON.stringify(MODES).replace(/"/g, "'").replace(/,/g, ', ')}`);
  }
  if (b.status === undefined && b.maintenance_mode === undefined) throw new BadRequest(`Invalid input for field/attribute body. Value: ${JSON.stringify(b)}. ${JSON.stringify(b)} is not valid under any of the given schemas`);
  const on = (v: unknown) => (v === undefined ? undefined : String(v).toLowerCase() === 'enable');
  return { enabled: on(b.status), maintenance: on(b.maintenance_mode) };
}

export function hostRoutes(d: ComputeDomain): RouteSpec[] {
  const power = (action: 'startup' | 'shutdown' | 'reboot', policy: string): RouteSpec => ({
    method: 'GET', url: `/v2.1/os-hosts/:host_name/${action}`, schema: { params: HostParams },
    handler: async (req) => {
      upTo(req);
      req.ctx.authorize(`${P}${policy}`, {});
      return { host: req.params.host_name, power_action: await d.hosts.hostPowerAction(req.params.host_name, action) };
    },
  });
  return [
    {
      method: 'GET', url: '/v2.1/os-hosts',
      handler: async (req) => {
        upTo(req);
        req.ctx.authorize(`${P}list`, {});
        return { hosts: await d.hosts.osHosts(queryStr(req.query as Record<string, unknown>, 'zone') || undefined) };
      },
    },
    {
      method: 'GET', url: '/v2.1/os-hosts/:host_name', schema: { params: HostParams },
      handler: async (req) => {
        upTo(req);
        req.ctx.authorize(`${P}show`, {});
        return { host: (await d.hosts.hostResources(req.params.host_name)).map((resource) => ({ resource })) };
      },
    },
    {
      method: 'PUT', url: '/v2.1/os-hosts/:host_name', schema: { params: HostParams },
      handler: async (req) => {
        upTo(req);
        req.ctx.authorize(`${P}update`, {});
        return d.hosts.updateHost(req.params.host_name, updateBody(req.body));
      },
    },
    power('startup', 'start'), power('shutdown', 'shutdown'), power('reboot', 'reboot'),
  ];
}
