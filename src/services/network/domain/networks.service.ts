import { randomUUID } from 'node:crypto';
import { type AttrMap, checkBody, nonNegative, nullableUuid, now, oneOf, str, toBoolean, toInt, toNullableInt, STANDARD_ATTRS, toList } from './attributes.js';
import type { Caller, DomainDeps } from './context.js';
import { conflict, NeutronError, invalidInput, networkNotFound, rbacObjectNotFound, rbacPolicyNotFound, revisionConstraintFailed } from './errors.js';
import type { NetworkRecord, RbacPolicyRecord } from '../store/tables.js';

export const NETWORK_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { post: true, put: true, default: '', validate: str(255) },
  admin_state_up: { post: true, put: true, default: true, convert: toBoolean },
  shared: { post: true, put: true, default: false, convert: toBoolean },
  'router:external': { post: true, put: true, default: false, convert: toBoolean },
  mtu: { post: true, put: true, convert: toInt, validate: nonNegative },
  port_security_enabled: { post: true, put: true, default: true, convert: toBoolean },
  'provider:network_type': { post: true, put: true, validate: oneOf(['flat', 'vxlan', 'local', 'vlan', 'geneve', 'gre']) },
  'provider:physical_network': { post: true, put: true, validate: (v) => (v === null ? undefined : str(64)(v)) },
  'provider:segmentation_id': { post: true, put: true, convert: toNullableInt },
  availability_zone_hints: { post: true, convert: toList, validate: (v: unknown[]) => (v.every((x) => x === 'nova') ? undefined : `AvailabilityZone ${v.join(', ')} could not be found`) },
  dns_domain: { post: true, put: true, validate: str(255) },
  is_default: { post: true, put: true, default: false, convert: toBoolean },
  qos_policy_id: { post: true, put: true, validate: nullableUuid },
  status: {}, subnets: {}, availability_zones: {}, ipv4_address_scope: {}, ipv6_address_scope: {}, l2_adjacency: {},
};

export const RBAC_ATTRS: AttrMap = {
  id: {}, tenant_id: { post: true, validate: str(255) }, project_id: { post: true, validate: str(255) },
  object_type: { post: true, required: true, validate: oneOf(['network', 'qos_policy', 'security_group', 'address_scope', 'subnetpool', 'address_group']) },
  object_id: { post: true, required: true, validate: str(36) },
  target_tenant: { post: true, put: true, required: true, validate: str(255) },
  action: { post: true, required: true, validate: oneOf(['access_as_shared', 'access_as_external']) },
};

const noTenantNetwork = () => new NeutronError(503, 'NoNetworkAvailable', 'Unable to create the network. No tenant network is available for allocation.');

/** Per-viewer flags that RBAC decides. */
export interface NetworkFlags { shared: boolean; external: boolean; visible: boolean }

export class NetworksService {
  /** Checks a qos_policy_id the caller gives (the domain sets it once QoS exists). */
  qosCheck: (caller: Caller, projectId: string, policyId: string) => Promise<void> = async () => {};
  constructor(private readonly d: DomainDeps, private readonly inUse: (networkId: string) => Promise<boolean>, private readonly cascade: (networkId: string) => Promise<void>) {}

  async get(id: string): Promise<NetworkRecord> {
    const n = await this.d.t.networks.get(id);
    if (!n) throw networkNotFound(id);
    return n;
  }
  find(id: string) { return this.d.t.networks.get(id); }
  list() { return this.d.t.networks.list(); }

  async rbacOf(networkId?: string): Promise<RbacPolicyRecord[]> {
    return (await this.d.t.rbac.list()).filter((r) => r.object_type === 'network' && (networkId === undefined || r.object_id === networkId));
  }

