import { randomUUID } from 'node:crypto';
import { type AttrMap, checkBody, fmt, isDict, now, nullableUuid, STANDARD_ATTRS, str, toBoolean, toList, uuid } from './attributes.js';
import { type Caller, type DomainDeps, Locks, randomMac } from './context.js';
import { conflict, invalidInput, NeutronError, portNotFound, securityGroupsNeedPortSecurity } from './errors.js';
import { contains, eui64, formatIp, parseCidr, parseIp } from './ip.js';
import { checkRevision, dedupe } from './networks.service.js';
import { isAutoAddress } from './subnets.service.js';
import type { FixedIp, NetworkRecord, PortRecord, SubnetRecord } from '../store/tables.js';

const MAC_RE = /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/;
const VNIC_TYPES: unknown[] = ['normal', 'direct', 'macvtap', 'baremetal', 'direct-physical', 'virtio-forwarder', 'smart-nic', 'remote-managed'];
/** The device owners of the ports a router owns, which only the router may delete. */
const ROUTER_OWNED = [
  'network:router_interface', 'network:router_gateway', 'network:floatingip', 'network:router_interface_distributed', 'network:ha_router_replicated_interface',
];

export const PORT_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { post: true, put: true, default: '', validate: str(255) },
  network_id: { post: true, required: true, validate: uuid },
  admin_state_up: { post: true, put: true, default: true, convert: toBoolean },
  mac_address: {
    post: true, put: true,
    validate: (v) => (typeof v === 'string' && MAC_RE.test(v) && !/^(00[:-]){5}00$/.test(v) && !/^ff/i.test(v) ? undefined : `'${fmt(v)}' is not a valid MAC address`),
  },
  fixed_ips: { post: true, put: true, convert: toList, validate: fixedIps },
  device_id: { post: true, put: true, default: '', validate: str(255) },
  device_owner: { post: true, put: true, default: '', validate: str(255) },
  security_groups: { post: true, put: true, convert: toList, validate: (v: unknown[]) => v.map(uuid).find(Boolean) },
  port_security_enabled: { post: true, put: true, convert: toBoolean },
  allowed_address_pairs: { post: true, put: true, convert: toList, validate: addressPairs },
  extra_dhcp_opts: { post: true, put: true, convert: toList, validate: dhcpOpts },
  'binding:host_id': { post: true, put: true, validate: str(255) },
  'binding:vnic_type': { post: true, put: true, validate: (v) => (VNIC_TYPES.includes(v) ? undefined : `'${fmt(v)}' is not in the list of valid vnic types`) },
  // NOTE: as neutron-lib: dict-or-none, and None becomes {} (convert_none_to_empty_dict).
  'binding:profile': { post: true, put: true, convert: (v) => (v === null ? {} : v), validate: isDict },
  'binding:vif_type': {}, 'binding:vif_details': {}, status: {}, dns_name: { post: true, put: true, validate: str(255) },
  propagate_uplink_status: { post: true, put: true, convert: toBoolean },
  qos_policy_id: { post: true, put: true, validate: nullableUuid }, trunk_details: {},
};

