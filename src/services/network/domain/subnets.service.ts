import { randomUUID } from 'node:crypto';
import {
  type AttrMap, checkBody, cidrOrIp, fmt, hostRoutes, ipList, now, nullableIp, nullableUuid, oneOf, STANDARD_ATTRS, str,
  toBoolean, toInt, toList, uuid,
} from './attributes.js';
import type { Caller, DomainDeps } from './context.js';
import { badRequest, conflict, invalidInput, NeutronError, subnetNotFound, subnetPoolNotFound } from './errors.js';
import {
  type Cidr, contains, defaultPools, firstIp, formatCidr, formatIp, lastIp, overlaps, parseCidr, parseIp, size, truncate,
} from './ip.js';
import { checkRevision, dedupe } from './networks.service.js';
import type { NetworkRecord, Pool, SubnetPoolRecord, SubnetRecord } from '../store/tables.js';

const IPV6_MODES = ['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless'];
const MAX_DNS = 5;
const MAX_ROUTES = 20;

export const SUBNET_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { post: true, put: true, default: '', validate: str(255) },
  network_id: { post: true, required: true, validate: uuid },
  ip_version: { post: true, required: true, convert: toInt, validate: oneOf([4, 6]) },
  cidr: { post: true, validate: (v) => (typeof v === 'string' && parseCidr(v) ? undefined : `'${fmt(v)}' is not a valid IP subnet`) },
  prefixlen: { post: true, convert: toInt, hidden: true },
  subnetpool_id: { post: true, validate: nullableUuid },
  use_default_subnetpool: { post: true, convert: toBoolean, hidden: true },
  gateway_ip: { post: true, put: true, validate: nullableIp },
  allocation_pools: { post: true, put: true, validate: pools },
  dns_nameservers: { post: true, put: true, convert: (v) => (v === null ? [] : v), validate: ipList },
  host_routes: { post: true, put: true, convert: (v) => (v === null ? [] : v), validate: hostRoutes },
  enable_dhcp: { post: true, put: true, default: true, convert: toBoolean },
  ipv6_ra_mode: { post: true, validate: (v) => (v === null ? undefined : oneOf(IPV6_MODES)(v)) },
  ipv6_address_mode: { post: true, validate: (v) => (v === null ? undefined : oneOf(IPV6_MODES)(v)) },
  service_types: {
    post: true, put: true, convert: toList,
    validate: (v: unknown[]) => (v.every((x) => typeof x === 'string' && /^(network|compute):/.test(x)) ? undefined : `Invalid service type ${fmt(v)}`),
  },
  segment_id: { post: true, put: true, validate: nullableUuid },
  dns_publish_fixed_ip: { post: true, put: true, convert: toBoolean },
};

export const SUBNETPOOL_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { post: true, put: true, required: true, validate: str(255) },
  prefixes: {
    post: true, put: true, required: true,
    validate: (v) => (Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === 'string' && parseCidr(p)) ? undefined : `'${fmt(v)}' is not a valid list of IP subnets`),
  },
  default_prefixlen: { post: true, put: true, convert: toInt },
  min_prefixlen: { post: true, put: true, convert: toInt },
  max_prefixlen: { post: true, put: true, convert: toInt },
  default_quota: { post: true, put: true, convert: (v) => (v === null ? null : toInt(v)) },
  shared: { post: true, default: false, convert: toBoolean },
  is_default: { post: true, put: true, default: false, convert: toBoolean },
  address_scope_id: { post: true, put: true, validate: nullableUuid },
  ip_version: {},
};

function pools(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `Invalid data format for IP pool: '${fmt(v)}'`;
  for (const p of v) {
    if (p === null || typeof p !== 'object' || Object.keys(p).sort().join(',') !== 'end,start') return `Invalid data format for IP pool: '${fmt(p)}'`;
    if (!parseIp(p.start)) return `'${fmt(p.start)}' is not a valid IP address`;
    if (!parseIp(p.end)) return `'${fmt(p.end)}' is not a valid IP address`;
  }
  return undefined;
}

export const isAutoAddress = (s: SubnetRecord) => s.ip_version === 6 && (s.ipv6_address_mode === 'slaac' || s.ipv6_address_mode === 'dhcpv6-stateless');

