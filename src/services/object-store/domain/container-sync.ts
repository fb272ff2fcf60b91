// Container sync (swift/container/sync.py, swift/common/middleware/container_sync.py): a container
// whose X-Container-Sync-To names another container, either a realm's
// `//realm/cluster/AUTH_account/container` or a full URL on an allowed host, and whose
// X-Container-Sync-Key equals the target container's key, has its new and changed objects copied
// there by a syncer that runs in the background. Every cluster a realm names is this cloud (it
// syncs within itself); the target refuses, as Swift's receiving proxy does, unless the keys match.
// NOTE: deletes are not synced (no tombstones are kept).
import { SYNC_POINT, type ContainerRecord, type ObjectStoreTables } from '../store/tables.js';
import type { ObjectPath, ObjectsService } from './objects.service.js';
import { pyRepr } from './constraints.js';

/** container-sync-realms.conf: realm → its key and its clusters (name → endpoint URL), names upper case. */
export type SyncRealms = Record<string, { key: string; clusters: Record<string, string> }>;

export interface SyncSettings {
  realms: SyncRealms;
  /** allowed_sync_hosts: the hosts a full URL may name. */
  allowedHosts: string[];
}

/**
 * validate_sync_to: the error Swift's container server answers (400) for a value, or undefined
 * when it is valid (an empty value turns sync off).
 */
export function syncToError(value: string, s: SyncSettings): string | undefined {
  const v = value.replace(/\/+$/, '');
  if (!v) return undefined;
  if (v.startsWith('//')) {
    const data = v.slice(2).split('/');
    if (data.length !== 4) return `Invalid X-Container-Sync-To format ${pyRepr(value)}`;
    const [realm, cluster] = data as [string, string];
    const r = s.realms[realm.toUpperCase()];
    if (!r?.key) return `No realm key for ${pyRepr(realm)}`;
    if (!r.clusters[cluster.toUpperCase()]) return `No cluster endpoint for ${pyRepr(realm)} ${pyRepr(cluster)}`;
    return undefined;
  }
  let url: URL;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(v)?.[1]?.toLowerCase() ?? '';
  if (scheme !== 'http' && scheme !== 'https') return `Invalid scheme ${pyRepr(scheme)} in X-Container-Sync-To, must be "//", "http", or "https".`;
  try { url = new URL(v); } catch { return 'Path required in X-Container-Sync-To'; }
  if (!url.pathname || url.pathname === '/') return 'Path required in X-Container-Sync-To';
  if (url.search || url.hash || url.pathname.includes(';')) return 'Params, queries, and fragments not allowed in X-Container-Sync-To';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!s.allowedHosts.includes(host)) return `Invalid host ${pyRepr(host)} in X-Container-Sync-To`;
  return undefined;
}

/** The container a valid X-Container-Sync-To names in this cloud: the value's last two path segments. */
export function syncTarget(value: string): { account: string; container: string } | undefined {
  const v = value.replace(/\/+$/, '');
  const path = v.startsWith('//') ? v.slice(2) : (() => { try { return new URL(v).pathname; } catch { return ''; } })();
  const parts = path.split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  if (parts.length < 2) return undefined;
  return { account: parts.at(-2)!, container: parts.at(-1)! };
}

/** The container_sync section of /info: the realms and their clusters (this cloud's marked current). */
export function syncInfo(realms: SyncRealms): Record<string, unknown> {
  const out: Record<string, { clusters: Record<string, { current?: boolean }> }> = {};
  for (const [realm, r] of Object.entries(realms)) {
    const clusters = Object.keys(r.clusters);
    if (clusters.length) out[realm] = { clusters: Object.fromEntries(clusters.map((c) => [c, { current: true }])) };
  }
  return { realms: out };
}

export class ContainerSyncer {
  constructor(private readonly tables: ObjectStoreTables, private readonly objects: ObjectsService) {}

  /** One pass over every syncing container: up to `batch` changed objects each; how many were copied. */
  async runOnce(batch = 100): Promise<number> {
    let copied = 0;
    for (const c of await this.tables.syncingContainers()) copied += await this.syncContainer(c, batch);
    return copied;
  }

  private async syncContainer(c: ContainerRecord, batch: number): Promise<number> {
    const to = c.metadata['x-container-sync-to'];
    const key = c.metadata['x-container-sync-key'];
    const target = to && key ? syncTarget(to) : undefined;
    if (!target) return 0;
    const tc = await this.tables.container(target.account, target.container);
    // NOTE: the receiving side accepts a sync only with its own container's key.
    if (!tc || tc.metadata['x-container-sync-key'] !== key) return 0;
    const since = c.metadata[SYNC_POINT] ?? '';
    const changed = await this.tables.objectsSince(c.account, c.name, since, batch);
    let point = since;
    let copied = 0;
    for (const o of changed) {
      const live = await this.objects.get(o);
      if (live) {
        const dst: ObjectPath = { account: target.account, container: target.container, name: o.name };
        const there = await this.objects.get(dst);
        // NOTE: the sync PUT carries the source's X-Timestamp: the target keeps the newer of the two.
        if (!there || there.timestamp < o.timestamp) {
          try {
            await this.objects.copy(o, dst, {}, { resellerAdmin: false }, { keepTimestamp: true });
            copied += 1;
          } catch {
            break; // NOTE: the target refused (a quota, gone meanwhile): the next pass tries again from here.
          }
        }
      }
      point = o.timestamp;
    }
    if (point !== since) await this.tables.setContainerSyncPoint(c.account, c.name, to!, point);
    return copied;
  }
}
