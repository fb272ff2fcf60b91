// The signed-in user: a Keystone token scoped to one of their projects, kept in localStorage so
// that a reload keeps the session, and the catalog it came with. Logging out revokes the token.

export interface CatalogEntry { type: string; name: string; endpoints: { interface: string; url: string; region: string }[] }

export interface Session {
  token: string;
  expiresAt: string;
  user: { id: string; name: string; domain: string };
  project: { id: string; name: string };
  roles: string[];
  catalog: CatalogEntry[];
  /** The unscoped token the user logged in with, to switch projects without the password again. */
  unscoped: string;
}

const KEY = 'stratus.session';

export function loadSession(): Session | undefined {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null;
    if (!s || Date.parse(s.expiresAt) <= Date.now()) return undefined;
    return s;
  } catch { return undefined; }
}

export function saveSession(s: Session | undefined): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s)); else localStorage.removeItem(KEY);
}

export class LoginError extends Error {}

async function issue(body: unknown): Promise<{ token: string; data: any }> {
  const r = await fetch('/identity/v3/auth/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new LoginError(data?.error?.message ?? `${r.status}`);
  return { token: r.headers.get('X-Subject-Token') ?? '', data: data.token };
}

/** The projects the unscoped token's user may scope to. */
export async function myProjects(unscoped: string): Promise<{ id: string; name: string }[]> {
  const r = await fetch('/identity/v3/auth/projects', { headers: { 'X-Auth-Token': unscoped } });
  if (!r.ok) throw new LoginError(`${r.status}`);
  return ((await r.json()).projects as { id: string; name: string }[]).sort((a, b) => a.name.localeCompare(b.name));
}

export async function scopeTo(unscoped: string, projectId: string): Promise<Session> {
  const { token, data } = await issue({ auth: { identity: { methods: ['token'], token: { id: unscoped } }, scope: { project: { id: projectId } } } });
  return {
    token, expiresAt: data.expires_at, unscoped,
    user: { id: data.user.id, name: data.user.name, domain: data.user.domain.name },
    project: { id: data.project.id, name: data.project.name },
    roles: (data.roles ?? []).map((r: { name: string }) => r.name), catalog: data.catalog ?? [],
  };
}

/** Horizon's login: domain, user name and password; the last used project (or the first one). */
export async function login(domain: string, user: string, password: string): Promise<Session> {
  const { token } = await issue({ auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { name: domain }, password } } } } });
  const projects = await myProjects(token);
  if (projects.length === 0) throw new LoginError('You are not authorized for any projects.');
  const last = localStorage.getItem('stratus.lastProject');
  const chosen = projects.find((p) => p.id === last) ?? projects.find((p) => p.name === 'admin') ?? projects[0]!;
  return scopeTo(token, chosen.id);
}

export async function logout(s: Session): Promise<void> {
  for (const t of new Set([s.token, s.unscoped])) {
    await fetch('/identity/v3/auth/tokens', { method: 'DELETE', headers: { 'X-Auth-Token': s.token, 'X-Subject-Token': t } }).catch(() => undefined);
  }
  saveSession(undefined);
}

/** The path of a service's public endpoint (the dashboard is served on the same origin). */
export function endpoint(s: Session, type: string): string | undefined {
  const e = s.catalog.find((c) => c.type === type)?.endpoints.find((x) => x.interface === 'public');
  return e ? new URL(e.url).pathname.replace(/\/$/, '') : undefined;
}
