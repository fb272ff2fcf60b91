// Shared by compute API tests: a cloud with a tiny flavor and a public image, clients, waits.
import assert from 'node:assert/strict';
import { Client, login, startTestCloud, type TestCloud } from './cloud.js';

export interface ComputeFixture { cloud: TestCloud; admin: Client; demo: Client; glance: Client; demoGlance: Client; imageId: string; flavorId: string }

export async function computeFixture(flavorId = 'fx.tiny'): Promise<ComputeFixture> {
  const cloud = await startTestCloud();
  const a = await login(cloud, 'admin', 'secret', 'admin');
  const d = await login(cloud, 'demo', 'secret', 'demo');
  const admin = new Client(`${cloud.url}/compute/v2.1`, a.token);
  const demo = new Client(`${cloud.url}/compute/v2.1`, d.token);
  assert.equal((await admin.post('/flavors', { flavor: { name: flavorId, id: flavorId, vcpus: 1, ram: 64, disk: 1 } })).status, 200);
  const glance = new Client(`${cloud.url}/image/v2`, a.token);
  const img = await glance.post('/images', { name: `${flavorId}-img`, disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  await glance.call('PUT', `/images/${img.body.id}/file`, 'disk', { 'Content-Type': 'application/octet-stream' });
  return { cloud, admin, demo, glance, demoGlance: new Client(`${cloud.url}/image/v2`, d.token), imageId: img.body.id, flavorId };
}

export async function waitStatus(c: Client, id: string, want: string, ms = 5000): Promise<any> {
  const end = Date.now() + ms;
  for (;;) {
    const s = (await c.get(`/servers/${id}`)).body.server;
    if (s?.status === want) return s;
    if (Date.now() > end) throw new Error(`${id} never ${want}: ${s?.status}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function bootServer(f: ComputeFixture, c: Client, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await c.post('/servers', { server: { name, imageRef: f.imageId, flavorRef: f.flavorId, ...extra } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await waitStatus(c, r.body.server.id, 'ACTIVE');
  return r.body.server.id;
}
