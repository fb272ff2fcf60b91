import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';

// Fernet (https://github.com/fernet/spec) as Keystone uses it: version 0x80, 64-bit timestamp,
// AES-128-CBC with PKCS7, HMAC-SHA256 over everything before it; base64url without padding.
// The key repository mirrors keystone-manage fernet_setup: files named 0..N, 0 is staged,
// the highest number is primary and signs new tokens; every key still decrypts.

const VERSION = 0x80;

export class FernetKeys {
  private keys: Buffer[] = [];
  constructor(private readonly dir: string, private readonly maxActiveKeys = 3) {}

  /** Creates the repository on first start and loads it; rotates when the primary is older than `rotateAfterMs`. */
  load(rotateAfterMs: number): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (this.indexes().length === 0) {
      this.writeKey(0);
      this.writeKey(1);
    }
    const primary = Math.max(...this.indexes());
    if (Date.now() - statSync(join(this.dir, String(primary))).mtimeMs > rotateAfterMs) this.rotate();
    this.keys = this.indexes().sort((a, b) => b - a).map((i) => Buffer.from(readFileSync(join(this.dir, String(i)), 'utf8').trim(), 'base64url'));
  }

  /** Staged key becomes primary, a new staged key is made, the oldest secondary keys are pruned. */
  rotate(): void {
    const idx = this.indexes();
    const next = Math.max(...idx) + 1;
    renameSync(join(this.dir, '0'), join(this.dir, String(next)));
    this.writeKey(0);
    const secondaries = this.indexes().filter((i) => i !== 0).sort((a, b) => a - b);
    while (secondaries.length > this.maxActiveKeys - 1) unlinkSync(join(this.dir, String(secondaries.shift())));
  }

  encrypt(plaintext: Buffer, now = Date.now()): string {
    const key = this.keys[0]!;
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', key.subarray(16, 32), iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const head = Buffer.alloc(9);
    head[0] = VERSION;
    head.writeBigUInt64BE(BigInt(Math.floor(now / 1000)), 1);
    const body = Buffer.concat([head, iv, ciphertext]);
    const mac = createHmac('sha256', key.subarray(0, 16)).update(body).digest();
    return Buffer.concat([body, mac]).toString('base64url');
  }

  /** The plaintext, or undefined when no key authenticates the token. */
  decrypt(token: string): Buffer | undefined {
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < 9 + 16 + 16 + 32 || raw[0] !== VERSION) return undefined;
    const body = raw.subarray(0, raw.length - 32);
    const mac = raw.subarray(raw.length - 32);
    for (const key of this.keys) {
      const expected = createHmac('sha256', key.subarray(0, 16)).update(body).digest();
      if (!timingSafeEqual(expected, mac)) continue;
      try {
        const decipher = createDecipheriv('aes-128-cbc', key.subarray(16, 32), body.subarray(9, 25));
        return Buffer.concat([decipher.update(body.subarray(25)), decipher.final()]);
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  private indexes(): number[] {
    return readdirSync(this.dir).filter((f) => /^\d+$/.test(f)).map(Number);
  }

  private writeKey(index: number): void {
    const tmp = join(this.dir, `.${index}.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    writeFileSync(fd, randomBytes(32).toString('base64url'));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(this.dir, String(index)));
  }
}