export class SubnetsService {
  /** Checks a pool's address_scope_id (the domain sets it once address scopes exist). */
  scopeCheck: (caller: Caller, pool: SubnetPoolRecord) => Promise<void> = async () => {};
  constructor(
    private readonly d: DomainDeps,
    private readonly network: (id: string) => Promise<NetworkRecord>,
    private readonly touchNetwork: (id: string) => Promise<void>,
    /** Ports with an address on the subnet that block its deletion (not DHCP, not auto-address). */
    private readonly blockingPorts: (subnet: SubnetRecord) => Promise<number>,
    private readonly afterCreate: (subnet: SubnetRecord) => Promise<void>,
    private readonly beforeDelete: (subnet: SubnetRecord) => Promise<void>,
    /** After an update's commit: the dataplane follows (DHCP options, routers on the subnet), as ML2's update_subnet_postcommit. */
    private readonly afterUpdate: (subnet: SubnetRecord, before: SubnetRecord) => Promise<void> = async () => {},
  ) {}

  async get(id: string): Promise<SubnetRecord> {
    const s = await this.d.t.subnets.get(id);
    if (!s) throw subnetNotFound(id);
    return s;
  }
  find(id: string) { return this.d.t.subnets.get(id); }
  list(networkId?: string) { return this.d.t.subnets.list(networkId ? { network_id: networkId } : {}); }

