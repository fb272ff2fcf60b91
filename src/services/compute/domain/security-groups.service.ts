// Nova's security groups over Neutron's (nova/network/security_group_api.py, the neutron driver):
// ingress rules only, Nova's port defaults, Nova's validation and its mapping of Neutron's errors.
import { ApiError, BadRequest, Conflict, Forbidden, NotFound } from '../../../core/errors/errors.js';
import type { NetCaller, NetworkProxyFacade, SecurityGroup, SecurityGroupRule } from '../../network/index.js';
import { instancePortsNotFound, invalidSecurityGroupPortRange, securityGroupIdNotUuid, securityGroupNameNotFound, securityGroupNotAssociated, securityGroupNotFoundForProject, securityGroupRuleExists } from './errors.js';

export interface NovaRule {
  id: string; parent_group_id: string; protocol: string | null; from_port: number | null; to_port: number | null;
  /** The source group's name and project when the rule names a group; else the cidr. */
  group?: { name: string; tenant_id: string }; cidr?: string;
}
export interface NovaGroup { id: string; name: string; description: string; project_id: string; rules: NovaRule[] }

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

/** Neutron's error as Nova raises it: `map` picks the Nova status per Neutron status (default: the same). */
export function fromNeutron(e: unknown, map: Partial<Record<number, number>> = {}): never {
  if (e instanceof ApiError && e.status >= 400 && e.status < 500) {
    const status = map[e.status] ?? e.status;
    if (status === 400) throw new BadRequest(e.message);
    if (status === 403) throw new Forbidden(e.message);
    if (status === 404) throw new NotFound(e.message);
    if (status === 409) throw new Conflict(e.message);
  }
  throw e;
}

async function neutron<T>(fn: () => Promise<T>, map: Partial<Record<number, number>> = {}): Promise<T> {
  try { return await fn(); } catch (e) { return fromNeutron(e, map); }
}

function validCidr(c: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(c);
  const [addr, len] = m ? [m[1]!, Number(m[2])] : [c, undefined];
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) return addr.split('.').every((o) => Number(o) <= 255) && (len === undefined || len <= 32);
  if (addr.includes(':') && /^[0-9a-f:.]+$/i.test(addr) && (addr.match(/::/g) ?? []).length <= 1) return len === undefined || len <= 128;
  return false;
}

export class SecurityGroupsService {
  constructor(private readonly net: NetworkProxyFacade) {}

  /** Neutron's group in Nova's format: ingress rules, ports defaulted as Nova shows them. */
  private toNova(g: SecurityGroup): NovaGroup {
    return { id: g.id, name: g.name, description: g.description, project_id: g.projectId, rules: g.rules.filter((r) => r.direction === 'ingress').map(ruleToNova) };
  }

  /** Resolves rules' source groups to {name, tenant_id}; rules whose source group is gone are dropped (as Nova). */
  private async withSources(c: NetCaller, groups: NovaGroup[], raw: SecurityGroup[]): Promise<NovaGroup[]> {
    const known = new Map<string, { name: string; tenant_id: string } | null>(groups.map((g) => [g.id, { name: g.name, tenant_id: g.project_id }]));
    const sourceOf = new Map(raw.flatMap((g) => g.rules.map((r) => [r.id, r.remoteGroupId] as const)));
    for (const g of groups) {
      const kept: NovaRule[] = [];
      for (const r of g.rules) {
        const src = sourceOf.get(r.id);
        if (!src) { kept.push(r); continue; }
        if (!known.has(src)) {
          try { const s = await this.net.securityGroup(c, src); known.set(src, { name: s.name, tenant_id: s.projectId }); } catch { known.set(src, null); }
        }
        const data = known.get(src);
        if (data) kept.push({ ...r, cidr: undefined, group: data });
      }
      g.rules = kept;
    }
    return groups;
  }

  /** Nova pages Neutron's list (common.limited: offset, limit) and sorts the page by project and name. */
  async list(c: NetCaller, opts: { allTenants: boolean; offset?: number; limit?: number }): Promise<NovaGroup[]> {
    const all = await neutron(() => this.net.securityGroups(c, { allProjects: opts.allTenants }));
    const offset = opts.offset ?? 0;
    const raw = all.slice(offset, opts.limit === undefined ? undefined : offset + opts.limit);
    const out = await this.withSources(c, raw.map((g) => this.toNova(g)), raw);
    return out.sort((a, b) => (a.project_id === b.project_id ? cmp(a.name, b.name) : cmp(a.project_id, b.project_id)));
  }

  async get(c: NetCaller, id: string): Promise<NovaGroup> {
    if (!isUuid(id)) throw securityGroupIdNotUuid();
    const g = await neutron(() => this.net.securityGroup(c, id));
    return (await this.withSources(c, [this.toNova(g)], [g]))[0]!;
  }

