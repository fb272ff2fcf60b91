import { randomUUID } from 'node:crypto';
import { type AttrMap, checkBody, fmt, now, nullableUuid, STANDARD_ATTRS, str, toBoolean, uuid } from './attributes.js';
import { type Caller, type DomainDeps, Locks } from './context.js';
import { badRequest, conflict, invalidProtocol, securityGroupNotFound, securityGroupRuleNotFound } from './errors.js';
import { formatCidr, parseCidr, truncate } from './ip.js';
import { checkRevision, dedupe } from './networks.service.js';
import type { SecurityGroupRecord, SecurityGroupRuleRecord } from '../store/tables.js';

export const PROTOCOLS: Record<string, number> = {
  ah: 51, dccp: 33, egp: 8, esp: 50, gre: 47, hopopt: 0, icmp: 1, igmp: 2, ipip: 4, ipv6_encap: 41, ipv6_frag: 44,
  ipv6_icmp: 58, icmpv6: 58, ipv6_nonxt: 59, ipv6_opts: 60, ipv6_route: 43, ospf: 89, pgm: 113, rsvp: 46, sctp: 132,
  tcp: 6, udp: 17, udplite: 136, vrrp: 112,
};
const PORTED = ['tcp', 'udp', 'dccp', 'sctp', 'udplite', '6', '17', '33', '132', '136'];
const ICMP = ['icmp', 'icmpv6', 'ipv6-icmp', 'ipv6_icmp', '1', '58'];

export const SG_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { post: true, put: true, default: '', validate: str(255) },
  stateful: { post: true, put: true, default: true, convert: toBoolean },
  security_group_rules: {}, shared: {},
};

export const RULE_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  security_group_id: { post: true, required: true, validate: uuid },
  direction: { post: true, required: true, validate: (v) => (v === 'ingress' || v === 'egress' ? undefined : `'${fmt(v)}' is not in ['ingress', 'egress']`) },
  ethertype: { post: true, default: 'IPv4', validate: (v) => (v === 'IPv4' || v === 'IPv6' ? undefined : `'${fmt(v)}' is not in ['IPv4', 'IPv6']`) },
  protocol: { post: true, default: null, convert: convertProtocol },
  port_range_min: { post: true, default: null, convert: convertPort },
  port_range_max: { post: true, default: null, convert: convertPort },
  remote_ip_prefix: { post: true, default: null, validate: (v) => (v === null || (typeof v === 'string' && parseCidr(v)) ? undefined : `'${fmt(v)}' is not a valid IP subnet`) },
  remote_group_id: { post: true, default: null, validate: (v) => (v === null || typeof v === 'string' ? undefined : `'${fmt(v)}' is not a valid UUID`) },
  remote_address_group_id: { post: true, default: null, validate: nullableUuid },
  normalized_cidr: {},
};

function convertProtocol(v: unknown): string | null {
  if (v === null || v === undefined || v === '' || v === 'any') return null;
  if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) {
    const n = Number(v);
    if (n < 0 || n > 255) throw invalidProtocol(protocolMessage(v));
    return String(n);
  }
  if (typeof v === 'string' && (v.toLowerCase() in PROTOCOLS || v.toLowerCase() === 'ipv6-icmp')) return v.toLowerCase();
  throw invalidProtocol(protocolMessage(v));
}
function protocolMessage(v: unknown): string {
  const names = Object.keys(PROTOCOLS).map((p) => `'${p}'`).join(', ');
  return `Security group rule protocol ${fmt(v)} not supported. Only protocol values [None, ${names}] and integer representations [0 to 255] are supported.`;
}
function convertPort(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  throw `'${fmt(v)}' is not an integer`;
}

const DEFAULT_DESC = 'Default security group';

export class SecurityGroupsService {
  private readonly locks = new Locks();
  constructor(private readonly d: DomainDeps, private readonly changed: (sgIds: string[]) => Promise<void>, private readonly quota: (projectId: string, res: string, n: number) => Promise<void>) {}

