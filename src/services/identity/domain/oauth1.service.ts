import { randomInt } from 'node:crypto';
import { BadRequest, Unauthorized } from '../../../core/errors/errors.js';
import type { TokenInfo } from '../../../core/auth/request-context.js';
import { NULL_DOMAIN, type AccessTokenRecord, type IdentityTables, type RequestTokenRecord } from '../store/tables.js';
import type { AssignmentsService } from './assignments.service.js';
import { isoTime, newId } from './ids.js';
import { checkOAuthParameters, OAuthRequestError, parseOAuthHeader, VERIFIER_CHARS, verifyOAuthSignature } from './oauth1-signatures.js';
import type { ProjectsService } from './projects.service.js';
import { accessTokenExpired, accessTokenNotFound, consumerNotFound, delegatedToken, expectingToFind, invalidOAuthSignature, requestTokenExpired, requestTokenNotFound, roleNotFound, targetNotFound, userIdsDoNotMatch } from './errors.js';

/** Keystone's ValidationError: "Expecting to find X in Y. ..." */
const missing = (attribute: string) => expectingToFind(attribute, 'request');

/** keystone.conf [oauth1]: request tokens last 8 hours, access tokens a day. */
const REQUEST_TOKEN_SECONDS = 28800;
const ACCESS_TOKEN_SECONDS = 86400;

/** The request as the consumer signed it. */
export interface SignedRequest {
  method: string;
  /** The URL the consumer signed: the one it called (the query counts, as OAuth says). */
  url: string;
  authorization?: string;
}

/**
 * OS-OAUTH1 (keystone/api/os_oauth1.py, oauth1/backends/sql.py): a consumer gets a request token
 * for a project, a user with roles there authorizes it with some of them (a verifier), the
 * consumer trades both for an access token, then gets Keystone tokens with it: tokens of the
 * authorizing user on that project with the delegated roles the user still has.
 */
export class OAuth1Service {
  constructor(private readonly t: IdentityTables, private readonly assignments: AssignmentsService, private readonly projects: ProjectsService) {}

  /** POST /v3/OS-OAUTH1/request_token. */
  async createRequestToken(req: SignedRequest, requestedProjectId: string | undefined): Promise<RequestTokenRecord> {
    const oauth = headerOf(req);
    if (!oauth.oauth_consumer_key) throw missing('oauth_consumer_key');
    if (!requestedProjectId) throw missing('Requested-Project-Id');
    await this.projects.get(requestedProjectId);
    const consumer = await this.t.consumers.get(oauth.oauth_consumer_key);
    if (!consumer) throw consumerNotFound();
    oauthlibChecks(oauth, 'request_token');
    if (!consumer.secret || !verifyOAuthSignature(req.method, req.url, oauth, consumer.secret)) throw invalidOAuthSignature();
    return this.t.requestTokens.insert({
      id: newId(), request_secret: newId(), verifier: null, authorizing_user_id: null, requested_project_id: requestedProjectId,
      role_ids: null, consumer_id: consumer.id, expires_at: isoTime(Date.now() + REQUEST_TOKEN_SECONDS * 1000),
    });
  }

  /** PUT /v3/OS-OAUTH1/authorize/{id}: the caller delegates roles it has on the requested project. */
  async authorize(requestTokenId: string, caller: TokenInfo, roles: { id?: string; name?: string }[]): Promise<string> {
    if (caller.trust || caller.oauth1 || caller.applicationCredential) {
      throw delegatedToken('authorize a request token');
    }
    const token = await this.requestToken(requestTokenId);
    const wanted = new Set<string>();
    for (const r of roles) {
      if (r.id) { wanted.add(r.id); continue; }
      const byName = (await this.t.roles.list({ name: r.name })).filter((x) => x.domain_id === NULL_DOMAIN);
      if (byName.length === 0) throw roleNotFound(r.name);
      wanted.add(byName[0]!.id);
    }
    const held = new Set(await this.assignments.effectiveRoleIds(caller.user.id, 'project', token.requested_project_id));
    if ([...wanted].some((id) => !held.has(id))) throw new Unauthorized('authorizing user does not have role required');
    // NOTE: as Keystone: 8 distinct characters of its alphabet.
    const alphabet = [...VERIFIER_CHARS];
    let verifier = '';
    for (let i = 0; i < 8; i++) verifier += alphabet.splice(randomInt(alphabet.length), 1)[0];
    await this.t.requestTokens.update(token.id, { authorizing_user_id: caller.user.id, verifier, role_ids: [...wanted] });
    return verifier;
  }

