// Host aggregates and the availability zones they define (metadata availability_zone; hosts in
// no zone are in the default zone 'nova'). Membership is mirrored into Placement as provider
// aggregates when the host's resource provider exists.
import { randomUUID } from 'node:crypto';
import { type Aggregate, AggregatesStore } from '../store/aggregates.store.js';
import { aggregateHostExists, aggregateHostNotFound, aggregateNameExists, aggregateNotEmpty, aggregateNotFound, computeHostNotFound, hostsInOtherZones, reservedAvailabilityZone } from './errors.js';

export const DEFAULT_AZ = 'nova';
export const INTERNAL_AZ = 'internal';

export interface HostsPort {
  /** Compute hosts with their node (resource provider) uuid. */
  hosts(): Promise<Array<{ host: string; nodeUuid: string }>>;
  /** Services per host, for the zones' state (a zone is available while one nova-compute in it is enabled). */
  services(): Promise<Array<{ host: string; binary: string; disabled: boolean; forcedDown: boolean; updatedAt: string }>>;
  /** Placement's setProviderAggregates, when placement runs. */
  setProviderAggregates?(providerUuid: string, aggregateUuids: string[]): Promise<void>;
}

const AZ_KEY = 'availability_zone';
const stamp = () => new Date().toISOString();

export class AggregatesService {
  constructor(readonly store: AggregatesStore, private readonly port: HostsPort) {}

  async get(id: string | number): Promise<Aggregate> {
    const n = Number(id);
    const a = Number.isInteger(n) && String(id).trim() !== '' ? await this.store.get(n) : undefined;
    if (!a) throw aggregateNotFound(id);
    return a;
  }

  list() { return this.store.list(); }

  async create(name: string, az?: string | null): Promise<Aggregate> {
    if (az) this.checkAzName(az);
    if (await this.store.byName(name)) throw aggregateNameExists(name);
    const id = await this.store.insert({ uuid: randomUUID(), name, created_at: stamp(), updated_at: null }, az ? { [AZ_KEY]: az } : {});
    return (await this.store.get(id))!;
  }

  async update(id: string, patch: { name?: string; availability_zone?: string | null }): Promise<Aggregate> {
    const a = await this.get(id);
    if (patch.name !== undefined && patch.name !== a.name && (await this.store.byName(patch.name))) {
      throw aggregateNameExists(patch.name);
    }
    const md: Record<string, string | null> = {};
    if (patch.availability_zone !== undefined) {
      if (patch.availability_zone !== null) { this.checkAzName(patch.availability_zone); await this.checkAzOfHosts(a, patch.availability_zone, 'update aggregate'); }
      md[AZ_KEY] = patch.availability_zone;
    }
    await this.store.update(a.id, { name: patch.name, updated_at: stamp() }, md);
    return this.get(a.id);
  }

  async delete(id: string): Promise<void> {
    const a = await this.get(id);
    if (a.hosts.length > 0) throw aggregateNotEmpty(a.id);
    await this.store.delete(a.id);
  }

  async addHost(id: string, host: string): Promise<Aggregate> {
    const a = await this.get(id);
    const node = await this.node(host);
    if (a.hosts.includes(host)) throw aggregateHostExists(a.id, host);
    const az = a.metadata[AZ_KEY];
    if (az) {
      const zones = (await this.list()).filter((o) => o.id !== a.id && o.hosts.includes(host) && o.metadata[AZ_KEY] && o.metadata[AZ_KEY] !== az).map((o) => o.metadata[AZ_KEY]!);
      if (zones.length) throw hostsInOtherZones('add host to aggregate', a.id, zones.map((z) => `'${z}'`));
    }
    await this.store.addHost(a.id, host);
    await this.mirror(host, node?.nodeUuid);
    return this.get(a.id);
  }

  async removeHost(id: string, host: string): Promise<Aggregate> {
    const a = await this.get(id);
    if (!a.hosts.includes(host)) {
      await this.node(host);
      throw aggregateHostNotFound(a.id, host);
    }
    await this.store.removeHost(a.id, host);
    const node = (await this.port.hosts()).find((h) => h.host === host);
    await this.mirror(host, node?.nodeUuid);
    return this.get(a.id);
  }

