import { startTestCloud, type TestCloud } from '../../support/cloud.js';
import { clientsFor, PlacementClient } from '../../support/clients.js';

export { PlacementClient };

export async function startPlacement(): Promise<{ cloud: TestCloud; admin: PlacementClient }> {
  const cloud = await startTestCloud({ services: ['identity', 'placement'] });
  return { cloud, admin: (await clientsFor(cloud, 'admin')).placement };
}

export const uuid = () => crypto.randomUUID();

/** A provider with inventory; returns its uuid. */
export async function provider(c: PlacementClient, name: string, inventories: Record<string, Record<string, number>> = {}, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await c.at('latest').post('/resource_providers', { name, ...extra });
  if (r.status !== 200) throw new Error(`create ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  if (Object.keys(inventories).length) {
    const i = await c.at('latest').put(`/resource_providers/${r.body.uuid}/inventories`, { resource_provider_generation: r.body.generation, inventories });
    if (i.status !== 200) throw new Error(`inventory ${name}: ${i.status} ${JSON.stringify(i.body)}`);
  }
  return r.body.uuid;
}
