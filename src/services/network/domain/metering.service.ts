// Metering labels and rules (Neutron's metering extension and its metering agent). A label counts
// the traffic its rules match on the routers of its project, or of every project when shared; the
// network driver keeps the counters in each router's namespace (setMeteringLabels).
import { randomUUID } from 'node:crypto';
import { type AttrMap, checkBody, oneOf, str, toBoolean, uuid } from './attributes.js';
import type { Caller } from './context.js';
import { meteringLabelNotFound, meteringLabelRuleNotFound, meteringLabelRuleOverlaps } from './errors.js';
import { formatCidr, overlaps, parseCidr, truncate } from './ip.js';
import type { DriverMeteringLabel } from '../../../drivers/network/network-driver.js';
import type { MeteringLabelRecord, MeteringLabelRuleRecord, MeteringStore } from '../store/metering.store.js';
import type { RouterRecord } from '../store/tables.js';

const project = { post: true, validate: str(255) };

/** neutron_lib's metering attribute maps: labels and rules are created and deleted, never updated. */
export const LABEL_ATTRS: AttrMap = {
  id: {}, tenant_id: project, project_id: project,
  name: { post: true, default: '', validate: str(255) },
  description: { post: true, default: '', validate: str(1024) },
  shared: { post: true, default: false, convert: toBoolean },
};
export const RULE_ATTRS: AttrMap = {
  id: {}, tenant_id: project, project_id: project,
  metering_label_id: { post: true, required: true, validate: uuid },
  direction: { post: true, required: true, validate: oneOf(['ingress', 'egress']) },
  excluded: { post: true, default: false, convert: toBoolean },
  remote_ip_prefix: { post: true, required: true, validate: subnet },
};

/** neutron_lib's type:subnet: a CIDR in its normal form. */
function subnet(v: unknown): string | undefined {
  const c = typeof v === 'string' && v.includes('/') ? parseCidr(v) : undefined;
  if (!c) return `'${String(v)}' is not a valid IP subnet`;
  const normal = formatCidr(truncate(c));
  return normal === v ? undefined : `'${v}' isn't a recognized IP subnet cidr, '${normal}' is recommended`;
}

export interface MeteringHooks {
  /** Every router, to find those a label applies to. */
  routers(): Promise<RouterRecord[]>;
  /** The driver follows the labels of these routers. */
  routersChanged(ids: string[]): Promise<void>;
}

export class MeteringService {
  constructor(private readonly store: MeteringStore, private readonly h: MeteringHooks) {}

  listLabels(): Promise<MeteringLabelRecord[]> { return this.store.labels.list(); }
  findLabel(id: string): Promise<MeteringLabelRecord | undefined> { return this.store.labels.get(id); }
  async getLabel(id: string): Promise<MeteringLabelRecord> {
    const l = await this.store.labels.get(id);
    if (!l) throw meteringLabelNotFound(id);
    return l;
  }

  async createLabel(caller: Caller, raw: unknown): Promise<MeteringLabelRecord> {
    const b = checkBody('metering_label', LABEL_ATTRS, raw, 'POST');
    const l: MeteringLabelRecord = {
      id: randomUUID(), project_id: String(b.project_id ?? b.tenant_id ?? caller.projectId ?? ''), name: b.name, description: b.description, shared: b.shared,
    };
    await this.store.labels.insert(l);
    await this.changed(l);
    return l;
  }

  async deleteLabel(id: string): Promise<void> {
    const l = await this.getLabel(id);
    for (const r of await this.store.rules.list({ network_id: id })) await this.store.rules.delete(r.id);
    await this.store.labels.delete(id);
    await this.changed(l);
  }

  listRules(): Promise<MeteringLabelRuleRecord[]> { return this.store.rules.list(); }
  findRule(id: string): Promise<MeteringLabelRuleRecord | undefined> { return this.store.rules.get(id); }
  async getRule(id: string): Promise<MeteringLabelRuleRecord> {
    const r = await this.store.rules.get(id);
    if (!r) throw meteringLabelRuleNotFound(id);
    return r;
  }

  /** A rule on `label` (already found visible to the caller); no overlap with a rule of the same direction and exclusion. */
  async createRule(label: MeteringLabelRecord, b: Record<string, any>): Promise<MeteringLabelRuleRecord> {
    const prefix = parseCidr(b.remote_ip_prefix)!;
    for (const r of await this.store.rules.list({ network_id: label.id })) {
      if (r.direction !== b.direction || r.excluded !== b.excluded) continue;
      const other = parseCidr(r.remote_ip_prefix);
      if (other && other.version === prefix.version && overlaps(other, prefix)) throw meteringLabelRuleOverlaps(b.remote_ip_prefix);
    }
    const rule: MeteringLabelRuleRecord = {
      id: randomUUID(), project_id: label.project_id, metering_label_id: label.id, direction: b.direction, excluded: b.excluded, remote_ip_prefix: b.remote_ip_prefix,
    };
    await this.store.rules.insert(rule);
    await this.changed(label);
    return rule;
  }

  /** The body of a rule create, checked (the label is looked up by the caller, for its policy). */
  checkRule(raw: unknown): Record<string, any> { return checkBody('metering_label_rule', RULE_ATTRS, raw, 'POST'); }

  async deleteRule(id: string): Promise<void> {
    const r = await this.getRule(id);
    await this.store.rules.delete(id);
    const l = await this.store.labels.get(r.metering_label_id);
    if (l) await this.changed(l);
  }

  /** The labels a router counts, with their rules, as the driver takes them. */
  async labelsOf(router: RouterRecord): Promise<DriverMeteringLabel[]> {
    const out: DriverMeteringLabel[] = [];
    for (const l of await this.store.labels.list()) {
      if (!l.shared && l.project_id !== router.project_id) continue;
      const rules = (await this.store.rules.list({ network_id: l.id })).map((r) => ({ direction: r.direction, remoteIpPrefix: r.remote_ip_prefix, excluded: r.excluded }));
      out.push({ id: l.id, rules });
    }
    return out;
  }

  private async changed(l: MeteringLabelRecord): Promise<void> {
    const ids = (await this.h.routers()).filter((r) => l.shared || r.project_id === l.project_id).map((r) => r.id);
    if (ids.length) await this.h.routersChanged(ids);
  }
}
