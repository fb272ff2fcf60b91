import { hash, verify } from '@node-rs/bcrypt';

/** bcrypt off the event loop (libuv's thread pool); verifies Keystone's own $2b$ hashes. */
export class PasswordHasher {
  constructor(private readonly cost: number) {}
  hash(password: string): Promise<string> { return hash(password, { cost: this.cost, version: '2b' }); }
  async verify(password: string, digest: string): Promise<boolean> {
    try { return await verify(password, digest); } catch { return false; }
  }
}
