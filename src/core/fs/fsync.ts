import { open } from 'node:fs/promises';

/**
 * fsyncs a file or a directory. A directory is opened read-only to fsync it; Linux allows that,
 * and it is what makes a rename in it durable.
 */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}
