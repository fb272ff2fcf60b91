// Quality of Service (qos, qos-default, qos-bw-limit-direction, qos-rule-type-details): policies
// with bandwidth limit rules, bound to ports and networks by their qos_policy_id. A port's
// effective policy is its own, else its network's (for ports that are not the network's own
// devices), as Neutron's QoS plugin applies it; the network driver enforces the limits.
import { randomUUID } from 'node:crypto';
import { type AttrMap, checkBody, fmt, now, oneOf, STANDARD_ATTRS, str, toBoolean, toInt } from './attributes.js';
import type { Caller, DomainDeps } from './context.js';
import { conflict, qosPolicyNotFound, qosRuleNotFound } from './errors.js';
import { checkRevision, dedupe } from './networks.service.js';
import type { BandwidthLimitRule, NetworkRecord, PortRecord, QosPolicyRecord } from '../store/tables.js';

const DB_INTEGER_MAX = 2147483647;
const range = (lo: number, hi: number) => (v: unknown) =>
  typeof v !== 'number' ? `'${fmt(v)}' is not an integer`
    : v < lo ? `'${v}' is too small - must be at least '${lo}'` : v > hi ? `'${v}' is too large - must be no larger than '${hi}'` : undefined;

export const QOS_POLICY_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { post: true, put: true, default: '', validate: str(255) },
  shared: { post: true, put: true, default: false, convert: toBoolean },
  is_default: { post: true, put: true, default: false, convert: toBoolean },
  rules: {},
};

export const BANDWIDTH_LIMIT_RULE_ATTRS: AttrMap = {
  id: {},
  max_kbps: { post: true, put: true, required: true, convert: toInt, validate: range(0, DB_INTEGER_MAX) },
  max_burst_kbps: { post: true, put: true, default: 0, convert: toInt, validate: range(0, DB_INTEGER_MAX) },
  direction: { post: true, put: true, default: 'egress', validate: oneOf(['egress', 'ingress']) },
};

/** The rule types this deployment supports, with their drivers' parameters (qos-rule-type-details). */
export const RULE_TYPES: Record<string, { name: string; supported_parameters: { parameter_name: string; parameter_type: string; parameter_values: unknown }[] }[]> = {
  bandwidth_limit: [{
    name: 'linuxbridge',
    supported_parameters: [
      { parameter_name: 'max_kbps', parameter_type: 'range', parameter_values: { start: 0, end: DB_INTEGER_MAX } },
      { parameter_name: 'direction', parameter_type: 'choices', parameter_values: ['ingress', 'egress'] },
      { parameter_name: 'max_burst_kbps', parameter_type: 'range', parameter_values: { start: 0, end: DB_INTEGER_MAX } },
    ],
  }],
};

/** The bandwidth limits a port is under, per direction (Neutron's: egress = from the instance). */
export interface PortLimits { egress: { maxKbps: number; maxBurstKbps: number } | null; ingress: { maxKbps: number; maxBurstKbps: number } | null }

export class QosService {
  constructor(private readonly d: DomainDeps, private readonly rulesChanged: (policyId: string) => Promise<void>) {}

  async get(id: string): Promise<QosPolicyRecord> {
    const p = await this.d.t.qosPolicies.get(id);
    if (!p) throw qosPolicyNotFound(id);
    return p;
  }
  list() { return this.d.t.qosPolicies.list(); }

  /** Whether `projectId` may use the policy: its own, shared, or shared with it by RBAC. */
  async usableBy(p: QosPolicyRecord, projectId: string | undefined): Promise<boolean> {
    if (p.shared || p.project_id === projectId) return true;
    return (await this.d.t.rbac.list({ network_id: p.id }))
      .some((r) => r.object_type === 'qos_policy' && r.action === 'access_as_shared' && (r.target_tenant === '*' || r.target_tenant === projectId));
  }

  /** A policy named by a port's or network's qos_policy_id: it must exist and be usable (QosPolicyNotFound otherwise). */
  async checkUsable(caller: Caller, projectId: string, id: string | null | undefined): Promise<void> {
    if (!id) return;
    const p = await this.d.t.qosPolicies.get(id);
    if (!p || (!caller.isAdmin && !(await this.usableBy(p, projectId)) && !(await this.usableBy(p, caller.projectId)))) throw qosPolicyNotFound(id);
  }

  /** The project's default policy (qos-default), for networks created without one. */
  async defaultOf(projectId: string): Promise<QosPolicyRecord | undefined> {
    return (await this.d.t.qosPolicies.list({ project_id: projectId })).find((p) => p.is_default);
  }

