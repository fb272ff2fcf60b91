// Cinder's quotas (cinder/quota.py): defaults from the `default` quota class, per-project limits,
// per-type limits (volumes_<type>, snapshots_<type>, gigabytes_<type>) and usage counted from the
// resources that exist. -1 means unlimited.
import type { VolumeTables } from '../store/tables.js';
import { OverQuota, gigabytesExceeded, invalidInput, perVolumeSizeExceeded, snapshotLimitExceeded, volumeLimitExceeded } from './errors.js';

/** Cinder's quota_* options. */
export const QUOTA_DEFAULTS: Record<string, number> = {
  volumes: 10, snapshots: 10, gigabytes: 1000, backups: 10, backup_gigabytes: 1000, per_volume_gigabytes: -1, groups: 10,
};
const PER_TYPE = ['volumes', 'snapshots', 'gigabytes'];

export interface Usage { in_use: number; reserved: number; allocated?: number }

export class QuotasService {
  constructor(private readonly t: VolumeTables, private readonly defaults: Record<string, number> = QUOTA_DEFAULTS) {}

  /** The resources a quota set names: the fixed ones and the per-type ones of every type. */
  async resources(): Promise<string[]> {
    const types = await this.t.types.list();
    return [...Object.keys(QUOTA_DEFAULTS), ...types.flatMap((ty) => PER_TYPE.map((r) => `${r}_${ty.name}`))];
  }

  async classDefaults(name = 'default'): Promise<Record<string, number>> {
    const overrides = await this.t.quotaClass(name);
    const out: Record<string, number> = {};
    for (const r of await this.resources()) out[r] = overrides[r] ?? this.defaults[r] ?? -1;
    return out;
  }

  async limits(projectId: string): Promise<Record<string, number>> {
    return { ...(await this.classDefaults()), ...(await this.t.quotas(projectId)) };
  }

  async usage(projectId: string): Promise<Record<string, Usage>> {
    const volumes = await this.t.volumes.list({ project_id: projectId });
    const snapshots = await this.t.snapshots.list({ project_id: projectId });
    const types = new Map((await this.t.types.list()).map((ty) => [ty.id, ty.name]));
    const use: Record<string, Usage> = {};
    for (const r of await this.resources()) use[r] = { in_use: 0, reserved: 0 };
    const add = (r: string, n: number) => { if (use[r]) use[r]!.in_use += n; };
    for (const v of volumes) {
      add('volumes', 1); add('gigabytes', v.size);
      const tn = types.get(v.volume_type_id);
      if (tn) { add(`volumes_${tn}`, 1); add(`gigabytes_${tn}`, v.size); }
    }
    for (const b of await this.t.backups.list({ project_id: projectId })) {
      if (use.backups) use.backups.in_use += 1;
      if (use.backup_gigabytes) use.backup_gigabytes.in_use += b.size;
    }
    for (const s of snapshots) {
      add('snapshots', 1); add('gigabytes', s.size);
      const tn = s.volume_type_id ? types.get(s.volume_type_id) : undefined;
      if (tn) { add(`snapshots_${tn}`, 1); add(`gigabytes_${tn}`, s.size); }
    }
    return use;
  }

  async update(projectId: string, values: Record<string, number>): Promise<void> {
    const known = await this.resources();
    for (const [k, v] of Object.entries(values)) {
      if (!known.includes(k)) throw invalidInput(`Bad key(s) in quota set: ${k}`);
      if (!Number.isInteger(v) || v < -1) throw invalidInput(`Quota limit ${v} for ${k} must be -1 or greater.`);
    }
    const use = await this.usage(projectId);
    for (const [k, v] of Object.entries(values)) {
      const inUse = use[k]?.in_use ?? 0;
      if (v !== -1 && v < inUse) throw invalidInput(`Quota limit must be greater than or equal to existing resources: ${k} has ${inUse} in use.`);
    }
    for (const [k, v] of Object.entries(values)) await this.t.setQuota(projectId, k, v);
  }

  async updateClass(name: string, values: Record<string, number>): Promise<void> {
    const known = await this.resources();
    for (const [k, v] of Object.entries(values)) {
      if (!known.includes(k)) continue;
      await this.t.setQuotaClass(name, k, v);
    }
  }

  async reset(projectId: string): Promise<void> { await this.t.deleteQuotas(projectId); }

  /** Refuses a new volume (or a growth by `gigabytes`) that would exceed the project's quotas. */
  async checkVolume(projectId: string, typeName: string, gigabytes: number, count = 1): Promise<void> {
    const lim = await this.limits(projectId);
    const use = await this.usage(projectId);
    const perVolume = lim.per_volume_gigabytes ?? -1;
    if (count > 0 && perVolume >= 0 && gigabytes > perVolume) throw perVolumeSizeExceeded(gigabytes, perVolume);
    for (const r of ['volumes', `volumes_${typeName}`]) {
      const l = lim[r] ?? -1;
      if (count > 0 && l >= 0 && (use[r]?.in_use ?? 0) + count > l) throw volumeLimitExceeded(l);
    }
    for (const r of ['gigabytes', `gigabytes_${typeName}`]) {
      const l = lim[r] ?? -1;
      const used = use[r]?.in_use ?? 0;
      if (l >= 0 && used + gigabytes > l) throw gigabytesExceeded(gigabytes, used, l, r);
    }
  }

  async checkBackup(projectId: string, gigabytes: number): Promise<void> {
    const lim = await this.limits(projectId);
    const used = (await this.t.backups.list({ project_id: projectId }));
    const l = lim.backups ?? -1;
    if (l >= 0 && used.length + 1 > l) throw new OverQuota(`Maximum number of backups allowed (${l}) exceeded`);
    const g = lim.backup_gigabytes ?? -1;
    const inUse = used.reduce((n, b) => n + b.size, 0);
    if (g >= 0 && inUse + gigabytes > g) throw gigabytesExceeded(gigabytes, inUse, g, 'backup_gigabytes');
  }

  async checkSnapshot(projectId: string, typeName: string | undefined, gigabytes: number): Promise<void> {
    const lim = await this.limits(projectId);
    const use = await this.usage(projectId);
    for (const r of ['snapshots', ...(typeName ? [`snapshots_${typeName}`] : [])]) {
      const l = lim[r] ?? -1;
      if (l >= 0 && (use[r]?.in_use ?? 0) + 1 > l) throw snapshotLimitExceeded(l);
    }
    for (const r of ['gigabytes', ...(typeName ? [`gigabytes_${typeName}`] : [])]) {
      const l = lim[r] ?? -1;
      const used = use[r]?.in_use ?? 0;
      if (l >= 0 && used + gigabytes > l) throw gigabytesExceeded(gigabytes, used, l, r);
    }
  }
}
