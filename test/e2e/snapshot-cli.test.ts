import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { DEFAULT_PASSWORD, issueToken, stratus, type StratusServer, ownedByFile } from '../support/server.js';

// Whole-cloud snapshots as a user takes them, with `stratus up` running (the server stops its
// services, swaps the state and starts again) and stopped: every resource type listed through the
// APIs before a save and after a load is the same, bytes included; reset gives a freshly seeded
// cloud; bad names exit 2 and change nothing.

const { dir, start } = ownedByFile();

/** The admin's API as a user's client has it: a token issued anew after each load or reset. */
class Api {
  token = '';
  projectId = '';
  constructor(readonly url: string) {}

  async login(): Promise<void> {
    const t = await issueToken(this.url, 'admin', DEFAULT_PASSWORD, 'admin');
    assert.equal(t.status, 201, JSON.stringify(t.body));
    this.token = t.token!;
    this.projectId = t.body.token.project.id;
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; text: string }> {
    const raw = typeof body === 'string' || body instanceof Uint8Array;
    const res = await fetch(`${this.url}${path.replace('{project}', this.projectId)}`, {
      method,
      headers: { 'X-Auth-Token': this.token, ...(body === undefined ? {} : { 'Content-Type': raw ? 'application/octet-stream' : 'application/json' }), ...headers },
      body: body === undefined ? undefined : raw ? (body as string) : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    return { status: res.status, body: parsed, text };
  }

  async ok(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any> {
    const r = await this.call(method, path, body, headers);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    return r.body;
  }

  async waitFor(path: string, pick: (b: any) => string | undefined, want: string): Promise<void> {
    for (let i = 0; i < 120; i++) {
      const r = await this.call('GET', path);
      const got = r.status === 404 ? 'gone' : pick(r.body);
      if (got === want) return;
      assert.notEqual(got, 'error', `${path} went to error`);
      await new Promise((res) => setTimeout(res, 250));
    }
    assert.fail(`${path} never became ${want}`);
  }
}

/** Every list a user would look at, whole, as the APIs answer them. */
const LISTS = [
  '/identity/v3/users', '/identity/v3/projects', '/identity/v3/domains', '/identity/v3/roles', '/identity/v3/groups',
  '/identity/v3/role_assignments', '/identity/v3/services', '/identity/v3/endpoints',
  '/compute/v2.1/servers/detail?all_tenants=1', '/compute/v2.1/flavors/detail', '/compute/v2.1/os-keypairs', '/compute/v2.1/os-aggregates',
  '/image/v2/images',
  '/networking/v2.0/networks', '/networking/v2.0/subnets', '/networking/v2.0/ports', '/networking/v2.0/routers',
  '/networking/v2.0/security-groups', '/networking/v2.0/floatingips', '/networking/v2.0/subnetpools',
  '/volume/v3/{project}/volumes/detail?all_tenants=1', '/volume/v3/{project}/snapshots/detail?all_tenants=1',
  '/object-store/v1/AUTH_{project}?format=json', '/object-store/v1/AUTH_{project}/snap-c?format=json',
  '/placement/resource_providers',
];

async function listings(api: Api): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const path of LISTS) {
    const r = await api.call('GET', path);
    out[path] = r.status === 404 ? 'not found' : r.body;
  }
  // NOTE: every start of compute reports its inventory to Placement again, which counts as a new
  // generation of the provider, a plain restart included; the rest of the provider must match.
  for (const rp of (out['/placement/resource_providers'] as { resource_providers: { generation?: number }[] }).resource_providers) delete rp.generation;
  return out;
}

/** Names of each kind of resource: what a fresh cloud and a reset one must share (ids differ). */
async function names(api: Api): Promise<Record<string, string[]>> {
  const all = await listings(api);
  const out: Record<string, string[]> = {};
  for (const [path, body] of Object.entries(all)) {
    if (path.includes('endpoints') || path.includes('role_assignments') || path.includes('placement')) continue;
    const list = Array.isArray(body) ? body : Object.values((body ?? {}) as Record<string, unknown>).find(Array.isArray) ?? [];
    out[path] = (list as { name?: string }[]).map((x) => x.name ?? '?').sort();
  }
  return out;
}

const IMAGE_BYTES = 'snapshot me: image bytes\n'.repeat(100);
const OBJECT_BYTES = 'an object kept by a snapshot\n';

/** One of each resource, through the APIs. */
async function populate(api: Api): Promise<{ serverId: string; volumeId: string; imageId: string; networkId: string }> {
  const net = (await api.ok('POST', '/networking/v2.0/networks', { network: { name: 'snap-net' } })).network;
  await api.ok('POST', '/networking/v2.0/subnets', { subnet: { name: 'snap-subnet', network_id: net.id, ip_version: 4, cidr: '10.77.0.0/24' } });
  await api.ok('POST', '/networking/v2.0/routers', { router: { name: 'snap-router' } });
  await api.ok('POST', '/networking/v2.0/security-groups', { security_group: { name: 'snap-sg' } });
  await api.ok('POST', '/compute/v2.1/os-keypairs', { keypair: { name: 'snap-kp' } });
  const project = (await api.ok('POST', '/identity/v3/projects', { project: { name: 'snap-project' } })).project;
  await api.ok('POST', '/identity/v3/users', { user: { name: 'snap-user', default_project_id: project.id, password: 'pw-snap' } });
  const image = await api.ok('POST', '/image/v2/images', { name: 'snap-image', disk_format: 'raw', container_format: 'bare' });
  await api.ok('PUT', `/image/v2/images/${image.id}/file`, IMAGE_BYTES);
  const flavor = (await api.ok('GET', '/compute/v2.1/flavors')).flavors[0];
  const server = (await api.ok('POST', '/compute/v2.1/servers', { server: { name: 'snap-server', imageRef: image.id, flavorRef: flavor.id, networks: [{ uuid: net.id }] } })).server;
  const volume = (await api.ok('POST', '/volume/v3/{project}/volumes', { volume: { name: 'snap-volume', size: 1 } })).volume;
  await api.ok('PUT', '/object-store/v1/AUTH_{project}/snap-c');
  await api.ok('PUT', '/object-store/v1/AUTH_{project}/snap-c/snap-o', OBJECT_BYTES);
  await api.waitFor(`/compute/v2.1/servers/${server.id}`, (b) => b?.server?.status?.toLowerCase(), 'active');
  await api.waitFor(`/volume/v3/{project}/volumes/${volume.id}`, (b) => b?.volume?.status, 'available');
  return { serverId: server.id, volumeId: volume.id, imageId: image.id, networkId: net.id };
}

/** Deletes some, creates others: what a load must undo. */
async function change(api: Api, made: Awaited<ReturnType<typeof populate>>): Promise<void> {
  await api.ok('DELETE', `/compute/v2.1/servers/${made.serverId}`);
  await api.waitFor(`/compute/v2.1/servers/${made.serverId}`, () => undefined, 'gone');
  await api.ok('DELETE', `/volume/v3/{project}/volumes/${made.volumeId}`);
  await api.waitFor(`/volume/v3/{project}/volumes/${made.volumeId}`, (b) => b?.volume?.status, 'gone');
  await api.ok('DELETE', `/image/v2/images/${made.imageId}`);
  await api.ok('DELETE', '/object-store/v1/AUTH_{project}/snap-c/snap-o');
  await api.ok('POST', '/networking/v2.0/networks', { network: { name: 'after-save-net' } });
  await api.ok('POST', '/identity/v3/users', { user: { name: 'after-save-user' } });
}

async function assertBytes(api: Api, imageId: string): Promise<void> {
  assert.equal((await api.call('GET', `/image/v2/images/${imageId}/file`)).text, IMAGE_BYTES);
  assert.equal((await api.call('GET', '/object-store/v1/AUTH_{project}/snap-c/snap-o')).text, OBJECT_BYTES);
}

describe('stratus snapshot and reset against a running cloud', () => {
  let server: StratusServer;
  let data: string;
  let api: Api;
  let made: Awaited<ReturnType<typeof populate>>;
  let saved: Record<string, unknown>;

  before(async () => {
    data = dir();
    server = await start({ dataDir: data });
    api = new Api(server.localUrl);
    await api.login();
    made = await populate(api);
    saved = await listings(api);
  });

  test('save while it runs: the same state stays served, the snapshot lands in DATA_DIR/snapshots/NAME', async () => {
    const r = await stratus(['snapshot', 'save', 'lab-1', '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Saved snapshot 'lab-1' \(\d+ files, [\d.]+ \w+(, \d+ hard-linked)?\) in \d+ ms\. The running server \(pid \d+\) stopped its services, and started them again: \d+ ms without service\.$/m);
    assert.ok(existsSync(join(data, 'snapshots', 'lab-1', 'stratus.db')));
    assert.equal(statSync(join(data, 'snapshots', 'lab-1', 'fernet-keys')).mode & 0o777, 0o700, 'keys stay the owner\'s');
    // NOTE: image files are written once, so the snapshot shares them.
    assert.ok(statSync(join(data, 'snapshots', 'lab-1', 'images', made.imageId)).nlink >= 2, 'the image file is hard-linked');
    await api.login();
    assert.deepEqual(await listings(api), saved);

    const list = await stratus(['snapshot', 'list', '--data-dir', data]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^NAME\s+CREATED\s+FILES\s+SIZE$/m);
    assert.match(list.stdout, /^lab-1\s+\d{4}-\d\d-\d\dT\S+\s+\d+\s+[\d.]+ \w+$/m);
  });

  test('bad or unknown names: exit 2, a clear message, and nothing changes', async () => {
    for (const args of [['load', 'no-such'], ['save', '../escape'], ['save', '.hidden'], ['load', 'a/b'], ['save', 'lab-1']]) {
      const r = await stratus(['snapshot', ...args, '--data-dir', data]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout} ${r.stderr}`);
      assert.match(r.stderr, /no snapshot named 'no-such'.*there are: lab-1|is not a valid snapshot name|snapshot 'lab-1' exists; --force replaces it/);
      assert.equal(r.stdout, '');
    }
    await api.login();
    assert.deepEqual(await listings(api), saved);
    assert.ok(!existsSync(join(data, 'snapshots', '..', 'escape')));
  });

  test('load while it runs: deletions come back, later creations go, bytes included', async () => {
    await change(api, made);
    assert.notDeepEqual(await listings(api), saved);
    const r = await stratus(['snapshot', 'load', 'lab-1', '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Loaded snapshot 'lab-1' into .* in \d+ ms\. The running server \(pid \d+\) stopped its services, and started them again on the new state: \d+ ms without service\.$/m);
    await api.login();
    assert.deepEqual(await listings(api), saved);
    await assertBytes(api, made.imageId);
    // NOTE: the restored server's guest is back on the hypervisor: it stops and starts.
    await api.ok('POST', `/compute/v2.1/servers/${made.serverId}/action`, { 'os-stop': null });
    await api.waitFor(`/compute/v2.1/servers/${made.serverId}`, (b) => b?.server?.status?.toLowerCase(), 'shutoff');
    await api.ok('POST', `/compute/v2.1/servers/${made.serverId}/action`, { 'os-start': null });
    await api.waitFor(`/compute/v2.1/servers/${made.serverId}`, (b) => b?.server?.status?.toLowerCase(), 'active');
  });

  test('reset while it runs: a freshly seeded cloud, the snapshots kept', async () => {
    const fresh = await start({ dataDir: dir() });
    const freshApi = new Api(fresh.localUrl);
    await freshApi.login();
    const want = await names(freshApi);
    await fresh.stop();

    const r = await stratus(['reset', '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Reset .*: removed \d+ entries \(snapshots and policy files kept\) in \d+ ms; the cloud is seeded afresh on start\. The running server \(pid \d+\) stopped its services/m);
    await api.login();
    assert.deepEqual(await names(api), want);
    assert.equal((await api.call('GET', `/image/v2/images/${made.imageId}`)).status, 404);
    assert.match((await stratus(['snapshot', 'list', '--data-dir', data])).stdout, /^lab-1\s/m);
  });

  test('a stopped cloud: load and save work on the data dir, and the next start serves the snapshot', async () => {
    assert.equal(await server.stop(), 0);
    assert.ok(!existsSync(join(data, 'stratus.pid')), 'the pid file goes with the server');
    const bad = await stratus(['snapshot', 'load', 'missing', '--data-dir', data]);
    assert.equal(bad.code, 2);
    const r = await stratus(['snapshot', 'load', 'lab-1', '--data-dir', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Loaded snapshot 'lab-1' .* No server runs on this data directory: the next `stratus up` starts on it\.$/m);
    const again = await stratus(['snapshot', 'save', 'lab-1', '--force', '--data-dir', data]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^Replaced snapshot 'lab-1' /m);

    const restarted = await start({ dataDir: data, port: server.port });
    const api2 = new Api(restarted.localUrl);
    await api2.login();
    assert.deepEqual(await listings(api2), saved);
    await assertBytes(api2, made.imageId);
  });
});

describe('long copies show progress', () => {
  test('a 48 MiB volume file: progress lines on stderr, then the summary', async () => {
    const d = dir();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(d, 'stratus.db'));
    db.exec('CREATE TABLE t (x)');
    db.close();
    mkdirSync(join(d, 'volumes', 'volumes'), { recursive: true });
    writeFileSync(join(d, 'volumes', 'volumes', 'volume-1'), Buffer.alloc(48 * 1024 * 1024, 7));
    const r = await stratus(['snapshot', 'save', 'big', '--data-dir', d]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^saving: 100% \(48\.0 MiB of 48\.0 MiB\)$/m);
    assert.match(r.stdout, /^Saved snapshot 'big' \(2 files, 48\.0 MiB\) in \d+ ms\.$/m);
    assert.deepEqual(readFileSync(join(d, 'snapshots', 'big', 'volumes', 'volumes', 'volume-1')), readFileSync(join(d, 'volumes', 'volumes', 'volume-1')));
  });
});

describe('stratus reset refuses a directory Stratus did not make', () => {
  test('exit 2 and the files stay', async () => {
    const d = dir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(d, 'thesis.tex'), 'precious');
    const r = await stratus(['reset', '--data-dir', d]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does not look like a Stratus data directory \(no stratus\.db\); nothing changed/);
    assert.ok(existsSync(join(d, 'thesis.tex')));
  });
});