  async get(id: string): Promise<SecurityGroupRecord> {
    const g = await this.d.t.securityGroups.get(id);
    if (!g) throw securityGroupNotFound(id);
    return g;
  }
  find(id: string) { return this.d.t.securityGroups.get(id); }
  list() { return this.d.t.securityGroups.list(); }
  rules(sgId?: string) { return this.d.t.securityGroupRules.list(sgId ? { network_id: sgId } : {}); }

  async getRule(id: string): Promise<SecurityGroupRuleRecord> {
    const r = await this.d.t.securityGroupRules.get(id);
    if (!r) throw securityGroupRuleNotFound(id);
    return r;
  }

  /** The project's `default` group, created with Neutron's four rules on first use. */
  async ensureDefault(projectId: string | undefined): Promise<string | undefined> {
    if (!projectId) return undefined;
    const known = await this.d.t.defaultSecurityGroup(projectId);
    if (known) return known;
    return this.locks.run(projectId, async () => {
      const again = await this.d.t.defaultSecurityGroup(projectId);
      if (again) return again;
      const ts = now();
      const g: SecurityGroupRecord = {
        id: randomUUID(), project_id: projectId, name: 'default', description: DEFAULT_DESC, stateful: true, tags: [], revision_number: 0, created_at: ts, updated_at: ts,
      };
      await this.d.t.securityGroups.insert(g);
      await this.d.t.claimDefaultSecurityGroup(projectId, g.id);
      for (const ethertype of ['IPv4', 'IPv6'] as const) {
        await this.insertRule(g, { direction: 'egress', ethertype, remote_group_id: null });
        await this.insertRule(g, { direction: 'ingress', ethertype, remote_group_id: g.id });
      }
      return g.id;
    });
  }

  private insertRule(g: SecurityGroupRecord, r: Pick<SecurityGroupRuleRecord, 'direction' | 'ethertype' | 'remote_group_id'>, projectId = g.project_id) {
    const ts = now();
    return this.d.t.securityGroupRules.insert({
      id: randomUUID(), project_id: projectId, security_group_id: g.id, protocol: null, port_range_min: null, port_range_max: null,
      remote_ip_prefix: null, remote_address_group_id: null, description: '', tags: [], revision_number: 0, created_at: ts, updated_at: ts, ...r,
    });
  }