  async setMetadata(id: string, metadata: Record<string, string | null>): Promise<Aggregate> {
    const a = await this.get(id);
    if (AZ_KEY in metadata && metadata[AZ_KEY] !== null) {
      this.checkAzName(metadata[AZ_KEY]!);
      await this.checkAzOfHosts(a, metadata[AZ_KEY]!, 'update metadata of aggregate');
    }
    await this.store.update(a.id, { updated_at: stamp() }, metadata);
    return this.get(a.id);
  }

  /** The zone of a compute host: its aggregates' availability_zone, else the default. */
  async hostAz(host: string): Promise<string> {
    const zones = (await this.list()).filter((a) => a.hosts.includes(host) && a.metadata[AZ_KEY]).map((a) => a.metadata[AZ_KEY]!);
    return zones.sort()[0] ?? DEFAULT_AZ;
  }

  /** Zones that hold at least one compute host, with their hosts. */
  async zones(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const aggs = await this.list();
    for (const { host } of await this.port.hosts()) {
      const zs = aggs.filter((a) => a.hosts.includes(host) && a.metadata[AZ_KEY]).map((a) => a.metadata[AZ_KEY]!);
      for (const z of zs.length ? [...new Set(zs)] : [DEFAULT_AZ]) out.set(z, [...(out.get(z) ?? []), host]);
    }
    return out;
  }

  /**
   * Zones as os-availability-zone shows them: each compute zone with its hosts' nova-compute state,
   * and (detail) the internal zone of the control services.
   */
  async zoneInfo(detail: boolean): Promise<Array<{ zoneName: string; available: boolean; hosts: Record<string, Record<string, { available: boolean; active: boolean; updatedAt: string }>> }>> {
    const zones = await this.zones();
    const services = await this.port.services();
    const state = (host: string, binary: string) => services.find((x) => x.host === host && x.binary === binary);
    const out: Array<{ zoneName: string; available: boolean; hosts: Record<string, Record<string, { available: boolean; active: boolean; updatedAt: string }>> }> = [];
    for (const [zone, hosts] of [...zones.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const entry: Record<string, Record<string, { available: boolean; active: boolean; updatedAt: string }>> = {};
      let available = services.length === 0;
      for (const h of hosts) {
        const s = state(h, 'nova-compute');
        const up = !s || !s.forcedDown;
        if (s && !s.disabled && up) available = true;
        entry[h] = { 'nova-compute': { available: up, active: !s?.disabled, updatedAt: s?.updatedAt ?? new Date().toISOString() } };
      }
      out.push({ zoneName: zone, available, hosts: entry });
    }
    const control = services.filter((s) => s.binary !== 'nova-compute');
    if (detail && control.length) {
      const entry: Record<string, Record<string, { available: boolean; active: boolean; updatedAt: string }>> = {};
      for (const s of control) (entry[s.host] ??= {})[s.binary] = { available: !s.forcedDown, active: !s.disabled, updatedAt: s.updatedAt };
      out.unshift({ zoneName: INTERNAL_AZ, available: true, hosts: entry });
    }
    return out;
  }

  /** Hosts of a zone (for the scheduler). */
  async hostsInAz(az: string): Promise<string[]> { return (await this.zones()).get(az) ?? []; }

  async azExists(az: string): Promise<boolean> { return (await this.zones()).has(az); }

  private checkAzName(az: string) {
    if (az === INTERNAL_AZ) throw reservedAvailabilityZone(az);
  }

  private async checkAzOfHosts(a: Aggregate, az: string, what: string) {
    const others = (await this.list()).filter((o) => o.id !== a.id && o.metadata[AZ_KEY] && o.metadata[AZ_KEY] !== az && o.hosts.some((h) => a.hosts.includes(h)));
    if (others.length) {
      throw hostsInOtherZones(what, a.id, [...new Set(others.map((o) => `'${o.metadata[AZ_KEY]}'`))]);
    }
  }

  private async node(host: string) {
    const node = (await this.port.hosts()).find((h) => h.host === host);
    if (!node) throw computeHostNotFound(host);
    return node;
  }

  private async mirror(host: string, nodeUuid: string | undefined) {
    if (!nodeUuid || !this.port.setProviderAggregates) return;
    const uuids = (await this.list()).filter((a) => a.hosts.includes(host)).map((a) => a.uuid);
    try { await this.port.setProviderAggregates(nodeUuid, uuids); } catch (e) {
      // NOTE: a host whose provider does not exist (yet) keeps its aggregates in compute only.
      if ((e as { status?: number }).status !== 404) throw e;
    }
  }
}
