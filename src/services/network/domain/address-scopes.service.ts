// Address scopes (address-scope): subnet pools whose prefixes route to each other without NAT.
// A pool joins a scope of its own IP version; a network's ipv4/ipv6_address_scope follow from the
// pools of its subnets.
import { randomUUID } from 'node:crypto';
import { type AttrMap, checkBody, now, oneOf, STANDARD_ATTRS, str, toBoolean, toInt } from './attributes.js';
import type { Caller, DomainDeps } from './context.js';
import { addressScopeInUse, addressScopeNotFound, badRequest, conflict } from './errors.js';
import { overlaps, parseCidr } from './ip.js';
import { checkRevision, dedupe } from './networks.service.js';
import type { AddressScopeRecord, SubnetPoolRecord, SubnetRecord } from '../store/tables.js';

export const ADDRESS_SCOPE_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { post: true, put: true, default: '', validate: str(255) },
  shared: { post: true, put: true, default: false, convert: toBoolean },
  ip_version: { post: true, required: true, convert: toInt, validate: oneOf([4, 6]) },
};

export class AddressScopesService {
  constructor(private readonly d: DomainDeps) {}

  async get(id: string): Promise<AddressScopeRecord> {
    const s = await this.d.t.addressScopes.get(id);
    if (!s) throw addressScopeNotFound(id);
    return s;
  }
  find(id: string) { return this.d.t.addressScopes.get(id); }
  list() { return this.d.t.addressScopes.list(); }

  async create(caller: Caller, raw: unknown): Promise<AddressScopeRecord> {
    const b = checkBody('address_scope', ADDRESS_SCOPE_ATTRS, raw, 'POST');
    const ts = now();
    const s: AddressScopeRecord = {
      id: randomUUID(), project_id: (b.project_id ?? b.tenant_id ?? caller.projectId ?? '') as string, name: b.name,
      description: b.description, tags: dedupe(b.tags ?? []), shared: b.shared, ip_version: b.ip_version,
      revision_number: 0, created_at: ts, updated_at: ts,
    };
    await this.d.t.addressScopes.insert(s);
    return s;
  }

  async update(id: string, raw: unknown, ifMatch?: number): Promise<AddressScopeRecord> {
    const s = await this.get(id);
    checkRevision(s.revision_number, ifMatch);
    const b = checkBody('address_scope', ADDRESS_SCOPE_ATTRS, raw, 'PUT');
    if (s.shared && b.shared === false) {
      throw badRequest(`Unable to update address scope ${id} : Shared address scope can't be unshared.`, 'AddressScopeUpdateError');
    }
    const next: AddressScopeRecord = { ...s, revision_number: s.revision_number + 1, updated_at: now() };
    for (const k of ['name', 'description', 'shared'] as const) if (k in b) (next as any)[k] = b[k];
    await this.d.t.addressScopes.put(next);
    return next;
  }

  async delete(id: string, ifMatch?: number): Promise<void> {
    const s = await this.get(id);
    checkRevision(s.revision_number, ifMatch);
    if ((await this.d.t.subnetpools.list()).some((p) => p.address_scope_id === id)) throw addressScopeInUse(id);
    await this.d.t.addressScopes.delete(id);
  }

  /**
   * Neutron's _validate_address_scope_id: the caller owns the scope or it is shared (or is admin),
   * the IP versions match, and no other pool of the scope overlaps the pool's prefixes.
   */
  async checkPool(caller: Caller, pool: SubnetPoolRecord): Promise<void> {
    if (!pool.address_scope_id) return;
    const scope = await this.d.t.addressScopes.get(pool.address_scope_id);
    if (!scope) throw addressScopeNotFound(pool.address_scope_id);
    if (!caller.isAdmin && !scope.shared && scope.project_id !== caller.projectId) {
      throw badRequest(`Illegal subnetpool association: subnetpool ${pool.id} cannot be associated with address scope ${scope.id}.`,
        'IllegalSubnetPoolAssociationToAddressScope');
    }
    if (scope.ip_version !== pool.ip_version) {
      throw badRequest(`Illegal subnetpool association: subnetpool ${pool.id} cannot associate with address scope ${scope.id} `
        + `because subnetpool ip_version is not ${scope.ip_version}.`, 'IllegalSubnetPoolIpVersionAssociationToAddressScope');
    }
    const mine = pool.prefixes.map((p) => parseCidr(p)!);
    for (const other of await this.d.t.subnetpools.list()) {
      if (other.id === pool.id || other.address_scope_id !== scope.id) continue;
      if (other.prefixes.some((p) => mine.some((m) => overlaps(parseCidr(p)!, m)))) {
        throw conflict('AddressScopePrefixConflict', 'Failed to associate address scope: subnetpools within an address scope must have unique prefixes.');
      }
    }
  }

  /** A network's address scope per IP version: the one scope all its subnets of that version are in, else null. */
  static ofNetwork(subnets: SubnetRecord[], pools: Map<string, SubnetPoolRecord>): { ipv4: string | null; ipv6: string | null } {
    const scopeOf = (v: 4 | 6) => {
      const of = subnets.filter((s) => s.ip_version === v);
      const ids = new Set(of.map((s) => (s.subnetpool_id ? pools.get(s.subnetpool_id)?.address_scope_id ?? null : null)));
      const [only] = [...ids];
      return ids.size === 1 && only ? only : null;
    };
    return { ipv4: scopeOf(4), ipv6: scopeOf(6) };
  }
}
