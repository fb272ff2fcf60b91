import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// The signatures POST /v3/ec2tokens and /v3/s3tokens check, computed with the EC2 credential's
// secret as Keystone does: keystoneclient's Ec2Signer (AWS signature versions 0, 1, 2 and 4) for
// ec2tokens, and keystone/api/s3tokens.py (an HMAC of the string to sign the S3 gateway passes)
// for s3tokens. Pure functions; a request they cannot read throws SignatureFormatError.

/** What an EC2 API gateway (ec2-api, swift3) forwards of the request it received. */
export interface Ec2Request {
  host?: string;
  verb?: string;
  path?: string;
  params?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body_hash?: string;
}

export class SignatureFormatError extends Error {}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** Python's urllib.parse.quote(value, safe='-_~'): everything but letters, digits and _.-~ escaped. */
function quote(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Ec2Signer._canonical_qs: the parameters sorted by name, each escaped. */
function canonicalQuery(params: Record<string, unknown>): string {
  return Object.keys(params).sort(codepointOrder).map((k) => `${quote(k)}=${quote(str(params[k]))}`).join('&');
}

function codepointOrder(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

/** The signature Keystone expects for this request (Ec2Signer.generate). */
export function ec2Signature(secret: string, req: Ec2Request): string {
  const params = { ...(req.params ?? {}) };
  const version = params.SignatureVersion === undefined ? undefined : str(params.SignatureVersion);
  const b64 = (alg: 'sha1' | 'sha256', data: string) => createHmac(alg, secret).update(data, 'utf8').digest('base64');
  if (version === '0') return b64('sha1', str(params.Action) + str(params.Timestamp));
  if (version === '1') {
    const keys = Object.keys(params).sort((a, b) => codepointOrder(a.toLowerCase(), b.toLowerCase()));
    return b64('sha1', keys.map((k) => k + str(params[k])).join(''));
  }
  if (version === '2') {
    // NOTE: Keystone always signs v2 with HmacSHA256 and says so in the parameters it signs.
    params.SignatureMethod = 'HmacSHA256';
    return b64('sha256', `${str(req.verb)}\n${str(req.host)}\n${str(req.path)}\n${canonicalQuery(params)}`);
  }
  if (isV4(req)) return v4Signature(secret, req, params);
  throw new SignatureFormatError(version === undefined ? 'Unexpected signature format' : `Unknown signature version: ${version}`);
}

function isV4(req: Ec2Request): boolean {
  const auth = req.headers?.Authorization;
  if (auth !== undefined) return typeof auth === 'string' && auth.startsWith('AWS4-HMAC-SHA256');
  return req.params?.['X-Amz-Algorithm'] === 'AWS4-HMAC-SHA256';
}

function v4Signature(secret: string, req: Ec2Request, params: Record<string, unknown>): string {
  const headers = req.headers ?? {};
  const verb = str(req.verb ?? '');
  const authParam = (name: string): string => {
    if (headers.Authorization !== undefined) {
      const auth = str(headers.Authorization);
      const at = auth.indexOf(`${name}=`);
      return at < 0 ? '' : auth.slice(at + name.length + 1).split(',')[0]!;
    }
    const v = params[`X-Amz-${name}`];
    if (v === undefined) throw new SignatureFormatError(`X-Amz-${name} missing`);
    return str(v);
  };
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase().trim(), str(v).trim()]));
  // NOTE: Boto before 2.9.3 signed the host without its port; Keystone strips it for that agent.
  const stripPort = /^Boto\/2\.[0-9]\.[0-2]/.test(lower.get('user-agent') ?? '');
  const signedHeaders = authParam('SignedHeaders');
  const canonicalHeaders = signedHeaders.split(';').filter((h) => lower.has(h))
    .map((h) => `${h}:${h === 'host' && stripPort ? lower.get(h)!.split(':')[0] : lower.get(h)}`).join('\n') + '\n';
  const canonicalRequest = [
    verb.toUpperCase(), str(req.path ?? ''), verb.toUpperCase() === 'POST' ? '' : canonicalQuery(params),
    canonicalHeaders, signedHeaders, str(req.body_hash ?? ''),
  ].join('\n');
  const credential = authParam('Credential').split('/');
  if (credential.length < 4) throw new SignatureFormatError('Credential scope malformed');
  const [, date, region, service] = credential as [string, string, string, string];
  const amzDate = headers['X-Amz-Date'] !== undefined ? str(headers['X-Amz-Date']) : params['X-Amz-Date'] !== undefined ? str(params['X-Amz-Date']) : undefined;
  if (amzDate === undefined || !amzDate.startsWith(date)) throw new SignatureFormatError('Request date mismatch error');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credential.slice(1).join('/'), createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  return createHmac('sha256', v4Key(secret, date, region, service)).update(stringToSign, 'utf8').digest('hex');
}

function v4Key(secret: string, date: string, region: string, service: string): Buffer {
  let key = createHmac('sha256', `AWS4${secret}`).update(date, 'utf8').digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part, 'utf8').digest();
  return key;
}

/**
 * The signature /v3/s3tokens expects for `stringToSign` (the bytes the S3 gateway signed): AWS
 * signature v1 (base64 HMAC-SHA1) or, for a string starting AWS4, v4 (hex HMAC-SHA256 with the key
 * derived from its scope, which must name s3, iam or sts).
 */
export function s3Signature(secret: string, stringToSign: Buffer): string {
  if (stringToSign.subarray(0, 4).toString('latin1') !== 'AWS4') {
    return createHmac('sha1', secret).update(stringToSign).digest('base64');
  }
  const parts = stringToSign.toString('latin1').split('\n');
  if (parts.length !== 4 || parts[0] !== 'AWS4-HMAC-SHA256') throw new SignatureFormatError('Invalid EC2 signature.');
  const scope = parts[2]!.split('/');
  if (scope.length !== 4 || scope[3] !== 'aws4_request' || !['s3', 'iam', 'sts'].includes(scope[2]!)) {
    throw new SignatureFormatError('Invalid EC2 signature.');
  }
  return createHmac('sha256', v4Key(secret, scope[0]!, scope[1]!, scope[2]!)).update(stringToSign).digest('hex');
}

/** Keystone's auth_str_equal: a comparison whose time does not depend on where they differ. */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
