// POST /servers/{id}/action (servers-actions.inc): one body key names the action.
import { isIPv4, isIPv6 } from 'node:net';
import { callerOf } from '../../../core/auth/caller.js';
import type { ApiRequest, RouteSpec } from '../../../core/http/service-plugin.js';
import { BadRequest, NotImplemented } from '../../../core/errors/errors.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import { isVolumeBacked, newPassword } from '../domain/servers.service.js';
import { MV } from '../microversions.js';
import { asInt } from './schemas.js';
import { RemoteConsoleCreate, ServerAction } from './server-actions.schema.js';
import { invalidInput as invalid, mvCheck, mv } from './common.js';
import { loadServer, ServerParams, showServer } from './servers.routes.js';
import { SERIAL_SOCKET_PATH, VNC_SOCKET_PATH } from './console-proxy.routes.js';
import { MIGRATION_ACTIONS } from './server-migrations.routes.js';
import { computeHostNotFoundBadRequest, availabilityZoneNotAvailable, instanceInvalidState, instanceNotReady, noSuchAction, rescueImageNotFound, resourceNotFound, securityGroupNameEmpty, unknownServerAction } from '../domain/errors.js';

const isIp = (v: string) => isIPv4(v) || isIPv6(v);

type Handler = (d: ComputeDomain, req: ApiRequest, arg: any) => Promise<unknown>;

const S = 'os_compute_api:servers:';
const simple = (policy: string, action: Parameters<ComputeDomain['servers']['act']>[2], name: string): Handler => async (d, req, arg) => {
  const s = await loadServer(d, req, policy);
  await d.servers.act(callerOf(req.ctx), s.id, action);
  req.reply.code(202);
  return undefined;
};

