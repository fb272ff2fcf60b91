// A self-signed X.509 certificate (RSA 2048, SHA-256), DER built by hand: what Nova returns when an
// x509 key pair is generated (nova/crypto.py generate_x509_cert, CN = the key pair's name).
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else { const bytes: number[] = []; for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff); len = Buffer.from([0x80 | bytes.length, ...bytes]); }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
function oid(text: string): Buffer {
  const ns = text.split('.').map(Number);
  const out = [ns[0]! * 40 + ns[1]!];
  for (const n of ns.slice(2)) {
    const bytes = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}
const utcTime = (d: Date) => tlv(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'));
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));

export function selfSignedCertificate(commonName: string, days = 3650): { certificate: string; privateKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alg = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const serial = randomBytes(8); serial[0]! &= 0x7f; serial[0]! |= 0x01;
  const now = new Date();
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), tlv(0x02, serial), alg, name(commonName),
    seq(utcTime(now), utcTime(new Date(now.getTime() + days * 86400_000))), name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, alg, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return { certificate: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string };
}