  async create(caller: Caller, raw: unknown, net?: NetworkRecord): Promise<SubnetRecord> {
    const b = checkBody('subnet', SUBNET_ATTRS, raw, 'POST');
    const network = net ?? await this.network(b.network_id);
    const projectId = (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string;
    const version = b.ip_version as 4 | 6;
    let pool: SubnetPoolRecord | undefined;
    if (b.subnetpool_id) pool = await this.getPool(b.subnetpool_id);
    else if (b.use_default_subnetpool && !b.cidr) {
      pool = (await this.d.t.subnetpools.list()).find((p) => p.is_default && p.ip_version === version);
      if (!pool) throw badRequest(`Bad subnets request: No default subnetpool found for IPv${version}.`, 'BadRequest');
    }
    let cidr: Cidr;
    if (b.cidr !== undefined) {
      const parsed = parseCidr(b.cidr)!;
      if (formatCidr(truncate(parsed)) !== formatCidr(parsed)) {
        throw badRequest(`Invalid input for cidr. Reason: '${b.cidr}' isn't a recognized IP subnet cidr, '${formatCidr(truncate(parsed))}' is recommended.`);
      }
      cidr = parsed;
      if (pool && !pool.prefixes.some((p) => { const pc = parseCidr(p)!; return overlaps(pc, cidr) && pc.prefix <= cidr.prefix; })) {
        throw badRequest(`Bad subnets request: Cidr ${b.cidr} is not within the subnet pool ${pool.id}.`, 'BadRequest');
      }
    } else if (pool) {
      if (pool.ip_version !== version) throw invalidInput(`Cannot allocate IPv${version} subnet from IPv${pool.ip_version} subnet pool`);
      cidr = await this.allocateFromPool(pool, b.prefixlen);
    } else {
      throw badRequest('Bad subnets request: a subnetpool must be specified in the absence of a cidr.', 'BadRequest');
    }
    if (cidr.version !== version) throw invalidInput(`Cidr ${formatCidr(cidr)} does not match ip_version ${version}`);
    if (version === 4 && cidr.prefix > 30 && cidr.prefix !== 32 && cidr.prefix !== 31) throw invalidInput(`Invalid CIDR ${formatCidr(cidr)} for IP version 4`);
    if (cidr.prefix === 0) throw invalidInput(`0 is not allowed as CIDR prefix length`);
    this.checkIpv6Modes(version, b.ipv6_ra_mode ?? null, b.ipv6_address_mode ?? null, cidr);
    const siblings = await this.list(network.id);
    for (const s of siblings) {
      if (overlaps(parseCidr(s.cidr)!, cidr)) {
        throw invalidInput(`Requested subnet with cidr: ${formatCidr(cidr)} for network: ${network.id} overlaps with another subnet`);
      }
    }
    let gateway: bigint | undefined;
    if (b.gateway_ip === undefined) gateway = firstIp(cidr) + (version === 6 ? 1n : 1n);
    else if (b.gateway_ip !== null) gateway = this.checkGateway(cidr, b.gateway_ip);
    const allocationPools = b.allocation_pools
      ? this.checkPools(cidr, b.allocation_pools, gateway)
      : defaultPools(cidr, gateway).map((p) => ({ start: formatIp(version, p.start), end: formatIp(version, p.end) }));
    const dns = this.checkDns(b.dns_nameservers ?? [], version);
    const routes = this.checkRoutes(b.host_routes ?? [], version);
    const ts = now();
    const s: SubnetRecord = {
      id: randomUUID(), project_id: projectId, name: b.name, description: b.description, tags: dedupe(b.tags ?? []),
      network_id: network.id, ip_version: version, cidr: formatCidr(cidr),
      gateway_ip: gateway === undefined ? null : formatIp(version, gateway), allocation_pools: allocationPools,
      dns_nameservers: dns, host_routes: routes, enable_dhcp: b.enable_dhcp,
      ipv6_ra_mode: b.ipv6_ra_mode ?? null, ipv6_address_mode: b.ipv6_address_mode ?? null,
      subnetpool_id: pool?.id ?? null, service_types: (b.service_types as string[]) ?? [],
      revision_number: 0, created_at: ts, updated_at: ts,
    };
    await this.d.t.subnets.insert(s);
    await this.touchNetwork(network.id);
    await this.afterCreate(s);
    return s;
  }

  private checkIpv6Modes(version: 4 | 6, ra: string | null, addr: string | null, cidr: Cidr): void {
    if (version === 4) {
      if (ra) throw invalidInput(`ipv6_ra_mode is not valid when ip_version is 4`);
      if (addr) throw invalidInput(`ipv6_address_mode is not valid when ip_version is 4`);
      return;
    }
    if (ra && addr && ra !== addr) {
      throw invalidInput(`ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${addr}' is not valid. If both attributes are set, they must be the same value`);
    }
    if ((addr === 'slaac' || addr === 'dhcpv6-stateless' || ra === 'slaac' || ra === 'dhcpv6-stateless') && cidr.prefix !== 64) {
      throw invalidInput(`Invalid CIDR ${formatCidr(cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`);
    }
  }

  private checkGateway(cidr: Cidr, ip: string): bigint {
    const g = parseIp(ip)!;
    if (g.version !== cidr.version) throw invalidInput(`Gateway IP version inconsistent with allocation pool version`);
    if (contains(cidr, g.version, g.value) && cidr.version === 4 && cidr.prefix < 31 && (g.value === firstIp(cidr) || g.value === lastIp(cidr))) {
      throw invalidInput(`Gateway is not valid on subnet`);
    }
    if (cidr.version === 6 && g.value === firstIp(cidr) && contains(cidr, 6, g.value)) {
      throw invalidInput(`Gateway is not valid on subnet`);
    }
    return g.value;
  }

  private checkPools(cidr: Cidr, given: Pool[], gateway: bigint | undefined): Pool[] {
    const ranges = given.map((p) => {
      const s = parseIp(p.start)!; const e = parseIp(p.end)!;
      if (s.version !== cidr.version || e.version !== cidr.version) throw invalidInput(`Gateway IP version inconsistent with allocation pool version`);
      if (s.value > e.value) throw badRequest(`The allocation pool ${p.start}-${p.end} is not valid.`, 'InvalidAllocationPool');
      const lo = cidr.version === 4 && cidr.prefix < 31 ? firstIp(cidr) + 1n : firstIp(cidr);
      const hi = cidr.version === 4 && cidr.prefix < 31 ? lastIp(cidr) - 1n : lastIp(cidr);
      if (s.value < lo || e.value > hi) throw badRequest(`The allocation pool ${p.start}-${p.end} spans beyond the subnet cidr ${formatCidr(cidr)}.`, 'OutOfBoundsAllocationPool');
      return { s: s.value, e: e.value, p: { start: formatIp(cidr.version, s.value), end: formatIp(cidr.version, e.value) } };
    });
    for (let i = 0; i < ranges.length; i++) for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i]!, b = ranges[j]!;
      if (a.s <= b.e && b.s <= a.e) {
        throw badRequest(`Found overlapping allocation pools: ${a.p.start}-${a.p.end} and ${b.p.start}-${b.p.end} for subnet ${formatCidr(cidr)}.`, 'OverlappingAllocationPools');
      }
    }
    if (gateway !== undefined) for (const r of ranges) {
      if (gateway >= r.s && gateway <= r.e) {
        throw conflict('GatewayConflictWithAllocationPools', `Gateway ip ${formatIp(cidr.version, gateway)} conflicts with allocation pool ${r.p.start}-${r.p.end}.`);
      }
    }
    return ranges.map((r) => r.p);
  }

  private checkDns(dns: string[], version: 4 | 6): string[] {
    if (dns.length > MAX_DNS) throw badRequest(`Unable to complete operation for ${'subnet'}. The number of DNS nameservers exceeds the limit ${MAX_DNS}.`, 'DNSNameServersExhausted');
    void version;
    return dns;
  }

  private checkRoutes(routes: { destination: string; nexthop: string }[], version: 4 | 6): { destination: string; nexthop: string }[] {
    if (routes.length > MAX_ROUTES) throw badRequest(`Unable to complete operation for subnet. The number of host routes exceeds the limit ${MAX_ROUTES}.`, 'HostRoutesExhausted');
    for (const r of routes) {
      const dest = parseCidr(r.destination)!; const hop = parseIp(r.nexthop)!;
      if (dest.version !== version || hop.version !== version) {
        throw invalidInput(`Host route ${r.destination} ${r.nexthop} version does not match subnet ip version ${version}`);
      }
    }
    return routes.map((r) => ({ destination: formatCidr(parseCidr(r.destination)!), nexthop: r.nexthop }));
  }

  async update(id: string, raw: unknown, ifMatch?: number): Promise<SubnetRecord> {
    const s = await this.get(id);
    checkRevision(s.revision_number, ifMatch);
    const b = checkBody('subnet', SUBNET_ATTRS, raw, 'PUT');
    const cidr = parseCidr(s.cidr)!;
    const next: SubnetRecord = { ...s };
    for (const k of ['name', 'description', 'enable_dhcp', 'service_types'] as const) if (k in b) (next as any)[k] = b[k];
    if ('gateway_ip' in b) {
      const g = b.gateway_ip === null ? undefined : this.checkGateway(cidr, b.gateway_ip);
      if (g !== undefined) {
        const owner = (await this.d.t.allocations({ subnet_id: id })).find((a) => a.ip_address === formatIp(cidr.version, g));
        if (owner && s.gateway_ip !== b.gateway_ip) throw conflict('IpAddressInUse', `Unable to complete operation for network ${s.network_id}. The IP address ${b.gateway_ip} is in use.`);
      }
      next.gateway_ip = g === undefined ? null : formatIp(cidr.version, g);
    }
    const gw = next.gateway_ip ? parseIp(next.gateway_ip)!.value : undefined;
    if ('allocation_pools' in b) next.allocation_pools = this.checkPools(cidr, b.allocation_pools, gw);
    else if ('gateway_ip' in b && gw !== undefined) this.checkPools(cidr, next.allocation_pools, gw);
    if ('dns_nameservers' in b) next.dns_nameservers = this.checkDns(b.dns_nameservers, s.ip_version);
    if ('host_routes' in b) next.host_routes = this.checkRoutes(b.host_routes, s.ip_version);
    next.revision_number++;
    next.updated_at = now();
    await this.d.t.subnets.put(next);
    await this.afterUpdate(next, s);
    return next;
  }

  async delete(id: string, ifMatch?: number): Promise<void> {
    const s = await this.get(id);
    checkRevision(s.revision_number, ifMatch);
    if (await this.blockingPorts(s) > 0) {
      throw conflict('SubnetInUse', `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`);
    }
    await this.beforeDelete(s);
    await this.d.t.subnets.delete(id);
    await this.touchNetwork(s.network_id);
  }

  /** Total addresses in the pools, for network-ip-availabilities. */
  static poolSize(s: SubnetRecord): bigint {
    return s.allocation_pools.reduce((n, p) => n + parseIp(p.end)!.value - parseIp(p.start)!.value + 1n, 0n);
  }

  // Subnet pools (subnet_allocation).
  async getPool(id: string): Promise<SubnetPoolRecord> {
    const p = await this.d.t.subnetpools.get(id);
    if (!p) throw subnetPoolNotFound(id);
    return p;
  }
  listPools() { return this.d.t.subnetpools.list(); }

  async createPool(caller: Caller, raw: unknown): Promise<SubnetPoolRecord> {
    const b = checkBody('subnetpool', SUBNETPOOL_ATTRS, raw, 'POST');
    const prefixes = (b.prefixes as string[]).map((p) => truncate(parseCidr(p)!));
    const version = prefixes[0]!.version;
    if (prefixes.some((p) => p.version !== version)) throw invalidInput('Cannot mix IPv4 and IPv6 prefixes in a subnet pool');
    const max = version === 4 ? 32 : 128;
    const min = b.min_prefixlen ?? (version === 4 ? 8 : 64);
    const maxLen = b.max_prefixlen ?? max;
    const def = b.default_prefixlen ?? min;
    this.checkPrefixLens(min, def, maxLen, max);
    const ts = now();
    const p: SubnetPoolRecord = {
      id: randomUUID(), project_id: (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string, name: b.name,
      description: b.description, tags: dedupe(b.tags ?? []), prefixes: collapse(prefixes).map(formatCidr),
      default_prefixlen: def, min_prefixlen: min, max_prefixlen: maxLen, default_quota: b.default_quota ?? null,
      ip_version: version, shared: b.shared, is_default: b.is_default, address_scope_id: b.address_scope_id ?? null,
      revision_number: 0, created_at: ts, updated_at: ts,
    };
    await this.scopeCheck(caller, p);
    await this.d.t.subnetpools.insert(p);
    return p;
  }

  private checkPrefixLens(min: number, def: number, maxLen: number, max: number): void {
    if (!(min >= 0 && min <= max && maxLen >= 0 && maxLen <= max && min <= maxLen)) {
      throw badRequest(`Illegal prefix bounds: min_prefixlen=${min}, max_prefixlen=${maxLen}.`, 'IllegalSubnetPoolPrefixBounds');
    }
    if (def < min || def > maxLen) {
      throw badRequest(`Illegal prefix bounds: prefix_type=default_prefixlen, prefixlen=${def}, base_prefix_type=min_prefixlen, base_prefixlen=${min}.`, 'IllegalSubnetPoolPrefixBounds');
    }
  }

  async updatePool(id: string, raw: unknown, ifMatch?: number, caller: Caller = { projectId: undefined, isAdmin: true }): Promise<SubnetPoolRecord> {
    const p = await this.getPool(id);
    checkRevision(p.revision_number, ifMatch);
    const b = checkBody('subnetpool', SUBNETPOOL_ATTRS, raw, 'PUT');
    const next: SubnetPoolRecord = { ...p };
    for (const k of ['name', 'description', 'default_prefixlen', 'min_prefixlen', 'max_prefixlen', 'default_quota', 'is_default', 'address_scope_id'] as const) if (k in b) (next as any)[k] = b[k];
    if (b.prefixes) {
      const given = (b.prefixes as string[]).map((x) => truncate(parseCidr(x)!));
      const old = p.prefixes.map((x) => parseCidr(x)!);
      if (old.some((o) => !given.some((g) => g.version === o.version && g.prefix <= o.prefix && overlaps(g, o)))) {
        throw badRequest('Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.', 'IllegalSubnetPoolPrefixUpdate');
      }
      next.prefixes = collapse(given).map(formatCidr);
    }
    this.checkPrefixLens(next.min_prefixlen, next.default_prefixlen, next.max_prefixlen, p.ip_version === 4 ? 32 : 128);
    if ('address_scope_id' in b || b.prefixes) await this.scopeCheck(caller, next);
    next.revision_number++;
    next.updated_at = now();
    await this.d.t.subnetpools.put(next);
    return next;
  }

  async deletePool(id: string, ifMatch?: number): Promise<void> {
    const p = await this.getPool(id);
    checkRevision(p.revision_number, ifMatch);
    if ((await this.d.t.subnets.list()).some((s) => s.subnetpool_id === id)) {
      throw conflict('SubnetPoolInUse', `Subnet pool ${id} could not be deleted: Subnet pool has existing allocations.`.replace(' could not be deleted:', ' cannot be deleted:'));
    }
    await this.d.t.subnetpools.delete(id);
  }

  private async allocateFromPool(pool: SubnetPoolRecord, prefixlen?: number): Promise<Cidr> {
    const len = prefixlen ?? pool.default_prefixlen;
    if (len < pool.min_prefixlen || len > pool.max_prefixlen) {
      throw badRequest(`Illegal prefix bounds: prefix_type=prefixlen, prefixlen=${len}, base_prefix_type=min_prefixlen, base_prefixlen=${pool.min_prefixlen}.`, 'IllegalSubnetPoolPrefixBounds');
    }
    const used = (await this.d.t.subnets.list()).filter((s) => s.subnetpool_id === pool.id).map((s) => parseCidr(s.cidr)!);
    for (const prefix of pool.prefixes.map((p) => parseCidr(p)!)) {
      if (prefix.prefix > len) continue;
      const step = size({ version: prefix.version, network: 0n, prefix: len });
      for (let n = firstIp(prefix); n <= lastIp(prefix); n += step) {
        const c: Cidr = { version: prefix.version, network: n, prefix: len };
        if (!used.some((u) => overlaps(u, c))) return c;
      }
    }
    throw conflict('SubnetAllocationError', `Failed to allocate subnet: Insufficient prefix space to allocate subnet size /${len}.`);
  }
}

function collapse(cidrs: Cidr[]): Cidr[] {
  const sorted = [...cidrs].sort((a, b) => (a.prefix - b.prefix));
  const out: Cidr[] = [];
  for (const c of sorted) if (!out.some((o) => overlaps(o, c))) out.push(c);
  return out.sort((a, b) => (firstIp(a) < firstIp(b) ? -1 : 1));
}

export { NeutronError };
