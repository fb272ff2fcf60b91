import { randomUUID } from 'node:crypto';
import { type AttrMap, checkBody, fmt, now, nullableIp, STANDARD_ATTRS, str, toBoolean, toList, uuid, isDict } from './attributes.js';
import type { Caller, DomainDeps } from './context.js';
import { badRequest, conflict, floatingIpNotFound, invalidInput, NeutronError, notFound, portNotFound, routerNotFound } from './errors.js';
import { contains, formatCidr, overlaps, parseCidr, parseIp } from './ip.js';
import { checkRevision, dedupe } from './networks.service.js';
import type { PortsService } from './ports.service.js';
import type { FloatingIpRecord, GatewayInfo, HostRoute, NetworkRecord, PortRecord, RouterRecord, SubnetRecord } from '../store/tables.js';

export const ROUTER_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { post: true, put: true, default: '', validate: str(255) },
  admin_state_up: { post: true, put: true, default: true, convert: toBoolean },
  external_gateway_info: { post: true, put: true, validate: (v) => (v === null ? undefined : gatewayInfo(v)) },
  routes: { post: false, put: true, convert: (v) => (v === null ? [] : v), validate: routesList },
  availability_zone_hints: { post: true, convert: toList, validate: (v: unknown[]) => (v.every((x) => x === 'nova') ? undefined : `AvailabilityZone ${v.join(', ')} could not be found`) },
  distributed: { post: true, put: true, convert: toBoolean },
  ha: { post: true, put: true, convert: toBoolean },
  flavor_id: { post: true },
  status: {}, availability_zones: {},
};

function gatewayInfo(v: unknown): string | undefined {
  const bad = isDict(v);
  if (bad) return bad;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).length === 0) return undefined;
  const extra = Object.keys(o).filter((k) => !['network_id', 'enable_snat', 'external_fixed_ips', 'qos_policy_id'].includes(k));
  if (extra.length) return `Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {${Object.keys(o).map((k) => `'${k}'`).join(', ')}}`;
  if (!('network_id' in o)) return `Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {${Object.keys(o).map((k) => `'${k}'`).join(', ')}}`;
  if (uuid(o.network_id)) return uuid(o.network_id);
  if ('enable_snat' in o && typeof o.enable_snat !== 'boolean') return `'${fmt(o.enable_snat)}' is not a valid boolean value`;
  if ('external_fixed_ips' in o && !Array.isArray(o.external_fixed_ips)) return `'${fmt(o.external_fixed_ips)}' is not a list`;
  return undefined;
}
function routesList(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `Invalid data format for hostroute: '${fmt(v)}'`;
  for (const r of v) {
    if (!r || typeof r !== 'object' || !parseCidr((r as HostRoute).destination) || !parseIp((r as HostRoute).nexthop)) return `Invalid data format for hostroute: '${fmt(r)}'`;
  }
  return undefined;
}

export const FIP_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  floating_network_id: { post: true, required: true, validate: uuid },
  floating_ip_address: { post: true, validate: nullableIp },
  subnet_id: { post: true, validate: (v) => (v === null ? undefined : uuid(v)) },
  port_id: { post: true, put: true, default: null, validate: (v) => (v === null ? undefined : uuid(v)) },
  fixed_ip_address: { post: true, put: true, validate: nullableIp },
  qos_policy_id: { post: true, put: true },
  dns_name: { post: true }, dns_domain: { post: true },
  router_id: {}, status: {}, port_details: {}, port_forwardings: {},
};
FIP_ATTRS.description = { ...FIP_ATTRS.description, put: true };

export interface RouterHooks {
  network(id: string): Promise<NetworkRecord>;
  isExternal(net: NetworkRecord): Promise<boolean>;
  subnets(networkId: string): Promise<SubnetRecord[]>;
  subnet(id: string): Promise<SubnetRecord>;
  /** Port visible to the caller, else PortNotFound. */
  port(caller: Caller, id: string): Promise<PortRecord>;
  routerChanged(routerId: string): Promise<void>;
  /** A new router, before anything of it reaches the dataplane (the L3 scheduler's turn). */
  routerCreated(routerId: string): Promise<void>;
  routerDeleted(routerId: string): Promise<void>;
  quota(projectId: string, res: string, n: number): Promise<void>;
}