const ACTIONS: Record<string, Handler> = {
  'os-start': simple(`${S}start`, 'start', 'os-start'),
  'os-stop': simple(`${S}stop`, 'stop', 'os-stop'),
  pause: simple('os_compute_api:os-pause-server:pause', 'pause', 'pause'),
  unpause: simple('os_compute_api:os-pause-server:unpause', 'unpause', 'unpause'),
  suspend: simple('os_compute_api:os-suspend-server:suspend', 'suspend', 'suspend'),
  resume: simple('os_compute_api:os-suspend-server:resume', 'resume', 'resume'),
  async shelve(d, req, arg) {
    const s = await loadServer(d, req, 'os_compute_api:os-shelve:shelve');
    await d.servers.shelve(callerOf(req.ctx), s.id);
    req.reply.code(202);
    return undefined;
  },
  shelveOffload: simple('os_compute_api:os-shelve:shelve_offload', 'shelveOffload', 'shelveOffload'),
  unrescue: simple('os_compute_api:os-unrescue', 'unrescue', 'unrescue'),
  revertResize: simple(`${S}revert_resize`, 'revertResize', 'revertResize'),
  forceDelete: simple('os_compute_api:os-deferred-delete:force', 'forceDelete', 'forceDelete'),
  async confirmResize(d, req, arg) {
    const s = await loadServer(d, req, `${S}confirm_resize`);
    await d.servers.act(callerOf(req.ctx), s.id, 'confirmResize');
    req.reply.code(204);
    return undefined;
  },
  async reboot(d, req, arg) {
    const type = String(arg.type).toUpperCase();
    const s = await loadServer(d, req, `${S}reboot`);
    await d.servers.act(callerOf(req.ctx), s.id, type === 'SOFT' ? 'reboot_soft' : 'reboot_hard');
    req.reply.code(202);
    return undefined;
  },
  async unshelve(d, req, arg) {
    const s = await loadServer(d, req, 'os_compute_api:os-shelve:unshelve');
    const az = arg && typeof arg === 'object' ? (arg.availability_zone as string | undefined) : undefined;
    if (az && !(await d.aggregates.azExists(az))) throw availabilityZoneNotAvailable();
    // NOTE: 2.91's host (admin): the server lands there; an unknown host is Nova's 400.
    const host = arg && typeof arg === 'object' && typeof arg.host === 'string' ? arg.host : undefined;
    if (host) {
      req.ctx.authorize('os_compute_api:os-shelve:unshelve_to_host', { project_id: s.project_id, user_id: s.user_id });
      if (!(await d.hosts.nodes()).some((n) => n.host === host)) throw computeHostNotFoundBadRequest(host);
    }
    await d.servers.act(callerOf(req.ctx), s.id, 'unshelve', { ...(az ? { availabilityZone: az } : {}), ...(host ? { host } : {}) });
    req.reply.code(202);
    return undefined;
  },
  async 'os-resetState'(d, req, arg) {
    const s = await loadServer(d, req, 'os_compute_api:os-admin-actions:reset_state');
    await d.servers.resetState(callerOf(req.ctx), s.id, arg.state);
    req.reply.code(202);
    return undefined;
  },
  async injectNetworkInfo(d, req, arg) {
    const s = await loadServer(d, req, 'os_compute_api:os-admin-actions:inject_network_info');
    // NOTE: the fake and qemu drivers keep no injected network config: nothing to refresh.
    if (s.vm_state === 'building') throw instanceInvalidState('inject_network_info', s.id, 'vm_state', 'building');
    req.reply.code(202);
    return undefined;
  },
  async lock(d, req, arg) {
    const mv = mvCheck(req);
    let reason: string | null = null;
    if (arg !== null && arg !== undefined && mv('2.73')) {
      if (arg.locked_reason !== undefined) {
        reason = arg.locked_reason;
      }
    }
    const s = await loadServer(d, req, 'os_compute_api:os-lock-server:lock');
    await d.servers.lock(callerOf(req.ctx), s.id, reason);
    req.reply.code(202);
    return undefined;
  },
  async unlock(d, req, arg) {
    const s = await loadServer(d, req, 'os_compute_api:os-lock-server:unlock');
    if (s.locked && s.locked_by === 'admin') req.ctx.authorize('os_compute_api:os-lock-server:unlock:unlock_override', { project_id: s.project_id });
    await d.servers.unlock({ ...callerOf(req.ctx), isAdmin: true }, s.id);
    req.reply.code(202);
    return undefined;
  },
  async rescue(d, req, arg) {
    const s = await loadServer(d, req, 'os_compute_api:os-rescue');
    const pass = (arg?.adminPass as string | undefined) ?? newPassword();
    let rescueImageId: string | undefined;
    if (arg?.rescue_image_ref !== undefined) {
      const img = await d.servers.findImage(String(arg.rescue_image_ref).split('/').pop()!, callerOf(req.ctx));
      if (!img) throw rescueImageNotFound();
      rescueImageId = img.id;
    }
    await d.servers.act(callerOf(req.ctx), s.id, 'rescue', rescueImageId ? { rescueImageId } : {});
    return { adminPass: pass };
  },
  async resize(d, req, arg) {
    const s = await loadServer(d, req, `${S}resize`);
    await d.servers.resize(callerOf(req.ctx), s.id, String(arg.flavorRef), arg['OS-DCF:diskConfig']);
    req.reply.code(202);
    return undefined;
  },
  async rebuild(d, req, arg) {
    const mv = mvCheck(req);
    const s = await loadServer(d, req, `${S}rebuild`);
    const updated = await d.servers.rebuild(callerOf(req.ctx), s.id, arg);
    req.reply.code(202);
    const body = await showServer(d, req, updated, { minimal: !mv('2.75'), showUserData: false });
    // NOTE: Nova adds key_name (2.54) and user_data (2.57) to the rebuild view.
    if (mv('2.54')) body.key_name = updated.key_name;
    if (mv('2.57')) body.user_data = updated.user_data;
    return { server: { ...body, adminPass: (arg.adminPass as string | undefined) ?? newPassword() } };
  },
  async createImage(d, req, arg) {
    const mv = mvCheck(req);
    const s = await loadServer(d, req, `${S}create_image`);
    if (isVolumeBacked(s)) req.ctx.authorize(`${S}create_image:allow_volume_backed`, { project_id: s.project_id, user_id: s.user_id });
    const imageId = await d.servers.createImage(callerOf(req.ctx), s.id, arg.name, arg.metadata ?? {});
    req.reply.code(202);
    if (mv('2.45')) return { image_id: imageId };
    req.reply.header('Location', `${d.computeUrl().replace(/\/compute$/, '/image')}/v2/images/${imageId}`);
    return undefined;
  },
  async createBackup(d, req, arg) {
    const mv = mvCheck(req);
    const rotation = asInt(arg.rotation);
    const s = await loadServer(d, req, 'os_compute_api:os-create-backup');
    const imageId = await d.servers.createBackup(callerOf(req.ctx), s.id, { name: arg.name, backupType: arg.backup_type, rotation, metadata: arg.metadata ?? {} });
    req.reply.code(202);
    if (mv('2.45')) return { image_id: imageId };
    req.reply.header('Location', `${d.computeUrl().replace(/\/compute$/, '/image')}/v2/images/${imageId}`);
    return undefined;
  },
  async 'os-getConsoleOutput'(d, req, arg) {
    let length: number | undefined;
    const raw = arg?.length;
    if (raw !== undefined && raw !== null) {
      const n = asInt(raw);
      length = n === -1 ? undefined : n;
    }
    const s = await loadServer(d, req, 'os_compute_api:os-console-output');
    return { output: await d.consoleOutput(s, length) };
  },
  async 'os-getVNCConsole'(d, req, arg) {
    const type = arg.type;
    const s = await loadServer(d, req, 'os_compute_api:os-remote-consoles');
    if (!s.host || s.vm_state !== 'active') throw instanceNotReady(s.id);
    const url = await consoleUrl(d, s.id, 'vnc', type);
    return { console: { type, url } };
  },
  async addSecurityGroup(d, req, arg) {
    if (typeof arg?.name !== 'string' || !arg.name) throw securityGroupNameEmpty();
    const s = await loadServer(d, req, 'os_compute_api:os-security-groups:add');
    await d.servers.addSecurityGroup(callerOf(req.ctx), s, arg.name);
    req.reply.code(202);
    return undefined;
  },
  async removeSecurityGroup(d, req, arg) {
    if (typeof arg?.name !== 'string' || !arg.name) throw securityGroupNameEmpty();
    const s = await loadServer(d, req, 'os_compute_api:os-security-groups:remove');
    await d.servers.removeSecurityGroup(callerOf(req.ctx), s, arg.name);
    req.reply.code(202);
    return undefined;
  },
  async addFloatingIp(d, req, arg) {
    if (mv(req, MV.floatingIpActionsRemoved) || !d.floatingIps) throw noSuchAction('addFloatingIp');
    for (const k of ['address', 'fixed_address']) {
      if (arg[k] !== undefined && !isIp(arg[k])) throw invalid(k, arg[k], `'${String(arg[k])}' is not a 'ipv4'`);
    }
    const s = await loadServer(d, req, 'os_compute_api:os-floating-ips:add');
    await d.floatingIps.addToServer(callerOf(req.ctx), s.id, arg.address, arg.fixed_address);
    req.reply.code(202);
    return undefined;
  },
  async removeFloatingIp(d, req, arg) {
    if (mv(req, MV.floatingIpActionsRemoved) || !d.floatingIps) throw noSuchAction('removeFloatingIp');
    if (!isIp(arg.address)) throw invalid('address', arg.address, `'${String(arg.address)}' is not a 'ipv4'`);
    const s = await loadServer(d, req, 'os_compute_api:os-floating-ips:remove');
    await d.floatingIps.removeFromServer(callerOf(req.ctx), s.id, arg.address);
    req.reply.code(202);
    return undefined;
  },
  async restore(d, req, arg) {
    const s = await loadServer(d, req, 'os_compute_api:os-deferred-delete:restore');
    await d.servers.act(callerOf(req.ctx), s.id, 'restore');
    req.reply.code(202);
    return undefined;
  },
  async changePassword(d, req) {
    await loadServer(d, req, 'os_compute_api:os-admin-password');
    throw new NotImplemented('Unable to set password on instance');
  },
  ...MIGRATION_ACTIONS,
};

