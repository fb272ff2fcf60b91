import { Client, login, startTestCloud, type TestCloud } from '../../support/cloud.js';

/** A placement client for `user` that sends `OpenStack-API-Version: placement <mv>` on every call. */
export class PlacementClient extends Client {
  constructor(base: string, token: string | undefined, public mv = 'latest') { super(base, token); }
  override call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h = this.mv ? { 'OpenStack-API-Version': `placement ${this.mv}`, ...headers } : headers;
    return super.call(method, path, body, h);
  }
  at(mv: string) { return new PlacementClient(this.base, this.token, mv); }
}

export async function startPlacement(): Promise<{ cloud: TestCloud; admin: PlacementClient }> {
  const cloud = await startTestCloud({ services: ['identity', 'placement'] });
  const id = await login(cloud, 'admin', 'secret', 'admin');
  return { cloud, admin: new PlacementClient(`${cloud.url}/placement`, id.token) };
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
