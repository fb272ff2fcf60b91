// Trunks (trunk, trunk-details): a parent port carrying subports, each on a VLAN of the parent's
// link. The parent's binding binds the subports on the same host; a driver that cannot wire VLANs
// fails the subports' binding (binding:vif_type binding_failed) and the trunk goes DEGRADED, as
// Neutron reports a trunk whose subports did not bind.
import { randomUUID } from 'node:crypto';
import { type AttrMap, checkBody, fmt, now, STANDARD_ATTRS, str, toBoolean, toInt, uuid } from './attributes.js';
import type { Caller, DomainDeps } from './context.js';
import { conflict, invalidInput, notFound, portNotFound, trunkNotFound } from './errors.js';
import { checkRevision, dedupe } from './networks.service.js';
import type { PortRecord, SubPort, TrunkRecord } from '../store/tables.js';

/** neutron-lib's validate_subports: a list of {port_id, segmentation_type, segmentation_id}, unique ports and ids. */
function subports(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `Invalid data format for subports: '${fmt(v)}' is not a list`;
  const ids = new Set<string>();
  const segs = new Map<string, Set<unknown>>();
  for (const s of v) {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) return `Invalid data format for subport: '${fmt(s)}' is not a dict`;
    const o = s as Record<string, unknown>;
    if (!('port_id' in o)) return 'A valid port UUID must be specified';
    if (uuid(o.port_id)) return `Invalid UUID for subport: '${fmt(o.port_id)}'`;
    if (ids.has(o.port_id as string)) return `Non unique UUID for subport: '${fmt(o.port_id)}'`;
    ids.add(o.port_id as string);
    const type = o.segmentation_type as string | undefined;
    if (type === 'inherit') continue;
    const seg = o.segmentation_id;
    if ((!type || seg === undefined || seg === null) && Object.keys(o).length > 1) {
      return `Invalid subport details '${fmt(o)}': missing segmentation information. Must specify both segmentation_id and segmentation_type`;
    }
    if (segs.get(String(type))?.has(seg)) return `Segmentation ID '${fmt(seg)}' for '${fmt(o)}' is not unique`;
    if (seg !== undefined && seg !== null) { if (!segs.has(String(type))) segs.set(String(type), new Set()); segs.get(String(type))!.add(seg); }
  }
  return undefined;
}

export const TRUNK_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { post: true, put: true, default: '', validate: str(255) },
  admin_state_up: { post: true, put: true, default: true, convert: toBoolean },
  port_id: { post: true, required: true, validate: uuid },
  sub_ports: { post: true, default: [], validate: subports },
  status: {},
};

const SEGMENTATION_TYPES: Record<string, (id: number) => boolean> = { vlan: (id) => id >= 1 && id <= 4094 };
const trunkDisabled = (id: string) => conflict('TrunkDisabled', `Trunk ${id} is currently disabled.`);

export interface TrunkHooks {
  /** The trunk changed (created, subports added or removed, parent bound): bind and wire it, set its status. */
  changed(trunk: TrunkRecord, removed: SubPort[]): Promise<void>;
  deleted(trunk: TrunkRecord): Promise<void>;
}

export class TrunksService {
  constructor(private readonly d: DomainDeps, private readonly h: TrunkHooks) {}

  async get(id: string): Promise<TrunkRecord> {
    const t = await this.d.t.trunks.get(id);
    if (!t) throw trunkNotFound(id);
    return t;
  }
  list() { return this.d.t.trunks.list(); }

  /** The trunk whose parent is `portId`, and the one with `portId` as a subport. */
  async ofPort(portId: string): Promise<{ parentOf?: TrunkRecord; subportOf?: TrunkRecord }> {
    const all = await this.list();
    return { parentOf: all.find((t) => t.port_id === portId), subportOf: all.find((t) => t.sub_ports.some((s) => s.port_id === portId)) };
  }

  /** Neutron's rule: a port in a trunk is deleted only after it leaves the trunk. */
  async guardPortDelete(portId: string): Promise<void> {
    const { parentOf, subportOf } = await this.ofPort(portId);
    if (subportOf) throw conflict('PortInUseAsSubPort', `Port ${portId} is currently a subport for trunk ${subportOf.id}.`);
    if (parentOf) throw conflict('PortInUseAsTrunkParent', `Port ${portId} is currently a parent port for trunk ${parentOf.id}.`);
  }

  private async port(id: string): Promise<PortRecord> {
    const p = await this.d.t.ports.get(id);
    if (!p) throw portNotFound(id);
    return p;
  }

  /** TrunkPortValidator: the port is in no trunk yet, and a subport has no device. */
  private async checkFree(p: PortRecord, parent: boolean): Promise<void> {
    const { parentOf, subportOf } = await this.ofPort(p.id);
    if (subportOf) throw conflict('TrunkPortInUse', `Port ${p.id} is in use by another trunk.`);
    if (parentOf) throw parentInUse(p.id);
    if (!parent && p.device_id) {
      throw conflict('PortInUse', `Unable to complete operation on port ${p.id} for network ${p.network_id}. Port already has an attached device ${p.device_id}.`);
    }
  }