export class RoutersService {
  constructor(private readonly d: DomainDeps, private readonly ports: PortsService, private readonly h: RouterHooks) {}

  async get(id: string): Promise<RouterRecord> {
    const r = await this.d.t.routers.get(id);
    if (!r) throw routerNotFound(id);
    return r;
  }
  find(id: string) { return this.d.t.routers.get(id); }
  list() { return this.d.t.routers.list(); }

  async create(caller: Caller, raw: unknown): Promise<RouterRecord> {
    const b = checkBody('router', ROUTER_ATTRS, raw, 'POST');
    const projectId = (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string;
    await this.h.quota(projectId, 'router', 1);
    const ts = now();
    let r: RouterRecord = {
      id: randomUUID(), project_id: projectId, name: b.name, description: b.description, tags: dedupe(b.tags ?? []),
      admin_state_up: b.admin_state_up, status: 'ACTIVE', external_gateway_info: null, routes: [],
      availability_zone_hints: (b.availability_zone_hints as string[]) ?? [], gw_port_id: null, revision_number: 0, created_at: ts, updated_at: ts,
      // NOTE: dvr's flag is kept and shown; the dataplane builds every router the same (centralised) way.
      distributed: b.distributed ?? false,
    };
    const gwInfo = b.external_gateway_info && Object.keys(b.external_gateway_info).length ? b.external_gateway_info : null;
    if (gwInfo) await this.h.network(gwInfo.network_id).then((n) => this.checkExternal(n));
    await this.d.t.routers.insert(r);
    await this.h.routerCreated(r.id);
    if (gwInfo) {
      try { r = await this.setGateway(r, gwInfo); } catch (e) { await this.d.t.routers.delete(r.id); throw e; }
    }
    await this.h.routerChanged(r.id);
    return r;
  }

  private async checkExternal(n: NetworkRecord): Promise<void> {
    if (!(await this.h.isExternal(n))) throw badRequest(`Bad router request: Network ${n.id} is not a valid external network.`, 'BadRequest');
  }

  /** Replaces the gateway: a port on the external network owned by the router (no project). */
  private async setGateway(r: RouterRecord, info: { network_id: string; enable_snat?: boolean; external_fixed_ips?: { subnet_id?: string; ip_address?: string }[] } | null): Promise<RouterRecord> {
    const cur = r.external_gateway_info;
    if (info && cur && info.network_id === cur.network_id && info.external_fixed_ips === undefined) {
      const next = { ...r, external_gateway_info: { ...cur, enable_snat: info.enable_snat ?? cur.enable_snat } };
      await this.d.t.routers.put(next);
      return next;
    }
    if (info && cur && r.gw_port_id && info.network_id === cur.network_id && info.external_fixed_ips) {
      // NOTE: as Neutron: new fixed IPs on the same network update the gateway port in place; a
      // subnet named without an address keeps the address the port has there (no second one).
      const kept = info.external_fixed_ips.map((f) => {
        if (f.ip_address || !f.subnet_id) return f;
        const have = cur.external_fixed_ips.find((x) => x.subnet_id === f.subnet_id);
        return have ? { subnet_id: f.subnet_id, ip_address: have.ip_address } : f;
      });
      const port = await this.ports.update({ projectId: undefined, isAdmin: true }, r.gw_port_id, { fixed_ips: kept });
      const next = { ...r, external_gateway_info: { network_id: cur.network_id, enable_snat: info.enable_snat ?? cur.enable_snat, external_fixed_ips: port.fixed_ips } };
      await this.d.t.routers.put(next);
      return next;
    }
    if (cur && r.gw_port_id) {
      if (!info || info.network_id !== cur.network_id) {
        const used = (await this.d.t.floatingips.list()).some((f) => f.router_id === r.id);
        if (used) {
          throw conflict('RouterExternalGatewayInUseByFloatingIp',
            `Gateway cannot be updated for router ${r.id}, since a gateway to external network ${cur.network_id} is required by one or more floating IPs.`);
        }
      }
      await this.ports.delete(r.gw_port_id, { force: true });
    }
    let gw: GatewayInfo | null = null;
    let portId: string | null = null;
    if (info) {
      const net = await this.h.network(info.network_id);
      await this.checkExternal(net);
      const port = await this.ports.create({ projectId: undefined, isAdmin: true }, {
        network_id: net.id, device_owner: 'network:router_gateway', device_id: r.id, name: '',
        ...(info.external_fixed_ips ? { fixed_ips: info.external_fixed_ips } : {}),
      }, { projectId: '' });
      if (!port.fixed_ips.length) {
        await this.ports.delete(port.id, { force: true });
        throw badRequest(`Bad router request: No subnets defined on network ${net.id}.`.replace(/.*/, `Bad router request: Network ${net.id} does not contain any IPv4 subnet.`), 'BadRequest');
      }
      portId = port.id;
      gw = { network_id: net.id, enable_snat: info.enable_snat ?? true, external_fixed_ips: port.fixed_ips };
    }
    const next = { ...r, external_gateway_info: gw, gw_port_id: portId };
    await this.d.t.routers.put(next);
    return next;
  }

  async update(caller: Caller, id: string, raw: unknown, ifMatch?: number): Promise<RouterRecord> {
    let r = await this.get(id);
    checkRevision(r.revision_number, ifMatch);
    const b = checkBody('router', ROUTER_ATTRS, raw, 'PUT');
    if ('routes' in b) await this.checkRoutes(r, b.routes);
    if ('external_gateway_info' in b) {
      const info = b.external_gateway_info && Object.keys(b.external_gateway_info).length ? b.external_gateway_info : null;
      r = await this.setGateway(r, info);
    }
    const next: RouterRecord = { ...r };
    for (const k of ['name', 'description', 'admin_state_up', 'distributed'] as const) if (k in b) (next as any)[k] = b[k];
    if ('routes' in b) next.routes = dedupeRoutes(b.routes);
    next.revision_number++;
    next.updated_at = now();
    await this.d.t.routers.put(next);
    void caller;
    await this.h.routerChanged(id);
    return next;
  }

  private async interfaceSubnets(r: RouterRecord): Promise<SubnetRecord[]> {
    const out: SubnetRecord[] = [];
    for (const p of await this.interfacePorts(r.id)) for (const f of p.fixed_ips) out.push(await this.h.subnet(f.subnet_id));
    return out;
  }
  interfacePorts = async (routerId: string) => (await this.d.t.ports.list()).filter((p) => p.device_id === routerId && p.device_owner === 'network:router_interface');

  private async checkRoutes(r: RouterRecord, routes: HostRoute[]): Promise<void> {
    const connected = [...(await this.interfaceSubnets(r)).map((s) => s.cidr)];
    if (r.external_gateway_info) for (const f of r.external_gateway_info.external_fixed_ips) connected.push((await this.h.subnet(f.subnet_id)).cidr);
    for (const route of routes) {
      const hop = parseIp(route.nexthop)!;
      if (!connected.some((c) => contains(parseCidr(c)!, hop.version, hop.value))) {
        throw badRequest(`Invalid format for routes: ${fmt(routes)}, the nexthop is not connected with router`, 'InvalidRoutes');
      }
      const own = [...(await this.interfacePorts(r.id)), ...(r.gw_port_id ? [await this.ports.get(r.gw_port_id)] : [])].some((p) => p.fixed_ips.some((f) => f.ip_address === route.nexthop));
      if (own) throw badRequest(`Invalid format for routes: ${fmt(routes)}, the nexthop is used by router`, 'InvalidRoutes');
    }
  }

  async changeRoutes(id: string, raw: unknown, add: boolean): Promise<RouterRecord> {
    const r = await this.get(id);
    const body = raw as { routes?: unknown } | null;
    if (!body || typeof body !== 'object' || !('routes' in body)) throw badRequest(`Bad router request: Expected 'routes' in the request body.`, 'BadRequest');
    const bad = routesList(body.routes);
    if (bad) throw badRequest(`Invalid input for routes. Reason: ${bad}.`);
    const given = dedupeRoutes(body.routes as HostRoute[]);
    let routes: HostRoute[];
    if (add) { await this.checkRoutes(r, given); routes = dedupeRoutes([...r.routes, ...given]); }
    else routes = r.routes.filter((x) => !given.some((g) => formatCidr(parseCidr(g.destination)!) === x.destination && g.nexthop === x.nexthop));
    const next = { ...r, routes, revision_number: r.revision_number + 1, updated_at: now() };
    await this.d.t.routers.put(next);
    await this.h.routerChanged(id);
    return next;
  }

  async delete(id: string, ifMatch?: number): Promise<void> {
    const r = await this.get(id);
    checkRevision(r.revision_number, ifMatch);
    if ((await this.interfacePorts(id)).length) throw conflict('RouterInUse', `Router ${id} still has ports`);
    if ((await this.d.t.floatingips.list()).some((f) => f.router_id === id)) throw conflict('RouterInUse', `Router ${id} still has ports`);
    if (r.gw_port_id) await this.ports.delete(r.gw_port_id, { force: true });
    await this.d.t.routers.delete(id);
    await this.h.routerDeleted(id);
  }

  async addInterface(caller: Caller, id: string, raw: unknown): Promise<Record<string, unknown>> {
    const r = await this.get(id);
    const body = (raw ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('Bad router request: Either subnet_id or port_id must be specified.', 'BadRequest');
    const { subnet_id: subnetId, port_id: portId } = body as { subnet_id?: string; port_id?: string };
    if (subnetId && portId) throw badRequest('Bad router request: Cannot specify both subnet-id and port-id.', 'BadRequest');
    if (!subnetId && !portId) throw badRequest('Bad router request: Either subnet_id or port_id must be specified.', 'BadRequest');
    const existing = await this.interfaceSubnets(r);
    const checkOverlap = (s: SubnetRecord) => {
      for (const e of existing) {
        if (e.id === s.id) throw badRequest(`Bad router request: Router already has a port on subnet ${s.id}.`, 'BadRequest');
        if (overlaps(parseCidr(e.cidr)!, parseCidr(s.cidr)!)) {
          throw badRequest(`Bad router request: Cidr ${s.cidr} of subnet ${s.id} overlaps with cidr ${e.cidr} of subnet ${e.id}.`, 'BadRequest');
        }
      }
    };
    let port: PortRecord;
    if (portId) {
      port = await this.h.port(caller, portId);
      if (port.device_id || port.device_owner) {
        throw conflict('PortInUse', `Unable to complete operation on port ${port.id} for network ${port.network_id}. Port already has an attached device ${port.device_id}.`);
      }
      if (!port.fixed_ips.length) throw badRequest('Bad router request: Router port must have at least one fixed IP.', 'BadRequest');
      for (const f of port.fixed_ips) checkOverlap(await this.h.subnet(f.subnet_id));
      port = await this.ports.save({ ...port, device_id: r.id, device_owner: 'network:router_interface', status: 'ACTIVE' });
    } else {
      const s = await this.h.subnet(subnetId!);
      if (!s.gateway_ip) throw badRequest(`Bad router request: Subnet ${s.id} does not have a gateway IP.`, 'BadRequest');
      checkOverlap(s);
      const net = await this.h.network(s.network_id);
      if (await this.h.isExternal(net) && r.external_gateway_info?.network_id === net.id) {
        throw badRequest(`Bad router request: Router's gateway is on subnet ${s.id}.`, 'BadRequest');
      }
      port = await this.ports.create(caller, {
        network_id: s.network_id, fixed_ips: [{ subnet_id: s.id, ip_address: s.gateway_ip }], device_id: r.id,
        device_owner: 'network:router_interface', name: '',
      }, { allowGateway: true, projectId: r.project_id });
    }
    await this.d.t.routers.put({ ...r, revision_number: r.revision_number + 1, updated_at: now() });
    await this.h.routerChanged(r.id);
    return interfaceInfo(r, port);
  }

  async removeInterface(caller: Caller, id: string, raw: unknown): Promise<Record<string, unknown>> {
    const r = await this.get(id);
    const body = (raw ?? {}) as { subnet_id?: string; port_id?: string };
    if (!body.subnet_id && !body.port_id) throw badRequest('Bad router request: Either subnet_id or port_id must be specified.', 'BadRequest');
    const ports = await this.interfacePorts(id);
    let port: PortRecord | undefined;
    if (body.port_id) {
      port = ports.find((p) => p.id === body.port_id);
      if (!port) {
        await this.h.port(caller, body.port_id).catch(() => { throw portNotFound(body.port_id!); });
        throw notFound('RouterInterfaceNotFound', `Router ${id} does not have an interface with id ${body.port_id}`);
      }
      if (body.subnet_id && !port.fixed_ips.some((f) => f.subnet_id === body.subnet_id)) {
        throw conflict('SubnetMismatchForPort', `Subnet on port ${port.id} does not match the requested subnet ${body.subnet_id}.`);
      }
    } else {
      await this.h.subnet(body.subnet_id!);
      port = ports.find((p) => p.fixed_ips.some((f) => f.subnet_id === body.subnet_id));
      if (!port) throw notFound('RouterInterfaceNotFoundForSubnet', `Router ${id} has no interface on subnet ${body.subnet_id}`);
    }
    for (const f of port.fixed_ips) {
      const s = await this.h.subnet(f.subnet_id);
      const cidr = parseCidr(s.cidr)!;
      if (r.routes.some((rt) => { const h = parseIp(rt.nexthop)!; return contains(cidr, h.version, h.value); })) {
        throw conflict('RouterInterfaceInUseByRoute', `Router interface for subnet ${s.id} on router ${id} cannot be deleted, as it is required by one or more routes.`);
      }
      const fips = (await this.d.t.floatingips.list())
        .filter((x) => x.router_id === id && x.fixed_ip_address && contains(cidr, parseIp(x.fixed_ip_address)!.version, parseIp(x.fixed_ip_address)!.value));
      if (fips.length) throw conflict('RouterInterfaceInUseByFloatingIP', `Router interface for subnet ${s.id} on router ${id} cannot be deleted, as it is required by one or more floating IPs.`);
    }
    await this.ports.delete(port.id, { force: true });
    await this.d.t.routers.put({ ...r, revision_number: r.revision_number + 1, updated_at: now() });
    await this.h.routerChanged(r.id);
    return interfaceInfo(r, port);
  }

  // Floating IPs.
  async getFip(id: string): Promise<FloatingIpRecord> {
    const f = await this.d.t.floatingips.get(id);
    if (!f) throw floatingIpNotFound(id);
    return f;
  }
  listFips() { return this.d.t.floatingips.list(); }
  fipsOfPorts(portIds: string[]) { return this.d.t.floatingips.withField('port_id', portIds); }

  async createFip(caller: Caller, raw: unknown): Promise<FloatingIpRecord> {
    const b = checkBody('floatingip', FIP_ATTRS, raw, 'POST');
    const net = await this.h.network(b.floating_network_id);
    if (!(await this.h.isExternal(net))) throw badRequest(`Bad floatingip request: Network ${net.id} is not a valid external network.`, 'BadRequest');
    const projectId = (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string;
    await this.h.quota(projectId, 'floatingip', 1);
    const id = randomUUID();
    const assoc = b.port_id ? await this.association(caller, id, net.id, b.port_id, b.fixed_ip_address) : undefined;
    const v4 = (await this.h.subnets(net.id)).filter((s) => s.ip_version === 4);
    if (b.subnet_id && !v4.some((s) => s.id === b.subnet_id)) {
      throw invalidInput(`Failed to create port on network ${net.id}, because fixed_ips included invalid subnet ${b.subnet_id}`);
    }
    if (!v4.length) throw badRequest(`Bad floatingip request: Network ${net.id} does not contain any IPv4 subnet.`, 'BadRequest');
    const fixed = b.floating_ip_address ? [{ ip_address: b.floating_ip_address, ...(b.subnet_id ? { subnet_id: b.subnet_id } : {}) }]
      : b.subnet_id ? [{ subnet_id: b.subnet_id }] : v4.map((s) => ({ subnet_id: s.id })).slice(0, 1);
    let port: PortRecord;
    try {
      port = await this.ports.create({ projectId: undefined, isAdmin: true }, { network_id: net.id, device_owner: 'network:floatingip', device_id: id, fixed_ips: fixed, name: '' }, { projectId: '' });
    } catch (e) {
      if (e instanceof NeutronError && e.type === 'IpAddressGenerationFailure' && !b.floating_ip_address && v4.length > 1) {
        const fixedIps = v4.slice(1).map((s) => ({ subnet_id: s.id })).slice(0, 1);
        const body = { network_id: net.id, device_owner: 'network:floatingip', device_id: id, fixed_ips: fixedIps, name: '' };
        port = await this.ports.create({ projectId: undefined, isAdmin: true }, body, { projectId: '' });
      } else throw e;
    }
    const ts = now();
    const f: FloatingIpRecord = {
      id, project_id: projectId, description: b.description, tags: dedupe(b.tags ?? []), floating_network_id: net.id,
      floating_ip_address: port.fixed_ips[0]!.ip_address, floating_port_id: port.id, port_id: assoc?.portId ?? null,
      fixed_ip_address: assoc?.fixedIp ?? null, router_id: assoc?.routerId ?? null, status: assoc ? 'ACTIVE' : 'DOWN',
      revision_number: 0, created_at: ts, updated_at: ts,
    };
    await this.d.t.floatingips.insert(f);
    if (f.router_id) await this.h.routerChanged(f.router_id);
    return f;
  }

  /** Which router reaches `portId` from the floating network, and the fixed IP used. */
  private async association(caller: Caller, fipId: string, floatingNet: string, portId: string, fixedIp?: string | null) {
    const port = await this.h.port(caller, portId);
    const v4 = port.fixed_ips.filter((f) => parseIp(f.ip_address)!.version === 4);
    let chosen: typeof v4[number] | undefined;
    if (fixedIp) {
      chosen = port.fixed_ips.find((f) => f.ip_address === fixedIp);
      if (!chosen) throw badRequest(`Bad floatingip request: Port ${port.id} does not have fixed ip ${fixedIp}.`, 'BadRequest');
      if (parseIp(fixedIp)!.version !== 4) throw badRequest(`Bad floatingip request: Cannot process floating IP association with ${fixedIp}, since that is not an IPv4 address.`, 'BadRequest');
    } else {
      if (!v4.length) throw badRequest(`Bad floatingip request: Port ${port.id} does not have any IPv4 address.`, 'BadRequest');
      if (v4.length > 1) {
        throw badRequest(`Bad floatingip request: Port ${port.id} has multiple fixed IPv4 addresses. Must provide a specific IPv4 address when assigning a floating IP.`, 'BadRequest');
      }
      chosen = v4[0];
    }
    if (port.device_owner === 'network:router_gateway' || port.network_id === floatingNet) {
      throw badRequest(`Bad floatingip request: Cannot create floating IP and bind it to Port ${port.id}, since that port is owned by a different tenant.`, 'BadRequest');
    }
    const taken = (await this.d.t.floatingips.list()).find((x) => x.id !== fipId && x.port_id === port.id && x.fixed_ip_address === chosen!.ip_address);
    if (taken) {
      throw conflict('FloatingIPPortAlreadyAssociated', `Cannot associate floating IP ${fipId} with port ${port.id} using fixed IP ${chosen!.ip_address}, `
        + `as that fixed IP already has a floating IP on external network ${floatingNet}.`);
    }
    // A router with a gateway on the floating network and an interface on the port's subnet.
    for (const r of await this.d.t.routers.list()) {
      if (r.external_gateway_info?.network_id !== floatingNet) continue;
      const ifaces = await this.interfacePorts(r.id);
      if (ifaces.some((p) => p.fixed_ips.some((f) => f.subnet_id === chosen!.subnet_id))) return { portId: port.id, fixedIp: chosen!.ip_address, routerId: r.id };
    }
    throw notFound('ExternalGatewayForFloatingIPNotFound',
      `External network ${floatingNet} is not reachable from subnet ${chosen!.subnet_id}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`);
  }

  async updateFip(caller: Caller, id: string, raw: unknown, ifMatch?: number): Promise<FloatingIpRecord> {
    const f = await this.getFip(id);
    checkRevision(f.revision_number, ifMatch);
    const b = checkBody('floatingip', FIP_ATTRS, raw, 'PUT');
    const next: FloatingIpRecord = { ...f };
    if ('description' in b) next.description = b.description;
    if ('port_id' in b) {
      if (b.port_id) {
        const a = await this.association(caller, id, f.floating_network_id, b.port_id, b.fixed_ip_address);
        Object.assign(next, { port_id: a.portId, fixed_ip_address: a.fixedIp, router_id: a.routerId, status: 'ACTIVE' });
      } else Object.assign(next, { port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' });
    } else if ('fixed_ip_address' in b && b.fixed_ip_address && f.port_id) {
      const a = await this.association(caller, id, f.floating_network_id, f.port_id, b.fixed_ip_address);
      Object.assign(next, { fixed_ip_address: a.fixedIp, router_id: a.routerId });
    }
    next.revision_number++;
    next.updated_at = now();
    await this.d.t.floatingips.put(next);
    for (const rid of new Set([f.router_id, next.router_id])) if (rid) await this.h.routerChanged(rid);
    return next;
  }

  async deleteFip(id: string, ifMatch?: number): Promise<void> {
    const f = await this.getFip(id);
    checkRevision(f.revision_number, ifMatch);
    await this.d.t.floatingips.delete(id);
    if (await this.d.t.ports.get(f.floating_port_id)) await this.ports.delete(f.floating_port_id, { force: true });
    if (f.router_id) await this.h.routerChanged(f.router_id);
  }

  /** A port went away: its floating IPs are disassociated (Neutron's disassociate_floatingips). */
  async portDeleted(portId: string): Promise<void> {
    for (const f of await this.d.t.floatingips.list()) {
      if (f.port_id !== portId) continue;
      await this.d.t.floatingips.put({ ...f, port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN', revision_number: f.revision_number + 1, updated_at: now() });
      if (f.router_id) await this.h.routerChanged(f.router_id);
    }
  }
}

function interfaceInfo(r: RouterRecord, port: PortRecord) {
  return {
    id: r.id, tenant_id: r.project_id, project_id: r.project_id, port_id: port.id, network_id: port.network_id,
    subnet_id: port.fixed_ips[0]?.subnet_id, subnet_ids: port.fixed_ips.map((f) => f.subnet_id),
  };
}
function dedupeRoutes(routes: HostRoute[]): HostRoute[] {
  const out: HostRoute[] = [];
  for (const r of routes) {
    const n = { destination: formatCidr(parseCidr(r.destination)!), nexthop: r.nexthop };
    if (!out.some((o) => o.destination === n.destination && o.nexthop === n.nexthop)) out.push(n);
  }
  return out;
}
