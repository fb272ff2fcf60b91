import bcrypt from 'bcrypt';

/** bcrypt off the event loop (libuv's thread pool); writes and verifies Keystone's own $2b$ hashes. */
export class PasswordHasher {
  constructor(private readonly cost: number) {}
  hash(password: string): Promise<string> { return bcrypt.hash(password, this.cost); }
  async verify(password: string | undefined, digest: string): Promise<boolean> {
    if (password === undefined) return false;
    try { return await bcrypt.compare(password, digest); } catch { return false; }
  }
}
