import { createHmac } from 'node:crypto';
import { sameSignature } from './ec2-signatures.js';

// OAuth 1.0a request signing (RFC 5849) as Keystone checks it through oauthlib: the OAuth
// parameters come in the Authorization header; the signature is HMAC-SHA1 (or -SHA256) of the
// base string (method, base URI, the sorted parameters) keyed by the consumer's and the token's
// secrets. Pure functions; what oauthlib refuses as malformed is an OAuthRequestError.

/** oauthlib's error (`invalid_request` ...) and its description, which Keystone turns into a 400. */
export class OAuthRequestError extends Error {
  constructor(description: string, readonly error = 'invalid_request') { super(description); }
}

/** oauthlib's parse_authorization_header: `OAuth k="v", ...`, keys and values percent-decoded. */
export function parseOAuthHeader(header: string | undefined): Record<string, string> | undefined {
  if (!header || !/^OAuth\s/i.test(header)) return undefined;
  const out: Record<string, string> = {};
  for (const part of splitHttpList(header.replace(/^OAuth\s+/i, ''))) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = decode(part.slice(0, eq).trim());
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out[key] = decode(value);
  }
  return out;
}

/** A comma-separated list whose quoted strings may hold commas (urllib's parse_http_list). */
function splitHttpList(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted && c === '\\' && i + 1 < s.length) { cur += s[++i]; continue; }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function decode(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, '%20')); } catch { return s; }
}

/** RFC 5849 3.6: everything but ALPHA, DIGIT, '-', '.', '_' and '~' percent-encoded. */
export function oauthEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** RFC 5849 3.4.1: METHOD&base-URI&normalized-parameters. */
export function signatureBaseString(method: string, url: string, oauth: Record<string, string>): string {
  const u = new URL(url);
  const defaultPort = (u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443') || u.port === '';
  const baseUri = `${u.protocol.toLowerCase()}//${u.hostname.toLowerCase()}${defaultPort ? '' : `:${u.port}`}${u.pathname}`;
  const params: [string, string][] = [];
  for (const [k, v] of u.searchParams) params.push([k, v]);
  for (const [k, v] of Object.entries(oauth)) if (k !== 'oauth_signature' && k !== 'realm') params.push([k, v]);
  const normalized = params.map(([k, v]) => [oauthEscape(k), oauthEscape(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
  return `${method.toUpperCase()}&${oauthEscape(baseUri)}&${oauthEscape(normalized)}`;
}

const HMACS: Record<string, 'sha1' | 'sha256' | 'sha512'> = { 'HMAC-SHA1': 'sha1', 'HMAC-SHA256': 'sha256', 'HMAC-SHA512': 'sha512' };
/** oauthlib's SIGNATURE_METHODS, all allowed by Keystone's validator (RSA ones never verify: it has no RSA keys). */
const SIGNATURE_METHODS = ['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'RSA-SHA1', 'RSA-SHA256', 'RSA-SHA512', 'PLAINTEXT'];

/** The signature the request should carry, given the secrets (undefined for a method without one here). */
export function oauthSignature(method: string, url: string, oauth: Record<string, string>, consumerSecret: string, tokenSecret = ''): string | undefined {
  const key = `${oauthEscape(consumerSecret)}&${oauthEscape(tokenSecret)}`;
  if (oauth.oauth_signature_method === 'PLAINTEXT') return key;
  const alg = HMACS[oauth.oauth_signature_method ?? ''];
  return alg && createHmac(alg, key).update(signatureBaseString(method, url, oauth)).digest('base64');
}

export function verifyOAuthSignature(method: string, url: string, oauth: Record<string, string>, consumerSecret: string, tokenSecret = ''): boolean {
  const expected = oauthSignature(method, url, oauth, consumerSecret, tokenSecret);
  return expected !== undefined && sameSignature(oauth.oauth_signature ?? '', expected);
}

/** oauthlib's request checks before any lookup, with its words; `kind` adds the endpoint's own. */
export function checkOAuthParameters(oauth: Record<string, string>, kind: 'request_token' | 'access_token' | 'resource', nowMs = Date.now()): void {
  const required = ['oauth_signature', 'oauth_consumer_key', 'oauth_nonce', 'oauth_timestamp', 'oauth_signature_method'];
  if (required.some((k) => !oauth[k])) throw new OAuthRequestError('Missing mandatory OAuth parameters.');
  if (!SIGNATURE_METHODS.includes(oauth.oauth_signature_method!)) {
    const allowed = `(${SIGNATURE_METHODS.map((m) => `'${m}'`).join(', ')})`;
    throw new OAuthRequestError(`Invalid signature, ${oauth.oauth_signature_method} not in ${allowed}.`, 'invalid_signature_method');
  }
  if (oauth.oauth_version !== undefined && oauth.oauth_version !== '1.0') throw new OAuthRequestError('Invalid OAuth version.');
  if (oauth.oauth_timestamp!.length !== 10) throw new OAuthRequestError('Invalid timestamp size');
  if (!/^[+-]?\d+$/.test(oauth.oauth_timestamp!.trim())) throw new OAuthRequestError('Timestamp must be an integer.');
  if (Math.abs(nowMs / 1000 - Number(oauth.oauth_timestamp)) > 600) throw new OAuthRequestError('Timestamp given is invalid, differ from allowed by over 600 seconds.');
  // NOTE: Keystone's validator: keys and nonces are lowercase hex (its ids are uuid4().hex).
  if (!isKey(oauth.oauth_consumer_key!)) throw new OAuthRequestError('Invalid client key format.');
  if (!/^[0-9a-f]*$/.test(oauth.oauth_nonce!)) throw new OAuthRequestError('Invalid nonce format.');
  if (kind === 'request_token') {
    if (!oauth.oauth_callback) throw new OAuthRequestError('Missing callback URI.');
  } else if (kind === 'access_token') {
    if (!oauth.oauth_token) throw new OAuthRequestError('Missing resource owner.');
    if (!isKey(oauth.oauth_token)) throw new OAuthRequestError('Invalid resource owner key format.');
    if (!oauth.oauth_verifier) throw new OAuthRequestError('Missing verifier.');
    if (!new RegExp(`^[${VERIFIER_CHARS}]{8}$`).test(oauth.oauth_verifier)) throw new OAuthRequestError('Invalid verifier format.');
  } else {
    if (!oauth.oauth_token) throw new OAuthRequestError('Missing access token.');
    if (!isKey(oauth.oauth_token)) throw new OAuthRequestError('Invalid resource owner key format.');
  }
}

const isKey = (s: string) => /^[0-9a-f]{32}$/.test(s);

/** Keystone's verifier alphabet: letters and digits without the easily confused jiIl1oO0. */
export const VERIFIER_CHARS = 'abcdefghkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