export async function consoleUrl(d: ComputeDomain, serverId: string, protocol: string, type: string): Promise<string> {
  const token = await d.servers.openConsole(serverId, protocol, type);
  const base = d.computeUrl().replace(/\/compute$/, '');
  // NOTE: as DevStack's nova-novncproxy URL (vnc_lite.html?path=...), served by the compute module.
  if (protocol === 'vnc') return `${base}/compute/novnc/vnc_lite.html?path=${encodeURIComponent(`${VNC_SOCKET_PATH.slice(1)}?token=${token}`)}`;
  if (protocol === 'spice') return `${base}/spice_auto.html?token=${token}`;
  if (protocol === 'serial') return `${base.replace(/^http/, 'ws')}${SERIAL_SOCKET_PATH}?token=${token}`;
  return `${base}/${protocol}?token=${token}`;
}

export function serverActionRoutes(d: ComputeDomain): RouteSpec[] {
  return [
    {
      method: 'POST', url: '/v2.1/servers/:server_id/action',
      schema: { params: ServerParams, body: ServerAction.loosest },
      handler: async (req) => {
        ServerAction.check(mvCheck(req), req.body);
        const [name, arg] = Object.entries(req.body as Record<string, unknown>)[0]!;
        const h = ACTIONS[name];
        if (!h) throw unknownServerAction(name);
        return h(d, req, arg);
      },
    },
    {
      method: 'POST', url: '/v2.1/servers/:server_id/remote-consoles',
      schema: { params: ServerParams, body: RemoteConsoleCreate },
      handler: async (req) => {
        const mv = mvCheck(req);
        if (!mv('2.6')) throw resourceNotFound();
        const { protocol, type } = req.body.remote_console as { protocol: string; type: string };
        const valid: Record<string, string[]> = { vnc: ['novnc', 'xvpvnc'], spice: ['spice-html5'], serial: ['serial'], rdp: ['rdp-html5'], mks: ['webmks'] };
        if (!valid[protocol]) throw invalid('protocol', protocol, "is not one of ['vnc', 'spice', 'rdp', 'serial', 'mks']");
        if (!valid[protocol]!.includes(type)) throw new BadRequest(`Invalid input for field/attribute type. Value: ${type}.`);
        const s = await loadServer(d, req, 'os_compute_api:os-remote-consoles');
        if (!s.host || s.vm_state !== 'active') throw instanceNotReady(s.id);
        if (protocol !== 'vnc' && protocol !== 'serial') throw new BadRequest(`Unavailable console type ${type}.`);
        return { remote_console: { protocol, type, url: await consoleUrl(d, s.id, protocol, type) } };
      },
    },
  ];
}
