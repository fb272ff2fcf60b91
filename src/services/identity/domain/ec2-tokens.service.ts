import { createHash } from 'node:crypto';
import { BadRequest, Unauthorized } from '../../../core/errors/errors.js';
import type { TokenInfo } from '../../../core/auth/request-context.js';
import type { IdentityTables } from '../store/tables.js';
import type { AppCredentialsService } from './application-credentials.service.js';
import type { AssignmentsService } from './assignments.service.js';
import { ec2Signature, s3Signature, sameSignature, SignatureFormatError, type Ec2Request } from './ec2-signatures.js';
import type { ProjectsService } from './projects.service.js';
import type { TokensService } from './tokens.service.js';
import type { TrustsService } from './trusts.service.js';
import type { UsersService } from './users.service.js';
import { accessTokenNotFound, applicationCredentialNotFound, ec2AccessKeyNotFound, invalidEc2Signature, unauthorized, userNotValidForProject } from './errors.js';

/** What an EC2 or S3 gateway sends: the request it received, the access key and the signature. */
export interface Ec2Credentials extends Ec2Request {
  access?: string;
  signature?: string;
  /** s3tokens: the string the S3 client signed, urlsafe base64. */
  token?: string;
}

/** keystone.conf [credential] auth_ttl: how long a signed request's timestamp stays good. */
const AUTH_TTL_MS = 15 * 60_000;

/**
 * POST /v3/ec2tokens and /v3/s3tokens (keystone/api/_shared/EC2_S3_Resource.py): the EC2
 * credential named by the access key signs the request; a valid one gets a token scoped to the
 * credential's project, with the roles of the user there (or of the credential's trust or
 * application credential), its method `ec2credential`.
 */
export class Ec2TokensService {
  constructor(
    private readonly t: IdentityTables, private readonly users: UsersService, private readonly projects: ProjectsService,
    private readonly assignments: AssignmentsService, private readonly appCreds: AppCredentialsService,
    private readonly trusts: TrustsService, private readonly tokens: TokensService,
  ) {}

  ec2(body: Record<string, unknown>): Promise<{ id: string; info: TokenInfo }> {
    return this.authenticate(body, (secret, c) => {
      if (!c.signature) throw new Unauthorized('EC2 signature not supplied.');
      if (this.signs(secret, c, c.signature)) return;
      // NOTE: as Keystone: some clients sign the host without its port, so try that too.
      const host = typeof c.host === 'string' ? c.host : '';
      if (host.includes(':') && this.signs(secret, { ...c, host: hostname(host) }, c.signature)) return;
      throw invalidEc2Signature();
    });
  }

  s3(body: Record<string, unknown>): Promise<{ id: string; info: TokenInfo }> {
    return this.authenticate(body, (secret, c) => {
      let expected: string;
      try {
        expected = s3Signature(secret, Buffer.from(String(c.token ?? ''), 'base64url'));
      } catch (e) {
        if (e instanceof SignatureFormatError) throw new Unauthorized(e.message);
        throw e;
      }
      if (!sameSignature(String(c.signature ?? ''), expected)) throw new Unauthorized('Credential signature mismatch');
    });
  }

  private signs(secret: string, c: Ec2Credentials, signature: string): boolean {
    try {
      return sameSignature(signature, ec2Signature(secret, c));
    } catch (e) {
      if (e instanceof SignatureFormatError) throw invalidEc2Signature();
      throw e;
    }
  }

  private async authenticate(body: Record<string, unknown>, check: (secret: string, c: Ec2Credentials) => void): Promise<{ id: string; info: TokenInfo }> {
    if (Object.keys(body).length === 0) throw new BadRequest('request must include a request body');
    // NOTE: Keystone takes the credentials under any of these three names.
    const c = (pick(body.credentials) ?? pick(body.credential) ?? pick(body.ec2Credentials) ?? {}) as Ec2Credentials;
    if (c.access === undefined) throw new Unauthorized('EC2 Signature not supplied');
    const cred = await this.t.credentials.get(createHash('sha256').update(String(c.access)).digest('hex'));
    if (!cred || cred.type !== 'ec2') throw ec2AccessKeyNotFound();
    let blob: { secret?: unknown; trust_id?: unknown; app_cred_id?: unknown; access_token_id?: unknown };
    try { blob = JSON.parse(cred.blob) as typeof blob; } catch { blob = {}; }
    check(typeof blob.secret === 'string' ? blob.secret : '', c);
    if (!cred.project_id) throw userNotValidForProject();
    const project = await this.projects.get(cred.project_id);
    const user = await this.users.get(cred.user_id);
    const userDomain = await this.t.domains.get(user.domain_id);
    const projectDomain = await this.t.domains.get(project.domain_id);
    if (!user.enabled || !userDomain?.enabled || !project.enabled || !projectDomain?.enabled) throw unauthorized();
    checkTimestamp(c);

    let userId = user.id;
    let roleIds: string[];
    const trustId = typeof blob.trust_id === 'string' && blob.trust_id ? blob.trust_id : undefined;
    const appCredId = typeof blob.app_cred_id === 'string' && blob.app_cred_id ? blob.app_cred_id : undefined;
    const accessTokenId = typeof blob.access_token_id === 'string' && blob.access_token_id ? blob.access_token_id : undefined;
    if (trustId) {
      const trust = await this.trusts.get(trustId);
      roleIds = trust.roles.map((r) => r.id);
      if (trust.impersonation) userId = trust.trustor_user_id;
    } else if (appCredId) {
      const ac = await this.appCreds.find(appCredId);
      if (!ac) throw applicationCredentialNotFound(appCredId);
      if (ac.project_id !== project.id) throw new Unauthorized('EC2 credential project does not match the application credential project.');
      roleIds = ac.roles.map((r) => r.id);
    } else if (accessTokenId) {
      const access = await this.t.accessTokens.get(accessTokenId);
      if (!access) throw accessTokenNotFound();
      if (access.project_id !== project.id) throw new Unauthorized('EC2 credential project does not match the OAuth1 access token project.');
      roleIds = access.role_ids;
    } else {
      roleIds = await this.assignments.effectiveRoleIds(user.id, 'project', project.id);
    }
    if (roleIds.length === 0) throw userNotValidForProject();
    return this.tokens.issueVerified({ userId, projectId: project.id, methods: ['ec2credential'], trustId, appCredId, accessTokenId })
      .catch((e) => { throw e instanceof Unauthorized ? userNotValidForProject() : e; });
  }
}

function pick(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length ? v as Record<string, unknown> : undefined;
}

function hostname(host: string): string {
  try { return new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1'); } catch { return host; }
}

/** A signed request older than auth_ttl is refused; one without a timestamp is the signer's choice. */
function checkTimestamp(c: Ec2Credentials): void {
  const given = c.params?.Timestamp ?? c.headers?.['X-Amz-Date'] ?? c.params?.['X-Amz-Date'];
  if (!given) return;
  const ms = parseIsoTime(String(given));
  if (ms === undefined) throw new Unauthorized(`Credential timestamp is invalid: Unable to parse date string '${String(given)}'`);
  if (Date.now() > ms + AUTH_TTL_MS) throw new Unauthorized('Credential is expired');
}

/** ISO 8601 as pyiso8601 reads it: extended or basic (20261205T003000Z), UTC unless a zone is given. */
export function parseIsoTime(text: string): number | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2})(?::?(\d{2}))?(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${(frac + '000').slice(0, 3)}Z`);
  if (Number.isNaN(ms)) return undefined;
  if (zone === 'Z') return ms;
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const offset = (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
  return z[1] === '+' ? ms - offset : ms + offset;
}