function fixedIps(v: unknown[]): string | undefined {
  for (const f of v) {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) return `Invalid data format for fixed IP: '${fmt(f)}'`;
    const bad = Object.keys(f).filter((k) => k !== 'subnet_id' && k !== 'ip_address');
    if (bad.length) return `Invalid data format for fixed IP: '${fmt(f)}'`;
    const o = f as Record<string, unknown>;
    if ('subnet_id' in o && uuid(o.subnet_id)) return `'${fmt(o.subnet_id)}' is not a valid UUID`;
    if ('ip_address' in o && (typeof o.ip_address !== 'string' || !parseIp(o.ip_address))) return `'${fmt(o.ip_address)}' is not a valid IP address`;
  }
  return undefined;
}
function addressPairs(v: unknown[]): string | undefined {
  const seen = new Set<string>();
  for (const p of v) {
    if (p === null || typeof p !== 'object') return `Allowed address pairs must be a list of dictionaries.`;
    const o = p as Record<string, unknown>;
    if (!('ip_address' in o)) return 'AllowedAddressPair must contain ip_address';
    const bad = Object.keys(o).filter((k) => k !== 'ip_address' && k !== 'mac_address');
    if (bad.length) return `Unrecognized attribute(s) '${bad.join(', ')}'`;
    if (typeof o.ip_address !== 'string' || !parseCidr(o.ip_address)) return `'${fmt(o.ip_address)}' is not a valid IP address`;
    if ('mac_address' in o && (typeof o.mac_address !== 'string' || !MAC_RE.test(o.mac_address))) return `'${fmt(o.mac_address)}' is not a valid MAC address`;
    const key = `${o.ip_address}|${o.mac_address ?? ''}`;
    if (seen.has(key)) return 'Request contains duplicate address pair';
    seen.add(key);
  }
  return undefined;
}
function dhcpOpts(v: unknown[]): string | undefined {
  for (const o of v) {
    if (o === null || typeof o !== 'object') return `Invalid data format for extra-dhcp-opt: ${fmt(o)}`;
    const x = o as Record<string, unknown>;
    if (typeof x.opt_name !== 'string' || !x.opt_name) return `Invalid data format for extra-dhcp-opt: ${fmt(o)}`;
    if ('ip_version' in x && ![4, 6, '4', '6'].includes(x.ip_version as any)) return `Invalid data format for extra-dhcp-opt: ${fmt(o)}`;
  }
  return undefined;
}

export interface PortHooks {
  network(id: string): Promise<NetworkRecord>;
  subnets(networkId: string): Promise<SubnetRecord[]>;
  /** The security groups a new port gets: the ones named (checked) or the project's default. */
  securityGroups(caller: Caller, projectId: string, given: string[] | undefined): Promise<string[]>;
  /** Ports that belong to a router or floating IP may not be deleted through the port API. */
  onDeleted(port: PortRecord): Promise<void>;
  changed(port: PortRecord, before?: PortRecord): Promise<void>;
  /** A qos_policy_id given for a port of `projectId`: QosPolicyNotFound unless the caller may use it. */
  checkQos(caller: Caller, projectId: string, policyId: string): Promise<void>;
  /** Refuses to delete a port still in a trunk. */
  guardDelete(port: PortRecord): Promise<void>;
}

export class PortsService {
  private readonly locks = new Locks();
  constructor(private readonly d: DomainDeps, private readonly h: PortHooks) {}

  async get(id: string): Promise<PortRecord> {
    const p = await this.d.t.ports.get(id);
    if (!p) throw portNotFound(id);
    return p;
  }
  find(id: string) { return this.d.t.ports.get(id); }
  list(networkId?: string) { return this.d.t.ports.list(networkId ? { network_id: networkId } : {}); }
  ofDevice(deviceId: string) { return this.d.t.ports.withField('device_id', [deviceId]); }

