import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientsFor, VolumeClient, type Clients } from '../../support/clients.js';

export { VolumeClient };

/** A cloud with identity, image and block storage, and the admin's and demo's clients. */
export async function startVolume(overrides: Parameters<typeof startTestCloud>[0] = {}, dataDir?: string): Promise<{ cloud: TestCloud; admin: Clients; demo: Clients }> {
  const cloud = await startTestCloud({ services: ['identity', 'image', 'volume'], ...overrides }, dataDir);
  return { cloud, admin: await clientsFor(cloud, 'admin'), demo: await clientsFor(cloud, 'demo') };
}

/** Polls until the resource at `path` has `status` (or is gone, for 404); throws on an error status. */
export async function waitFor(c: VolumeClient, path: string, status: string | 404, timeoutMs = 20_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    const r = await c.get(path);
    if (status === 404 && r.status === 404) return undefined;
    const item = r.body?.volume ?? r.body?.snapshot;
    last = item?.status ?? r.status;
    if (item?.status === status) return item;
    // NOTE: error_managing_deleting is a delete in progress (of a volume whose manage failed), not an error.
    if (typeof last === 'string' && last.startsWith('error') && last !== 'error_managing_deleting' && !String(status).startsWith('error')) throw new Error(`${path} went to ${last}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${path} did not reach ${status} (last: ${String(last)})`);
}

/** A volume of `size` GiB made and available. */
export async function volume(c: VolumeClient, body: Record<string, unknown> = {}): Promise<any> {
  const r = await c.post('/volumes', { volume: { size: 1, ...body } });
  if (r.status !== 202) throw new Error(`volume create: ${r.status} ${JSON.stringify(r.body)}`);
  return waitFor(c, `/volumes/${r.body.volume.id}`, 'available');
}