  async create(caller: Caller, raw: unknown): Promise<QosPolicyRecord> {
    const b = checkBody('policy', QOS_POLICY_ATTRS, raw, 'POST');
    const projectId = (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string;
    if (b.is_default) await this.checkNoOtherDefault(projectId);
    const ts = now();
    const p: QosPolicyRecord = {
      id: randomUUID(), project_id: projectId, name: b.name, description: b.description, tags: dedupe(b.tags ?? []),
      shared: b.shared, is_default: b.is_default, rules: [], revision_number: 0, created_at: ts, updated_at: ts,
    };
    await this.d.t.qosPolicies.insert(p);
    return p;
  }

  private async checkNoOtherDefault(projectId: string, except?: string): Promise<void> {
    const d = await this.defaultOf(projectId);
    if (d && d.id !== except) throw conflict('QoSPolicyDefaultAlreadyExists', `A default QoS policy exists for project ${projectId}.`);
  }

  async update(id: string, raw: unknown, ifMatch?: number): Promise<QosPolicyRecord> {
    const p = await this.get(id);
    checkRevision(p.revision_number, ifMatch);
    const b = checkBody('policy', QOS_POLICY_ATTRS, raw, 'PUT');
    if (b.is_default) await this.checkNoOtherDefault(p.project_id, p.id);
    const next: QosPolicyRecord = { ...p };
    for (const k of ['name', 'description', 'shared', 'is_default'] as const) if (k in b) (next as any)[k] = b[k];
    return this.save(next);
  }

  private async save(p: QosPolicyRecord): Promise<QosPolicyRecord> {
    const next = { ...p, revision_number: p.revision_number + 1, updated_at: now() };
    await this.d.t.qosPolicies.put(next);
    return next;
  }

  async delete(id: string, ifMatch?: number): Promise<void> {
    const p = await this.get(id);
    checkRevision(p.revision_number, ifMatch);
    const port = (await this.d.t.ports.list()).find((x) => x.qos_policy_id === id);
    const net = port ? undefined : (await this.d.t.networks.list()).find((x) => x.qos_policy_id === id);
    const user = port ? ['port', port.id] : net ? ['network', net.id] : undefined;
    if (user) throw conflict('QosPolicyInUse', `QoS Policy ${id} is used by ${user[0]} ${user[1]}.`);
    await this.d.t.qosPolicies.delete(id);
  }

  // Bandwidth limit rules (one per direction and policy).
  async rule(policyId: string, ruleId: string): Promise<BandwidthLimitRule> {
    const r = (await this.get(policyId)).rules.find((x) => x.id === ruleId);
    if (!r) throw qosRuleNotFound(ruleId, policyId);
    return r;
  }

  async createRule(policyId: string, raw: unknown): Promise<BandwidthLimitRule> {
    const p = await this.get(policyId);
    const b = checkBody('bandwidth_limit_rule', BANDWIDTH_LIMIT_RULE_ATTRS, raw, 'POST');
    const r: BandwidthLimitRule = { id: randomUUID(), max_kbps: b.max_kbps, max_burst_kbps: b.max_burst_kbps, direction: b.direction };
    this.checkDirectionFree(p, r);
    await this.save({ ...p, rules: [...p.rules, r] });
    await this.rulesChanged(p.id);
    return r;
  }

  async updateRule(policyId: string, ruleId: string, raw: unknown): Promise<BandwidthLimitRule> {
    const p = await this.get(policyId);
    const cur = await this.rule(policyId, ruleId);
    const b = checkBody('bandwidth_limit_rule', BANDWIDTH_LIMIT_RULE_ATTRS, raw, 'PUT');
    const r: BandwidthLimitRule = { ...cur, ...b };
    this.checkDirectionFree(p, r);
    await this.save({ ...p, rules: p.rules.map((x) => (x.id === ruleId ? r : x)) });
    await this.rulesChanged(p.id);
    return r;
  }

  async deleteRule(policyId: string, ruleId: string): Promise<void> {
    const p = await this.get(policyId);
    await this.rule(policyId, ruleId);
    await this.save({ ...p, rules: p.rules.filter((x) => x.id !== ruleId) });
    await this.rulesChanged(p.id);
  }

  private checkDirectionFree(p: QosPolicyRecord, r: BandwidthLimitRule): void {
    if (p.rules.some((x) => x.id !== r.id && x.direction === r.direction)) {
      throw conflict('NeutronDbObjectDuplicateEntry', `Failed to create a duplicate QosBandwidthLimitRule: for attribute(s) `
        + `['qos_policy_id', 'direction'] with value(s) ${p.id}, ${r.direction}`);
    }
  }

  /** The limits a port is under: its own policy, else its network's for a port that is not a network device. */
  async limitsOf(port: PortRecord, net: NetworkRecord | undefined): Promise<PortLimits> {
    const id = port.qos_policy_id ?? (port.device_owner.startsWith('network:') ? null : net?.qos_policy_id ?? null);
    const p = id ? await this.d.t.qosPolicies.get(id) : undefined;
    const of = (dir: 'egress' | 'ingress') => {
      const r = p?.rules.find((x) => x.direction === dir);
      return r ? { maxKbps: r.max_kbps, maxBurstKbps: r.max_burst_kbps } : null;
    };
    return { egress: of('egress'), ingress: of('ingress') };
  }
}