  async create(caller: Caller, raw: unknown): Promise<SecurityGroupRecord> {
    const b = checkBody('security_group', SG_ATTRS, raw, 'POST');
    const projectId = (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string;
    await this.ensureDefault(projectId);
    if (b.name === 'default') throw conflict('SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
    await this.quota(projectId, 'security_group', 1);
    const ts = now();
    const g: SecurityGroupRecord = {
      id: randomUUID(), project_id: projectId, name: b.name, description: b.description, stateful: b.stateful, tags: dedupe(b.tags ?? []),
      revision_number: 0, created_at: ts, updated_at: ts,
    };
    await this.d.t.securityGroups.insert(g);
    for (const ethertype of ['IPv4', 'IPv6'] as const) await this.insertRule(g, { direction: 'egress', ethertype, remote_group_id: null });
    return g;
  }

  async update(id: string, raw: unknown, ifMatch?: number): Promise<SecurityGroupRecord> {
    const g = await this.get(id);
    checkRevision(g.revision_number, ifMatch);
    const b = checkBody('security_group', SG_ATTRS, raw, 'PUT');
    if (g.name === 'default' && 'name' in b && b.name !== 'default') throw conflict('SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.');
    if (g.name !== 'default' && b.name === 'default') throw conflict('SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
    const next = { ...g, ...pick(b, ['name', 'description', 'stateful']), revision_number: g.revision_number + 1, updated_at: now() };
    await this.d.t.securityGroups.put(next);
    return next;
  }

  async delete(caller: Caller, id: string, ifMatch?: number): Promise<void> {
    const g = await this.get(id);
    checkRevision(g.revision_number, ifMatch);
    const isDefault = (await this.d.t.defaultSecurityGroup(g.project_id)) === id;
    if (isDefault && !caller.isAdmin) throw conflict('SecurityGroupCannotRemoveDefault', 'Insufficient rights for removing default security group.');
    if ((await this.d.t.ports.list()).some((p) => p.security_groups.includes(id))) {
      throw conflict('SecurityGroupInUse', `Security Group ${id} in use.`);
    }
    for (const r of await this.rules(id)) await this.d.t.securityGroupRules.delete(r.id);
    for (const r of await this.rules()) if (r.remote_group_id === id) await this.d.t.securityGroupRules.delete(r.id);
    if (isDefault) await this.d.t.forgetDefaultSecurityGroup(id);
    await this.d.t.securityGroups.delete(id);
  }

  async createRule(caller: Caller, raw: unknown, canSee: (g: SecurityGroupRecord) => boolean): Promise<SecurityGroupRuleRecord> {
    const b = checkBody('security_group_rule', RULE_ATTRS, raw, 'POST');
    const g = await this.d.t.securityGroups.get(b.security_group_id);
    if (!g || !canSee(g)) throw securityGroupNotFound(b.security_group_id);
    const projectId = (b.project_id ?? b.tenant_id ?? caller.projectId ?? g.project_id) as string;
    if (b.remote_group_id) {
      const rg = await this.d.t.securityGroups.get(b.remote_group_id);
      if (!rg || !canSee(rg)) throw securityGroupNotFound(b.remote_group_id);
    }
    if (b.remote_ip_prefix && (b.remote_group_id || b.remote_address_group_id)) {
      throw badRequest('Only remote_ip_prefix or remote_group_id may be provided.', 'SecurityGroupRemoteGroupAndRemoteIpPrefix');
    }
    let prefix: string | null = null;
    if (b.remote_ip_prefix) {
      const c = parseCidr(b.remote_ip_prefix)!;
      if ((c.version === 4) !== (b.ethertype === 'IPv4')) throw badRequest(`Conflicting value ethertype ${b.ethertype} for CIDR ${b.remote_ip_prefix}`, 'SecurityGroupRuleParameterConflict');
      // NOTE: Neutron keeps the prefix as given (netaddr's str keeps host bits); normalized_cidr is the network.
      prefix = formatCidr(c);
    }
    const proto = b.protocol as string | null;
    if (proto && ['icmpv6', 'ipv6-icmp', 'ipv6_icmp', '58'].includes(proto) && b.ethertype === 'IPv4') {
      throw badRequest(`Protocol ${proto} is not supported for ethertype IPv4.`, 'SecurityGroupRuleInvalidEtherType');
    }
    this.checkPorts(proto, b.port_range_min, b.port_range_max);
    const rule = {
      direction: b.direction, ethertype: b.ethertype, protocol: proto, port_range_min: b.port_range_min, port_range_max: b.port_range_max,
      remote_ip_prefix: prefix, remote_group_id: b.remote_group_id, remote_address_group_id: b.remote_address_group_id,
    };
    for (const r of await this.rules(g.id)) {
      if (sameRule(r, rule)) throw conflict('SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${r.id}.`);
    }
    await this.quota(projectId, 'security_group_rule', 1);
    const ts = now();
    const rec: SecurityGroupRuleRecord = {
      id: randomUUID(), project_id: projectId, security_group_id: g.id, ...rule, description: b.description, tags: [], revision_number: 0, created_at: ts, updated_at: ts,
    };
    await this.d.t.securityGroupRules.insert(rec);
    await this.touch(g);
    await this.changed([g.id]);
    return rec;
  }

  private checkPorts(proto: string | null, min: number | null, max: number | null): void {
    if (min === null && max === null) return;
    if (proto === null) throw badRequest('Must also specify protocol if port range is given.', 'SecurityGroupProtocolRequiredWithPorts');
    if (PORTED.includes(proto)) {
      if (min === null || max === null || min > max) throw badRequest('For TCP/UDP protocols, port_range_min must be <= port_range_max', 'SecurityGroupInvalidPortRange');
      for (const p of [min, max]) if (p < 1 || p > 65535) throw badRequest(`Invalid value for port ${p}.`, 'SecurityGroupInvalidPortValue');
      return;
    }
    if (ICMP.includes(proto)) {
      if (min !== null && (min < 0 || min > 255)) throw badRequest(`Invalid value for ICMP type (port_range_min) ${min}. It must be 0 to 255.`, 'SecurityGroupInvalidIcmpValue');
      if (max !== null && (max < 0 || max > 255)) throw badRequest(`Invalid value for ICMP code (port_range_max) ${max}. It must be 0 to 255.`, 'SecurityGroupInvalidIcmpValue');
      if (min === null && max !== null) throw badRequest(`ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`, 'SecurityGroupMissingIcmpType');
      return;
    }
    throw badRequest(`Port range is not supported for protocol ${proto}.`, 'SecurityGroupInvalidProtocolForPort');
  }

  async deleteRule(id: string): Promise<void> {
    const r = await this.getRule(id);
    await this.d.t.securityGroupRules.delete(id);
    const g = await this.d.t.securityGroups.get(r.security_group_id);
    if (g) await this.touch(g);
    await this.changed([r.security_group_id]);
  }

  async updateRule(id: string, raw: unknown): Promise<SecurityGroupRuleRecord> {
    const r = await this.getRule(id);
    const b = checkBody('security_group_rule', { ...RULE_ATTRS, description: { ...RULE_ATTRS.description, put: true } }, raw, 'PUT');
    const next = { ...r, ...pick(b, ['description']), revision_number: r.revision_number + 1, updated_at: now() };
    await this.d.t.securityGroupRules.put(next);
    return next;
  }

  private async touch(g: SecurityGroupRecord) {
    await this.d.t.securityGroups.put({ ...g, revision_number: g.revision_number + 1, updated_at: now() });
  }

  /** Checks that every named group exists and the project may use it. */
  async checkUsable(ids: string[], canSee: (g: SecurityGroupRecord) => boolean): Promise<string[]> {
    for (const id of ids) {
      const g = await this.d.t.securityGroups.get(id);
      if (!g || !canSee(g)) throw securityGroupNotFound(id);
    }
    return [...new Set(ids)];
  }
}

function canonicalProto(p: string | null): string | null {
  if (p === null) return null;
  if (p === 'ipv6-icmp' || p === 'ipv6_icmp' || p === 'icmpv6') return '58';
  return p in PROTOCOLS ? String(PROTOCOLS[p]) : p;
}
/** The rule's remote prefix with the host bits cleared (Neutron's normalized_cidr). */
export function normalizedCidr(prefix: string | null): string | null {
  const c = prefix ? parseCidr(prefix) : undefined;
  return c ? formatCidr(truncate(c)) : null;
}
function sameRule(a: Partial<SecurityGroupRuleRecord>, b: Partial<SecurityGroupRuleRecord>): boolean {
  return a.direction === b.direction && a.ethertype === b.ethertype && canonicalProto(a.protocol ?? null) === canonicalProto(b.protocol ?? null)
    && (a.port_range_min ?? null) === (b.port_range_min ?? null) && (a.port_range_max ?? null) === (b.port_range_max ?? null)
    && normalizedCidr(a.remote_ip_prefix ?? null) === normalizedCidr(b.remote_ip_prefix ?? null) && (a.remote_group_id ?? null) === (b.remote_group_id ?? null)
    && (a.remote_address_group_id ?? null) === (b.remote_address_group_id ?? null);
}
function pick(o: Record<string, unknown>, keys: string[]) { return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]])); }