  /** POST /v3/OS-OAUTH1/access_token: the authorized request token (used up) for an access token. */
  async createAccessToken(req: SignedRequest): Promise<AccessTokenRecord> {
    const oauth = headerOf(req);
    for (const k of ['oauth_consumer_key', 'oauth_token', 'oauth_verifier']) if (!oauth[k]) throw missing(k);
    const token = await this.requestToken(oauth.oauth_token!);
    oauthlibChecks(oauth, 'access_token');
    const consumer = await this.t.consumers.get(oauth.oauth_consumer_key!);
    if (!consumer) throw new Unauthorized('Provided consumer does not exist.');
    if (token.consumer_id !== consumer.id) throw new Unauthorized('Provided consumer key does not match stored consumer key.');
    if (token.verifier !== oauth.oauth_verifier) throw new Unauthorized('Provided verifier does not match stored verifier');
    if (!consumer.secret || !verifyOAuthSignature(req.method, req.url, oauth, consumer.secret, token.request_secret)) {
      throw invalidOAuthSignature();
    }
    if (!token.authorizing_user_id) throw new Unauthorized('Request Token does not have an authorizing user id.');
    const access: AccessTokenRecord = {
      id: newId(), access_secret: newId(), authorizing_user_id: token.authorizing_user_id, project_id: token.requested_project_id,
      role_ids: token.role_ids ?? [], consumer_id: consumer.id, expires_at: isoTime(Date.now() + ACCESS_TOKEN_SECONDS * 1000),
    };
    await this.t.db.transaction().execute(async (tx) => {
      await tx.insertInto('oauth1_access_tokens').values({ ...access, role_ids: JSON.stringify(access.role_ids) }).execute();
      await tx.deleteFrom('oauth1_request_tokens').where('id', '=', token.id).execute();
    });
    return access;
  }

  /** The `oauth1` auth method: a request signed with an access token names its user and project. */
  async authenticate(req: SignedRequest): Promise<AccessTokenRecord> {
    const oauth = headerOf(req);
    if (!oauth.oauth_token) throw missing('oauth_token');
    const access = await this.accessToken(oauth.oauth_token);
    if (access.expires_at && Date.parse(access.expires_at) < Date.now()) throw accessTokenExpired();
    const consumer = await this.t.consumers.get(oauth.oauth_consumer_key ?? '');
    let valid = consumer?.id === access.consumer_id && !!consumer.secret;
    try { checkOAuthParameters(oauth, 'resource'); } catch (e) { if (e instanceof OAuthRequestError) valid = false; else throw e; }
    if (!valid || !verifyOAuthSignature(req.method, req.url, oauth, consumer!.secret!, access.access_secret)) {
      throw new Unauthorized('Could not validate the access token');
    }
    return access;
  }

  listAccessTokens(userId: string): Promise<AccessTokenRecord[]> {
    return this.t.accessTokens.list({ authorizing_user_id: userId });
  }

  async accessToken(id: string): Promise<AccessTokenRecord> {
    const access = await this.t.accessTokens.get(id);
    if (!access) throw accessTokenNotFound();
    return access;
  }

  /** An access token of the user: another user's is 404 (Keystone's bare NotFound). */
  async userAccessToken(userId: string, id: string): Promise<AccessTokenRecord> {
    const access = await this.accessToken(id);
    if (access.authorizing_user_id !== userId) throw targetNotFound();
    return access;
  }

  /** Deleting an access token ends the Keystone tokens made with it (they no longer validate). */
  async deleteAccessToken(userId: string, id: string): Promise<void> {
    const access = await this.accessToken(id);
    if (access.authorizing_user_id !== userId) throw userIdsDoNotMatch();
    await this.t.accessTokens.delete(id);
  }

  private async requestToken(id: string): Promise<RequestTokenRecord> {
    const token = await this.t.requestTokens.get(id);
    if (!token) throw requestTokenNotFound();
    if (token.expires_at && Date.parse(token.expires_at) < Date.now()) throw requestTokenExpired();
    return token;
  }
}

/**
 * The OAuth parameters of the Authorization header. NOTE: Keystone answers 500 without one (its
 * OAuthHeadersMissingError); a 400 in its ValidationError words says what is wrong.
 */
function headerOf(req: SignedRequest): Record<string, string> {
  const oauth = parseOAuthHeader(req.authorization);
  if (!oauth) throw missing('Authorization');
  return oauth;
}

/** oauthlib's refusal of a malformed request, as Keystone's validate_oauth_params words it (400). */
function oauthlibChecks(oauth: Record<string, string>, kind: 'request_token' | 'access_token'): void {
  try {
    checkOAuthParameters(oauth, kind);
  } catch (e) {
    if (e instanceof OAuthRequestError) throw new BadRequest(`Validation failed with errors: ${e.error}, detail message is: ${e.message}.`);
    throw e;
  }
}
