// Identity fixtures made through the API as an admin would (test/api/identity).
import { Client } from './cloud.js';

let seq = 0;

/**
 * A new user (password `pw`) with `member` on a new project (unless `member: false`), both named
 * after `prefix`; `c` is the user's identity client logged in on the project (when a member).
 */
export async function userOnNewProject(admin: Client, prefix: string, opts: { member?: boolean } = {}) {
  const n = ++seq;
  const project = (await admin.post('/projects', { project: { name: `${prefix}-p${n}` } })).body.project;
  const user = (await admin.post('/users', { user: { name: `${prefix}-u${n}`, password: 'pw' } })).body.user;
  const c = new Client(admin.base);
  if (opts.member === false) return { c, user, project };
  const member = (await admin.get('/roles?name=member')).body.roles[0].id;
  await admin.put(`/projects/${project.id}/users/${user.id}/roles/${member}`);
  const r = await c.post('/auth/tokens', { auth: { identity: { methods: ['password'], password: { user: { id: user.id, password: 'pw' } } }, scope: { project: { id: project.id } } } });
  c.token = r.headers.get('x-subject-token')!;
  return { c, user, project };
}
