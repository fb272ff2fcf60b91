// Who may do what: Swift's keystoneauth (swift/common/middleware/keystoneauth.py) with container
// ACLs (swift/common/middleware/acl.py). The roles come from policy (policies.ts): reseller admin
// (any account), operator (its own project's account, as its owner), project reader (GET/HEAD).
import { badRequest, forbidden, unauthorized } from './errors.js';

export const RESELLER_PREFIX = 'AUTH_';

/** The caller as keystoneauth sees it; undefined for an anonymous request. */
export interface Identity {
  projectId?: string;
  projectName?: string;
  userId: string;
  userName: string;
  roles: string[];
  resellerAdmin: boolean;
  operator: boolean;
  projectReader: boolean;
}

export interface AccessRequest {
  method: string;
  account: string;
  container?: string;
  object?: string;
  /** The container's ACL that applies to the method (X-Container-Read or X-Container-Write). */
  acl?: string;
  referer?: string;
}

export type Grant =
  /** swift_owner: may see and change ACLs, keys and account metadata. */
  | 'owner'
  /** Allowed by an ACL, a referrer or a reader role, without owner rights. */
  | 'acl';

export const accountOf = (projectId: string) => `${RESELLER_PREFIX}${projectId}`;

/**
 * Allowed (and how), or throws 401 (anonymous) or 403. As Swift's proxy does, the caller is judged
 * first without the container's ACL (an owner stays an owner on a public container), then with it.
 */
export function authorize(who: Identity | undefined, req: AccessRequest): Grant {
  if (!req.acl) return decide(who, req);
  try { return decide(who, { ...req, acl: undefined }); } catch { return decide(who, req); }
}

function decide(who: Identity | undefined, req: AccessRequest): Grant {
  const deny = () => (who ? forbidden() : unauthorized());
  if (req.method === 'OPTIONS') return 'acl';
  const { referrers, groups } = parseAcl(req.acl);
  if (!who) {
    if (!req.account.startsWith(RESELLER_PREFIX)) throw deny();
    if (referrerAllowed(req.referer, referrers) && (req.object || groups.includes('.rlistings'))) return 'acl';
    throw deny();
  }
  if (who.resellerAdmin) return 'owner';
  if (!req.container && !req.object && req.method === 'DELETE') throw deny();
  if (groups.length > 0 && crossTenant(who, groups)) return 'acl';
  if (referrerAllowed(req.referer, referrers)) {
    if (req.object || groups.includes('.rlistings')) return 'acl';
  }
  if (!who.projectId || req.account !== accountOf(who.projectId)) throw deny();
  if (who.operator) return 'owner';
  if (who.projectReader && (req.method === 'GET' || req.method === 'HEAD')) return 'acl';
  const lowered = groups.map((g) => g.toLowerCase());
  if (who.roles.some((r) => lowered.includes(r.toLowerCase()))) return 'acl';
  throw deny();
}

/** tenant:user where each is its id, its name or `*`. */
function crossTenant(who: Identity, groups: string[]): boolean {
  const tenants = [who.projectId, who.projectName, '*'].filter(Boolean);
  const users = [who.userId, who.userName, '*'];
  return tenants.some((t) => users.some((u) => groups.includes(`${t}:${u}`)));
}

/** parse_acl: `.r:` entries are referrers, the rest (`.rlistings`, tenant:user, roles) groups. */
export function parseAcl(acl: string | undefined): { referrers: string[]; groups: string[] } {
  const referrers: string[] = [];
  const groups: string[] = [];
  for (const raw of (acl ?? '').split(',')) {
    const value = raw.trim();
    if (!value) continue;
    if (value.startsWith('.r:')) referrers.push(value.slice(3));
    else if (value.startsWith('.ref:') || value.startsWith('.referer:') || value.startsWith('.referrer:')) referrers.push(value.slice(value.indexOf(':') + 1));
    else groups.push(value);
  }
  return { referrers, groups };
}

/** referrer_allowed: the last matching entry wins; `-` denies; `.example.com` matches subdomains. */
export function referrerAllowed(referer: string | undefined, referrers: string[]): boolean {
  let allow = false;
  let host: string | undefined;
  if (referer) {
    try { host = new URL(referer).hostname; } catch { host = undefined; }
  }
  for (const entry of referrers) {
    const negate = entry.startsWith('-');
    const mhost = negate ? entry.slice(1) : entry;
    if (mhost === '*') allow = !negate;
    else if (host && (mhost === host || (mhost.startsWith('.') && host.endsWith(mhost)))) allow = !negate;
  }
  return allow;
}

/**
 * clean_acl for X-Container-Read / -Write as the proxy stores them: referrer entries only on read
 * ACLs; returns the cleaned value or throws 400 with Swift's words.
 */
export function cleanAcl(name: 'x-container-read' | 'x-container-write', value: string): string {
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const v = raw.trim();
    if (!v) continue;
    if (v.startsWith('.')) {
      const m = /^\.(r|ref|referer|referrer):(.*)$/.exec(v);
      if (v === '.rlistings') { if (name === 'x-container-write') throw acl(name, value, 'Referrers not allowed in write ACL: ' + JSON.stringify(v)); out.push(v); continue; }
      if (!m) throw acl(name, value, `Unknown designator ${JSON.stringify(v.split(':')[0])} in ACL: ${JSON.stringify(v)}`);
      if (name === 'x-container-write') throw acl(name, value, 'Referrers not allowed in write ACL: ' + JSON.stringify(v));
      let host = m[2]!.trim();
      if (!host || host === '-') throw acl(name, value, `No host/domain value after referrer designation in ACL: ${JSON.stringify(v)}`);
      if (host.startsWith('-')) host = `-${host.slice(1).trim()}`;
      out.push(`.r:${host}`);
    } else out.push(v);
  }
  return out.join(',');
}

function acl(_name: string, _value: string, why: string) {
  return badRequest(why);
}

/**
 * The caller's level in an account's ACL (X-Account-Access-Control: {"admin": [...],
 * "read-write": [...], "read-only": [...]}): entries name a project, a user, or project:user
 * (ids or names, `*` for any), the highest level matching wins.
 */
export function accountAclLevel(value: string | undefined, who: Identity): 'admin' | 'read-write' | 'read-only' | undefined {
  if (!value) return undefined;
  let acl: Record<string, unknown>;
  try { acl = JSON.parse(value); } catch { return undefined; }
  const names = new Set([who.userId, who.userName, who.projectId, who.projectName].filter((v): v is string => !!v));
  for (const t of [who.projectId, who.projectName, '*']) for (const u of [who.userId, who.userName, '*']) if (t) names.add(`${t}:${u}`);
  for (const level of ['admin', 'read-write', 'read-only'] as const) {
    const list = acl[level];
    if (Array.isArray(list) && list.some((e) => typeof e === 'string' && names.has(e))) return level;
  }
  return undefined;
}