  async create(caller: Caller, raw: unknown, internal: { allowGateway?: boolean; projectId?: string } = {}): Promise<PortRecord> {
    const b = checkBody('port', PORT_ATTRS, raw, 'POST');
    const net = await this.h.network(b.network_id);
    const projectId = internal.projectId ?? (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string;
    const portSecurity = b.port_security_enabled ?? net.port_security_enabled;
    const isNetworkDevice = String(b.device_owner).startsWith('network:');
    if (!portSecurity && b.security_groups?.length) throw securityGroupsNeedPortSecurity();
    if (!portSecurity && b.allowed_address_pairs?.length) throw conflict('AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.');
    if (b.qos_policy_id) await this.h.checkQos(caller, projectId, b.qos_policy_id);
    const sgs = !portSecurity || (isNetworkDevice && b.security_groups === undefined) ? [] : await this.h.securityGroups(caller, projectId, b.security_groups);
    return this.locks.run(net.id, async () => {
      const id = randomUUID();
      const mac = b.mac_address ? String(b.mac_address).toLowerCase().replace(/-/g, ':') : await this.freeMac(net.id);
      if (b.mac_address && (await this.d.t.ports.existsIn(net.id, 'mac_address', mac))) {
        throw conflict('MacAddressInUse', `Unable to complete operation for network ${net.id}. The mac address ${mac} is in use.`);
      }
      const ips = await this.allocate(net, id, mac, b.fixed_ips as FixedIp[] | undefined, b.device_owner, internal.allowGateway);
      const ts = now();
      const p: PortRecord = {
        id, project_id: projectId, name: b.name, description: b.description, tags: dedupe(b.tags ?? []), network_id: net.id,
        admin_state_up: b.admin_state_up, mac_address: mac, fixed_ips: ips, device_id: b.device_id, device_owner: b.device_owner,
        status: 'DOWN', security_groups: sgs, port_security_enabled: portSecurity,
        allowed_address_pairs: normPairs(b.allowed_address_pairs ?? [], mac), extra_dhcp_opts: normOpts(b.extra_dhcp_opts ?? []),
        binding_host_id: b['binding:host_id'] ?? '', binding_vnic_type: b['binding:vnic_type'] ?? 'normal',
        binding_profile: b['binding:profile'] ?? {}, binding_vif_type: 'unbound', qos_policy_id: b.qos_policy_id ?? null, revision_number: 0, created_at: ts, updated_at: ts,
      };
      if (p.binding_host_id) p.binding_vif_type = 'bridge';
      if (p.device_owner && p.binding_host_id) p.status = 'ACTIVE';
      if (p.device_owner.startsWith('network:')) p.status = p.device_owner === 'network:floatingip' ? 'N/A' : 'ACTIVE';
      try { await this.d.t.ports.insert(p); } catch (e) { await this.d.t.releasePort(id); throw e; }
      await this.h.changed(p);
      return p;
    });
  }

  private async freeMac(networkId: string): Promise<string> {
    for (;;) { const m = randomMac(); if (!(await this.d.t.ports.existsIn(networkId, 'mac_address', m))) return m; }
  }

  /** Neutron's IPAM: requested addresses checked and claimed, else one IPv4 and one stateful IPv6 address, plus SLAAC. */
  private async allocate(net: NetworkRecord, portId: string, mac: string, requested: FixedIp[] | undefined, deviceOwner: string, allowGateway = false): Promise<FixedIp[]> {
    const subnets = await this.h.subnets(net.id);
    const out: FixedIp[] = [];
    const claim = async (s: SubnetRecord, ip: string) => {
      if (!(await this.d.t.allocate({ subnet_id: s.id, ip_address: ip, network_id: net.id, port_id: portId }))) {
        throw conflict('IpAddressInUse', `Unable to complete operation for network ${net.id}. The IP address ${ip} is in use.`);
      }
      out.push({ subnet_id: s.id, ip_address: ip });
    };
    try {
      if (requested !== undefined) {
        for (const f of requested) {
          let s: SubnetRecord | undefined;
          if (f.subnet_id) {
            s = subnets.find((x) => x.id === f.subnet_id);
            if (!s) throw invalidInput(`Failed to create port on network ${net.id}, because fixed_ips included invalid subnet ${f.subnet_id}`);
          }
          if (f.ip_address) {
            const ip = parseIp(f.ip_address)!;
            if (!s) s = subnets.find((x) => contains(parseCidr(x.cidr)!, ip.version, ip.value));
            if (!s) throw invalidInput(`IP address ${f.ip_address} is not a valid IP for any of the subnets on the specified network`);
            const c = parseCidr(s.cidr)!;
            if (!contains(c, ip.version, ip.value)) throw invalidInput(`IP address ${f.ip_address} is not a valid IP for the specified subnet`);
            const text = formatIp(ip.version, ip.value);
            if (c.version === 4 && c.prefix < 31 && (ip.value === c.network || ip.value === (c.network | ((1n << BigInt(32 - c.prefix)) - 1n)))) {
              throw invalidInput(`IP address ${f.ip_address} is not a valid IP for the specified subnet`);
            }
            if (text === s.gateway_ip && !allowGateway && !deviceOwner.startsWith('network:router')) {
              throw conflict('IpAddressInUse', `Unable to complete operation for network ${net.id}. The IP address ${text} is in use.`);
            }
            if (isAutoAddress(s) && !deviceOwner.startsWith('network:router')) {
              throw invalidInput(`IPv6 address ${f.ip_address} cannot be directly assigned to a port on subnet ${s.id} since the subnet is configured for automatic addresses`);
            }
            await claim(s, text);
          } else if (s) {
            await claim(s, isAutoAddress(s) ? formatIp(6, eui64(parseCidr(s.cidr)!, mac)) : await this.nextFree(s, net.id));
          }
        }
        return out;
      }
      const isRouter = deviceOwner.startsWith('network:router');
      const v4 = subnets.filter((s) => s.ip_version === 4);
      const v6stateful = subnets.filter((s) => s.ip_version === 6 && !isAutoAddress(s));
      for (const group of [v4, v6stateful]) {
        if (!group.length) continue;
        let done = false;
        for (const s of group) {
          const ip = await this.nextFree(s, net.id, true);
          if (ip) { await claim(s, ip); done = true; break; }
        }
        if (!done) throw conflict('IpAddressGenerationFailure', `No more IP addresses available on network ${net.id}.`);
      }
      if (!isRouter) for (const s of subnets.filter(isAutoAddress)) await claim(s, formatIp(6, eui64(parseCidr(s.cidr)!, mac)));
      return out;
    } catch (e) {
      await this.d.t.releasePort(portId);
      throw e;
    }
  }

  private async nextFree(s: SubnetRecord, networkId: string, soft?: false): Promise<string>;
  private async nextFree(s: SubnetRecord, networkId: string, soft: true): Promise<string | undefined>;
  private async nextFree(s: SubnetRecord, networkId: string, soft = false): Promise<string | undefined> {
    // NOTE: the lowest free address in pool order, as before; where the last scan of this subnet
    // (same pools, same gateway) stopped is remembered while no address was released meanwhile, so
    // a create asks about the few addresses after it instead of reading every allocation.
    const key = `${s.id}|${s.gateway_ip}|${JSON.stringify(s.allocation_pools)}`;
    const gen = this.d.t.allocationGeneration;
    const hint = this.firstFree.get(key);
    const resume = hint?.gen === gen ? hint : undefined;
    const used = resume ? undefined : new Set((await this.d.t.allocations({ subnet_id: s.id })).map((a) => a.ip_address));
    for (let i = resume?.pool ?? 0; i < s.allocation_pools.length; i++) {
      const p = s.allocation_pools[i]!;
      const a = parseIp(p.start)!, z = parseIp(p.end)!;
      for (let v = resume && i === resume.pool ? resume.value : a.value; v <= z.value; v++) {
        const ip = formatIp(a.version, v);
        if (ip === s.gateway_ip || (used ? used.has(ip) : await this.d.t.isAllocated(s.id, ip))) continue;
        if (this.d.t.allocationGeneration === gen) this.firstFree.set(key, { gen, pool: i, value: v });
        return ip;
      }
    }
    if (soft) return undefined;
    throw conflict('IpAddressGenerationFailure', `No more IP addresses available on network ${networkId}.`);
  }

  /** Per subnet, its pools and gateway: the scan position before which every address was taken (at generation `gen`). */
  private readonly firstFree = new Map<string, { gen: number; pool: number; value: bigint }>();

  async update(caller: Caller, id: string, raw: unknown, ifMatch?: number): Promise<PortRecord> {
    const p = await this.get(id);
    checkRevision(p.revision_number, ifMatch);
    const b = checkBody('port', PORT_ATTRS, raw, 'PUT');
    const net = await this.h.network(p.network_id);
    if (b.qos_policy_id) await this.h.checkQos(caller, p.project_id, b.qos_policy_id);
    return this.locks.run(net.id, async () => {
      const next: PortRecord = { ...p };
      if ('qos_policy_id' in b) next.qos_policy_id = b.qos_policy_id;
      for (const k of ['name', 'description', 'admin_state_up', 'device_id', 'device_owner', 'port_security_enabled'] as const) if (k in b) (next as any)[k] = b[k];
      if (b.mac_address !== undefined) {
        const mac = String(b.mac_address).toLowerCase();
        if (mac !== p.mac_address && p.binding_host_id) {
          throw conflict('PortBound', `Unable to complete operation on port ${id}, port is already bound, port type: bridge, old_mac ${p.mac_address}, new_mac ${mac}.`);
        }
        if ((await this.list(net.id)).some((x) => x.id !== id && x.mac_address === mac)) {
          throw conflict('MacAddressInUse', `Unable to complete operation for network ${net.id}. The mac address ${mac} is in use.`);
        }
        next.mac_address = mac;
      }
      if ('binding:host_id' in b) { next.binding_host_id = b['binding:host_id']; next.binding_vif_type = b['binding:host_id'] ? 'bridge' : 'unbound'; }
      if ('binding:vnic_type' in b) next.binding_vnic_type = b['binding:vnic_type'];
      if ('binding:profile' in b) next.binding_profile = b['binding:profile'];
      if ('extra_dhcp_opts' in b) next.extra_dhcp_opts = mergeOpts(p.extra_dhcp_opts, b.extra_dhcp_opts);
      if ('allowed_address_pairs' in b) next.allowed_address_pairs = normPairs(b.allowed_address_pairs, next.mac_address);
      if ('security_groups' in b) next.security_groups = b.security_groups.length ? await this.h.securityGroups(caller, p.project_id, b.security_groups) : [];
      if (!next.port_security_enabled) {
        if ('security_groups' in b && next.security_groups.length) throw securityGroupsNeedPortSecurity();
        if (next.security_groups.length) {
          throw conflict('PortSecurityPortHasSecurityGroup', 'Port has security group associated. Cannot disable port security or ip address until security group is removed');
        }
        if (next.allowed_address_pairs.length) throw conflict('AddressPairAndPortSecurityRequired', 'Port Security must be enabled in order to have allowed address pairs on a port.');
      } else if (!p.port_security_enabled && 'port_security_enabled' in b && !('security_groups' in b) && !next.device_owner.startsWith('network:')) {
        next.security_groups = await this.h.securityGroups(caller, p.project_id, undefined);
      }
      if ('fixed_ips' in b) {
        const old = p.fixed_ips;
        await this.d.t.releasePort(id);
        try {
          next.fixed_ips = await this.allocate(net, id, next.mac_address, b.fixed_ips, next.device_owner, next.device_owner.startsWith('network:router'));
        } catch (e) {
          for (const f of old) await this.d.t.allocate({ subnet_id: f.subnet_id, ip_address: f.ip_address, network_id: net.id, port_id: id });
          throw e;
        }
      }
      if (next.device_owner && next.binding_host_id && next.status === 'DOWN') next.status = 'ACTIVE';
      next.revision_number++;
      next.updated_at = now();
      await this.d.t.ports.put(next);
      await this.h.changed(next, p);
      return next;
    });
  }

  /** Deletes a port and frees its addresses; `force` lets the service remove router and floating IP ports. */
  async delete(id: string, opts: { force?: boolean; ifMatch?: number } = {}): Promise<void> {
    const p = await this.get(id);
    checkRevision(p.revision_number, opts.ifMatch);
    if (!opts.force && ROUTER_OWNED.includes(p.device_owner)) {
      throw conflict('ServicePortInUse', `Port ${id} cannot be deleted directly via the port API: has device owner ${p.device_owner}.`);
    }
    if (!opts.force) await this.h.guardDelete(p);
    await this.d.t.releasePort(id);
    await this.d.t.ports.delete(id);
    await this.h.onDeleted(p);
  }

  /** Writes a port changed by another service of the domain (router interfaces, devices). */
  async save(p: PortRecord): Promise<PortRecord> {
    const next = { ...p, revision_number: p.revision_number + 1, updated_at: now() };
    await this.d.t.ports.put(next);
    return next;
  }
}

function normPairs(pairs: { ip_address: string; mac_address?: string }[], mac: string) {
  return pairs.map((p) => ({ ip_address: p.ip_address, mac_address: (p.mac_address ?? mac).toLowerCase() }));
}
function normOpts(opts: { opt_name: string; opt_value: string; ip_version?: number | string }[]) {
  return opts.filter((o) => o.opt_value !== null && o.opt_value !== undefined).map((o) => ({ opt_name: o.opt_name, opt_value: String(o.opt_value), ip_version: Number(o.ip_version ?? 4) }));
}
function mergeOpts(cur: PortRecord['extra_dhcp_opts'], given: { opt_name: string; opt_value: string | null; ip_version?: number }[]) {
  const out = [...cur];
  for (const g of given) {
    const v = Number(g.ip_version ?? 4);
    const i = out.findIndex((o) => o.opt_name === g.opt_name && o.ip_version === v);
    if (g.opt_value === null) { if (i >= 0) out.splice(i, 1); continue; }
    const o = { opt_name: g.opt_name, opt_value: String(g.opt_value), ip_version: v };
    if (i >= 0) out[i] = o; else out.push(o);
  }
  return out;
}

export { NeutronError };