  async create(c: NetCaller, name: string, description: string): Promise<NovaGroup> {
    const g = await neutron(() => this.net.createSecurityGroup(c, { name, description }), { 409: 403 });
    return this.toNova(g);
  }

  async update(c: NetCaller, id: string, name: string, description: string): Promise<NovaGroup> {
    await this.get(c, id);
    const g = await neutron(() => this.net.updateSecurityGroup(c, id, { name, description }), { 409: 400 });
    return (await this.withSources(c, [this.toNova(g)], [g]))[0]!;
  }

  async delete(c: NetCaller, id: string): Promise<void> {
    await this.get(c, id);
    await neutron(() => this.net.deleteSecurityGroup(c, id), { 409: 400 });
  }

  /** POST /os-security-group-rules: Nova's _new_ingress_rule, its duplicate check, then Neutron. */
  async createRule(c: NetCaller, b: { parentGroupId: string; groupId?: string | null; ipProtocol?: unknown; fromPort?: unknown; toPort?: unknown; cidr?: unknown }): Promise<NovaRule> {
    const parent = await neutron(() => this.net.securityGroup(c, b.parentGroupId));
    let source: SecurityGroup | undefined;
    if (b.groupId !== undefined && b.groupId !== null) source = await neutron(() => this.net.securityGroup(c, b.groupId!));
    const rule = newIngressRule(b.ipProtocol, b.fromPort, b.toPort, source ? { groupId: source.id } : { cidr: parseCidr(b.cidr) });
    if (!rule) throw new BadRequest('Not enough parameters to build a valid rule.');
    if (rule.cidr !== undefined) {
      const [net, len] = rule.cidr.split('/');
      if (net !== '0.0.0.0' && net !== '::' && len === '0') throw new BadRequest(`Bad prefix for network in cidr ${rule.cidr}`);
    }
    const existing = this.toNova(parent).rules;
    const same = existing.find((r) => (sourceOfRule(parent, r.id) ?? undefined) === (rule.groupId ?? undefined) && r.cidr === rule.cidr
      && r.from_port === rule.fromPort && r.to_port === rule.toPort && r.protocol === rule.protocol);
    if (same) throw securityGroupRuleExists(parent.id);
    const v6 = rule.cidr?.includes(':') ?? false;
    const created = await neutron(() => this.net.createSecurityGroupRule(c, {
      securityGroupId: parent.id, direction: 'ingress', ethertype: v6 ? 'IPv6' : 'IPv4', protocol: rule.protocol,
      portRangeMin: rule.fromPort === null || rule.fromPort === -1 ? null : rule.fromPort,
      portRangeMax: rule.toPort === null || rule.toPort === -1 ? null : rule.toPort,
      remoteIpPrefix: rule.cidr ?? null, remoteGroupId: rule.groupId ?? null,
    }), { 409: 403 });
    const out = ruleToNova(created);
    return source ? { ...out, cidr: undefined, group: { name: source.name, tenant_id: source.projectId } } : out;
  }

  async deleteRule(c: NetCaller, id: string): Promise<void> {
    if (!isUuid(id)) throw securityGroupIdNotUuid();
    const r = await neutron(() => this.net.securityGroupRule(c, id));
    await neutron(() => this.net.securityGroup(c, r.securityGroupId));
    await neutron(() => this.net.deleteSecurityGroupRule(c, id));
  }

  /** GET /servers/{id}/os-security-groups: the groups on the server's ports. */
  async ofServer(c: NetCaller, serverId: string): Promise<NovaGroup[]> {
    const ids = [...new Set((await this.net.portsOfDeviceWithGroups(serverId)).flatMap((p) => p.securityGroups))];
    const raw: SecurityGroup[] = [];
    for (const id of ids) {
      try { raw.push(await this.net.securityGroup({ ...c, isAdmin: true }, id)); } catch { /* NOTE: gone meanwhile */ }
    }
    const out = await this.withSources(c, raw.map((g) => this.toNova(g)), raw);
    return out.sort((a, b) => (a.project_id === b.project_id ? cmp(a.name, b.name) : cmp(a.project_id, b.project_id)));
  }

