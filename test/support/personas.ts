import type { RunningCloud } from '../../src/cloud.js';
import { Client, login } from './cloud.js';

// The people of a persona matrix, made through the identity API as the seeded admin:
//   systemAdmin   admin user, system-scoped token
//   projectAdmin  admin user, token on project "admin"
//   domainAdmin   admin of domain D (a user of D), domain-scoped token
//   member        member of project P
//   reader        reader of project P
//   otherMember   member of project Q (P and Q are both in the Default domain)

export const PERSONAS = ['systemAdmin', 'projectAdmin', 'domainAdmin', 'member', 'reader', 'otherMember'] as const;
export type Persona = typeof PERSONAS[number];

export const PERSONA_PASSWORD = 'persona-secret';

export interface PersonaWorld {
  clients: Record<Persona, Client>;
  /** The user id behind each persona. */
  userIds: Record<Persona, string>;
  /** Project P, project Q, domain D. */
  P: string; Q: string; D: string;
  roles: { admin: string; member: string; reader: string };
  /** The project-scoped admin, for setting things up. */
  admin: Client;
  /** A token for `user` (id) with `scope` (Keystone's auth scope object, or undefined for unscoped). */
  authenticate(userId: string, scope?: unknown, password?: string): Promise<Client>;
}

async function ok(r: Promise<{ status: number; body: any }>, want: number, what: string): Promise<any> {
  const res = await r;
  if (res.status !== want) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createPersonas(cloud: RunningCloud, adminPassword = 'secret'): Promise<PersonaWorld> {
  const base = `${cloud.url}/identity/v3`;
  const admin = await login(cloud, 'admin', adminPassword, 'admin');
  const roleId = async (name: string) => (await ok(admin.get(`/roles?name=${name}`), 200, `role ${name}`)).roles[0].id as string;
  const roles = { admin: await roleId('admin'), member: await roleId('member'), reader: await roleId('reader') };
  const project = async (name: string) =>
    (await ok(admin.post('/projects', { project: { name, domain_id: 'default' } }), 201, `project ${name}`)).project.id as string;
  const P = await project('persona-p');
  const Q = await project('persona-q');
  const D = (await ok(admin.post('/domains', { domain: { name: 'persona-d' } }), 201, 'domain D')).domain.id as string;
  const user = async (name: string, domainId: string) =>
    (await ok(admin.post('/users', { user: { name, domain_id: domainId, password: PERSONA_PASSWORD } }), 201, `user ${name}`)).user.id as string;
  const [memberId, readerId, otherId, domainAdminId] = await Promise.all([
    user('p-member', 'default'), user('p-reader', 'default'), user('q-member', 'default'), user('d-admin', D),
  ]);
  await ok(admin.put(`/projects/${P}/users/${memberId}/roles/${roles.member}`), 204, 'grant member');
  await ok(admin.put(`/projects/${P}/users/${readerId}/roles/${roles.reader}`), 204, 'grant reader');
  await ok(admin.put(`/projects/${Q}/users/${otherId}/roles/${roles.member}`), 204, 'grant other');
  await ok(admin.put(`/domains/${D}/users/${domainAdminId}/roles/${roles.admin}`), 204, 'grant domain admin');
  const adminId = (await ok(admin.get('/users?name=admin&domain_id=default'), 200, 'admin user')).users[0].id as string;

  const authenticate = async (userId: string, scope?: unknown, password = PERSONA_PASSWORD): Promise<Client> => {
    const c = new Client(base);
    const body = { auth: { identity: { methods: ['password'], password: { user: { id: userId, password } } }, scope: scope ?? 'unscoped' } };
    const r = await c.post('/auth/tokens', body);
    if (r.status !== 201) throw new Error(`token for ${userId} ${JSON.stringify(scope)}: ${r.status} ${JSON.stringify(r.body)}`);
    c.token = r.headers.get('x-subject-token')!;
    return c;
  };
  const clients: Record<Persona, Client> = {
    systemAdmin: await authenticate(adminId, { system: { all: true } }, adminPassword),
    projectAdmin: admin,
    domainAdmin: await authenticate(domainAdminId, { domain: { id: D } }),
    member: await authenticate(memberId, { project: { id: P } }),
    reader: await authenticate(readerId, { project: { id: P } }),
    otherMember: await authenticate(otherId, { project: { id: Q } }),
  };
  const userIds: Record<Persona, string> = {
    systemAdmin: adminId, projectAdmin: adminId, domainAdmin: domainAdminId, member: memberId, reader: readerId, otherMember: otherId,
  };
  return { clients, userIds, P, Q, D, roles, admin, authenticate };
}
