// Key pairs: imported (ssh or x509) or generated (ssh-rsa, private key returned once), per user,
// fingerprinted as Nova does (md5 of the ssh key blob, sha1 of the certificate, colon hex).
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { BadRequest } from '../../../core/errors/errors.js';
import { type KeypairRecord, KeypairsStore } from '../store/keypairs.store.js';
import { selfSignedCertificate } from './x509.js';
import { pageAfter } from '../../../core/pagination/pagination.js';
import { keypairExists, keypairNotFound, keypairQuotaExceeded, markerNotFound } from './errors.js';

const colonHex = (buf: Buffer) => buf.toString('hex').match(/../g)!.join(':');

/** md5 colon-hex of the key blob of an OpenSSH public key line; undefined when not one. */
export function sshFingerprint(publicKey: string): string | undefined {
  const parts = publicKey.trim().split(/\s+/);
  if (parts.length < 2) return undefined;
  const [type, data] = parts as [string, string];
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return undefined;
  const blob = Buffer.from(data, 'base64');
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (n + 4 > blob.length || blob.subarray(4, 4 + n).toString('latin1') !== type) return undefined;
  if (!/^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/.test(type)) return undefined;
  return colonHex(createHash('md5').update(blob).digest());
}

export function x509Fingerprint(pem: string): string | undefined {
  try { return colonHex(Buffer.from(new X509Certificate(pem).fingerprint.replace(/:/g, ''), 'hex')); } catch { return undefined; }
}

function sshString(b: Buffer): Buffer { const len = Buffer.alloc(4); len.writeUInt32BE(b.length); return Buffer.concat([len, b]); }
function mpint(b64url: string): Buffer {
  let b = Buffer.from(b64url, 'base64url');
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return sshString(b);
}

/** A new RSA key: the OpenSSH public line and the PEM private key (PKCS#1, as paramiko writes it). */
export function generateSshRsa(comment = 'Generated-by-Nova'): { publicKey: string; privateKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(jwk.e), mpint(jwk.n)]);
  return { publicKey: `ssh-rsa ${blob.toString('base64')} ${comment}`, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string };
}

export interface KeypairCreate { userId: string; projectId?: string; name: string; type: 'ssh' | 'x509'; publicKey?: string }

export class KeypairsService {
  constructor(readonly store: KeypairsStore, private readonly limit: (userId: string, projectId?: string) => Promise<number>) {}

  async get(userId: string, name: string): Promise<KeypairRecord> {
    const k = await this.store.get(userId, name);
    if (!k) throw keypairNotFound(name, userId);
    return k;
  }

  find(userId: string, name: string) { return this.store.get(userId, name); }

  async list(userId: string, q: { limit?: number; marker?: string } = {}): Promise<KeypairRecord[]> {
    const rows = await this.store.list(userId);
    return pageAfter(rows, q, (r) => r.name, markerNotFound);
  }

  count(userId: string) { return this.store.count(userId); }

  /** Imports or generates; the private key (generated only) is returned once and never stored. */
  async create(c: KeypairCreate): Promise<KeypairRecord & { private_key?: string }> {
    const limit = await this.limit(c.userId, c.projectId);
    if (limit >= 0 && (await this.store.count(c.userId)) + 1 > limit) throw keypairQuotaExceeded();
    let publicKey = c.publicKey;
    let privateKey: string | undefined;
    let fingerprint: string | undefined;
    if (publicKey === undefined) {
      if (c.type === 'x509') ({ certificate: publicKey, privateKey } = selfSignedCertificate(c.name));
      else ({ publicKey, privateKey } = generateSshRsa());
    }
    if (c.type === 'x509') fingerprint = x509Fingerprint(publicKey);
    else fingerprint = sshFingerprint(publicKey);
    if (!fingerprint) throw new BadRequest('Keypair data is invalid: failed to generate fingerprint');
    if (await this.store.get(c.userId, c.name)) throw keypairExists(c.name);
    const r = await this.store.insert({ user_id: c.userId, name: c.name, fingerprint, public_key: publicKey, type: c.type, created_at: new Date().toISOString() });
    return privateKey ? { ...r, private_key: privateKey } : r;
  }

  async delete(userId: string, name: string): Promise<void> {
    if (!(await this.store.delete(userId, name))) throw keypairNotFound(name, userId);
  }
}
