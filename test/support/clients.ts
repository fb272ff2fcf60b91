// A typed client per service, all from one login, each at its API's root. Compute and placement
// name a microversion on every call (`OpenStack-API-Version`); `.at(mv)` is the same caller at
// another one. Image, network and identity have no microversions: plain clients.
// Tests take their clients from here (or from a fixture built on it, e.g. compute-server.ts).
import type { RunningCloud } from '../../src/cloud.js';
import { Client, login, startTestCloud, type TestCloud } from './cloud.js';

/** Where each API is under the cloud's URL; Glance's is its unversioned endpoint, as in the catalog (paths begin with /v2). */
export const API_PATHS = {
  identity: '/identity/v3', compute: '/compute/v2.1', image: '/image', network: '/networking/v2.0', placement: '/placement',
} as const;

/** A client that sends `OpenStack-API-Version: <service> <mv>` on every call (nothing while mv is unset). */
export class MicroversionClient extends Client {
  constructor(base: string, token: string | undefined, readonly service: string, public mv?: string) { super(base, token); }
  override call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h = this.mv ? { 'OpenStack-API-Version': `${this.service} ${this.mv}`, ...headers } : headers;
    return super.call(method, path, body, h);
  }
}

/** Nova's API for one caller; without `.at(mv)` it asks for no microversion (Nova's 2.1). */
export class ComputeClient extends MicroversionClient {
  constructor(base: string, token: string | undefined, mv?: string) { super(base, token, 'compute', mv); }
  at(mv: string) { return new ComputeClient(this.base, this.token, mv); }
}

/** Placement's API for one caller; `latest` unless `.at(mv)` says otherwise. */
export class PlacementClient extends MicroversionClient {
  constructor(base: string, token: string | undefined, mv = 'latest') { super(base, token, 'placement', mv); }
  at(mv: string) { return new PlacementClient(this.base, this.token, mv); }
}

/**
 * Cinder's API for one caller, at /volume/v3/{its project}: paths begin after the project id
 * (`/volumes`). The project is read from the token on the first call. No microversion (3.0)
 * unless `.at(mv)`.
 */
export class VolumeClient extends MicroversionClient {
  private project: Promise<string> | undefined;
  constructor(readonly root: string, token: string | undefined, mv?: string, project?: Promise<string>) {
    super(`${root}/volume/v3`, token, 'volume', mv);
    this.project = project;
  }
  at(mv: string) { return new VolumeClient(this.root, this.token, mv, this.projectId()); }
  /** The caller's project id (from its token). */
  projectId(): Promise<string> {
    this.project ??= fetch(`${this.root}/identity/v3/auth/tokens`, { headers: { 'X-Auth-Token': this.token!, 'X-Subject-Token': this.token! } })
      .then((r) => r.json() as Promise<{ token: { project: { id: string } } }>).then((b) => b.token.project.id);
    return this.project;
  }
  override async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return super.call(method, path.startsWith('/v3') || path === '/' ? path : `/${await this.projectId()}${path}`, body, headers);
  }
}

/** One caller's clients, one per service, sharing its token. */
export interface Clients {
  token: string;
  identity: Client;
  compute: ComputeClient;
  image: Client;
  network: Client;
  placement: PlacementClient;
  volume: VolumeClient;
}

export function clientsOf(cloud: { url: string }, token: string): Clients {
  const at = (svc: keyof typeof API_PATHS) => `${cloud.url}${API_PATHS[svc]}`;
  return {
    token,
    identity: new Client(at('identity'), token),
    compute: new ComputeClient(at('compute'), token),
    image: new Client(at('image'), token),
    network: new Client(at('network'), token),
    placement: new PlacementClient(at('placement'), token),
    volume: new VolumeClient(cloud.url, token),
  };
}

/**
 * `user`'s clients, from a password login scoped to `project` (DevStack's users: admin, demo and
 * alt_demo, each in its namesake project, password `secret`).
 */
export async function clientsFor(cloud: RunningCloud, user: string, project = user, password = 'secret'): Promise<Clients> {
  return clientsOf(cloud, (await login(cloud, user, password, project)).token!);
}

/** `user`'s client for one service (see clientsFor). */
export async function clientAs<S extends keyof typeof API_PATHS>(cloud: RunningCloud, service: S, user: string, project = user): Promise<Clients[S]> {
  return (await clientsFor(cloud, user, project))[service];
}

/** A new user `name` (password `secret`) with `role` on project `project` (both names), and its clients there. */
export async function userWithRole(cloud: RunningCloud, admin: Clients, role: string, project: string, name: string): Promise<Clients> {
  const projectId = (await admin.identity.get(`/projects?name=${project}`)).body.projects[0].id;
  const roleId = (await admin.identity.get(`/roles?name=${role}`)).body.roles[0].id;
  const u = await admin.identity.post('/users', { user: { name, password: 'secret', domain_id: 'default' } });
  if (u.status !== 201) throw new Error(`user ${name}: ${u.status} ${JSON.stringify(u.body)}`);
  const grant = await admin.identity.put(`/projects/${projectId}/users/${u.body.user.id}/roles/${roleId}`);
  if (grant.status !== 204) throw new Error(`${role} on ${project}: ${grant.status} ${JSON.stringify(grant.body)}`);
  return clientsFor(cloud, name, project);
}

/** The id of the project a caller's token is scoped to. */
export async function projectOf(c: Clients): Promise<string> {
  return (await c.identity.get('/auth/tokens', { 'X-Subject-Token': c.token })).body.token.project.id;
}

/** A cloud running identity alone and its admin's identity client; `v3` is the API's URL (test/api/identity). */
export async function identityCloud(): Promise<{ cloud: TestCloud; admin: Client; v3: string }> {
  const cloud = await startTestCloud({ services: ['identity'] });
  const admin = (await clientsFor(cloud, 'admin')).identity;
  return { cloud, admin, v3: admin.base };
}
