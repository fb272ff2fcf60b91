// Compute hosts: on start every host the hypervisor driver serves becomes a nova-compute service
// and a compute node, whose inventory goes to Placement (one resource provider per node); the
// control-plane services (nova-scheduler, nova-conductor) are rows too, as os-services shows them.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { NotImplemented } from '../../../core/errors/errors.js';
import type { HypervisorDriver } from '../../../drivers/hypervisor/hypervisor-driver.js';
import { StampedCache } from '../../../core/db/table-stamps.js';
import { type ComputeNodeRecord, type ComputeServiceRecord, HostsStore } from '../store/hosts.store.js';
import { now } from '../store/servers.store.js';
import type { PlacementPort, SchedulerHost } from './scheduler.service.js';
import { computeHostNotFound, disabledReasonWithEnabled, hostNotMapped, hypervisorNotFound, serviceHostingInstances, serviceNotFound, serviceOnHostNotFound } from './errors.js';

/** The compute node's UUID: stable per hypervisor hostname, so a restart finds the same provider. */
export const nodeUuid = (name: string): string => {
  const h = createHash('sha1').update(`stratus-compute-node:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** What os-hosts needs from the rest of compute: a host's zone and the guests on it. */
export interface HostsDeps {
  hostAz(host: string): Promise<string>;
  instancesOn(host: string): Promise<{ projectId: string; flavor: { vcpus: number; ram: number; disk: number; ephemeral: number } }[]>;
}

/** One row of GET /os-hosts/{host} (Nova's _get_total_resources and friends). */
export interface HostResource { host: string; project: string; cpu: number; memory_mb: number; disk_gb: number }

export class HostsService {
  constructor(readonly store: HostsStore, private readonly driver: HypervisorDriver, private readonly placement: PlacementPort, private readonly deps?: HostsDeps) {}

  /** os-hosts: the enabled services but the API ones, with their topic and zone ('internal' but for nova-compute). */
  async osHosts(zone?: string): Promise<{ host_name: string; service: string; zone: string }[]> {
    const out: { host_name: string; service: string; zone: string }[] = [];
    for (const s of await this.store.services({})) {
      if (s.disabled || ['nova-osapi_compute', 'nova-metadata'].includes(s.binary)) continue;
      const z = s.binary === 'nova-compute' && this.deps ? await this.deps.hostAz(s.host) : 'internal';
      if (zone && z !== zone) continue;
      out.push({ host_name: s.host, service: s.topic, zone: z });
    }
    return out;
  }

  /** os-hosts/{host}: total, used now (Placement), used at most (the guests' flavors) and per project. */
  async hostResources(host: string): Promise<HostResource[]> {
    const node = (await this.store.nodes()).find((n) => n.host === host);
    if (!node) throw hostNotMapped(host);
    const used = await this.placement.usage(node.id);
    const rows: HostResource[] = [
      { host, project: '(total)', cpu: node.vcpus, memory_mb: node.memory_mb, disk_gb: node.local_gb },
      { host, project: '(used_now)', cpu: used.VCPU ?? 0, memory_mb: used.MEMORY_MB ?? 0, disk_gb: used.DISK_GB ?? 0 },
    ];
    const guests = (await this.deps?.instancesOn(host)) ?? [];
    const max: HostResource = { host, project: '(used_max)', cpu: 0, memory_mb: 0, disk_gb: 0 };
    const byProject = new Map<string, HostResource>();
    for (const g of guests) {
      const p = byProject.get(g.projectId) ?? { host, project: g.projectId, cpu: 0, memory_mb: 0, disk_gb: 0 };
      byProject.set(g.projectId, p);
      for (const r of [max, p]) { r.cpu += g.flavor.vcpus; r.memory_mb += g.flavor.ram; r.disk_gb += g.flavor.disk + g.flavor.ephemeral; }
    }
    return [...rows, max, ...byProject.values()];
  }

  /**
   * os-instance_usage_audit_log: the last completed monthly audit period before `before` (now by
   * default) and how the compute hosts did. Stratus runs no usage audit task (Nova's
   * instance_usage_audit is off by default), so every compute host is one that has not run.
   */
  async usageAuditLog(before = new Date()): Promise<{ period_beginning: Date; period_ending: Date } & Record<string, unknown>> {
    const end = new Date(Date.UTC(before.getUTCFullYear(), before.getUTCMonth(), 1));
    const begin = new Date(Date.UTC(before.getUTCFullYear(), before.getUTCMonth() - 1, 1));
    const hosts = [...new Set((await this.store.services({ binary: 'nova-compute' })).map((s) => s.host))];
    return {
      period_beginning: begin, period_ending: end, num_hosts: hosts.length, num_hosts_done: 0, num_hosts_running: 0,
      num_hosts_not_run: hosts.length, hosts_not_run: hosts, total_instances: 0, total_errors: 0,
      overall_status: `${hosts.length === 0 ? 'ALL' : `0 of ${hosts.length}`} hosts done. 0 errors.`, log: {},
    };
  }

  /** The nova-compute service of a host, or Nova's ComputeHostNotFound. */
  async computeService(host: string): Promise<ComputeServiceRecord> {
    const s = (await this.store.services({ host, binary: 'nova-compute' }))[0];
    if (!s) throw computeHostNotFound(host);
    return s;
  }

  /**
   * PUT /os-hosts/{host}: status enables or disables the host's nova-compute (as the fake virt
   * driver answers set_host_enabled); maintenance mode is not supported (libvirt's 501).
   */
  async updateHost(host: string, change: { enabled?: boolean; maintenance?: boolean }): Promise<{ host: string; status?: string; maintenance_mode?: string }> {
    const s = await this.computeService(host);
    const out: { host: string; status?: string; maintenance_mode?: string } = { host };
    if (change.maintenance !== undefined) throw new NotImplemented('Action is not supported.');
    if (change.enabled !== undefined) {
      await this.updateService(s.id, { disabled: !change.enabled, disabled_reason: null });
      out.status = change.enabled ? 'enabled' : 'disabled';
    }
    return out;
  }

  /** Host power actions (startup, shutdown, reboot): the host must exist; no driver powers hosts (501). */
  async hostPowerAction(host: string, _action: 'startup' | 'shutdown' | 'reboot'): Promise<never> {
    await this.computeService(host);
    throw new NotImplemented('Action is not supported.');
  }

  /** Registers the driver's hosts as services and nodes and their inventory in Placement. */
  async register(): Promise<void> {
    const t = now();
    const control = hostname();
    for (const binary of ['nova-scheduler', 'nova-conductor']) {
      await this.store.upsertService({ id: randomUUID(), binary, host: control, topic: binary.slice(5), disabled: false, disabled_reason: null, forced_down: false, created_at: t, updated_at: t });
    }
    for (const host of this.driver.hosts()) {
      const svc = await this.store.upsertService({ id: randomUUID(), binary: 'nova-compute', host, topic: 'compute', disabled: false, disabled_reason: null, forced_down: false, created_at: t, updated_at: t });
      const inv = await this.driver.hostInventory(host);
      const node = await this.store.upsertNode({
        id: nodeUuid(host), host, hypervisor_hostname: host, service_id: svc.id, vcpus: inv.vcpus, memory_mb: inv.memoryMb, local_gb: inv.diskGb,
        hypervisor_type: inv.hypervisorType, hypervisor_version: inv.hypervisorVersion, host_ip: inv.hostIp, cpu_info: JSON.stringify(inv.cpuInfo),
        created_at: t, updated_at: t,
      });
      await this.placement.ensureComputeProvider({ uuid: node.id, name: node.hypervisor_hostname, inventory: { VCPU: inv.vcpus, MEMORY_MB: inv.memoryMb, DISK_GB: inv.diskGb } });
    }
  }

  /** Nodes for the scheduler, with whether their nova-compute takes new guests. */
  // NOTE: read for every build, written when hosts come, go or are disabled: kept while their tables' stamps stay.
  private readonly schedulableHosts = new StampedCache(['compute_nodes', 'compute_services'], async () => {
    const services = new Map((await this.store.services({ binary: 'nova-compute' })).map((s) => [s.id, s]));
    return (await this.store.nodes()).map((n) => {
      const s = services.get(n.service_id);
      return { uuid: n.id, host: n.host, node: n.hypervisor_hostname, enabled: Boolean(s && !s.disabled && !s.forced_down) };
    });
  });

  async schedulable(): Promise<(SchedulerHost & { enabled: boolean })[]> {
    return (await this.schedulableHosts.get(this.store.db)).map((h) => ({ ...h }));
  }

  /** 'UP', 'DOWN' (forced down) or 'MAINTENANCE' (disabled), as host_status in 2.16. */
  async hostStatus(host: string | null): Promise<string> {
    return (await this.hostStatuses([host])).get(host)!;
  }

  /** The host_status of each of these hosts (a page of servers shares them), in one read. */
  async hostStatuses(hosts: (string | null)[]): Promise<Map<string | null, string>> {
    const named = [...new Set(hosts.filter((h): h is string => !!h))];
    const services = new Map<string, ComputeServiceRecord>();
    // NOTE: the first nova-compute service of a host, in the order services() gives (created_at).
    for (const s of await this.store.services({ hosts: named, binary: 'nova-compute' })) if (!services.has(s.host)) services.set(s.host, s);
    return new Map(hosts.map((h) => [h, h ? statusOfService(services.get(h)) : '']));
  }

  async services(filter: { host?: string; binary?: string }): Promise<ComputeServiceRecord[]> { return this.store.services(filter); }

  async findService(host: string, binary: string): Promise<ComputeServiceRecord> {
    const s = (await this.store.services({ host, binary }))[0];
    if (!s) throw serviceOnHostNotFound(binary, host);
    return s;
  }

  async serviceById(id: string): Promise<ComputeServiceRecord> {
    const s = await this.store.service(id);
    if (!s) throw serviceNotFound(id);
    return s;
  }

  async updateService(id: string, patch: { disabled?: boolean; disabled_reason?: string | null; forced_down?: boolean }): Promise<ComputeServiceRecord> {
    const s = await this.serviceById(id);
    if (patch.disabled_reason && patch.disabled === false) throw disabledReasonWithEnabled();
    const p: Partial<ComputeServiceRecord> = { updated_at: now() };
    if (patch.disabled !== undefined) { p.disabled = patch.disabled; p.disabled_reason = patch.disabled ? (patch.disabled_reason ?? null) : null; }
    if (patch.forced_down !== undefined) p.forced_down = patch.forced_down;
    await this.store.updateService(s.id, p);
    return (await this.store.service(s.id))!;
  }

  async deleteService(id: string, inUse: (host: string) => Promise<boolean>): Promise<void> {
    const s = await this.serviceById(id);
    if (s.binary === 'nova-compute' && (await inUse(s.host))) {
      throw serviceHostingInstances();
    }
    await this.store.deleteService(s.id);
  }

  async nodes(): Promise<ComputeNodeRecord[]> { return this.store.nodes(); }

  async node(id: string): Promise<ComputeNodeRecord> {
    const n = await this.store.node(id);
    if (!n) throw hypervisorNotFound(id);
    return n;
  }

  async nodeService(n: ComputeNodeRecord): Promise<ComputeServiceRecord | undefined> { return this.store.service(n.service_id); }

  usage(n: ComputeNodeRecord): Promise<Record<string, number>> { return this.placement.usage(n.id); }
}

/** Nova's host_status from the host's nova-compute service. */
function statusOfService(s: ComputeServiceRecord | undefined): string {
  if (!s) return 'UNKNOWN';
  if (s.forced_down) return 'DOWN';
  if (s.disabled) return 'MAINTENANCE';
  return 'UP';
}
