// /os-hosts (os-hosts.inc, deprecated; 2.1-2.42): the hosts of the enabled services, a host's
// resources, enabling a compute host, and the host power actions no driver supports.
import { Type, type Static } from '@sinclair/typebox';
import { route, type ApiRequest, type RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { queryStr } from './common.js';
import { HostUpdate } from './hosts.schema.js';
import { mvCheck } from './common.js';
import { resourceNotFound } from '../domain/errors.js';

const P = 'os_compute_api:os-hosts:';
/** The last microversion of os-hosts (2.43 removed it). */
export const HOSTS_MAX_MV = '2.42';
const HostParams = Type.Object({ host_name: Type.String() });

function upTo(req: ApiRequest): void {
  if (mvCheck(req)('2.43')) throw resourceNotFound();
}

/** The checked update body (HostUpdate) as flags. */
function updateBody(b: Static<typeof HostUpdate.loosest>): { enabled?: boolean; maintenance?: boolean } {
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
    route({
      method: 'PUT', url: '/v2.1/os-hosts/:host_name', schema: { params: HostParams, body: HostUpdate.loosest },
      handler: async (req) => {
        upTo(req);
        req.ctx.authorize(`${P}update`, {});
        HostUpdate.check(() => true, req.body);
        return d.hosts.updateHost(req.params.host_name, updateBody(req.body));
      },
    }),
    power('startup', 'start'), power('shutdown', 'shutdown'), power('reboot', 'reboot'),
  ];
}
