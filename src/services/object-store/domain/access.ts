// Who may do what: Swift's keystoneauth (swift/common/middleware/keystoneauth.py) with container
// ACLs (swift/common/middleware/acl.py). The roles come from policy (policies.ts): reseller admin
// (any account), operator (its own project's account, as its owner), project reader (GET/HEAD).
import { badRequest, forbidden, unauthorized } from './errors.js';

export const RESELLER_PREFIX = 'AUTH_';

/** The caller as keystoneauth sees it; undefined for an anonymous request. */
export interface Identity {
  projectId?: string;
  projectName?: string;
  /** The domain of the token's project and of its user (names in ACLs count only in the default domain). */
  projectDomainId?: string;
  userDomainId?: string;
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
  /**
   * The account's project domain as the account records it (X-Account-Sysmeta-Project-Domain-Id),
   * for a caller of another project: whether names in the container's ACL may match it.
   */
  accountDomain?: { exists: boolean; domainId?: string };
}

/** keystoneauth's default_domain_id, and the id it records when an account's domain is not known. */
export const DEFAULT_DOMAIN_ID = 'default';
export const UNKNOWN_DOMAIN_ID = '_unknown';
/** Where an account keeps its project's domain (keystoneauth's PROJECT_DOMAIN_ID_SYSMETA_HEADER). */
export const PROJECT_DOMAIN_SYSMETA = 'x-account-sysmeta-project-domain-id';

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
  // NOTE: _authorize_unconfirmed_identity: a referrer the ACL allows reads objects, and listings only with .rlistings.
  const byReferrer = referrerAllowed(req.referer, referrers) ? (req.object !== undefined || groups.includes('.rlistings')) : undefined;
  if (!who) {
    if (!req.account.startsWith(RESELLER_PREFIX) || !byReferrer) throw deny();
    return 'acl';
  }
  if (who.resellerAdmin) return 'owner';
  if (!req.container && !req.object && req.method === 'DELETE') throw deny();
  if (groups.length > 0 && crossTenant(who, groups, namesAllowed(who, req))) return 'acl';
  if (byReferrer) return 'acl';
  if (!who.projectId || req.account !== accountOf(who.projectId)) throw deny();
  if (who.operator) return 'owner';
  if (who.projectReader && (req.method === 'GET' || req.method === 'HEAD')) return 'acl';
  if (byReferrer === false) throw deny();
  const lowered = groups.map((g) => g.toLowerCase());
  if (who.roles.some((r) => lowered.includes(r.toLowerCase()))) return 'acl';
  throw deny();
}

/**
 * _is_name_allowed_in_acl: names (not only ids) match when the user, its project and the
 * account's project are all in the default domain (an account of unknown domain: ids only).
 */
function namesAllowed(who: Identity, req: AccessRequest): boolean {
  if (who.userDomainId && who.userDomainId !== DEFAULT_DOMAIN_ID) return false;
  if (who.projectDomainId && who.projectDomainId !== DEFAULT_DOMAIN_ID) return false;
  if (who.projectId && req.account === accountOf(who.projectId)) return true;
  const a = req.accountDomain;
  return !!a && a.exists && (a.domainId === undefined || a.domainId === DEFAULT_DOMAIN_ID);
}

/** tenant:user where each is its id, `*`, or (when names are allowed) its name. */
function crossTenant(who: Identity, groups: string[], allowNames: boolean): boolean {
  const tenants = [who.projectId, '*', ...(allowNames ? [who.projectName] : [])].filter(Boolean);
  const users = [who.userId, '*', ...(allowNames ? [who.userName] : [])];
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

/**
 * What an account ACL level allows, as tempauth reads it (keystoneauth has no account ACLs; this
 * cloud keeps tempauth's meaning): admin is the account's owner; read-write reads the account and
 * reads and writes every container and object in it (creating and deleting containers, without
 * their privileged headers) but never writes the account itself; read-only reads.
 */
export function accountAclGrant(level: ReturnType<typeof accountAclLevel>, req: Pick<AccessRequest, 'method' | 'container'>): Grant | undefined {
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (level === 'admin') return 'owner';
  if (level === 'read-write' && (req.container !== undefined || read)) return 'acl';
  if (level === 'read-only' && read) return 'acl';
  return undefined;
}