  /** Group ids for the names (or ids) asked at server create; 400 for one that does not exist (Nova's validate_name). */
  /** The names Nova shows for groups asked by name or id (a group asked by id shows its name). */
  async namesOf(c: NetCaller, namesOrIds: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const n of namesOrIds) {
      const id = await neutron(() => this.net.findSecurityGroup(c, n));
      out.push(id && id === n ? (await neutron(() => this.net.securityGroup(c, id))).name : n);
    }
    return out;
  }

  async resolve(c: NetCaller, names: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const n of names) {
      const id = await neutron(() => this.net.findSecurityGroup(c, n));
      if (!id) throw securityGroupNameNotFound(n);
      out.push(id);
    }
    return out;
  }

  private async idOf(c: NetCaller, name: string): Promise<string> {
    const id = await neutron(() => this.net.findSecurityGroup(c, name));
    if (!id) throw securityGroupNotFoundForProject(name, c.projectId);
    return id;
  }

  async addToServer(c: NetCaller, serverId: string, name: string): Promise<void> {
    const id = await this.idOf(c, name);
    const ports = await this.net.portsOfDeviceWithGroups(serverId);
    if (!ports.length) throw instancePortsNotFound(serverId);
    for (const p of ports) {
      if (!p.applicable) throw new BadRequest('Network requires port_security_enabled and subnet associated in order to apply security groups.');
      await neutron(() => this.net.setPortSecurityGroups(c, p.id, [...new Set([...p.securityGroups, id])]), { 409: 409 });
    }
  }

  async removeFromServer(c: NetCaller, serverId: string, name: string): Promise<void> {
    const id = await this.idOf(c, name);
    const ports = await this.net.portsOfDeviceWithGroups(serverId);
    if (!ports.length) throw instancePortsNotFound(serverId);
    let found = false;
    for (const p of ports) {
      if (!p.securityGroups.includes(id)) continue;
      await neutron(() => this.net.setPortSecurityGroups(c, p.id, p.securityGroups.filter((g) => g !== id)));
      found = true;
    }
    if (!found) throw securityGroupNotAssociated(name, serverId);
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sourceOfRule(g: SecurityGroup, ruleId: string): string | null {
  return g.rules.find((r) => r.id === ruleId)?.remoteGroupId ?? null;
}

/** _convert_to_nova_security_group_rule_format: a protocol without ports shows 1-65535 (tcp/udp) or -1. */
function ruleToNova(r: SecurityGroupRule): NovaRule {
  let from = r.portRangeMin;
  let to = r.portRangeMax;
  if (r.protocol && from === null && to === null) {
    [from, to] = ['tcp', 'udp'].includes(r.protocol.toLowerCase()) ? [1, 65535] : [-1, -1];
  }
  const out: NovaRule = { id: r.id, parent_group_id: r.securityGroupId, protocol: r.protocol, from_port: from, to_port: to };
  if (!r.remoteGroupId) out.cidr = r.remoteIpPrefix || '0.0.0.0/0';
  else out.group = { name: '', tenant_id: '' };
  return out;
}

function parseCidr(cidr: unknown): string {
  if (cidr === undefined || cidr === null || cidr === '') return '0.0.0.0/0';
  let text: string;
  try { text = decodeURIComponent(String(cidr)); } catch { throw new BadRequest(`${String(cidr)} is not a valid IP network.`); }
  if (!validCidr(text)) throw new BadRequest(`${text} is not a valid IP network.`);
  return text;
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return Number(v.trim());
  return undefined;
}

/** nova's _new_ingress_rule; undefined when a cidr rule lacks protocol or ports. */
function newIngressRule(ipProtocol: unknown, fromPort: unknown, toPort: unknown, src: { groupId?: string; cidr?: string }):
  { groupId?: string; cidr?: string; protocol: string | null; fromPort: number | null; toPort: number | null } | undefined {
  let from = fromPort === undefined ? null : fromPort;
  let to = toPort === undefined ? null : toPort;
  const proto = ipProtocol === undefined || ipProtocol === null || ipProtocol === '' ? null : String(ipProtocol);
  const upper = proto?.toUpperCase() ?? '';
  if (src.groupId) {
    if (upper === 'ICMP' && from === null && to === null) { from = -1; to = -1; }
    else if ((upper === 'TCP' || upper === 'UDP') && from === null && to === null) { from = 1; to = 65535; }
  }
  if (proto && from !== null && to !== null) {
    const f = toInt(from);
    const t = toInt(to);
    if (f === undefined || t === undefined) {
      throw new BadRequest(`Invalid input received: ${upper === 'ICMP' ? 'Type and Code must be integers for ICMP protocol type' : 'To and From ports must be integers'}`);
    }
    if (!['TCP', 'UDP', 'ICMP'].includes(upper)) throw new BadRequest(`Invalid IP protocol ${proto}.`);
    if (upper !== 'ICMP' && f > t) throw invalidSecurityGroupPortRange(f, t, 'Former value cannot be greater than the later');
    if (upper !== 'ICMP' && (f < 1 || t > 65535)) throw invalidSecurityGroupPortRange(f, t, `Valid ${upper} ports should be between 1-65535`);
    if (upper === 'ICMP' && (f < -1 || f > 255 || t < -1 || t > 255)) throw invalidSecurityGroupPortRange(f, t, 'For ICMP, the type:code must be valid');
    return { ...src, protocol: proto, fromPort: f, toPort: t };
  }
  if (src.cidr) return undefined;
  return { ...src, protocol: null, fromPort: null, toPort: null };
}