  /** SubPortsValidator: types, ids in range, MTU, not the parent, each port free. */
  private async checkSubports(parentId: string, given: Record<string, unknown>[], trunkId?: string, existing: SubPort[] = []): Promise<SubPort[]> {
    const out: SubPort[] = [];
    const parent = await this.port(parentId);
    const parentMtu = (await this.d.t.networks.get(parent.network_id))?.mtu;
    for (const s of given) {
      if (s.port_id === parentId) throw parentInUse(parentId);
      if (s.segmentation_type === undefined || s.segmentation_id === undefined) {
        throw invalidInput(`Invalid subport details '${fmt(s)}': missing segmentation information. Must specify both segmentation_id and segmentation_type`);
      }
      let seg: number;
      try { seg = toInt(s.segmentation_id); } catch { throw invalidInput(`Invalid subport details: segmentation_id '${fmt(s.segmentation_id)}' is not an integer`); }
      const type = String(s.segmentation_type);
      const check = SEGMENTATION_TYPES[type];
      if (!check) throw invalidInput(`Unknown segmentation_type '${type}'`);
      if (!check(seg)) throw invalidInput(`Segmentation ID '${seg}' is not in range`);
      const p = await this.port(String(s.port_id));
      const mtu = (await this.d.t.networks.get(p.network_id))?.mtu;
      if (parentMtu && mtu && mtu > parentMtu) {
        throw conflict('SubPortMtuGreaterThanTrunkPortMtu', `MTU ${mtu} of subport ${p.id} cannot be greater than MTU ${parentMtu} of trunk ${trunkId ?? parentId}.`);
      }
      await this.checkFree(p, false);
      if ([...existing, ...out].some((x) => x.segmentation_type === type && x.segmentation_id === seg)) {
        throw conflict('DuplicateSubPort', `segmentation_type ${type} and segmentation_id ${seg} already in use on trunk ${trunkId ?? ''}.`);
      }
      out.push({ port_id: p.id, segmentation_type: type, segmentation_id: seg });
    }
    return out;
  }

  async create(caller: Caller, raw: unknown): Promise<TrunkRecord> {
    const b = checkBody('trunk', TRUNK_ATTRS, raw, 'POST');
    const parent = await this.port(b.port_id);
    await this.checkFree(parent, true);
    const id = randomUUID();
    const subs = await this.checkSubports(parent.id, b.sub_ports, id);
    const ts = now();
    const t: TrunkRecord = {
      id, project_id: (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string, name: b.name, description: b.description,
      tags: dedupe(b.tags ?? []), port_id: parent.id, admin_state_up: b.admin_state_up, status: 'DOWN', sub_ports: subs,
      revision_number: 0, created_at: ts, updated_at: ts,
    };
    await this.d.t.trunks.insert(t);
    await this.h.changed(t, []);
    return this.get(id);
  }

  async update(id: string, raw: unknown, ifMatch?: number): Promise<TrunkRecord> {
    const t = await this.get(id);
    checkRevision(t.revision_number, ifMatch);
    const b = checkBody('trunk', TRUNK_ATTRS, raw, 'PUT');
    const next: TrunkRecord = { ...t };
    for (const k of ['name', 'description', 'admin_state_up'] as const) if (k in b) (next as any)[k] = b[k];
    return this.save(next);
  }

  /** Writes a trunk (a new revision). */
  async save(t: TrunkRecord): Promise<TrunkRecord> {
    const next = { ...t, revision_number: t.revision_number + 1, updated_at: now() };
    await this.d.t.trunks.put(next);
    return next;
  }

  async delete(id: string, ifMatch?: number): Promise<void> {
    const t = await this.get(id);
    checkRevision(t.revision_number, ifMatch);
    if (!t.admin_state_up) throw trunkDisabled(id);
    await this.d.t.trunks.delete(id);
    await this.h.deleted(t);
  }

  async addSubports(id: string, given: unknown): Promise<TrunkRecord> {
    const t = await this.get(id);
    if (!t.admin_state_up) throw trunkDisabled(id);
    const reason = subports(given);
    if (reason) throw invalidInput(reason);
    const added = await this.checkSubports(t.port_id, given as Record<string, unknown>[], id, t.sub_ports);
    const next = await this.save({ ...t, sub_ports: [...t.sub_ports, ...added] });
    await this.h.changed(next, []);
    return this.get(id);
  }

  async removeSubports(id: string, given: unknown): Promise<TrunkRecord> {
    const t = await this.get(id);
    if (!t.admin_state_up) throw trunkDisabled(id);
    if (!Array.isArray(given)) throw invalidInput(`Invalid data format for subports: '${fmt(given)}' is not a list`);
    const ids = given.map((s) => String((s as Record<string, unknown> | null)?.port_id));
    for (const pid of ids) {
      if (!t.sub_ports.some((s) => s.port_id === pid)) {
        throw notFound('SubPortNotFound', `SubPort on trunk ${id} with parent port ${pid} could not be found.`);
      }
    }
    const removed = t.sub_ports.filter((s) => ids.includes(s.port_id));
    const next = await this.save({ ...t, sub_ports: t.sub_ports.filter((s) => !ids.includes(s.port_id)) });
    await this.h.changed(next, removed);
    return this.get(id);
  }
}

const parentInUse = (id: string) => conflict('ParentPortInUse', `Port ${id} is currently in use and is not eligible for use as a parent port.`);
