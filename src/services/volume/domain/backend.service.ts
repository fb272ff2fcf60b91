// The one backend as Cinder's services see it: cinder-scheduler and cinder-volume (os-services,
// os-hosts), their enabled/disabled/frozen state, and the scheduler's filters (capabilities,
// capacity) that decide whether a volume fits.
import type { BackendStats, BlockStorageDriver } from '../../../drivers/block-storage/block-storage-driver.js';
import type { ServiceStateRecord, VolumeTables } from '../store/tables.js';
import { hostNotFound, invalidInput, serviceNotFound } from './errors.js';
import { now } from './times.js';

export interface ServiceView {
  binary: string; host: string; zone: string; status: 'enabled' | 'disabled'; state: 'up' | 'down';
  updated_at: string; disabled_reason: string | null; frozen: boolean;
}

/** Cinder's max_over_subscription_ratio: thin volumes may promise this many times the capacity. */
const OVER_SUBSCRIPTION = 20;

export class BackendService {
  /** host@backend (cinder-volume's host) and the bare host name (cinder-scheduler's). */
  readonly volumeHost: string;
  readonly hostName: string;

  constructor(private readonly t: VolumeTables, private readonly driver: BlockStorageDriver, readonly pool: string, readonly zone: string) {
    this.volumeHost = pool.split('#')[0]!;
    this.hostName = pool.split('@')[0]!;
  }

  async services(filter: { host?: string; binary?: string } = {}): Promise<ServiceView[]> {
    const states = await this.t.serviceStates();
    const all = [{ binary: 'cinder-scheduler', host: this.hostName }, { binary: 'cinder-volume', host: this.volumeHost }].map((s) => {
      const st = states.find((x) => x.binary === s.binary && x.host === s.host);
      return {
        ...s, zone: this.zone, status: st?.disabled ? 'disabled' : 'enabled', state: 'up', updated_at: now(),
        disabled_reason: st?.disabled_reason ?? null, frozen: st?.frozen ?? false,
      } as ServiceView;
    });
    // NOTE: as Cinder's filter: a host names its own services and its backends' (host@backend).
    return all.filter((s) => (!filter.host || s.host === filter.host || s.host.startsWith(`${filter.host}@`)) && (!filter.binary || s.binary === filter.binary));
  }

  async setEnabled(host: string, binary: string, enabled: boolean, reason: string | null = null): Promise<ServiceView> {
    const match = (await this.services({ host })).filter((s) => s.host === host || s.host.startsWith(`${host}@`));
    if (match.length === 0) throw hostNotFound(host);
    const svc = match.find((s) => s.binary === binary);
    if (!svc) throw serviceNotFound(binary, host);
    await this.t.setServiceState({ binary, host: svc.host, disabled: !enabled, disabled_reason: enabled ? null : reason, frozen: svc.frozen, updated_at: now() });
    return (await this.services({ host: svc.host, binary }))[0]!;
  }

  async setFrozen(host: string, frozen: boolean): Promise<void> {
    const svc = (await this.services({ binary: 'cinder-volume' })).find((s) => s.host === host || s.host === `${host}` || s.host.split('@')[0] === host && host.includes('@'));
    if (!svc) throw invalidInput(`Host ${host} is not a cinder-volume backend: it cannot be ${frozen ? 'frozen' : 'thawed'}.`);
    const state: ServiceStateRecord = { binary: svc.binary, host: svc.host, disabled: svc.status === 'disabled', disabled_reason: svc.disabled_reason, frozen, updated_at: now() };
    await this.t.setServiceState(state);
  }

  stats(): Promise<BackendStats> { return this.driver.stats(); }

  /**
   * Why no backend takes a volume of `sizeGb` with these extra specs, or undefined when one does:
   * Cinder's AvailabilityZone, Capabilities and Capacity filters over the one pool.
   */
  async unschedulable(extraSpecs: Record<string, string>, sizeGb: number): Promise<string | undefined> {
    const volumeService = (await this.services({ binary: 'cinder-volume' }))[0]!;
    if (volumeService.status === 'disabled') return 'the cinder-volume service is disabled';
    const s = await this.driver.stats();
    const capabilities: Record<string, string> = {
      volume_backend_name: s.backendName, storage_protocol: s.storageProtocol, vendor_name: s.vendorName, driver_version: s.driverVersion,
      thin_provisioning_support: String(s.thinProvisioning),
    };
    for (const [rawKey, want] of Object.entries(extraSpecs)) {
      const key = rawKey.startsWith('capabilities:') ? rawKey.slice('capabilities:'.length) : rawKey;
      if (!(key in capabilities)) continue;
      if (!specMatches(capabilities[key]!, want)) return `capability ${key} is ${capabilities[key]}, not ${want}`;
    }
    const room = s.thinProvisioning ? s.totalGb * OVER_SUBSCRIPTION - s.provisionedGb : s.freeGb;
    if (sizeGb > room || sizeGb > s.freeGb * (s.thinProvisioning ? OVER_SUBSCRIPTION : 1)) return `${sizeGb} GiB does not fit (free ${s.freeGb} GiB)`;
    return undefined;
  }
}

/** Cinder's extra spec operators (`<is> True`, `<in> x`, `<or> a <or> b`, `>= 3`) or equality. */
function specMatches(have: string, want: string): boolean {
  const w = want.trim();
  const op = /^<(is|in|or)>\s*(.*)$/.exec(w);
  if (op) {
    if (op[1] === 'is') return have.toLowerCase() === op[2]!.toLowerCase();
    if (op[1] === 'in') return have.includes(op[2]!);
    return w.split('<or>').map((x) => x.trim()).filter(Boolean).includes(have);
  }
  const cmp = /^(>=|<=|==|!=|=)\s*(.*)$/.exec(w);
  if (cmp) {
    const a = Number(have);
    const b = Number(cmp[2]);
    switch (cmp[1]) {
      case '>=': return a >= b;
      case '<=': return a <= b;
      case '!=': return have !== cmp[2];
      default: return have === cmp[2] || a === b;
    }
  }
  return have === w;
}
