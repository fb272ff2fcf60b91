// Shared by compute API tests: a cloud with DevStack's users' clients; the fixture adds a tiny
// flavor and a public image; waits and boots.
import assert from 'node:assert/strict';
import type { CloudConfig } from '../../src/config.js';
import { startTestCloud, type Client, type TestCloud } from './cloud.js';
import { clientsFor, type Clients, type ComputeClient } from './clients.js';

/** A cloud and the compute clients of admin (project admin), demo and alt_demo; `users` has their other clients. */
export interface ComputeCloud {
  cloud: TestCloud;
  admin: ComputeClient;
  demo: ComputeClient;
  alt: ComputeClient;
  users: { admin: Clients; demo: Clients; alt: Clients };
}

/** A fresh cloud, or one on `dataDir` (kept when it stops: a restart test starts it again). */
export async function computeCloud(config: Partial<CloudConfig> = {}, dataDir?: string): Promise<ComputeCloud> {
  const cloud = await startTestCloud(config, dataDir);
  const users = { admin: await clientsFor(cloud, 'admin'), demo: await clientsFor(cloud, 'demo'), alt: await clientsFor(cloud, 'alt_demo') };
  return { cloud, admin: users.admin.compute, demo: users.demo.compute, alt: users.alt.compute, users };
}

/** The admin's and demo's image clients, the public image and the flavor. */
export interface ComputeFixture extends ComputeCloud { glance: Client; demoGlance: Client; imageId: string; flavorId: string }

export interface FixtureOptions {
  /** The flavor's sizes (1 vCPU, 64 MiB, 1 GiB unless given). */
  flavor?: { vcpus?: number; ram?: number; disk?: number };
  /** More fields of the public image (raw, bare unless given). */
  image?: Record<string, unknown>;
  /** The image's bytes (`disk` unless given). */
  imageData?: string;
  config?: Partial<CloudConfig>;
  dataDir?: string;
}

/** A compute cloud with flavor `flavorId` and a public image `<flavorId>-img` holding a few bytes. */
export async function computeFixture(flavorId = 'fx.tiny', opts: FixtureOptions = {}): Promise<ComputeFixture> {
  const c = await computeCloud(opts.config, opts.dataDir);
  const flavor = { name: flavorId, id: flavorId, vcpus: 1, ram: 64, disk: 1, ...opts.flavor };
  const fl = await c.admin.post('/flavors', { flavor });
  assert.equal(fl.status, 200, JSON.stringify(fl.body));
  const glance = c.users.admin.image;
  const img = await glance.post('/v2/images', { name: `${flavorId}-img`, disk_format: 'raw', container_format: 'bare', visibility: 'public', ...opts.image });
  assert.equal(img.status, 201, JSON.stringify(img.body));
  const up = await glance.call('PUT', `/v2/images/${img.body.id}/file`, opts.imageData ?? 'disk', { 'Content-Type': 'application/octet-stream' });
  assert.equal(up.status, 204, JSON.stringify(up.body));
  return { ...c, glance, demoGlance: c.users.demo.image, imageId: img.body.id, flavorId };
}

/**
 * Polls GET /servers/{id} until its status is `want` (a status, or a test of the server body);
 * the client's microversion (`c.at(mv)`) is the one polled with.
 */
export async function waitStatus(c: ComputeClient, id: string, want: string | ((server: any) => boolean), ms = 5000): Promise<any> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await c.get(`/servers/${id}`);
    const s = r.body?.server;
    if (typeof want === 'string' ? s?.status === want : r.status === 200 && want(s)) return s;
    if (Date.now() > end) throw new Error(`${id} never ${typeof want === 'string' ? want : 'as wanted'}: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

/** Waits until GET /servers/{id} is a 404. */
export async function waitGone(c: ComputeClient, id: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while ((await c.get(`/servers/${id}`)).status !== 404) {
    if (Date.now() > end) throw new Error(`${id} was never deleted`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

/** Boots `name` from the fixture's image and flavor and waits for ACTIVE; returns its id. */
export async function bootServer(
  f: Pick<ComputeFixture, 'imageId' | 'flavorId'>, c: ComputeClient, name: string, extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await c.post('/servers', { server: { name, imageRef: f.imageId, flavorRef: f.flavorId, ...extra } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await waitStatus(c, r.body.server.id, 'ACTIVE');
  return r.body.server.id;
}

/** The id of the network named `name` that `net` (a network client) sees: DevStack's `private` or `public`. */
export async function networkId(net: Client, name: string): Promise<string> {
  const r = await net.get(`/networks?name=${name}`);
  assert.equal(r.body?.networks?.length, 1, `network ${name}: ${JSON.stringify(r.body)}`);
  return r.body.networks[0].id;
}