  /** shared = shared with this project (or all); router:external = external for anyone. */
  flags(n: NetworkRecord, rbac: RbacPolicyRecord[], projectId: string | undefined): NetworkFlags {
    const mine = rbac.filter((r) => r.object_id === n.id);
    const to = (r: RbacPolicyRecord) => r.target_tenant === '*' || r.target_tenant === projectId;
    const shared = mine.some((r) => r.action === 'access_as_shared' && to(r));
    const external = mine.some((r) => r.action === 'access_as_external');
    const visible = n.project_id === projectId || shared || mine.some((r) => r.action === 'access_as_external' && to(r));
    return { shared, external, visible };
  }

  async create(caller: Caller, raw: unknown): Promise<NetworkRecord> {
    const b = checkBody('network', NETWORK_ATTRS, raw, 'POST');
    const projectId = (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string;
    const seg = await this.segment(b);
    const ts = now();
    const n: NetworkRecord = {
      id: randomUUID(), project_id: projectId, name: b.name, description: b.description, tags: dedupe(b.tags ?? []),
      admin_state_up: b.admin_state_up, mtu: b.mtu ?? ({ vxlan: 1450, geneve: 1442 } as Record<string, number>)[seg.network_type] ?? 1500, status: 'ACTIVE',
      port_security_enabled: b.port_security_enabled, ...seg, availability_zone_hints: (b.availability_zone_hints as string[]) ?? [],
      ...(b.is_default ? { is_default: true } : {}), qos_policy_id: b.qos_policy_id ?? null, revision_number: 0, created_at: ts, updated_at: ts,
    };
    if (n.mtu > 9000 || (b.mtu !== undefined && b.mtu < 68)) throw invalidInput(`Requested MTU is too big, maximum is 9000`);
    await this.d.t.networks.insert(n);
    if (b.shared) await this.addRbac(n.id, projectId, 'access_as_shared', '*');
    if (b['router:external']) await this.addRbac(n.id, projectId, 'access_as_external', '*');
    return n;
  }

  private async segment(b: Record<string, any>) {
    const type = b['provider:network_type'] as string | undefined;
    const physnet = b['provider:physical_network'] as string | null | undefined;
    const segId = b['provider:segmentation_id'] as number | null | undefined;
    const ml2 = this.d.networking;
    if (type === undefined) {
      if (physnet || segId != null) throw invalidInput('network_type required');
      return this.tenantSegment();
    }
    // NOTE: as ML2's type manager: a type without its type driver loaded is not supported.
    if (!ml2.typeDrivers.includes(type)) throw invalidInput(`network_type value '${type}' not supported`);
    if (type === 'flat') {
      if (!physnet) throw invalidInput('physical_network required for flat provider network');
      if (segId != null) throw invalidInput('segmentation_id specified for flat network');
      if (!ml2.flatNetworks.includes('*') && !ml2.flatNetworks.includes(physnet)) throw invalidInput(`physical_network '${physnet}' unknown for flat provider network`);
      const taken = (await this.d.t.networks.list()).some((n) => n.network_type === 'flat' && n.physical_network === physnet);
      if (taken) throw conflict('FlatNetworkInUse', `Unable to create the flat network. Physical network ${physnet} is in use.`);
      return { network_type: 'flat', physical_network: physnet, segmentation_id: null };
    }
    if (type === 'local') {
      if (physnet || segId != null) throw invalidInput('physical_network and segmentation_id prohibited for local provider network');
      return { network_type: 'local', physical_network: null, segmentation_id: null };
    }
    if (type === 'vxlan' || type === 'geneve') {
      if (physnet) throw invalidInput(`provider:physical_network specified for ${type} network`);
      if (segId != null) {
        if (segId < 1 || segId > 16777215) throw invalidInput(`segmentation_id out of range (1 through 16777215)`);
        const taken = (await this.d.t.networks.list()).some((n) => n.network_type === type && n.segmentation_id === segId);
        if (taken) throw conflict('TunnelIdInUse', `Unable to create the network. The tunnel ID ${segId} is in use.`);
        return { network_type: type, physical_network: null, segmentation_id: segId };
      }
      const vni = await this.freeVni(type);
      if (vni === undefined) throw noTenantNetwork();
      return { network_type: type, physical_network: null, segmentation_id: vni };
    }
    throw invalidInput(`network_type value '${type}' not supported`);
  }

  /** A network without provider attributes: the first tenant network type with room left, as ML2. */
  private async tenantSegment() {
    for (const type of this.d.networking.tenantNetworkTypes) {
      if (type === 'local') return { network_type: 'local', physical_network: null, segmentation_id: null };
      if (type !== 'vxlan' && type !== 'geneve') continue;
      const vni = await this.freeVni(type);
      if (vni !== undefined) return { network_type: type, physical_network: null, segmentation_id: vni };
    }
    throw noTenantNetwork();
  }

  /** The lowest VNI of the tenant ranges no network of this type holds. */
  private async freeVni(type: string): Promise<number | undefined> {
    const used = new Set((await this.d.t.networks.list()).filter((n) => n.network_type === type).map((n) => n.segmentation_id));
    for (const [min, max] of this.d.networking.vniRanges) for (let v = min; v <= max; v++) if (!used.has(v)) return v;
    return undefined;
  }

  async update(caller: Caller, id: string, raw: unknown, ifMatch?: number): Promise<NetworkRecord> {
    const n = await this.get(id);
    checkRevision(n.revision_number, ifMatch);
    const b = checkBody('network', NETWORK_ATTRS, raw, 'PUT');
    if (b.qos_policy_id) await this.qosCheck(caller, n.project_id, b.qos_policy_id);
    for (const k of ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'] as const) {
      const cur = { 'provider:network_type': n.network_type, 'provider:physical_network': n.physical_network, 'provider:segmentation_id': n.segmentation_id }[k];
      if (k in b && b[k] !== cur) throw invalidInput('Plugin does not support updating provider attributes');
    }
    if (b.mtu !== undefined && (b.mtu > 9000 || b.mtu < 68)) throw invalidInput(`Requested MTU is too big, maximum is 9000`);
    const next: NetworkRecord = { ...n };
    for (const k of ['name', 'description', 'admin_state_up', 'mtu', 'port_security_enabled', 'is_default', 'qos_policy_id'] as const) if (k in b) (next as any)[k] = b[k];
    const rbac = await this.rbacOf(id);
    if ('shared' in b) {
      const wildcard = rbac.find((r) => r.action === 'access_as_shared' && r.target_tenant === '*');
      if (b.shared && !wildcard) await this.addRbac(id, n.project_id, 'access_as_shared', '*');
      if (!b.shared && wildcard) {
        if (await this.usedByOthers(n)) throw conflict('InvalidSharedSetting', `Unable to reconfigure sharing settings for network ${id}. Multiple tenants are using it.`);
        await this.d.t.rbac.delete(wildcard.id);
      }
    }
    if ('router:external' in b) {
      const ext = rbac.filter((r) => r.action === 'access_as_external');
      if (b['router:external'] && !ext.length) await this.addRbac(id, n.project_id, 'access_as_external', '*');
      if (!b['router:external'] && ext.length) {
        if (await this.externalInUse(id)) throw conflict('ExternalNetworkInUse', `External network ${id} cannot be updated to be made non-external, since it has existing gateway ports.`);
        for (const r of ext) await this.d.t.rbac.delete(r.id);
      }
    }
    return this.touch(next);
  }

  private externalInUse = async (id: string) => (await this.d.t.ports.list({ network_id: id })).some((p) => p.device_owner === 'network:router_gateway' || p.device_owner === 'network:floatingip');

  private async usedByOthers(n: NetworkRecord): Promise<boolean> {
    return (await this.d.t.ports.list({ network_id: n.id })).some((p) => p.project_id !== n.project_id && p.project_id !== '' && !p.device_owner.startsWith('network:'));
  }

  async touch(n: NetworkRecord): Promise<NetworkRecord> {
    const next = { ...n, revision_number: n.revision_number + 1, updated_at: now() };
    await this.d.t.networks.put(next);
    return next;
  }

  async delete(id: string, ifMatch?: number): Promise<void> {
    const n = await this.get(id);
    checkRevision(n.revision_number, ifMatch);
    if (await this.inUse(id)) {
      throw conflict('NetworkInUse', `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`);
    }
    await this.cascade(id);
    for (const r of await this.rbacOf(id)) await this.d.t.rbac.delete(r.id);
    await this.d.t.networks.delete(id);
  }

  async addRbac(objectId: string, projectId: string, action: RbacPolicyRecord['action'], target: string): Promise<RbacPolicyRecord> {
    return this.d.t.rbac.insert({ id: randomUUID(), project_id: projectId, object_type: 'network', object_id: objectId, action, target_tenant: target });
  }

  // RBAC policies (rbac-policies extension) for networks.
  async getRbac(id: string): Promise<RbacPolicyRecord> {
    const r = await this.d.t.rbac.get(id);
    if (!r) throw rbacPolicyNotFound(id);
    return r;
  }
  listRbac() { return this.d.t.rbac.list(); }

  async createRbac(caller: Caller, raw: unknown, visible: (n: NetworkRecord) => boolean): Promise<RbacPolicyRecord> {
    const b = checkBody('rbac_policy', RBAC_ATTRS, raw, 'POST');
    if (b.object_type !== 'network') throw invalidInput(`object_type ${b.object_type} is not supported`);
    const n = await this.d.t.networks.get(b.object_id);
    if (!n || !visible(n)) throw rbacObjectNotFound(b.object_id);
    const projectId = (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string;
    if (!caller.isAdmin && n.project_id !== caller.projectId) throw networkNotFound(n.id);
    const dup = (await this.rbacOf(n.id)).find((r) => r.action === b.action && r.target_tenant === b.target_tenant);
    if (dup) throw conflict('DuplicateRbacPolicy', 'An RBAC policy already exists with those values.');
    return this.d.t.rbac.insert({ id: randomUUID(), project_id: projectId, object_type: 'network', object_id: n.id, action: b.action, target_tenant: b.target_tenant });
  }

  async updateRbac(id: string, raw: unknown): Promise<RbacPolicyRecord> {
    const r = await this.getRbac(id);
    const b = checkBody('rbac_policy', RBAC_ATTRS, raw, 'PUT');
    const next = { ...r, ...(b.target_tenant !== undefined ? { target_tenant: b.target_tenant } : {}) };
    await this.d.t.rbac.put(next);
    return next;
  }

  async deleteRbac(id: string): Promise<void> {
    const r = await this.getRbac(id);
    if (r.action === 'access_as_external' && await this.externalInUse(r.object_id)) {
      throw conflict('RbacPolicyInUse', `RBAC policy on object ${r.object_id} cannot be removed because other objects depend on it.`);
    }
    if (r.action === 'access_as_shared') {
      const n = await this.d.t.networks.get(r.object_id);
      const dependsOn = (p: { project_id: string; device_owner: string }) =>
        p.project_id !== n!.project_id && (r.target_tenant === '*' || p.project_id === r.target_tenant) && !p.device_owner.startsWith('network:');
      const others = n ? (await this.d.t.ports.list({ network_id: n.id })).some(dependsOn) : false;
      if (others) throw conflict('RbacPolicyInUse', `RBAC policy on object ${r.object_id} cannot be removed because other objects depend on it.`);
    }
    await this.d.t.rbac.delete(id);
  }
}

export function checkRevision(current: number, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && ifMatch !== current) {
    throw revisionConstraintFailed(ifMatch, current);
  }
}

export const dedupe = (xs: string[]) => [...new Set(xs)];
